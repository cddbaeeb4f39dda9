package ui

import (
	"errors"
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/player"
)

// Words of the dialog that asks before a camera's credentials go to the
// host it redirected to (tests look for them).
const (
	credentialsTitle   = "Send the password to another host?"
	credentialsConfirm = "Send"
	credentialsCancel  = "Don't send"
)

// credentialsText explains the question. It names hosts and ports only,
// never a URL, so no credentials can show.
func credentialsText(cw *player.CredentialsWithheldError) string {
	return fmt.Sprintf("The camera at %s sent this stream to another host, %s, which asks for a username and password.\n\n"+
		"Send the camera's username and password to %s? Do this only if you know that host: "+
		"a server that redirects elsewhere could be collecting passwords.", cw.From, cw.To, cw.To)
}

// withheldCredentials reports whether st failed because a redirect led to
// another host that asked for the credentials this stream held back.
func withheldCredentials(st player.Status) (*player.CredentialsWithheldError, bool) {
	var cw *player.CredentialsWithheldError
	if st.State != player.StateFailed || !errors.As(st.Err, &cw) {
		return nil, false
	}
	return cw, true
}

// askSendCredentials asks whether the credentials may go to the host the
// camera redirected to; yes reopens the stream with that host allowed.
func (v *Viewer) askSendCredentials(ts *tileState, cw *player.CredentialsWithheldError) {
	d := dialog.NewCustomConfirm(credentialsTitle, credentialsConfirm, credentialsCancel,
		widget.NewLabelWithStyle(credentialsText(cw), fyne.TextAlignLeading, fyne.TextStyle{}), func(ok bool) {
			if !ok {
				return // the tile stays failed with its sentence
			}
			v.mu.Lock()
			if !slices.Contains(ts.credHosts, cw.ToHost) {
				ts.credHosts = append(ts.credHosts, cw.ToHost)
			}
			for i, t := range v.tiles {
				if t == ts {
					v.selected = i
				}
			}
			url, user, pass, tr, tunnelPort := ts.url, ts.user, ts.pass, ts.transport, ts.tunnelPort
			v.mu.Unlock()
			v.openWith(url, user, pass, false, tr, tunnelPort)
		}, v.win)
	d.SetConfirmImportance(widget.WarningImportance)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}
