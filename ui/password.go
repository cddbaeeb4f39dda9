package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
	"github.com/rtspview/rtspview/player"
)

// passwordTitle is the password dialog's title.
const passwordTitle = "The camera wants a password"

// askPassword asks for credentials after the camera refused them, naming
// the host:port that asks.
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
	v.mu.Lock()
	host := addressHost(ts.dial)
	v.mu.Unlock()
	if host != "" {
		// Which camera asks: on a wall of many, the tile may be out of
		// sight. Host and port only, never the address's credentials.
		items = append([]*widget.FormItem{widget.NewFormItem("Camera", widget.NewLabel(hostLabel(host)))}, items...)
	}
	d := dialog.NewForm(passwordTitle, "Connect", "Cancel", items, func(ok bool) {
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
