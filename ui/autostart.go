package ui

import (
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"

	"github.com/rtspview/rtspview/internal/autostart"
)

// Words of the Wall menu's autostart items (tests pick them by these).
const (
	startAtLogin      = "Start at login"
	startAtLoginKiosk = "Start at login as a kiosk (Ctrl+Shift+Q leaves)"
)

// newAutostartItems are the Wall menu's "Start at login" and "Start at
// login as a kiosk", the one that the autostart entry (internal/autostart)
// starts checked. Choosing the checked one removes the entry; the other
// writes its own in its place. A kiosk is set up from a window: in kiosk
// mode there is no menu.
func (v *Viewer) newAutostartItems() []*fyne.MenuItem {
	on, kiosk := autostart.Enabled(), autostart.Kiosk()
	plain := fyne.NewMenuItem(startAtLogin, func() { v.setAutostart(on && !kiosk, false) })
	plain.Checked = on && !kiosk
	k := fyne.NewMenuItem(startAtLoginKiosk, func() { v.setAutostart(on && kiosk, true) })
	k.Checked = on && kiosk
	return []*fyne.MenuItem{plain, k}
}

// setAutostart removes the autostart entry (off), or writes one that
// starts this wall, in kiosk mode or as the window is now. It says what
// it did on the status line.
func (v *Viewer) setAutostart(off, kiosk bool) {
	if off {
		if err := autostart.Disable(); err != nil {
			v.status.SetText(sentence(err))
			return
		}
		v.status.SetText("rtspview no longer starts at login.")
		return
	}
	exe, err := os.Executable()
	if err == nil {
		// A link (/usr/bin/rtspview → the package's copy) is kept: an
		// update replaces what it points to.
		exe, err = filepath.Abs(exe)
	}
	if err == nil {
		err = autostart.Enable(autostart.Entry{Exe: exe, Args: v.autostartArgs(kiosk)})
	}
	if err != nil {
		v.status.SetText(sentence(err))
		return
	}
	path, _ := autostart.Path()
	v.status.SetText("rtspview starts at login on this wall: " + path)
}

// autostartArgs are the flags for the login: the window's wall file, and
// --kiosk, or --fullscreen when the window is. A temporary wall (the
// addresses given at launch) has no file: the login opens the saved one.
func (v *Viewer) autostartArgs(kiosk bool) []string {
	var args []string
	if p := v.walls().path; p != "" {
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		args = append(args, "--wall", p)
	}
	switch {
	case kiosk || v.opts.Kiosk:
		args = append(args, "--kiosk")
	case v.opts.Fullscreen || v.win.FullScreen():
		args = append(args, "--fullscreen")
	}
	return args
}
