package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/secrets"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestSubStreamOnAnotherHostGetsNoPassword: a wall file (someone else's)
// names the person's camera, whose password is in the keyring, and points its sub_url at another host. In a 5×5 layout
// the tile switches to the sub-stream; the camera's password must not go
// there, even as a Digest answer. The window asks, naming the host; the
// tile keeps its main stream; only after Send does the login go.
func TestSubStreamOnAnotherHostGetsNoPassword(t *testing.T) {
	const pw = "keyring-pw-17"
	main := rtsptest.StartDemo(t, demo.Config{Username: "viewer", Password: pw})
	other := rtsptest.StartChallenger(t, "127.0.0.2:0", `Digest realm="cam", nonce="0123456789abcdef"`)
	path := filepath.Join(t.TempDir(), "wall.json")
	os.WriteFile(path, []byte(fmt.Sprintf(`{"version": 1, "layout": "5x5", "cameras": [
  {"name": "Door", "url": %q, "sub_url": "rtsp://%s/sub", "transport": "tcp", "user": "viewer", "password_ref": "keyring"}
]}`, main.URL(), other.Addr)), 0o600)
	kr := &memKeyring{items: map[string]string{secrets.Service + "/" + secrets.Key(main.URL(), "viewer"): pw}}
	v, w := newTestViewer(t, Options{Wall: loadWall(t, path), WallPath: path, Secrets: secrets.NewWithBackend(kr)})
	onUI(v.Start)
	waitPlaying(t, v, 0)
	ts := v.tiles[0]
	mainStream := ts.stream
	waitFor(t, 20*time.Second, "a question about the sub-stream's host", func() bool {
		v.checkSubStreams()
		if other.SawAuthorization() {
			t.Fatalf("the camera's password went to the sub_url's host:\n%s", other.Received())
		}
		texts, buttons := dialogParts(w)
		return buttons[credentialsConfirm] != nil && len(texts) > 0
	})
	texts, buttons := dialogParts(w)
	text := strings.Join(texts, " ")
	if !strings.Contains(text, other.Addr) || !strings.Contains(text, "sub-stream") || strings.Contains(text, pw) {
		t.Fatalf("the question does not name the sub-stream's host %s: %q", other.Addr, text)
	}
	if other.Connections() == 0 {
		t.Fatal("the sub-stream was never dialed: the test proves nothing")
	}
	if other.SawAuthorization() {
		t.Fatalf("the camera's password went to the sub_url's host:\n%s", other.Received())
	}
	if ts.stream != mainStream || mainStream.Status().State != player.StatePlaying || !ts.ho.subFailed {
		t.Fatal("the tile left its main stream")
	}

	// The person knows that host: the sub-stream is tried with the login.
	onUI(func() { buttons[credentialsConfirm].OnTapped() })
	waitFor(t, 20*time.Second, "the login sent to the host the person allowed", other.SawAuthorization)
}
