package ui

import (
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/player"
)

// Words of the dialog that asks before a camera's password goes by Basic
// authentication over a connection without TLS (tests look for them).
const (
	basicTitle   = "Send the password in clear?"
	basicConfirm = "Allow"
	basicCancel  = "Don't allow"
)

// basicInClear reports whether st failed because the camera offered only
// Basic authentication on a connection without TLS, and the password was
// held back (player.ErrBasicInClear).
func basicInClear(st player.Status) bool {
	return st.State == player.StateFailed && errors.Is(st.Err, player.ErrBasicInClear)
}

// basicText explains the question, naming the host:port that asks (never
// a URL, so no credentials can show).
func basicText(host string) string {
	return fmt.Sprintf("%s asks for the password by Basic authentication, on a connection without encryption (no TLS).\n\n"+
		"If you allow it, the password crosses the network in clear: anyone on the path can read it. "+
		"A device in between can also offer Basic in place of the camera's Digest to collect the password.\n\n"+
		"Allow Basic for this camera? The choice is kept in the wall file (\"allow_basic\"). "+
		"Allow it only on a network you trust; an rtsps:// address avoids the question.", hostLabel(host))
}

// askAllowBasic asks whether the tile's camera may get its password by
// Basic in clear. Allow keeps the choice in the camera's wall entry and
// reopens the tile with player.Config.AllowBasic; Don't allow leaves the
// tile failed with its sentence. sub: the sub-stream asked (the tile went
// back to its main stream): allowing tries it again.
func (v *Viewer) askAllowBasic(ts *tileState, sub bool) {
	v.mu.Lock()
	host := addressHost(ts.dial)
	v.mu.Unlock()
	d := dialog.NewCustomConfirm(basicTitle, basicConfirm, basicCancel, questionLabel(basicText(host)), func(ok bool) {
		if !ok {
			return
		}
		v.mu.Lock()
		ts.w.cam.AllowBasic = true
		v.mu.Unlock()
		v.saveWall()
		v.retryAfterQuestion(ts, sub)
	}, v.win)
	d.SetConfirmImportance(widget.WarningImportance)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}
