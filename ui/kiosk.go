package ui

import (
	"image/color"
	"log"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/player"
)

// KioskQuit is the one way out of kiosk mode (--kiosk): Ctrl+Shift+Q. A
// passer-by at a wall in a shop or a lobby presses Esc, F, Ctrl+Q, Alt+F4
// or a mouse button; none of these takes three keys with both hands'
// modifiers. (On macOS too it is Control, not Command: Cmd+Q is the key a
// Mac user presses without thinking.)
var KioskQuit = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierControl | fyne.KeyModifierShift}

// kioskRetryWait is how long a kiosk tile whose stream gave up waits
// before it opens the camera again. The player already retries every
// outage for ever; it gives up only on answers a retry would not change
// at once (a 404 while a recorder restarts, a stream without video yet),
// which on an unattended wall must still come back by themselves.
const kioskRetryWait = 10 * time.Second

// Sentences a kiosk tile shows where the window would ask a person.
const (
	kioskPasswordText    = "This camera wants a password. Start rtspview once without --kiosk to type it; it is kept in the keyring."
	kioskCertificateText = "This camera's certificate is not trusted yet. Start rtspview once without --kiosk to check and trust it."
	kioskQuestionText    = "This camera needs a decision about where its password may go. Start rtspview once without --kiosk to answer it."
)

// kioskContent is the window's content in kiosk mode: the wall alone,
// under a guard that takes every click, drag, scroll and hover, so no tile
// menu, transport bar or PTZ control opens under a passer-by's hand.
func (v *Viewer) kioskContent(wall fyne.CanvasObject) fyne.CanvasObject {
	v.win.SetFullScreen(true)
	// A close request from the window manager (Alt+F4, the taskbar) is
	// ignored; SIGTERM and a log-out still end the app (Fyne quits on
	// them without asking the window).
	v.win.SetCloseIntercept(func() { log.Print("kiosk: the window stays open; Ctrl+Shift+Q leaves") })
	v.kioskQuit = v.win.Close
	v.win.Canvas().AddShortcut(KioskQuit, func(fyne.Shortcut) { v.kioskQuit() })
	return container.NewStack(wall, newKioskGuard())
}

// kioskGuard lies over the kiosk wall and swallows the pointer; over it
// the pointer is hidden, as a wall on a monitor wants.
type kioskGuard struct{ widget.BaseWidget }

func newKioskGuard() *kioskGuard {
	g := &kioskGuard{}
	g.ExtendBaseWidget(g)
	return g
}

// CreateRenderer implements fyne.Widget: nothing is drawn.
func (g *kioskGuard) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// The pointer's events, all taken and dropped.
func (g *kioskGuard) Tapped(*fyne.PointEvent)          {}
func (g *kioskGuard) TappedSecondary(*fyne.PointEvent) {}
func (g *kioskGuard) DoubleTapped(*fyne.PointEvent)    {}
func (g *kioskGuard) Dragged(*fyne.DragEvent)          {}
func (g *kioskGuard) DragEnd()                         {}
func (g *kioskGuard) Scrolled(*fyne.ScrollEvent)       {}
func (g *kioskGuard) MouseDown(*desktop.MouseEvent)    {}
func (g *kioskGuard) MouseUp(*desktop.MouseEvent)      {}
func (g *kioskGuard) MouseIn(*desktop.MouseEvent)      {}
func (g *kioskGuard) MouseMoved(*desktop.MouseEvent)   {}
func (g *kioskGuard) MouseOut()                        {}

// Cursor implements desktop.Cursorable: no pointer over the wall.
func (g *kioskGuard) Cursor() desktop.Cursor { return desktop.HiddenCursor }

// kioskStatus is onStatus in kiosk mode: a stream that failed on
// something only a person can decide says so on its tile (no dialog can
// come up on an unattended wall); any other that gave up, or a recording
// that ended, opens again after kioskRetryWait.
func (v *Viewer) kioskStatus(ts *tileState, gen uint64, st player.Status) {
	if st.State != player.StateFailed && st.State != player.StateEnded {
		return
	}
	if text := kioskNeedsPerson(st); text != "" {
		ts.tile.SetOverlay(text)
		return
	}
	v.wg.Add(1)
	go func() {
		defer v.wg.Done()
		wait := time.NewTimer(v.kioskWait)
		defer wait.Stop()
		select {
		case <-v.stop:
			return
		case <-wait.C:
		}
		v.do(func() { v.kioskReopen(ts, gen) })
	}()
}

// kioskNeedsPerson is the tile's sentence for a failure that a retry
// cannot mend, "" for the others.
func kioskNeedsPerson(st player.Status) string {
	switch {
	case st.State != player.StateFailed:
		return ""
	case basicInClear(st):
		return kioskQuestionText
	case st.Kind == player.KindUnauthorized:
		// Retrying a refused password would lock many cameras' accounts.
		return kioskPasswordText
	case st.Kind == player.KindTLS:
		if _, ok := player.UntrustedCertificate(st.Err); ok {
			return kioskCertificateText
		}
	}
	if _, ok := withheldCredentials(st); ok {
		return kioskQuestionText
	}
	return ""
}

// kioskReopen opens the tile's camera again the way it was opened, unless
// the tile was removed or opened something else meanwhile. UI thread.
func (v *Viewer) kioskReopen(ts *tileState, gen uint64) {
	v.mu.Lock()
	i := -1
	for k, t := range v.tiles {
		if t == ts {
			i = k
		}
	}
	if i < 0 || ts.gen != gen {
		v.mu.Unlock()
		return
	}
	sel := v.selected
	v.selected = i // openWith replays the selected tile
	url, user, pass, tr, port := ts.url, ts.user, ts.pass, ts.transport, ts.tunnelPort
	v.mu.Unlock()
	v.openWith(url, user, pass, false, tr, port)
	v.mu.Lock()
	if sel < len(v.tiles) {
		v.selected = sel
	}
	v.mu.Unlock()
}
