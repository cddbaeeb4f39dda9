package ui

import "fyne.io/fyne/v2"

// DoubleTapped shows the tile full, or the grid again when it is full.
func (t *Tile) DoubleTapped(*fyne.PointEvent) {
	if t.onDoubleTap != nil {
		t.onDoubleTap(t)
	}
}

// toggleFull shows t filling the grid's place, or the grid when t is
// the one shown full. The others on its page stop decoding while hidden
// (arrange).
func (v *Viewer) toggleFull(t *Tile) {
	if v.view.full == t {
		v.leaveFull()
		return
	}
	v.selectTile(t)
	v.view.full = t
	v.arrange()
}

// leaveFull shows the grid again, on the page that holds the tile that
// was full, so a person comes back to where that camera is.
func (v *Viewer) leaveFull() {
	wv := &v.view
	t := wv.full
	if t == nil {
		return
	}
	wv.full = nil
	tiles := v.Tiles()
	if i := indexOf(tiles, t); i >= 0 {
		wv.page = i / specFor(wv.layout, len(tiles)).capacity()
	}
	v.arrange()
}

// FullTile returns the tile shown full, or nil (for tests).
func (v *Viewer) FullTile() *Tile { return v.view.full }

// wallKey takes the wall's keys before the selected tile's transport bar:
// Enter shows the selected tile full and Esc goes back (or leaves the
// window's fullscreen); F and F11 toggle fullscreen; PageUp / PageDown
// turn pages in a grid of more than one page. The arrows and Tab move the
// selection (selectionKey, ui/selection.go). It reports whether it took
// the key.
func (v *Viewer) wallKey(ev *fyne.KeyEvent) bool {
	wv := &v.view
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if wv.full != nil {
			return true
		}
		v.mu.Lock()
		var t *Tile
		if v.selected < len(v.tiles) {
			t = v.tiles[v.selected].tile
		}
		v.mu.Unlock()
		if t != nil {
			v.toggleFull(t)
		}
		return true
	case fyne.KeyEscape:
		if wv.full != nil {
			v.leaveFull()
		} else if v.win.FullScreen() {
			v.win.SetFullScreen(false)
		}
		return true
	case fyne.KeyF, fyne.KeyF11:
		v.win.SetFullScreen(!v.win.FullScreen())
		return true
	case fyne.KeyPageUp, fyne.KeyPageDown:
		by := 1
		if ev.Name == fyne.KeyPageUp {
			by = -1
		}
		v.turnPage(by, true)
		return true
	}
	return false
}
