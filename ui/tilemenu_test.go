package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/secrets"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestRemoveShowsTheNextCamera: after a tile is removed, the address bar
// shows the camera selected now, not the removed one, and Play leaves that
// camera's address alone.
func TestRemoveShowsTheNextCamera(t *testing.T) {
	a := rtsptest.StartDemo(t, demo.Config{})
	b := rtsptest.StartDemo(t, demo.Config{})
	v, _ := newTestViewer(t, Options{Secrets: secrets.NewWithBackend(nil)})
	onUI(func() {
		v.openWith(a.URL(), "", "", true, player.TransportTCP, 0)
		v.openWith(b.URL(), "", "", true, player.TransportUDP, 0)
		v.selectTile(v.Tiles()[0])
	})
	if v.address.Text != a.URL() {
		t.Fatalf("the bar shows %q, want the selected %q", v.address.Text, a.URL())
	}
	onUI(func() { v.removeTile(v.tiles[0]) })
	if v.address.Text != b.URL() || v.transport.Selected != "UDP" {
		t.Fatalf("after Remove the bar shows %q over %q, want the selected %q over UDP", v.address.Text, v.transport.Selected, b.URL())
	}
	onUI(func() { test.Tap(v.play) })
	v.mu.Lock()
	n, url := len(v.tiles), v.tiles[0].url
	v.mu.Unlock()
	if n != 1 || url != b.URL() {
		t.Fatalf("after Play: %d tiles, the selected plays %q, want %q", n, url, b.URL())
	}
	onUI(func() { v.removeTile(v.tiles[0]) })
	if v.address.Text != "" {
		t.Fatalf("the last tile removed, the bar still shows %q", v.address.Text)
	}
}
