package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/rtspview/rtspview/internal/secrets"
	"github.com/rtspview/rtspview/internal/wall"
)

// newWallViewer opens a wall of n cameras at an address where nothing
// listens: the tiles and their streams exist (reconnecting, cheaply),
// which is all the layout needs.
func newWallViewer(t *testing.T, n int, w *wall.Wall, path string) (*Viewer, fyne.Window) {
	t.Helper()
	if w == nil {
		w = &wall.Wall{Version: wall.Version, Layout: wall.LayoutAuto}
		for i := range n {
			w.Cameras = append(w.Cameras, wall.Camera{Name: fmt.Sprintf("cam%d", i+1), URL: fmt.Sprintf("rtsp://127.0.0.1:9/cam%d", i+1), Transport: "tcp"})
		}
	}
	v, win := newTestViewer(t, Options{Wall: w, WallPath: path, Secrets: secrets.NewWithBackend(nil)})
	onUI(v.Start)
	return v, win
}

// shown returns the tiles in the grid now.
func shown(v *Viewer) []*Tile {
	var out []*Tile
	onUI(func() {
		for _, o := range v.grid.Objects {
			out = append(out, o.(*Tile))
		}
	})
	return out
}

// hidden reports, per tile, whether its stream was told it is hidden.
func hidden(v *Viewer) []bool {
	var out []bool
	onUI(func() {
		v.mu.Lock()
		defer v.mu.Unlock()
		for _, ts := range v.tiles {
			out = append(out, ts.stream.Hidden())
		}
	})
	return out
}

func key(win fyne.Window, name fyne.KeyName) {
	onUI(func() { win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: name}) })
}

func TestPageLayoutPlacesTiles(t *testing.T) {
	p := theme.Padding()
	size := fyne.NewSize(900+2*p, 600+2*p) // cells of 300×200 in a 3×3 grid
	cases := []struct {
		layout string
		n      int
		want   []fyne.Position // top-left of each tile
		sizes  []fyne.Size
	}{
		{"2x2", 4,
			[]fyne.Position{{X: 0, Y: 0}, {X: 450 + 1.5*p, Y: 0}, {X: 0, Y: 300 + 1.5*p}, {X: 450 + 1.5*p, Y: 300 + 1.5*p}},
			[]fyne.Size{{Width: 450 + 0.5*p, Height: 300 + 0.5*p}}},
		{"1+5", 6,
			// The big tile over 2×2 cells; two small ones to its right,
			// three along the bottom.
			[]fyne.Position{{X: 0, Y: 0}, {X: 600 + 2*p, Y: 0}, {X: 600 + 2*p, Y: 200 + p}, {X: 0, Y: 400 + 2*p}, {X: 300 + p, Y: 400 + 2*p}, {X: 600 + 2*p, Y: 400 + 2*p}},
			[]fyne.Size{{Width: 600 + p, Height: 400 + p}, {Width: 300, Height: 200}}},
		{"1+7", 8,
			nil,
			// 4×4 cells of (900+2p-3p)/4 wide: the big one spans three.
			[]fyne.Size{{Width: 3*(900-p)/4 + 2*p, Height: 3*(600-p)/4 + 2*p}, {Width: (900 - p) / 4, Height: (600 - p) / 4}}},
	}
	for _, c := range cases {
		t.Run(c.layout, func(t *testing.T) {
			spec := specFor(c.layout, c.n)
			if spec.capacity() != c.n {
				t.Fatalf("%s holds %d tiles, want %d", c.layout, spec.capacity(), c.n)
			}
			objs := make([]fyne.CanvasObject, c.n)
			for i := range objs {
				objs[i] = NewTile()
			}
			(&pageLayout{spec: spec}).Layout(objs, size)
			for i, want := range c.want {
				if got := objs[i].Position(); !near(got.X, want.X) || !near(got.Y, want.Y) {
					t.Errorf("tile %d at %v, want %v", i, got, want)
				}
			}
			for i, want := range c.sizes {
				if got := objs[i].Size(); !near(got.Width, want.Width) || !near(got.Height, want.Height) {
					t.Errorf("tile %d is %v, want %v", i, got, want)
				}
			}
			if c.layout == "1+7" {
				last := objs[7].Position()
				if lastCol := objs[7].Size().Width*3 + 3*p; !near(last.X, lastCol) {
					t.Errorf("the 7th small tile at %v, want the bottom-right cell", last)
				}
			}
		})
	}
}

func near(a, b float32) bool { return a-b < 0.5 && b-a < 0.5 }

func TestAutoLayoutByCount(t *testing.T) {
	for _, c := range []struct{ n, cols, rows, per int }{
		{0, 1, 1, 1}, {1, 1, 1, 1}, {2, 2, 1, 2}, {4, 2, 2, 4}, {5, 3, 2, 6}, {9, 3, 3, 9}, {16, 4, 4, 16}, {40, 4, 4, 16},
	} {
		g := specFor("auto", c.n)
		if g.cols != c.cols || g.rows != c.rows || g.capacity() != c.per {
			t.Errorf("%d cameras: %d×%d holding %d, want %d×%d holding %d", c.n, g.cols, g.rows, g.capacity(), c.cols, c.rows, c.per)
		}
	}
	if g := specFor("9+1", 3); g != specFor("auto", 3) {
		t.Errorf("an unknown layout is %+v, want auto's", g)
	}
}

func TestPagesTurnWithArrowsAndOnlyShownTilesDecode(t *testing.T) {
	v, win := newWallViewer(t, 6, nil, "")
	tiles := v.Tiles()
	// A wall opens with its first camera selected; a new layout shows
	// the page of the selected tile.
	if v.selected != 0 {
		t.Fatalf("tile %d selected at start, want the first", v.selected)
	}
	onUI(func() { v.selectTile(tiles[5]); v.view.layoutSel.SetSelected("2×2") })
	if p, n := v.Page(); p != 2 || n != 2 {
		t.Fatalf("page %d / %d, want 2 / 2", p, n)
	}
	onUI(func() {
		v.selectTile(tiles[0])
		v.view.layoutSel.SetSelected("3×3")
		v.view.layoutSel.SetSelected("2×2")
	})
	if p, n := v.Page(); p != 1 || n != 2 {
		t.Fatalf("page %d / %d, want 1 / 2", p, n)
	}
	if got := shown(v); len(got) != 4 || got[0] != tiles[0] || got[3] != tiles[3] {
		t.Fatalf("first page shows %d tiles", len(got))
	}
	if h := hidden(v); fmt.Sprint(h) != "[false false false false true true]" {
		t.Fatalf("hidden %v", h)
	}
	if v.view.pageLabel.Text != "1 / 2" || !v.view.pageBox.Visible() {
		t.Fatalf("page indicator %q (visible %v)", v.view.pageLabel.Text, v.view.pageBox.Visible())
	}

	// ← → move the selection (ui/selection_test.go); PageDown turns.
	key(win, fyne.KeyPageDown)
	if got := shown(v); len(got) != 2 || got[0] != tiles[4] || v.view.pageLabel.Text != "2 / 2" {
		t.Fatalf("after PageDown: %d tiles, %q", len(got), v.view.pageLabel.Text)
	}
	if h := hidden(v); fmt.Sprint(h) != "[true true true true false false]" {
		t.Fatalf("hidden %v", h)
	}
	if v.selected != 4 {
		t.Fatalf("selected %d, want the page's first tile", v.selected)
	}
	key(win, fyne.KeyPageDown) // wraps round
	if p, _ := v.Page(); p != 1 {
		t.Fatalf("after PageDown on the last page: page %d", p)
	}
	key(win, fyne.KeyPageUp)
	if p, _ := v.Page(); p != 2 {
		t.Fatalf("after PageUp: page %d", p)
	}
	key(win, fyne.KeyPageUp)
	if p, _ := v.Page(); p != 1 {
		t.Fatalf("after PageUp: page %d", p)
	}
	onUI(func() { test.Tap(v.view.next) })
	if p, _ := v.Page(); p != 2 {
		t.Fatalf("after the next button: page %d", p)
	}

	onUI(func() { v.view.layoutSel.SetSelected("3×3") })
	if p, n := v.Page(); p != 1 || n != 1 || v.view.pageBox.Visible() {
		t.Fatalf("3×3 of 6: page %d / %d, indicator visible %v", p, n, v.view.pageBox.Visible())
	}
	if h := hidden(v); fmt.Sprint(h) != "[false false false false false false]" {
		t.Fatalf("hidden %v", h)
	}
}

func TestFullViewAndBack(t *testing.T) {
	v, win := newWallViewer(t, 6, nil, "")
	tiles := v.Tiles()
	onUI(func() { v.view.layoutSel.SetSelected("2×2") })

	onUI(func() { test.DoubleTap(tiles[2]) })
	if v.FullTile() != tiles[2] || len(shown(v)) != 1 || v.selected != 2 {
		t.Fatalf("double-tap: full %v, %d shown, selected %d", v.FullTile() != nil, len(shown(v)), v.selected)
	}
	if h := hidden(v); fmt.Sprint(h) != "[true true false true true true]" {
		t.Fatalf("behind the full tile, hidden %v", h)
	}
	if v.view.pageBox.Visible() {
		t.Fatal("page indicator over a full tile")
	}
	// ← → in the full view: ui/selection_test.go.
	onUI(func() { test.DoubleTap(tiles[2]) })
	if v.FullTile() != nil || len(shown(v)) != 4 {
		t.Fatalf("second double-tap: still full, %d shown", len(shown(v)))
	}

	// Enter on the selected tile, on page 2; Esc back to page 2.
	key(win, fyne.KeyPageDown)
	onUI(func() { v.selectTile(tiles[5]) })
	key(win, fyne.KeyReturn)
	if v.FullTile() != tiles[5] {
		t.Fatal("Enter did not show the selected tile full")
	}
	key(win, fyne.KeyEscape)
	if p, _ := v.Page(); v.FullTile() != nil || p != 2 || len(shown(v)) != 2 {
		t.Fatalf("Esc: full %v, page %d, %d shown", v.FullTile() != nil, p, len(shown(v)))
	}

	// A removed full tile gives the grid back.
	onUI(func() { test.DoubleTap(tiles[4]) })
	onUI(func() { v.removeTile(v.tiles[4]) })
	if v.FullTile() != nil || len(v.Tiles()) != 5 {
		t.Fatalf("after removing the full tile: full %v, %d tiles", v.FullTile() != nil, len(v.Tiles()))
	}

	key(win, fyne.KeyF)
	if !win.FullScreen() {
		t.Fatal("F did not make the window fullscreen")
	}
	key(win, fyne.KeyEscape)
	if win.FullScreen() {
		t.Fatal("Esc did not leave fullscreen")
	}
	key(win, fyne.KeyF11)
	key(win, fyne.KeyF11)
	if win.FullScreen() {
		t.Fatal("F11 twice: still fullscreen")
	}
}

func TestTourTurnsPages(t *testing.T) {
	v, _ := newWallViewer(t, 5, nil, "")
	onUI(func() { v.view.layoutSel.SetSelected("2×2") })
	// A short period so the test does not wait; the bound below is a
	// failure limit, not a timing assertion.
	onUI(func() { v.setTour(10 * time.Millisecond) })
	seen := map[int]bool{}
	for i := 0; i < 500 && len(seen) < 2; i++ {
		var p int
		onUI(func() { p, _ = v.Page() })
		seen[p] = true
		time.Sleep(10 * time.Millisecond)
	}
	if !seen[1] || !seen[2] {
		t.Fatalf("the tour showed pages %v, want 1 and 2", seen)
	}
	onUI(func() { v.setTour(0) })
}

func TestLayoutPageAndTourSavedAndReloaded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wall.json")
	w := &wall.Wall{Version: wall.Version, Layout: wall.LayoutAuto}
	for i := range 7 {
		w.Cameras = append(w.Cameras, wall.Camera{URL: fmt.Sprintf("rtsp://127.0.0.1:9/cam%d", i+1), Transport: "tcp"})
	}
	if err := wall.Save(path, w); err != nil {
		t.Fatal(err)
	}
	v, win := newWallViewer(t, 0, loadWall(t, path), path)
	onUI(func() { v.selectTile(v.Tiles()[0]); v.view.layoutSel.SetSelected("1+5") })
	key(win, fyne.KeyPageDown)
	onUI(func() { v.view.tourSel.SetSelected("Tour 20 s") })
	saved := loadWall(t, path)
	if saved.Layout != "1+5" || saved.Page != 2 || saved.TourSeconds != 20 || len(saved.Cameras) != 7 {
		t.Fatalf("saved layout %q page %d tour %d, %d cameras", saved.Layout, saved.Page, saved.TourSeconds, len(saved.Cameras))
	}
	onUI(func() { v.setTour(0) })

	before, _ := os.ReadFile(path)
	v2, _ := newWallViewer(t, 0, saved, path)
	if p, n := v2.Page(); v2.view.layoutSel.Selected != "1+5" || p != 2 || n != 2 || v2.view.tourSel.Selected != "Tour 20 s" {
		t.Fatalf("reopened: %q, page %d / %d, %q", v2.view.layoutSel.Selected, p, n, v2.view.tourSel.Selected)
	}
	if got := shown(v2); len(got) != 1 || got[0] != v2.Tiles()[6] || v2.selected != 6 {
		t.Fatalf("reopened page 2 shows %d tiles, selected %d", len(got), v2.selected)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Fatalf("reopening rewrote the wall:\n%s", after)
	}
}

// TestWallComesBackAfterAPowerCut: the layout, the page and the selected
// camera a person chose are in the wall file as soon as they are chosen
// (written whole: no temporary file is left beside it). A window that is
// never closed — the power went — is followed by a new one on the same
// file, which opens on that layout, page and camera.
func TestWallComesBackAfterAPowerCut(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "wall.json")
	w := &wall.Wall{Version: wall.Version, Layout: wall.LayoutAuto}
	for i := range 7 {
		w.Cameras = append(w.Cameras, wall.Camera{URL: fmt.Sprintf("rtsp://127.0.0.1:9/cam%d", i+1), Transport: "tcp"})
	}
	if err := wall.Save(path, w); err != nil {
		t.Fatal(err)
	}
	v, win := newWallViewer(t, 0, loadWall(t, path), path)
	onUI(func() { v.view.layoutSel.SetSelected("2×2") })
	key(win, fyne.KeyPageDown)
	tiles := v.Tiles()
	onUI(func() { test.Tap(tiles[5]) }) // the second camera of page 2
	// No Close: what a restart finds is what is on disk now.
	if left, _ := filepath.Glob(filepath.Join(dir, ".wall-*")); len(left) > 0 {
		t.Fatalf("a half-written wall is left: %v", left)
	}
	saved := loadWall(t, path)
	if saved.Layout != "2x2" || saved.Page != 2 || saved.Selected != 6 {
		t.Fatalf("on disk: layout %q, page %d, selected %d; want 2x2, 2, 6", saved.Layout, saved.Page, saved.Selected)
	}
	v2, _ := newWallViewer(t, 0, saved, path)
	if p, n := v2.Page(); v2.view.layoutSel.Selected != "2×2" || p != 2 || n != 2 {
		t.Fatalf("started again: %q, page %d / %d", v2.view.layoutSel.Selected, p, n)
	}
	if got := shown(v2); len(got) != 3 || got[0] != v2.Tiles()[4] || selectedIndex(v2) != 5 || !v2.Tiles()[5].Selected() {
		t.Fatalf("started again: %d tiles shown, selected %d", len(got), selectedIndex(v2))
	}
}

// TestAddedCameraIsShownOnItsPage: a 5th camera added to a full 2×2 wall
// turns the wall to page 2, where it is the one framed (it stayed on page
// 1 with no tile framed, while the status line described the hidden new
// camera), and the page is saved with it.
func TestAddedCameraIsShownOnItsPage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wall.json")
	v, _ := newWallViewer(t, 4, nil, path)
	onUI(func() { v.view.layoutSel.SetSelected("2×2") })
	onUI(func() {
		v.address.SetText("rtsp://127.0.0.1:9/cam5")
		test.Tap(v.add)
	})
	tiles := v.Tiles()
	if len(tiles) != 5 {
		t.Fatalf("%d tiles after Add", len(tiles))
	}
	if p, n := v.Page(); p != 2 || n != 2 {
		t.Fatalf("after adding the 5th camera: page %d / %d, want 2 / 2", p, n)
	}
	if got := shown(v); len(got) != 1 || got[0] != tiles[4] || selectedIndex(v) != 4 || !tiles[4].Selected() {
		t.Fatalf("page shows %d tiles, selected %d, framed %v", len(got), selectedIndex(v), tiles[4].Selected())
	}
	if h := hidden(v); fmt.Sprint(h) != "[true true true true false]" {
		t.Fatalf("hidden %v", h)
	}
	if w := loadWall(t, path); w.Page != 2 || len(w.Cameras) != 5 || w.Selected != 5 {
		t.Fatalf("saved page %d, %d cameras, selected %d", w.Page, len(w.Cameras), w.Selected)
	}
}

// TestLoneTileOnALastPageIsFramed: on page 2 of a 2×2 wall of five, the
// one tile is framed, and framed again when clicked (it never was); a
// 1×1 page or a full tile still needs no frame.
func TestLoneTileOnALastPageIsFramed(t *testing.T) {
	v, win := newWallViewer(t, 5, nil, "")
	tiles := v.Tiles()
	onUI(func() { v.selectTile(tiles[0]); v.view.layoutSel.SetSelected("2×2") })
	key(win, fyne.KeyPageDown)
	if !tiles[4].Selected() || selectedIndex(v) != 4 {
		t.Fatalf("page 2: tile 5 framed %v, selected %d", tiles[4].Selected(), selectedIndex(v))
	}
	onUI(func() { test.Tap(tiles[4]) })
	if got := ringed(v); got != "4" {
		t.Fatalf("page 2 after a click: ring on %q, want the 5th tile", got)
	}
	onUI(func() { test.DoubleTap(tiles[4]) })
	if got := ringed(v); got != "" {
		t.Fatalf("full view: ring on %q", got)
	}
	onUI(func() { test.DoubleTap(tiles[4]); v.view.layoutSel.SetSelected("1×1") })
	if got := ringed(v); got != "" {
		t.Fatalf("1×1: ring on %q", got)
	}
}

// TestEmptySlotsAreDrawn: 1+5 with three cameras draws the three cells
// it does not fill (the bottom row was bare background), and so does the
// last page of 2×2; a full page, a full tile and an empty wall have none.
func TestEmptySlotsAreDrawn(t *testing.T) {
	v, _ := newWallViewer(t, 3, nil, "")
	onUI(func() { v.win.Resize(fyne.NewSize(900, 700)) })
	slots := func() []fyne.CanvasObject {
		var out []fyne.CanvasObject
		onUI(func() {
			v.view.slots.Refresh()
			v.view.slots.Layout.Layout(v.view.slots.Objects, v.grid.Size())
			out = append(out, v.view.slots.Objects...)
		})
		return out
	}
	onUI(func() { v.view.layoutSel.SetSelected("1+5") })
	got := slots()
	if len(got) != 3 {
		t.Fatalf("1+5 with 3 cameras: %d empty slots, want 3", len(got))
	}
	// Cells 3, 4, 5 of 1+5: the bottom row, left to right, each a small
	// cell's size, below the big tile.
	var big fyne.Size
	var small fyne.Size
	onUI(func() { big, small = v.Tiles()[0].Size(), v.Tiles()[1].Size() })
	for i, s := range got {
		if !s.Visible() || s.Position().Y < big.Height || !near(s.Size().Width, small.Width) || !near(s.Size().Height, small.Height) {
			t.Fatalf("slot %d at %v, %v (visible %v); big tile %v, small %v", i, s.Position(), s.Size(), s.Visible(), big, small)
		}
		if i > 0 && s.Position().X <= got[i-1].Position().X {
			t.Fatalf("slots not left to right: %v then %v", got[i-1].Position(), s.Position())
		}
	}
	onUI(func() { v.view.layoutSel.SetSelected("3×3") })
	if n := len(slots()); n != 6 {
		t.Fatalf("3×3 with 3 cameras: %d slots, want 6", n)
	}
	onUI(func() { v.view.layoutSel.SetSelected("1×1") })
	if n := len(slots()); n != 0 {
		t.Fatalf("1×1: %d slots", n)
	}
	onUI(func() { v.view.layoutSel.SetSelected("2×2"); test.DoubleTap(v.Tiles()[0]) })
	if n := len(slots()); n != 0 {
		t.Fatalf("a full tile: %d slots", n)
	}
	empty, _ := newWallViewer(t, 0, nil, "")
	if n := len(empty.view.slots.Objects); n != 0 {
		t.Fatalf("an empty wall: %d slots", n)
	}
}
