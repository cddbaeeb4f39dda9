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

// newAddressBar builds the address entry, the transport selector, Play and
// Add (extra goes at the end of the row), and under them the tunnel row.
func (v *Viewer) newAddressBar(extra fyne.CanvasObject) fyne.CanvasObject {
	v.address = widget.NewEntry()
	v.address.SetPlaceHolder("rtsp://user:password@camera:554/stream")
	v.address.OnSubmitted = func(string) { v.playAddress(false) }
	v.address.OnChanged = func(string) { v.showTunnelRow() }
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
	v.proxy.SetPlaceHolder("HTTP proxy (optional): http://proxy:3128")
	v.proxy.SetText(v.opts.Proxy)
	v.tunnelRow = container.NewBorder(nil, nil,
		container.NewHBox(widget.NewLabel("Tunnel port"), container.NewGridWrap(fyne.NewSize(90, v.tunnelPort.MinSize().Height), v.tunnelPort)),
		nil, v.proxy)
	v.transport = widget.NewSelect(labels, func(string) {
		v.showTunnelRow()
		v.transportPicked() // the selected tile switches at once
	})
	v.transport.SetSelected(v.opts.Transport.Label())
	v.play = widget.NewButton("Play", func() { v.playAddress(false) })
	v.play.Importance = widget.HighImportance
	v.add = widget.NewButton("Add", func() { v.playAddress(true) })
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(v.transport, v.play, v.add, extra), v.address)
	v.showTunnelRow()
	return container.NewVBox(bar, v.tunnelRow)
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

// playAddress plays the address bar's URL in the selected tile, or in a
// new tile when add is true.
func (v *Viewer) playAddress(add bool) {
	raw := strings.TrimSpace(v.address.Text)
	if raw == "" {
		v.status.SetText("Paste an rtsp:// or rtsps:// address first.")
		return
	}
	if err := player.CheckURL(raw); err != nil {
		v.status.SetText(player.Sentence(err, ""))
		return
	}
	v.open(raw, "", "", add)
	// The password stays out of the address bar (and so out of screenshots).
	v.address.SetText(player.RedactURL(raw))
}
