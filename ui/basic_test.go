package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/bluenviron/gortsplib/v5/pkg/auth"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/secrets"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestBasicInClearAsksAndIsKept: a camera on plain rtsp:// that offers
// only Basic gets no password until the person allows it. The dialog
// names the host and says the password then crosses the network in
// clear; Don't allow leaves the tile failed with its sentence; Allow
// plays, and the choice is kept in the wall file, so the next session
// plays without asking.
func TestBasicInClearAsksAndIsKept(t *testing.T) {
	const pw = "basic-pw-17"
	srv := rtsptest.StartDemo(t, demo.Config{Username: "viewer", Password: pw, AuthMethods: []auth.VerifyMethod{auth.VerifyMethodBasic}})
	path := filepath.Join(t.TempDir(), "wall.json")
	os.WriteFile(path, []byte(fmt.Sprintf(`{"version": 1, "cameras": [
  {"name": "Door", "url": %q, "transport": "tcp", "user": "viewer", "password_ref": "keyring"}
]}`, srv.URL())), 0o600)
	kr := &memKeyring{items: map[string]string{secrets.Service + "/" + secrets.Key(srv.URL(), "viewer"): pw}}
	v, w := newTestViewer(t, Options{Wall: loadWall(t, path), WallPath: path, Secrets: secrets.NewWithBackend(kr)})
	onUI(v.Start)

	texts, buttons := waitDialog(t, w, basicConfirm)
	text := strings.Join(texts, " ")
	host := addressHost(srv.URL())
	for _, want := range []string{basicTitle, host, "in clear", "anyone on the path can read it"} {
		if !strings.Contains(text, want) {
			t.Fatalf("the question lacks %q: %q", want, text)
		}
	}
	ts := v.tiles[0]
	if st := ts.stream.Status(); st.State != player.StateFailed || ts.tile.Overlay() != st.Text || !strings.Contains(st.Text, "Basic") {
		t.Fatalf("tile %v %q", st.State, ts.tile.Overlay())
	}
	onUI(func() { buttons[basicCancel].OnTapped() })
	if n := len(w.Canvas().Overlays().List()); n != 0 || ts.stream.Status().State != player.StateFailed {
		t.Fatalf("Don't allow: %d dialogs, tile %v", n, ts.stream.Status().State)
	}
	if b, _ := os.ReadFile(path); strings.Contains(string(b), "allow_basic") {
		t.Fatalf("Don't allow was saved as allowed:\n%s", b)
	}

	// Play again: the question comes back; Allow plays and is kept.
	onUI(func() {
		v.address.SetText(srv.URL())
		test.Tap(v.play)
	})
	_, buttons = waitDialog(t, w, basicConfirm)
	onUI(func() { buttons[basicConfirm].OnTapped() })
	waitPlaying(t, v, 0)
	if !loadWall(t, path).Cameras[0].AllowBasic {
		b, _ := os.ReadFile(path)
		t.Fatalf("Allow not kept in the wall file:\n%s", b)
	}

	v2, w2 := newTestViewer(t, Options{Wall: loadWall(t, path), WallPath: path, Secrets: secrets.NewWithBackend(kr)})
	onUI(v2.Start)
	waitPlaying(t, v2, 0)
	if n := len(w2.Canvas().Overlays().List()); n != 0 {
		t.Fatalf("%d dialogs in the next session", n)
	}
	waitFor(t, time.Second, "no overlay", func() bool { return v2.Tiles()[0].Overlay() == "" })
}
