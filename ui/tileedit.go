package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/internal/secrets"
	"github.com/rtspview/rtspview/internal/wall"
	"github.com/rtspview/rtspview/player"
)

// askEditAddress edits the camera's address, sub-stream address and
// transport in one dialog. The fields never show a password: the one
// the camera has is kept for it.
func (v *Viewer) askEditAddress(ts *tileState) {
	addr := newDialogEntry()
	addr.SetText(player.RedactURL(wall.StripPassword(ts.url)))
	sub := newDialogEntry()
	sub.SetText(ts.w.cam.SubURL)
	sub.SetPlaceHolder("optional: a low-resolution stream of the same camera")
	labels := make([]string, len(player.Transports))
	for i, t := range player.Transports {
		labels[i] = t.Label()
	}
	tr := widget.NewSelect(labels, nil)
	tr.SetSelected(ts.transport.Label())
	check := func(s string, optional bool) error {
		s = strings.TrimSpace(s)
		if s == "" && optional {
			return nil
		}
		if err := player.CheckURL(s); err != nil {
			return sentenceError(player.Sentence(err, ""))
		}
		return nil
	}
	addr.Validator = func(s string) error { return check(s, false) }
	sub.Validator = func(s string) error { return check(s, true) }
	d := dialog.NewForm("Edit camera", "Save", "Cancel", []*widget.FormItem{
		widget.NewFormItem("Address", addr),
		widget.NewFormItem("Sub-stream", sub),
		widget.NewFormItem("Transport", tr),
	}, func(ok bool) {
		if ok {
			t, err := player.ParseTransport(tr.Selected)
			if err != nil {
				t = player.TransportAuto
			}
			v.editAddress(ts, addr.Text, sub.Text, t)
		}
	}, v.win)
	escCloses(d, addr, sub) // Enter saves, Esc cancels
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
	v.win.Canvas().Focus(addr)
}

type sentenceError string

func (e sentenceError) Error() string { return string(e) }

// editAddress gives the tile's camera a new address, sub-stream and
// transport, saves the wall and, when what it plays changed, reopens it
// in place (the old picture stays until the new one comes). The name and
// the password stay with the camera; the password goes to a new address
// only on the same host and port, as with a redirect.
func (v *Viewer) editAddress(ts *tileState, rawURL, subURL string, tr player.Transport) {
	rawURL, subURL = strings.TrimSpace(rawURL), strings.TrimSpace(subURL)
	if player.CheckURL(rawURL) != nil || (subURL != "" && player.CheckURL(subURL) != nil) {
		return // the form's validators said why
	}
	v.mu.Lock()
	oldURL, user, pass := ts.url, ts.user, ts.pass
	if urlPassword(rawURL) == "" && urlPassword(oldURL) != "" && secrets.Key(rawURL, player.URLUser(rawURL)) == secrets.Key(oldURL, player.URLUser(oldURL)) {
		// The address field never showed the password written in the
		// old address: keep using it for this camera.
		pass = urlPassword(oldURL)
		if user == "" {
			user = player.URLUser(oldURL)
		}
	}
	if secrets.Key(rawURL, player.URLUser(rawURL)) != secrets.Key(oldURL, player.URLUser(oldURL)) {
		user, pass = "", "" // another camera's login is its own (recallPassword)
	}
	if addressHost(rawURL) != addressHost(oldURL) {
		// Basic in clear was allowed for the camera on the old host,
		// not for whatever answers on the new one.
		ts.w.cam.AllowBasic = false
	}
	subChanged := ts.w.cam.SubURL != wall.StripPassword(subURL)
	ts.w.cam.SubURL = wall.StripPassword(subURL)
	if wall.StripPassword(rawURL) != wall.StripPassword(oldURL) {
		// The same camera at a new address: wallChanged keeps its
		// name and keys when the entry already says the new address.
		ts.w.cam.URL = wall.StripPassword(rawURL)
		ts.w.temporary = false
	}
	replay := wall.StripPassword(rawURL) != wall.StripPassword(oldURL) || tr != ts.transport ||
		(subChanged && ts.ho.playingSub)
	if subChanged {
		ts.ho.playingSub, ts.ho.ticks = false, 0 // the width decides again
		ts.ho.sub, ts.ho.subFailed = false, false
	}
	port := ts.tunnelPort
	v.mu.Unlock()
	if !replay {
		v.saveWall()
		return
	}
	v.reopen(ts, rawURL, user, pass, tr, port)
	v.mu.Lock()
	selected := len(v.tiles) > 0 && v.tiles[v.selected] == ts
	v.mu.Unlock()
	if selected {
		v.showAddress(rawURL)
		v.transport.SetSelected(tr.Label())
	}
	v.saveWall()
}

// moveTile moves the tile by delta places in the grid (and the wall);
// the selection stays on the same camera.
func (v *Viewer) moveTile(ts *tileState, delta int) {
	if i, _ := v.tileIndex(ts); i >= 0 {
		v.moveTileTo(ts, i+delta) // ui/tiledrag.go
	}
}

// tileIndex is ts's place in the grid, -1 when it is gone.
func (v *Viewer) tileIndex(ts *tileState) (i, n int) {
	v.mu.Lock()
	defer v.mu.Unlock()
	for j, o := range v.tiles {
		if o == ts {
			return j, len(v.tiles)
		}
	}
	return -1, len(v.tiles)
}
