package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// dialogEntry is a dialog's text field that answers Esc by closing the
// dialog. A focused widget.Entry takes every key and drops Esc, so the
// window's own Esc (overlayKey) never saw it: Edit camera, Rename and the
// password dialog stayed open.
type dialogEntry struct {
	widget.Entry
	onEsc func()
}

func newDialogEntry() *dialogEntry {
	e := &dialogEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// newDialogPasswordEntry is widget.NewPasswordEntry's field, with its
// show/hide button, answering Esc.
func newDialogPasswordEntry() *dialogEntry {
	e := &dialogEntry{}
	e.Password = true
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.ExtendBaseWidget(e)
	var reveal *widget.Button
	reveal = widget.NewButtonWithIcon("", theme.VisibilityOffIcon(), func() {
		e.Password = !e.Password
		if e.Password {
			reveal.SetIcon(theme.VisibilityOffIcon())
		} else {
			reveal.SetIcon(theme.VisibilityIcon())
		}
		e.Refresh()
	})
	reveal.Importance = widget.LowImportance
	e.ActionItem = reveal
	return e
}

// TypedKey closes the dialog on Esc; every other key is the Entry's.
func (e *dialogEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onEsc != nil {
		e.onEsc()
		return
	}
	e.Entry.TypedKey(k)
}

// escCloses makes Esc in each of entries dismiss d, and Enter submit it.
func escCloses(d interface {
	Hide()
	Submit()
}, entries ...*dialogEntry) {
	for _, e := range entries {
		e.onEsc = d.Hide
		if e.OnSubmitted == nil {
			e.OnSubmitted = func(string) { d.Submit() }
		}
	}
}
