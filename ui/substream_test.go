package ui

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/secrets"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// shownPicture is false only for Attach's 16×9 placeholder: the black frame
// a switch must not show.
func shownPicture(tile *Tile) bool {
	img, ok := tile.Image().(*image.RGBA)
	return ok && img.Rect.Dx() > 16
}

// TestTransportSelectorSwitchesTheSelectedTile: picking another transport
// reopens the selected tile's camera at once, with the password typed
// for it (no dialog), keeps the old picture until the new one comes,
// leaves the other tile alone and saves the transport.
func TestTransportSelectorSwitchesTheSelectedTile(t *testing.T) {
	const pw = "selector-pw-9"
	srv := rtsptest.StartDemo(t, demo.Config{Username: "viewer", Password: pw})
	path := filepath.Join(t.TempDir(), "wall.json")
	kr := &memKeyring{items: map[string]string{}}
	v, w := newTestViewer(t, Options{WallPath: path, Secrets: secrets.NewWithBackend(kr)})
	onUI(func() {
		v.Start()
		v.openWith(srv.URL(), "viewer", pw, true, player.TransportTCP, 0)
		v.openWith(srv.URL(), "viewer", pw, true, player.TransportTCP, 0)
	})
	waitPlaying(t, v, 0)
	waitPlaying(t, v, 1)
	waitPicture(t, v.Tiles()[0])
	other := v.tiles[1].stream
	ts := v.tiles[0]
	old := ts.stream
	onUI(func() {
		v.selectTile(ts.tile)
		v.transport.SetSelected("UDP")
		if ts.stream == old || ts.tile.Stream() != old || !shownPicture(ts.tile) {
			t.Error("the switch did not keep the old picture while the new stream connects")
		}
	})
	if ts.transport != player.TransportUDP || ts.user != "viewer" || ts.pass != pw {
		t.Fatalf("switched to %v as %q", ts.transport, ts.user)
	}
	waitFor(t, 15*time.Second, "the new stream on the tile", func() bool {
		// waitFor runs this on the (test's) UI thread.
		if !shownPicture(ts.tile) {
			t.Error("a black frame during the switch")
		}
		return ts.tile.Stream() == ts.stream
	})
	waitPlaying(t, v, 0)
	if got := ts.stream.Stats().Transport; got != "udp" {
		t.Fatalf("playing over %q", got)
	}
	waitFor(t, 10*time.Second, "the old stream closed", func() bool { return old.Status().State == player.StateClosed })
	if n := len(w.Canvas().Overlays().List()); n != 0 {
		t.Fatalf("%d dialogs: the password was asked again", n)
	}
	if v.tiles[1].stream != other {
		t.Fatal("the other tile was reopened")
	}
	cams := loadWall(t, path).Cameras
	if cams[0].Transport != "udp" || cams[1].Transport != "tcp" {
		t.Fatalf("saved %q %q", cams[0].Transport, cams[1].Transport)
	}
	if b, _ := os.ReadFile(path); strings.Contains(string(b), pw) {
		t.Fatal("password in the wall file")
	}
	// Selecting the other tile shows its transport and reopens nothing.
	onUI(func() { v.selectTile(v.tiles[1].tile) })
	if v.tiles[1].stream != other || v.transport.Selected != "TCP" {
		t.Fatalf("selecting a tile: %q", v.transport.Selected)
	}
}

// TestSubStreamFollowsTileWidth: a camera with a sub_url plays the main
// stream in a wide tile and the sub-stream in a narrow one, with the same
// password, never showing a black frame in between. gst-rtsp-server serves
// the pair at 1280×720 and 320×180.
func TestSubStreamFollowsTileWidth(t *testing.T) {
	const pw = "sub-pw-4"
	main := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 1280, Height: 720, FPS: 10, User: "viewer", Password: pw})
	sub := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 180, FPS: 10, User: "viewer", Password: pw})
	path := filepath.Join(t.TempDir(), "wall.json")
	os.WriteFile(path, []byte(fmt.Sprintf(`{"version": 1, "cameras": [
  {"name": "Door", "url": %q, "sub_url": %q, "transport": "tcp", "user": "viewer"}
]}`, main, sub)), 0o600)
	kr := &memKeyring{items: map[string]string{}}
	v, w := newTestViewer(t, Options{Wall: loadWall(t, path), WallPath: path, Secrets: secrets.NewWithBackend(kr)})
	w.Resize(fyne.NewSize(1000, 700))
	onUI(func() {
		v.Start()
		v.openWith(main, "viewer", pw, false, player.TransportTCP, 0) // as if typed in the dialog
	})
	waitPlaying(t, v, 0)
	ts := v.tiles[0]
	streamWidth := func() int { return ts.tile.Stream().Stats().Width }
	waitFor(t, 15*time.Second, "the main stream", func() bool { return streamWidth() == 1280 })

	switchTo := func(size fyne.Size, width int, what string) {
		t.Helper()
		onUI(func() { w.Resize(size) })
		waitFor(t, 20*time.Second, what, func() bool {
			v.checkSubStreams()
			if !shownPicture(ts.tile) {
				t.Error("a black frame during the switch")
			}
			return ts.tile.Stream() == ts.stream && ts.stream.Status().State == player.StatePlaying && streamWidth() == width
		})
	}
	switchTo(fyne.NewSize(500, 400), 320, "the sub-stream in a narrow tile")
	if !ts.ho.playingSub || ts.url != main {
		t.Fatal("the tile forgot its camera's main address")
	}
	if n := len(w.Canvas().Overlays().List()); n != 0 {
		t.Fatalf("%d dialogs: the sub-stream asked for the password", n)
	}
	if c := loadWall(t, path).Cameras[0]; c.URL != main || c.SubURL != sub {
		t.Fatalf("the wall changed: %+v", c)
	}
	switchTo(fyne.NewSize(1000, 700), 1280, "the main stream in a wide tile")
}

// TestSubStreamDebounced: one tick of a narrow tile does not switch.
func TestSubStreamDebounced(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{})
	path := filepath.Join(t.TempDir(), "wall.json")
	os.WriteFile(path, []byte(fmt.Sprintf(`{"version": 1, "cameras": [{"url": %q, "sub_url": %q, "transport": "tcp"}]}`, srv.URL(), srv.URL())), 0o600)
	v, w := newTestViewer(t, Options{Wall: loadWall(t, path), WallPath: path, Secrets: secrets.NewWithBackend(nil)})
	onUI(v.Start)
	waitPlaying(t, v, 0)
	ts := v.tiles[0]
	var s *player.Stream
	onUI(func() {
		w.Resize(fyne.NewSize(400, 300))
		ts.ho.ticks = 0
		s = ts.stream
		v.checkSubStreams()
	})
	onUI(func() {
		if ts.stream != s {
			t.Error("switched on the first tick")
		}
		w.Resize(fyne.NewSize(1000, 700)) // back before the second
		v.checkSubStreams()
		if ts.stream != s || ts.ho.ticks != 0 {
			t.Error("a drag back and forth switched the stream")
		}
	})
}

// TestBrokenSubStreamKeepsTheMain: a sub_url where nothing answers does
// not take the camera off the wall: the tile stays on its main stream.
func TestBrokenSubStreamKeepsTheMain(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{})
	dead := fmt.Sprintf("rtsp://127.0.0.1:%d/sub", rtsptest.FreePort(t))
	path := filepath.Join(t.TempDir(), "wall.json")
	os.WriteFile(path, []byte(fmt.Sprintf(`{"version": 1, "cameras": [{"url": %q, "sub_url": %q, "transport": "tcp"}]}`, srv.URL(), dead)), 0o600)
	v, w := newTestViewer(t, Options{Wall: loadWall(t, path), WallPath: path, Secrets: secrets.NewWithBackend(nil)})
	onUI(v.Start)
	waitPlaying(t, v, 0)
	ts := v.tiles[0]
	main := ts.stream
	onUI(func() { w.Resize(fyne.NewSize(400, 300)) })
	waitFor(t, 20*time.Second, "the sub-stream given up", func() bool {
		v.checkSubStreams()
		return ts.ho.subFailed
	})
	waitPlaying(t, v, 0)
	if ts.stream != main || ts.tile.Stream() != main || !shownPicture(ts.tile) || ts.tile.Overlay() != "" {
		t.Fatalf("the tile left its main stream (overlay %q)", ts.tile.Overlay())
	}
}
