package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	"github.com/rtspview/rtspview/player"
)

// askPassword asks for credentials after the camera refused them.
func (v *Viewer) askPassword(ts *tileState) {
	user := widget.NewEntry()
	user.SetText(ts.user)
	if ts.user == "" {
		if u := player.URLUser(ts.url); u != "" {
			user.SetText(u)
		}
	}
	pass := widget.NewPasswordEntry()
	items := []*widget.FormItem{
		widget.NewFormItem("Username", user),
		widget.NewFormItem("Password", pass),
	}
	d := dialog.NewForm("The camera wants a password", "Connect", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		v.mu.Lock()
		for i, t := range v.tiles {
			if t == ts {
				v.selected = i
			}
		}
		v.mu.Unlock()
		v.open(ts.url, user.Text, pass.Text, false)
	}, v.win)
	d.Resize(fyne.NewSize(380, 200))
	d.Show()
}
