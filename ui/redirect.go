package ui

import (
	"errors"
	"fmt"
	"net"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/player"
)

// Words of the dialog that asks before a camera's credentials go to a
// host or port they were not given for (tests look for them).
const (
	credentialsTitle   = "Send the password to another host?"
	credentialsConfirm = "Send"
	credentialsCancel  = "Don't send"
)

// credentialsTitleFor is the dialog's title: a guessed port is the
// camera's own host, so "another host" would be wrong there.
func credentialsTitleFor(cw *player.CredentialsWithheldError) string {
	if cw.Guessed {
		return "Send the password to a guessed port?"
	}
	return credentialsTitle
}

// credentialsText explains the question for what withheld the
// credentials: a redirect, the camera's sub-stream address (sub: what the
// tile dialed was its sub_url) or a tunnel port Auto guessed. It names
// hosts and ports only, never a URL, so no credentials can show; a
// Unicode host name also shows its ASCII form (hostLabel).
func credentialsText(cw *player.CredentialsWithheldError, sub bool) string {
	from, to := hostLabel(cw.From), hostLabel(cw.To)
	switch {
	case cw.Guessed:
		port := cw.To
		if _, p, err := net.SplitHostPort(cw.To); err == nil {
			port = p
		}
		return fmt.Sprintf("The camera at %s did not answer there, so rtspview tried port %s of the same host on its own: "+
			"a tunnel port it guessed, that nobody gave for this camera. What answers on it asks for a username and password.\n\n"+
			"Send the camera's username and password to %s? Do this only if you know the camera serves RTSP on that port: "+
			"another program there could be collecting passwords.", from, port, to)
	case sub:
		return fmt.Sprintf("This camera's sub-stream (its sub_url in the wall file) leads to another host, %s, which asks for a username and password. "+
			"The camera's password was given for %s.\n\n"+
			"Send the camera's username and password to %s? Do this only if you know that host: "+
			"a wall file from someone else can point the sub-stream anywhere.", to, from, to)
	}
	return fmt.Sprintf("The camera at %s sent this stream to another host, %s, which asks for a username and password.\n\n"+
		"Send the camera's username and password to %s? Do this only if you know that host: "+
		"a server that redirects elsewhere could be collecting passwords.", from, to, to)
}

// withheldCredentials reports whether st failed because the stream held
// its credentials back from a host or port they were not given for.
func withheldCredentials(st player.Status) (*player.CredentialsWithheldError, bool) {
	var cw *player.CredentialsWithheldError
	if st.State != player.StateFailed || !errors.As(st.Err, &cw) {
		return nil, false
	}
	return cw, true
}

// askSendCredentials asks whether the credentials may go to the host (or
// guessed port) they were held back from; yes reopens the stream with it
// allowed. sub: the stream that asked dialed the camera's sub_url (the
// tile went back to its main stream); yes tries the sub-stream again.
func (v *Viewer) askSendCredentials(ts *tileState, cw *player.CredentialsWithheldError, sub bool) {
	d := dialog.NewCustomConfirm(credentialsTitleFor(cw), credentialsConfirm, credentialsCancel,
		questionLabel(credentialsText(cw, sub)), func(ok bool) {
			if !ok {
				return // the tile stays failed with its sentence (or on its main stream)
			}
			v.mu.Lock()
			if !slices.Contains(ts.credHosts, cw.ToHost) {
				ts.credHosts = append(ts.credHosts, cw.ToHost)
			}
			v.mu.Unlock()
			v.retryAfterQuestion(ts, sub)
		}, v.win)
	d.SetConfirmImportance(widget.WarningImportance)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}

// questionLabel is a question's text, wrapped to the dialog's width.
func questionLabel(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{})
	l.Wrapping = fyne.TextWrapWord
	return l
}

// retryAfterQuestion opens the tile's camera again once the person said
// yes to a question its stream failed on. sub: the question came from the
// sub-stream, which the tile gave up (abandonSub); it is tried again,
// handing over from the main stream the tile still shows.
func (v *Viewer) retryAfterQuestion(ts *tileState, sub bool) {
	v.mu.Lock()
	url, user, pass, tr, tunnelPort := ts.url, ts.user, ts.pass, ts.transport, ts.tunnelPort
	if sub {
		ts.ho.sub, ts.ho.subFailed, ts.ho.ticks = true, false, 0
	}
	v.mu.Unlock()
	if sub {
		v.reopen(ts, url, user, pass, tr, tunnelPort)
		return
	}
	v.mu.Lock()
	for i, t := range v.tiles {
		if t == ts {
			v.selected = i
		}
	}
	v.mu.Unlock()
	v.openWith(url, user, pass, false, tr, tunnelPort)
}
