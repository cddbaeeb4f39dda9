package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/secrets"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestAddAsksForTheNewAddress: Add while the bar shows the playing
// camera empties the bar for the new one (it put the same camera on the
// wall twice); the address typed then, and Enter, add a tile.
func TestAddAsksForTheNewAddress(t *testing.T) {
	a := rtsptest.StartDemo(t, demo.Config{})
	b := rtsptest.StartDemo(t, demo.Config{})
	v, w := newTestViewer(t, Options{URLs: []string{a.URL()}, Transport: player.TransportTCP, Secrets: secrets.NewWithBackend(nil)})
	onUI(v.Start)
	onUI(func() { test.Tap(v.add) })
	if n := len(v.Tiles()); n != 1 {
		t.Fatalf("Add with the playing camera's address made %d tiles", n)
	}
	if v.address.Text != "" || w.Canvas().Focused() != v.address || !strings.Contains(statusText(v), "new camera's address") {
		t.Fatalf("after Add: bar %q, focused %T, status %q", v.address.Text, w.Canvas().Focused(), statusText(v))
	}
	onUI(func() {
		typeFocused(w, b.URL())
		v.address.OnSubmitted(v.address.Text) // Enter
	})
	v.mu.Lock()
	var urls []string
	for _, ts := range v.tiles {
		urls = append(urls, ts.url)
	}
	v.mu.Unlock()
	if strings.Join(urls, " ") != a.URL()+" "+b.URL() {
		t.Fatalf("tiles play %v, want the first camera and the new one", urls)
	}
	// A typed address is added at once.
	onUI(func() {
		v.address.SetText(a.URL())
		test.Tap(v.add)
	})
	if n := len(v.Tiles()); n != 3 {
		t.Fatalf("Add of a typed address: %d tiles", n)
	}
}

// TestAddExplainsABadAddress: Add of something that is not an address
// says why on the status line, and the line keeps saying it (the selected
// tile's once-a-second status wrote over it at once) until the text
// changes.
func TestAddExplainsABadAddress(t *testing.T) {
	a := rtsptest.StartDemo(t, demo.Config{})
	v, _ := newTestViewer(t, Options{URLs: []string{a.URL()}, Transport: player.TransportTCP, Secrets: secrets.NewWithBackend(nil)})
	onUI(v.Start)
	waitPlaying(t, v, 0)
	onUI(func() {
		v.address.SetText("hello camera")
		test.Tap(v.add)
		v.refreshStatus() // the tick
	})
	if n := len(v.Tiles()); n != 1 || !strings.Contains(statusText(v), "rtsp://") {
		t.Fatalf("%d tiles, status %q", n, statusText(v))
	}
	onUI(func() {
		v.address.SetText(a.URL())
		v.refreshStatus()
	})
	if !strings.HasPrefix(statusText(v), "Playing") {
		t.Fatalf("the bar's text changed, the status still says %q", statusText(v))
	}
}

// TestTunnelFieldsDoNotMoveTheWall: picking a tunnel transport (or
// selecting a tile that plays over one) shows the tunnel port and proxy
// without pushing the wall down under the pointer (a row of its own moved
// it 39 px).
func TestTunnelFieldsDoNotMoveTheWall(t *testing.T) {
	v, w := newTestViewer(t, Options{})
	w.Resize(fyne.NewSize(1280, 720))
	wallAt := func() fyne.Position {
		return fyne.CurrentApp().Driver().AbsolutePositionForObject(v.keys.area)
	}
	w.Content().Refresh()
	before := wallAt()
	onUI(func() { v.transport.SetSelected("HTTP tunnel") })
	if !v.tunnelRow.Visible() || !v.tunnelPort.Visible() {
		t.Fatal("the tunnel fields are not shown for the HTTP tunnel")
	}
	w.Content().Refresh()
	if after := wallAt(); after != before {
		t.Fatalf("the wall moved from %v to %v", before, after)
	}
	if x := fyne.CurrentApp().Driver().AbsolutePositionForObject(v.address); x.Y > before.Y {
		t.Fatal("the address bar is below the wall")
	}
}
