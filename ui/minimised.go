package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

// A minimised window shows nothing, so it should decode nothing. Fyne 2.7
// has no minimise event (its GLFW window keeps painting when iconified and
// tells the app nothing), so the status ticker asks the window system about
// once a second (windowMinimised, one file per system) and, when the
// window is out of sight, hides every stream: player.Stream.SetHidden,
// which stops decoding at once and closes the session after 30 s. arrange
// combines the two reasons a stream is hidden: the window is minimised, or
// its tile is not on the page shown.

// isMinimised is windowMinimised, a variable for the headless tests,
// whose window the system knows nothing of.
var isMinimised = windowMinimised

// windowMinimised reports whether win is out of sight, asking the window
// system through windowHidden (one file per system) with the window's
// native handle. The caller is on the UI thread, where the window system
// wants to be asked (Xlib and Cocoa are not thread-safe; Windows' window
// belongs to the thread with its message queue).
func windowMinimised(win fyne.Window) bool {
	nw, ok := win.(driver.NativeWindow)
	if !ok {
		return false // the headless test driver
	}
	hidden := false
	nw.RunNative(func(ctx any) { hidden = windowHidden(ctx) })
	return hidden
}

// checkMinimised polls the window and hides or shows the streams when it
// was minimised or restored. UI thread: Xlib and Cocoa are not
// thread-safe, and GLFW calls them from this thread.
func (v *Viewer) checkMinimised() {
	m := isMinimised(v.win)
	if m == v.minimised {
		if m {
			// A stream opened while minimised (a tour's page, a
			// sub-stream switch) is hidden too.
			v.hideAll()
		}
		return
	}
	v.minimised = m
	if m {
		v.hideAll()
		return
	}
	// Restored: the tiles arrange shows decode again from their next
	// keyframe; the others stay hidden.
	v.arrange()
	v.mu.Lock()
	for _, ts := range v.tiles {
		if ts.ho.old != nil {
			ts.ho.old.SetHidden(false) // the picture kept up during a switch
		}
	}
	v.mu.Unlock()
}

// hideAll hides every stream of every tile.
func (v *Viewer) hideAll() {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, ts := range v.tiles {
		if ts.stream != nil {
			ts.stream.SetHidden(true)
		}
		if ts.ho.old != nil {
			ts.ho.old.SetHidden(true)
		}
	}
}
