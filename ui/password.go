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
	user := newDialogEntry()
	user.SetText(ts.user)
	if ts.user == "" {
		if u := player.URLUser(ts.url); u != "" {
			user.SetText(u)
		}
	}
	pass := newDialogPasswordEntry()
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
		// The tile that asked becomes the selected one, with its own
		// address and transport in the bar; it reopens over that
		// transport, not the one the selector showed for another tile (a
		// wall camera saved with "http" went to "auto").
		v.selectTile(ts.tile)
		v.mu.Lock()
		tr, port := ts.transport, ts.tunnelPort
		v.mu.Unlock()
		v.openWith(ts.url, user.Text, pass.Text, false, tr, port)
	}, v.win)
	// Enter (or keypad Enter) in Password connects, and in Username goes
	// on to Password: the dialog is answered without the mouse.
	user.OnSubmitted = func(string) { v.win.Canvas().Focus(pass) }
	escCloses(d, user, pass) // Esc cancels; Enter in Password connects
	d.Resize(fyne.NewSize(380, 200))
	d.Show()
	if user.Text == "" {
		v.win.Canvas().Focus(user)
	} else {
		v.win.Canvas().Focus(pass)
	}
}
