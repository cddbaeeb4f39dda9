package ui

import (
	"log"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// wallKeys is the wall's keyboard and pointer state. UI thread only.
type wallKeys struct {
	area *wallArea
	// mods returns the modifier keys held (Shift+Tab); Fyne's desktop
	// driver knows them, the test driver does not, so tests set their own.
	mods func() fyne.KeyModifier
	// statsAll: key I shows the stats overlay on every tile.
	statsAll bool
	// confirm is the Remove question on screen, nil when none: Enter
	// answers it, Esc cancels it (Fyne's dialogs take no keys of their own).
	confirm *dialog.ConfirmDialog
	// notice is an information dialog on screen (inform), nil when none:
	// Enter or Esc closes it, as its OK button does.
	notice dialog.Dialog
}

// wallArea holds the grid and takes the wall's keys once a tile was
// clicked or Tab was pressed. Fyne gives keys to canvas.SetOnTypedKey only
// while no widget has the focus, and never Tab: with nothing focused, Tab
// moves the focus to the next widget (the address bar). A focused widget
// that accepts Tab gets it as a typed key, so the wall is one: Tab and
// Shift+Tab move the selection between tiles instead of leaving the wall.
type wallArea struct {
	widget.BaseWidget
	v *Viewer
}

func newWallArea(v *Viewer) *wallArea {
	a := &wallArea{v: v}
	a.ExtendBaseWidget(a)
	return a
}

// CreateRenderer implements fyne.Widget: the grid fills the area, over
// the page's empty slots.
func (a *wallArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(a.v.view.slots, a.v.grid))
}

// FocusGained implements fyne.Focusable.
func (a *wallArea) FocusGained() {}

// FocusLost implements fyne.Focusable.
func (a *wallArea) FocusLost() {}

// TypedRune implements fyne.Focusable; the wall's letters come as keys.
func (a *wallArea) TypedRune(rune) {}

// TypedKey implements fyne.Focusable: the same keys as with no focus.
func (a *wallArea) TypedKey(ev *fyne.KeyEvent) { a.v.typedKey(ev) }

// AcceptsTab implements fyne.Tabbable.
func (a *wallArea) AcceptsTab() bool { return true }

// initWallKeys wraps the grid in the wall area and hooks the keys that
// reach the window with nothing focused. It returns what goes in the
// grid's place in the window.
func (v *Viewer) initWallKeys() fyne.CanvasObject {
	v.keys.area = newWallArea(v)
	v.keys.mods = func() fyne.KeyModifier {
		if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
			return d.CurrentKeyModifiers()
		}
		return 0
	}
	if dc, ok := v.win.Canvas().(desktop.Canvas); ok {
		dc.SetOnKeyDown(v.keyDown)
		dc.SetOnKeyUp(func(ev *fyne.KeyEvent) {
			if !v.opts.Kiosk {
				v.ptzKey(ev, false)
			}
		})
	}
	return v.keys.area
}

// keyDown sees every key pressed while nothing has the focus, before Fyne
// decides what Tab does: focusing the wall here makes the same Tab reach
// the wall (wallArea.AcceptsTab) rather than focus the address bar.
func (v *Viewer) keyDown(ev *fyne.KeyEvent) {
	if v.opts.Kiosk {
		return
	}
	if v.ptzKey(ev, true) { // Ctrl+arrow: PTZ while held (ui/tileptz.go)
		return
	}
	c := v.win.Canvas()
	if ev.Name == fyne.KeyTab && c.Focused() == nil && c.Overlays().Top() == nil {
		v.focusWall()
	}
}

// focusWall gives the wall the keys: a click on a tile takes them from the
// address bar (a tile is inside the focusable wall, so Fyne would not).
func (v *Viewer) focusWall() {
	if v.keys.area != nil && v.win.Canvas().Focused() != v.keys.area {
		v.win.Canvas().Focus(v.keys.area)
	}
}

// tileTapped selects a clicked tile and gives the wall the keys.
func (v *Viewer) tileTapped(t *Tile) {
	v.selectTile(t)
	v.focusWall()
}

// tileDoubleTapped shows a tile full, or the grid again.
func (v *Viewer) tileDoubleTapped(t *Tile) {
	v.focusWall()
	v.toggleFull(t)
}

// overlayKey takes the keys while a dialog or menu is over the window: a
// Remove question answers Enter and Esc, and no key acts on the wall
// behind (Enter would open a tile full under the dialog).
func (v *Viewer) overlayKey(ev *fyne.KeyEvent) bool {
	if d := v.keys.notice; d != nil && v.win.Canvas().Overlays().Top() != nil {
		switch ev.Name {
		case fyne.KeyReturn, fyne.KeyEnter, fyne.KeyEscape:
			d.Hide()
		}
		return true
	}
	if d := v.keys.confirm; d != nil {
		switch ev.Name {
		case fyne.KeyReturn, fyne.KeyEnter:
			d.Confirm()
		case fyne.KeyEscape:
			d.Dismiss()
		}
		return true
	}
	top := v.win.Canvas().Overlays().Top()
	if top != nil && ev.Name == fyne.KeyEscape {
		// Any other dialog (a question, Edit camera once its field lets
		// go of the keys): Esc closes it, as its Cancel would, without
		// the answer.
		top.Hide()
	}
	return top != nil
}

// inform shows an information dialog (a snapshot saved, a wall that did
// not open) that Enter or Esc closes too. width 0 keeps Fyne's size.
func (v *Viewer) inform(title, text string, width float32) {
	if v.opts.Kiosk {
		// Nobody is there to close it, and it would hide the wall.
		log.Printf("%s: %s", title, text)
		return
	}
	d := dialog.NewInformation(title, text, v.win)
	if width > 0 {
		d.Resize(fyne.NewSize(width, 0))
	}
	d.SetOnClosed(func() {
		if v.keys.notice == d {
			v.keys.notice = nil
		}
	})
	v.keys.notice = d
	d.Show()
}
