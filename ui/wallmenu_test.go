package ui

import (
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/secrets"
	"github.com/rtspview/rtspview/internal/wall"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestImportAsksFirst: importing a wall lists its cameras and the hosts it
// names and opens nothing before the person picks; Cancel changes
// nothing, Add puts the cameras after the wall's own, Replace puts them in
// its place. A camera of the file on another host that claims a keyring
// password for the person's user gets none: keyring entries are bound to
// user@host:port. Nor does the file's "allow_basic" count: the person was
// not asked.
func TestImportAsksFirst(t *testing.T) {
	const pw = "import-pw-17"
	cam := rtsptest.StartDemo(t, demo.Config{Username: "viewer", Password: pw})
	// Basic only: whatever password reached it would be there to read.
	other := rtsptest.StartChallenger(t, "127.0.0.2:0", `Basic realm="cam"`)
	path := filepath.Join(t.TempDir(), "wall.json")
	os.WriteFile(path, []byte(fmt.Sprintf(`{"version": 1, "cameras": [
  {"name": "Door", "url": %q, "transport": "tcp", "user": "viewer", "password_ref": "keyring"}
]}`, cam.URL())), 0o600)
	kr := &memKeyring{items: map[string]string{secrets.Service + "/" + secrets.Key(cam.URL(), "viewer"): pw}}
	v, w := newTestViewer(t, Options{Wall: loadWall(t, path), WallPath: path, Secrets: secrets.NewWithBackend(kr)})
	onUI(v.Start)
	waitPlaying(t, v, 0)

	imported, err := wall.Parse([]byte(fmt.Sprintf(`{"version": 1, "layout": "5x5", "cameras": [
  {"name": "Gate\u202e\u0007", "url": "rtsp://%s/cam", "transport": "tcp", "user": "viewer", "password_ref": "keyring", "allow_basic": true},
  {"name": "Door again", "url": %q, "sub_url": "rtsp://%s/sub", "transport": "tcp", "user": "viewer", "password_ref": "keyring"}
]}`, other.Addr, cam.URL(), other.Addr)))
	if err != nil {
		t.Fatal(err)
	}
	ask := func() map[string]*widget.Button {
		t.Helper()
		onUI(func() { v.askImport("their-wall.json", imported) })
		texts, buttons := waitDialog(t, w, importReplace)
		text := strings.Join(texts, "\n")
		for _, want := range []string{"their-wall.json lists 2 cameras", "1. Gate — " + other.Addr, "2. Door again — " + addressHost(cam.URL()) + ", sub-stream on " + other.Addr,
			"Hosts it connects to: " + other.Addr + ", " + addressHost(cam.URL())} {
			if !strings.Contains(text, want) {
				t.Fatalf("the import dialog lacks %q:\n%s", want, text)
			}
		}
		if strings.ContainsAny(text, "\u202e\u0007") {
			t.Fatalf("a camera name painted with its control characters: %q", text)
		}
		if buttons[importAdd] == nil || buttons[importCancel] == nil {
			t.Fatal("no Add or Cancel")
		}
		return buttons
	}
	before, _ := os.ReadFile(path)

	buttons := ask()
	onUI(func() { buttons[importCancel].OnTapped() })
	if after, _ := os.ReadFile(path); len(v.Tiles()) != 1 || string(after) != string(before) || other.Connections() != 0 {
		t.Fatalf("Cancel: %d tiles, %d connections to the file's host, wall\n%s", len(v.Tiles()), other.Connections(), after)
	}

	buttons = ask()
	onUI(func() { buttons[importAdd].OnTapped() })
	if n := len(v.Tiles()); n != 3 || v.Tiles()[1].Name() != "Gate" || v.Tiles()[2].Name() != "Door again" {
		t.Fatalf("Add: %d tiles", n)
	}
	saved := loadWall(t, path)
	// The saved names are the cleaned ones: the file is the person's now.
	if names(saved) != "Door,Gate,Door again" || saved.Layout != "auto" {
		t.Fatalf("Add saved %q, layout %q", names(saved), saved.Layout)
	}
	waitPlaying(t, v, 2) // the same camera: its own keyring password
	waitFor(t, 15*time.Second, "the file's camera on another host asked", func() bool {
		return v.tiles[1].status.State == player.StateFailed && other.Connections() > 0
	})
	if other.SawAuthorization() || strings.Contains(other.Received(), base64.StdEncoding.EncodeToString([]byte("viewer:"+pw))) {
		t.Fatalf("a password went to the file's other host:\n%s", other.Received())
	}
	if !errors.Is(v.tiles[1].status.Err, player.ErrBasicInClear) {
		t.Fatalf("the file's allow_basic was taken: %v", v.tiles[1].status.Err)
	}
	if saved := loadWall(t, path); saved.Cameras[1].AllowBasic {
		t.Fatal("the file's allow_basic was saved as the person's choice")
	}
	_, buttons = waitDialog(t, w, basicConfirm) // the person is asked
	onUI(func() { buttons[basicCancel].OnTapped() })

	one := &wall.Wall{Version: 1, Layout: "1x1", Cameras: []wall.Camera{{Name: "Only", URL: cam.URL(), Transport: "tcp"}}}
	onUI(func() { v.askImport("one.json", one) })
	_, buttons = waitDialog(t, w, importReplace)
	onUI(func() { buttons[importReplace].OnTapped() })
	if saved := loadWall(t, path); len(v.Tiles()) != 1 || names(saved) != "Only" || saved.Layout != "1x1" {
		t.Fatalf("Replace: %d tiles, saved %q", len(v.Tiles()), names(saved))
	}
}

// TestImportCap: Add is refused, saying why, when the wall would pass
// wall.MaxCameras; Replace stays possible.
func TestImportCap(t *testing.T) {
	v, w := newTestViewer(t, Options{Secrets: secrets.NewWithBackend(nil)})
	big := &wall.Wall{}
	for i := range wall.MaxCameras {
		big.Cameras = append(big.Cameras, wall.Camera{URL: fmt.Sprintf("rtsp://cam%d.invalid/", i)})
	}
	onUI(func() {
		v.mu.Lock()
		v.tiles = append(v.tiles, &tileState{tile: NewTile()}) // one camera already on the wall
		v.mu.Unlock()
		v.askImport("big.json", big)
	})
	texts, buttons := waitDialog(t, w, importReplace)
	if !buttons[importAdd].Disabled() || buttons[importReplace].Disabled() {
		t.Fatal("Add must be off and Replace on")
	}
	if text := strings.Join(texts, " "); !strings.Contains(text, "Adding would make 257 cameras, and a wall holds at most 256") {
		t.Fatalf("no reason given: %q", text)
	}
}

// FuzzImportSummary feeds hostile wall files through the import path the
// person sees (wall.Parse, then the dialog's text): it never paints a
// control or direction character, never a password written in an
// address, and lists every camera.
func FuzzImportSummary(f *testing.F) {
	f.Add([]byte(`{"cameras": [{"name": "\u202egnp.exe\u0007\n", "url": "rtsp://admin:pa/s?s#w rd@\u0430pple.com/1", "sub_url": "rtsp://u:secret-pw@127.0.0.2:8554/"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := wall.Parse(data)
		if err != nil {
			return
		}
		cameras, hosts := importSummary(w)
		text := cameras + hosts
		for _, r := range text {
			if r != '\n' && cleanText(string(r)) == "" {
				t.Fatalf("painted %U: %q", r, text)
			}
		}
		for _, c := range w.Cameras {
			for _, a := range []string{c.URL, c.SubURL} {
				if p := urlPassword(a); len(p) >= 4 && strings.Contains(text, p) {
					t.Fatalf("password %q of %q in the import dialog: %q", p, a, text)
				}
			}
		}
		if n := strings.Count(cameras, "\n") + 1; len(w.Cameras) > 0 && n < len(w.Cameras) {
			t.Fatalf("%d cameras listed in %d lines", len(w.Cameras), n)
		}
	})
}

// TestWallMenuSaysWhereReadably: the "Saved in …" line is an item a
// person can read (not a disabled grey one) and choosing it copies the
// path.
func TestWallMenuSaysWhereReadably(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wall.json")
	v, _ := newTestViewer(t, Options{WallPath: path})
	items := v.wallMenu().Items
	last := items[len(items)-1]
	if !strings.Contains(last.Label, path) || last.Disabled || last.Action == nil {
		t.Fatalf("last item %q disabled %v", last.Label, last.Disabled)
	}
	onUI(last.Action)
	if got := fyne.CurrentApp().Clipboard().Content(); got != path {
		t.Fatalf("clipboard %q", got)
	}
}
