package ui

import (
	"fmt"
	"fyne.io/fyne/v2"
	"image/png"
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

// twoCameraWall writes a wall of two named cameras on srv and opens it.
func twoCameraWall(t *testing.T, srv *demo.Server) (*Viewer, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "wall.json")
	os.WriteFile(path, []byte(fmt.Sprintf(`{"version": 1, "cameras": [
  {"name": "Door", "url": %q, "transport": "tcp", "rotate": 90},
  {"name": "Yard", "url": %q, "transport": "tcp"}
]}`, srv.URL(), srv.URL())), 0o600)
	v, _ := newTestViewer(t, Options{Wall: loadWall(t, path), WallPath: path, Secrets: secrets.NewWithBackend(nil)})
	onUI(v.Start)
	return v, path
}

func TestMoveTileReordersTheWall(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{})
	v, path := twoCameraWall(t, srv)
	onUI(func() { v.selectTile(v.Tiles()[0]) })
	onUI(func() { v.moveTile(v.tiles[0], 1) })
	if w := loadWall(t, path); names(w) != "Yard,Door" || v.Tiles()[1].Name() != "Door" {
		t.Fatalf("after move right: %q", names(w))
	}
	if v.selected != 1 {
		t.Fatalf("the selection did not follow the camera: %d", v.selected)
	}
	if w := loadWall(t, path); strings.Join(w.Cameras[1].ExtraKeys(), ",") != "rotate" {
		t.Fatal("a moved camera lost its unknown keys")
	}
	onUI(func() { v.moveTile(v.tiles[0], -1) }) // already first: nothing
	onUI(func() { v.moveTile(v.tiles[1], -1) })
	if w := loadWall(t, path); names(w) != "Door,Yard" {
		t.Fatalf("after move left: %q", names(w))
	}
}

func TestEditAddressSavesAndReplaysInPlace(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{})
	v, path := twoCameraWall(t, srv)
	waitPlaying(t, v, 0)
	ts := v.tiles[0]
	moved := strings.Replace(srv.URL(), "127.0.0.1", "localhost", 1)
	sub := moved + "?sub=1"
	onUI(func() { v.editAddress(ts, moved, sub, player.TransportUDP) })
	w := loadWall(t, path)
	c := w.Cameras[0]
	if c.Name != "Door" || c.URL != moved || c.SubURL != sub || c.Transport != "udp" || strings.Join(c.ExtraKeys(), ",") != "rotate" {
		t.Fatalf("after edit: %+v %v", c, c.ExtraKeys())
	}
	if len(v.Tiles()) != 2 || v.tiles[0] != ts || ts.url != moved {
		t.Fatal("the edit did not play in the same tile")
	}
	waitPlaying(t, v, 0)
	if ts.stream.Stats().Transport != "udp" {
		t.Fatalf("playing over %q", ts.stream.Stats().Transport)
	}
	// Only the sub-stream: saved, nothing reopened.
	s := ts.stream
	onUI(func() { v.editAddress(ts, moved, "", player.TransportUDP) })
	if loadWall(t, path).Cameras[0].SubURL != "" || ts.stream != s {
		t.Fatal("clearing the sub-stream")
	}
}

// TestSnapshotSavesThePicture: the PNG has the camera's size (the demo's
// 1280×720), not the tile's, which the decoder scales the picture to.
func TestSnapshotSavesThePicture(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_PICTURES_DIR", dir)
	srv := rtsptest.StartDemo(t, demo.Config{})
	v, _ := twoCameraWall(t, srv)
	// The first picture may come before the tile's size reaches the
	// decoder; the next ones are the tile's.
	waitFor(t, 15*time.Second, "a picture scaled to the tile", func() bool {
		w := v.Tiles()[1].Image().Bounds().Dx()
		return w > 16 && w < 1280
	})
	snap := func() string {
		var done <-chan string
		onUI(func() { done = v.snapshot(v.tiles[1]) })
		select {
		case path := <-done:
			return path
		case <-time.After(10 * time.Second):
			t.Fatal("no snapshot in 10 s")
			return ""
		}
	}
	path := snap()
	if filepath.Dir(path) != dir || !strings.HasPrefix(filepath.Base(path), "Yard 20") {
		t.Fatalf("saved as %q", path)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() != 720 {
		t.Fatalf("snapshot is %v, want the camera's 1280x720", b)
	}
	if again := snap(); again == "" || again == path {
		t.Fatalf("a second snapshot: %q", again)
	}
}

func TestSnapshotName(t *testing.T) {
	at := time.Date(2026, 11, 29, 20, 15, 3, 0, time.UTC)
	for name, want := range map[string]string{
		"Front door": "Front door 2026-11-29 20-15-03.png",
		"a/b:c":      "a_b_c 2026-11-29 20-15-03.png",
		"":           "camera 2026-11-29 20-15-03.png",
	} {
		if got := snapshotName(name, at); got != want {
			t.Errorf("%q: %q", name, got)
		}
	}
}

// TestTileMenuOffersTheActions: the ⋮ menu holds every action, with the
// moves that make no sense greyed out.
func TestTileMenuOffersTheActions(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{})
	v, _ := twoCameraWall(t, srv)
	var items []string
	for _, it := range v.tileMenu(v.tiles[0]).Items {
		label := it.Label
		if it.Disabled {
			label += " (off)"
		}
		items = append(items, label)
	}
	got := strings.Join(items, ",")
	for _, want := range []string{"Show full", "Rename…", "Edit address…", "Snapshot", "Move left (off)", "Move right", "Remove"} {
		if !strings.Contains(got, want) {
			t.Errorf("menu %q lacks %q", got, want)
		}
	}
	// Show full fills the window with the tile; its menu then goes back.
	var show *fyne.MenuItem
	for _, it := range v.tileMenu(v.tiles[0]).Items {
		if it.Label == "Show full" {
			show = it
		}
	}
	onUI(show.Action)
	if v.FullTile() != v.tiles[0].tile {
		t.Fatal("Show full did not show the tile full")
	}
	back := v.tileMenu(v.tiles[0]).Items[0]
	if back.Label != "Back to the grid" {
		t.Fatalf("the full tile's menu starts with %q", back.Label)
	}
	onUI(back.Action)
	if v.FullTile() != nil {
		t.Fatal("Back to the grid did not")
	}
}
