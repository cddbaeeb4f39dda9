package ui

import (
	"slices"

	"fyne.io/fyne/v2"
)

// tileDrag is a drag of the tile in progress: the pointer's absolute
// position, and the viewer's function that follows it.
type tileDrag struct {
	on       func(t *Tile, at fyne.Position, done bool) // nil: the tile does not move
	dragging bool
	at       fyne.Position
}

// Dragged implements fyne.Draggable: the tile follows the pointer onto
// another tile's place. ev.Position is the pointer's place in the tile
// (Fyne's desktop driver), the absolute one is worked out from it.
func (t *Tile) Dragged(ev *fyne.DragEvent) {
	d := &t.drag
	if d.on == nil || t.ptzDragged(ev) { // a drag on a PTZ picture moves the camera (ui/ptz.go)
		return
	}
	d.dragging = true
	d.at = fyne.CurrentApp().Driver().AbsolutePositionForObject(t).Add(ev.Position)
	d.on(t, d.at, false)
}

// DragEnd implements fyne.Draggable: the tile lands where it was let go.
func (t *Tile) DragEnd() {
	d := &t.drag
	if t.ptzDragEnd() || !d.dragging || d.on == nil {
		return
	}
	d.dragging = false
	d.on(t, d.at, true)
}

// tileDragged follows a tile dragged to at (absolute): the tile under the
// pointer is tinted, and on release the dragged one moves to its place in
// the wall (and the wall file), as Move left/right does, then is
// selected. The streams play on: only the order changes. UI thread.
func (v *Viewer) tileDragged(t *Tile, at fyne.Position, done bool) {
	target := v.tileAt(at)
	if target == t {
		target = nil
	}
	for _, s := range shownTiles(v.grid) {
		s.ring.set(s.ring.selected, s == target && !done)
		// Fyne gives the tiles passed over the pointer (MouseIn), and
		// after the drop the tiles move under a pointer that did not: no
		// MouseOut comes. The tint says where the tile lands; figures
		// there would be noise, and stale after the drop.
		s.info.setHover(false)
	}
	if !done {
		return
	}
	v.mu.Lock()
	from := slices.IndexFunc(v.tiles, func(ts *tileState) bool { return ts.tile == t })
	to := slices.IndexFunc(v.tiles, func(ts *tileState) bool { return ts.tile == target })
	var ts *tileState
	if from >= 0 {
		ts = v.tiles[from]
	}
	v.mu.Unlock()
	if ts != nil && to >= 0 {
		v.moveTileTo(ts, to)
	}
	v.selectTile(t)
	v.focusWall()
}

// tileAt returns the shown tile at the absolute position at, or nil.
func (v *Viewer) tileAt(at fyne.Position) *Tile {
	drv := fyne.CurrentApp().Driver()
	for _, t := range shownTiles(v.grid) {
		p := drv.AbsolutePositionForObject(t)
		s := t.Size()
		if at.X >= p.X && at.X < p.X+s.Width && at.Y >= p.Y && at.Y < p.Y+s.Height {
			return t
		}
	}
	return nil
}

// moveTileTo moves ts to place i of the wall, the tiles between shifting
// by one, and saves the wall; the selection stays on the same camera.
// Each tile keeps its stream: nothing is opened again.
func (v *Viewer) moveTileTo(ts *tileState, i int) {
	v.mu.Lock()
	from := slices.Index(v.tiles, ts)
	if from < 0 || i < 0 || i >= len(v.tiles) || i == from {
		v.mu.Unlock()
		return
	}
	sel := v.tiles[v.selected]
	v.tiles = slices.Insert(slices.Delete(v.tiles, from, from+1), i, ts)
	v.selected = slices.Index(v.tiles, sel)
	v.mu.Unlock()
	v.layoutGrid()
	v.saveWall()
}
