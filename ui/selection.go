package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// ringWidth is the selected tile's frame, in Fyne units: thick enough to
// find on a wall of sixteen, thin enough to hide little of the picture.
const ringWidth = 2

// tileRing is the frame round the selected tile, and the tint over the
// tile a dragged one would land on.
type tileRing struct {
	rect     *canvas.Rectangle
	selected bool
	target   bool
}

func newTileRing() tileRing {
	r := tileRing{rect: canvas.NewRectangle(color.Transparent)}
	r.rect.StrokeWidth = ringWidth
	r.rect.Hide()
	return r
}

// set shows the ring as selected and/or drop target, in the theme's
// primary colour (read at each change, so it follows a theme switch).
func (r *tileRing) set(selected, target bool) {
	if r.selected == selected && r.target == target {
		return
	}
	r.selected, r.target = selected, target
	primary := theme.Color(theme.ColorNamePrimary)
	r.rect.StrokeColor = primary
	r.rect.FillColor = color.Transparent
	if target {
		cr, cg, cb, _ := primary.RGBA()
		r.rect.FillColor = color.NRGBA{R: uint8(cr >> 8), G: uint8(cg >> 8), B: uint8(cb >> 8), A: 0x50}
	}
	if selected || target {
		r.rect.Show()
	} else {
		r.rect.Hide()
	}
	r.rect.Refresh()
}

// Selected reports whether the tile shows the selection ring (for tests).
func (t *Tile) Selected() bool { return t.ring.rect.Visible() && t.ring.selected }

// markTiles draws the ring round the selected tile when the page holds
// more than one (a lone or full tile needs no pointer), and passes the
// stats overlay's switch (key I) to every tile. UI thread; arrange and
// selectTile call it.
func (v *Viewer) markTiles() {
	v.mu.Lock()
	tiles := make([]*Tile, len(v.tiles))
	for i, ts := range v.tiles {
		tiles[i] = ts.tile
	}
	sel := v.selected
	v.mu.Unlock()
	// The ring is drawn where the page holds more than one tile: also
	// round the one tile of a last page (the page shows the layout's
	// other cells empty), never round a full tile or in 1×1. No ring in
	// kiosk mode: nothing acts on the selection there.
	many := v.view.full == nil && v.view.cells > 1 && !v.opts.Kiosk
	for i, t := range tiles {
		t.ring.set(many && i == sel, t.ring.target)
		t.info.setAll(v.keys.statsAll)
	}
}

// selectionKey moves the selection: Tab / Shift+Tab and ← → to the next or
// previous tile, turning the page past a page's first or last, ↑ ↓ by one
// row of the layout. In the full view Tab and ← → show the next or
// previous camera full. On a recording ← → stay the tile's (seek ±10 s).
func (v *Viewer) selectionKey(ev *fyne.KeyEvent) bool {
	v.mu.Lock()
	n, sel := len(v.tiles), v.selected
	recorded := n > 0 && v.tiles[sel].tile.bar.Mode() == barRecorded
	v.mu.Unlock()
	if n == 0 {
		return false
	}
	switch ev.Name {
	case fyne.KeyTab:
		by := 1
		if v.keys.mods()&fyne.KeyModifierShift != 0 {
			by = -1
		}
		v.selectIndex(sel + by)
	case fyne.KeyLeft, fyne.KeyRight:
		if recorded {
			return false
		}
		by := 1
		if ev.Name == fyne.KeyLeft {
			by = -1
		}
		v.selectIndex(sel + by)
	case fyne.KeyUp, fyne.KeyDown:
		by := 1
		if ev.Name == fyne.KeyUp {
			by = -1
		}
		v.selectRow(by)
	default:
		return false
	}
	return true
}

// selectIndex selects the i'th tile, wrapping round the wall. In the grid
// it turns to the tile's page (saved, as a page turned by hand is); in
// the full view it shows that tile full.
func (v *Viewer) selectIndex(i int) {
	wv := &v.view
	v.mu.Lock()
	n := len(v.tiles)
	if n == 0 {
		v.mu.Unlock()
		return
	}
	i = (i%n + n) % n
	t := v.tiles[i].tile
	v.mu.Unlock()
	if wv.full != nil {
		if wv.full != t {
			wv.full = t
			v.selectTile(t)
			v.arrange()
		}
		return
	}
	page := i / specFor(wv.layout, n).capacity()
	if page == wv.page {
		v.selectTile(t)
		return
	}
	wv.page = page
	v.arrange()
	v.selectTile(t)
	v.saveView()
}

// selectRow selects the tile one row above (by -1) or below (+1) the
// selected one on its page: the one covering the selected tile's left
// column in that row (the big tile of 1+5 from the row under it). Below
// the last full row it takes the page's last tile; at the page's top or
// bottom nothing moves.
func (v *Viewer) selectRow(by int) {
	wv := &v.view
	if wv.full != nil {
		return
	}
	v.mu.Lock()
	n, sel := len(v.tiles), v.selected
	v.mu.Unlock()
	spec := specFor(wv.layout, n)
	first := wv.page * spec.capacity()
	count := min(spec.capacity(), n-first)
	k := sel - first
	if k < 0 || k >= count {
		return
	}
	col, row, span := spec.cell(k)
	want := row - 1
	if by > 0 {
		want = row + span
	}
	for j := range count {
		c, r, s := spec.cell(j)
		if s > 0 && col >= c && col < c+s && want >= r && want < r+s {
			v.selectIndex(first + j)
			return
		}
	}
	if _, r, _ := spec.cell(count - 1); by > 0 && r > row {
		v.selectIndex(first + count - 1)
	}
}

// actionKey runs the selected tile's actions: Delete (or Backspace, the
// key a Mac keyboard labels delete) asks to remove it, S saves a snapshot,
// R starts or stops recording it, I shows or hides the stats overlay on
// every tile.
func (v *Viewer) actionKey(ev *fyne.KeyEvent) bool {
	switch ev.Name {
	case fyne.KeyI:
		v.keys.statsAll = !v.keys.statsAll
		v.markTiles()
		return true
	case fyne.KeyDelete, fyne.KeyBackspace, fyne.KeyS, fyne.KeyR:
	default:
		return false
	}
	v.mu.Lock()
	var ts *tileState
	if v.selected < len(v.tiles) {
		ts = v.tiles[v.selected]
	}
	v.mu.Unlock()
	if ts == nil {
		return true
	}
	switch ev.Name {
	case fyne.KeyS:
		v.snapshot(ts)
	case fyne.KeyR:
		v.toggleRecording(ts) // ui/recording.go
	default:
		v.askRemove(ts)
	}
	return true
}
