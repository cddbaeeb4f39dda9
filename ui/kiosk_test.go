package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/secrets"
	"github.com/rtspview/rtspview/internal/wall"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// kioskViewer opens cams as a wall in kiosk mode.
func kioskViewer(t *testing.T, cams ...wall.Camera) (*Viewer, fyne.Window) {
	t.Helper()
	w := &wall.Wall{Version: wall.Version, Layout: wall.LayoutAuto, Cameras: cams}
	v, win := newTestViewer(t, Options{Wall: w, Secrets: secrets.NewWithBackend(nil), Kiosk: true})
	return v, win
}

// inWindow reports whether o is drawn in the window's content.
func inWindow(win fyne.Window, o fyne.CanvasObject) bool {
	found := false
	walk(win.Canvas().Content(), func(x fyne.CanvasObject) {
		if x == o {
			found = true
		}
	})
	return found
}

// TestKioskShowsTheWallAlone: --kiosk is the wall fullscreen with no
// address bar, status line, Wall menu or tile menus; clicks, right-clicks
// and a passer-by's keys (Esc, F, Enter, Delete, Ctrl+Q, Alt+F4 as the
// window manager's close request) change nothing; Ctrl+Shift+Q closes
// the window.
func TestKioskShowsTheWallAlone(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{})
	v, win := kioskViewer(t,
		wall.Camera{Name: "Door", URL: srv.URL(), Transport: "tcp"},
		wall.Camera{Name: "Yard", URL: srv.URL(), Transport: "tcp"})
	onUI(v.Start)
	waitPlaying(t, v, 0)
	waitPlaying(t, v, 1)
	if !win.FullScreen() {
		t.Fatal("kiosk mode is not fullscreen")
	}
	for what, o := range map[string]fyne.CanvasObject{
		"address bar": v.address, "Play": v.play, "transport selector": v.transport,
		"status line": v.status, "layout selector": v.view.layoutSel,
	} {
		if inWindow(win, o) {
			t.Errorf("the %s is in the kiosk window", what)
		}
	}
	walk(win.Canvas().Content(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Visible() && b.Text == "Wall" {
			t.Error("the Wall button is in the kiosk window")
		}
	})
	tiles := v.Tiles()
	for i, tile := range tiles {
		if tile.deco.menu.Visible() {
			t.Errorf("tile %d shows its ⋮ menu button", i)
		}
		if tile.Selected() {
			t.Errorf("tile %d shows the selection ring", i)
		}
		onUI(tile.bar.Update)
		if tile.bar.Visible() {
			t.Errorf("tile %d shows its transport bar (pause, LIVE)", i)
		}
	}

	// A passer-by's hand: a click, a right-click and a double click on
	// the second tile reach no tile (no selection, no menu, no full view).
	onUI(func() {
		at := tiles[1].Position().Add(fyne.NewPos(tiles[1].Size().Width/2, tiles[1].Size().Height/2))
		test.TapCanvas(win.Canvas(), at)
		if o := v.win.Canvas().Content(); o != nil {
			if g, ok := findGuard(o); ok {
				test.TapSecondary(g)
				test.DoubleTap(g)
			} else {
				t.Error("no guard over the kiosk wall")
			}
		}
	})
	if sel := selectedIndex(v); sel != 0 || v.FullTile() != nil || win.Canvas().Overlays().Top() != nil {
		t.Fatalf("after clicks: selected %d, full %v, overlay %v", sel, v.FullTile() != nil, win.Canvas().Overlays().Top())
	}

	closed := false
	onUI(func() { v.kioskQuit = func() { closed = true } })
	for _, k := range []fyne.KeyName{fyne.KeyEscape, fyne.KeyF, fyne.KeyF11, fyne.KeyReturn, fyne.KeyDelete, fyne.KeyTab, fyne.KeyPageDown, fyne.KeyQ} {
		key(win, k)
	}
	sc := win.Canvas().(fyne.Shortcutable)
	onUI(func() {
		sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierControl})
		sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierAlt})
		sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyF4, Modifier: fyne.KeyModifierAlt})
		sc.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyW, Modifier: fyne.KeyModifierControl})
	})
	if !win.FullScreen() || v.FullTile() != nil || selectedIndex(v) != 0 || win.Canvas().Overlays().Top() != nil || closed {
		t.Fatalf("after the keys: fullscreen %v, full tile %v, selected %d, overlay %v, closed %v",
			win.FullScreen(), v.FullTile() != nil, selectedIndex(v), win.Canvas().Overlays().Top() != nil, closed)
	}
	onUI(func() { sc.TypedShortcut(KioskQuit) })
	if !closed {
		t.Fatal("Ctrl+Shift+Q did not close the kiosk window")
	}
}

func findGuard(o fyne.CanvasObject) (g *kioskGuard, ok bool) {
	walk(o, func(x fyne.CanvasObject) {
		if k, is := x.(*kioskGuard); is {
			g, ok = k, true
		}
	})
	return g, ok
}

// TestKioskSaysOnTheTileWhatNeedsAPerson: a camera that wants a password
// puts no dialog over a kiosk wall; its tile says so. The other camera
// plays on.
func TestKioskSaysOnTheTileWhatNeedsAPerson(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{})
	locked := rtsptest.StartDemo(t, demo.Config{Username: "viewer", Password: "kiosk-15"})
	v, win := kioskViewer(t,
		wall.Camera{Name: "Open", URL: srv.URL(), Transport: "tcp"},
		wall.Camera{Name: "Locked", URL: locked.URL(), Transport: "tcp", User: "viewer"})
	onUI(v.Start)
	waitPlaying(t, v, 0)
	tile := v.Tiles()[1]
	waitFor(t, 15*time.Second, "the tile to ask for a password", func() bool { return tile.Overlay() == kioskPasswordText })
	if top := win.Canvas().Overlays().Top(); top != nil {
		t.Fatalf("a dialog over the kiosk wall: %T", top)
	}
	if !strings.Contains(kioskPasswordText, "--kiosk") {
		t.Fatal("the tile does not say how to give the password")
	}
}

// TestKioskOpensAGivenUpCameraAgain: the player gives up on a 404 (a
// recorder that lost a channel for a while); on a kiosk wall the tile
// opens the camera again, and again, where a window with a person in
// front of it leaves the sentence up.
func TestKioskOpensAGivenUpCameraAgain(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{})
	missing := strings.TrimSuffix(srv.URL(), "/"+lastPath(srv.URL())) + "/no-such-channel"
	gens := func(v *Viewer) uint64 {
		v.mu.Lock()
		defer v.mu.Unlock()
		return v.tiles[0].gen
	}
	for _, kiosk := range []bool{false, true} {
		w := &wall.Wall{Version: wall.Version, Layout: wall.LayoutAuto, Cameras: []wall.Camera{{Name: "Gone", URL: missing, Transport: "tcp"}}}
		v, _ := newTestViewer(t, Options{Wall: w, Secrets: secrets.NewWithBackend(nil), Kiosk: kiosk})
		v.kioskWait = 50 * time.Millisecond
		onUI(v.Start)
		waitFor(t, 15*time.Second, "the 404", func() bool {
			v.mu.Lock()
			defer v.mu.Unlock()
			return v.tiles[0].status.Kind == player.KindNotFound
		})
		if !kiosk {
			time.Sleep(500 * time.Millisecond) // ten kiosk waits: a window that retried would have
			if g := gens(v); g != 1 {
				t.Fatalf("without --kiosk the camera was opened %d times", g)
			}
			continue
		}
		waitFor(t, 15*time.Second, "the camera opened three times", func() bool { return gens(v) >= 3 })
	}
}

func lastPath(u string) string { return u[strings.LastIndex(u, "/")+1:] }
