package ui

import "fyne.io/fyne/v2"

// typedKey takes the keys typed while no widget has the focus, or the wall
// has it (a tile was clicked, or Tab pressed: ui/wallarea.go): the wall's
// keys first, then the selected tile's: ← → seek a recording ±10 s,
// space pauses or plays. The address bar keeps its own keys (Enter =
// Play, arrows) while it has the focus.
func (v *Viewer) typedKey(ev *fyne.KeyEvent) {
	if v.opts.Kiosk {
		return // only KioskQuit, a shortcut, acts (ui/kiosk.go)
	}
	if v.overlayKey(ev) || // a dialog or menu is up (ui/wallarea.go)
		v.wallKey(ev) || // full view, fullscreen, pages (ui/fullview.go)
		v.selectionKey(ev) || v.actionKey(ev) || // ui/selection.go
		v.soundKey(ev) { // M: the sound (ui/soundcontrols.go)
		return
	}
	v.mu.Lock()
	if len(v.tiles) == 0 {
		v.mu.Unlock()
		return
	}
	t := v.tiles[v.selected].tile
	v.mu.Unlock()
	t.bar.Key(ev)
}

// refreshBars brings every tile's transport bar up to date: the clock of a
// paused or ended recording moves no picture, so no frame refreshes it.
// UI thread only.
func (v *Viewer) refreshBars() {
	tiles := v.Tiles()
	for _, t := range tiles {
		t.bar.Update()
	}
}
