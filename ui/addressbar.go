package ui

import (
	"errors"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/rtspview/rtspview/player"
)

// newAddressBar builds the address entry, the transport selector, the
// tunnel fields, Play and Add (extra goes at the end of the row).
func (v *Viewer) newAddressBar(extra fyne.CanvasObject) fyne.CanvasObject {
	v.address = widget.NewEntry()
	v.address.SetPlaceHolder("rtsp://user:password@camera:554/stream")
	v.address.OnSubmitted = func(string) { v.playAddress(v.bar.adding) }
	v.address.OnChanged = func(string) {
		v.bar.notice = "" // said of what was in the bar before
		v.showTunnelRow()
	}
	labels := make([]string, len(player.Transports))
	for i, t := range player.Transports {
		labels[i] = t.Label()
	}
	v.tunnelPort = widget.NewEntry()
	v.tunnelPort.Validator = func(s string) error {
		if s == "" {
			return nil
		}
		if n, err := strconv.Atoi(s); err != nil || n < 1 || n > 65535 {
			return errors.New("a port is 1 to 65535")
		}
		return nil
	}
	v.proxy = widget.NewEntry()
	v.proxy.SetPlaceHolder("HTTP proxy (optional)")
	v.proxy.SetText(v.opts.Proxy)
	// In the address bar's own row, beside the selector: a row of their
	// own under it pushed the whole wall down (39 px) whenever a tile
	// playing over a tunnel was selected, under the pointer.
	// The port field is wide enough for five digits beside the
	// validator's mark (at 70 px "8602" lost its last digit).
	h := v.tunnelPort.MinSize().Height
	v.tunnelRow = container.NewHBox(widget.NewLabel("port"),
		container.NewGridWrap(fyne.NewSize(96, h), v.tunnelPort),
		container.NewGridWrap(fyne.NewSize(200, h), v.proxy))
	v.transport = widget.NewSelect(labels, func(string) {
		v.showTunnelRow()
		v.transportPicked() // the selected tile switches at once
	})
	v.transport.SetSelected(v.opts.Transport.Label())
	v.play = widget.NewButton("Play", func() { v.playAddress(false) })
	v.play.Importance = widget.HighImportance
	v.add = widget.NewButton("Add", v.addPressed)
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(v.transport, v.tunnelRow, v.play, v.add, extra), v.address)
	v.showTunnelRow()
	return bar
}

// showTunnelRow shows the tunnel port and proxy fields for the tunnel
// transports, with the port that would be used as placeholder.
func (v *Viewer) showTunnelRow() {
	if v.tunnelRow == nil {
		return
	}
	// The placeholder is the port an empty field means: the address's
	// own port (gst-rtsp-server, MediaMTX: tunnel on the RTSP port), else
	// the web default.
	switch tr := v.selectedTransport(); tr {
	case player.TransportHTTP, player.TransportHTTPS:
		v.tunnelPort.SetPlaceHolder(strconv.Itoa(player.TunnelPort(v.address.Text, tr)))
		v.tunnelRow.Show()
	default:
		v.tunnelRow.Hide()
	}
}

// tunnelPortValue is the port typed in the tunnel row, 0 when empty or bad.
func (v *Viewer) tunnelPortValue() int {
	n, err := strconv.Atoi(strings.TrimSpace(v.tunnelPort.Text))
	if err != nil || n < 1 || n > 65535 {
		return 0
	}
	return n
}

func (v *Viewer) selectedTransport() player.Transport {
	t, err := player.ParseTransport(v.transport.Selected)
	if err != nil {
		return player.TransportAuto
	}
	return t
}

// addressBar is what the address bar holds beyond its text.
type addressBar struct {
	// shown is the (redacted) address the bar was given to show the
	// selected tile's camera; a text still equal to it was not typed.
	shown string
	// adding: Add emptied the bar for a new camera's address, so Enter
	// adds a tile rather than replacing the selected one's camera.
	adding bool
	// notice is a sentence about the bar's text (an address that is not
	// one) that the status line keeps until the text changes: the
	// once-a-second status of the selected tile wrote over it at once.
	notice string
}

// showAddress puts the camera address rawURL in the bar, without its
// password, as the selected tile's.
func (v *Viewer) showAddress(rawURL string) {
	v.bar.shown, v.bar.adding = player.RedactURL(rawURL), false
	v.address.SetText(v.bar.shown)
}

// addPressed adds the camera in the address bar as a new tile. While the
// bar still shows the selected tile's camera, Add would only put that
// camera on the wall twice: it empties and focuses the bar for the new
// camera's address instead.
func (v *Viewer) addPressed() {
	v.mu.Lock()
	n := len(v.tiles)
	v.mu.Unlock()
	if n > 0 && strings.TrimSpace(v.address.Text) == v.bar.shown {
		v.bar.shown, v.bar.adding = "", true
		v.address.SetText("")
		v.win.Canvas().Focus(v.address)
		v.sayAboutAddress("Type or paste the new camera's address, then press Enter or Add.")
		return
	}
	v.playAddress(true)
}

// sayAboutAddress puts text on the status line until the bar's text
// changes.
func (v *Viewer) sayAboutAddress(text string) {
	v.bar.notice = text
	v.status.SetText(text)
}

// playAddress plays the address bar's URL in the selected tile, or in a
// new tile when add is true.
func (v *Viewer) playAddress(add bool) {
	raw := strings.TrimSpace(v.address.Text)
	if raw == "" {
		v.sayAboutAddress("Paste an rtsp:// or rtsps:// address first.")
		return
	}
	if err := player.CheckURL(raw); err != nil {
		v.sayAboutAddress(player.Sentence(err, ""))
		return
	}
	v.bar.notice = ""
	v.open(raw, "", "", add)
	v.bar.shown, v.bar.adding = player.RedactURL(raw), false
	// The password stays out of the address bar (and so out of screenshots).
	v.address.SetText(player.RedactURL(raw))
}
