//go:build linux && !wayland

package ui

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>

// rv_window_viewable is 1 when the window is mapped and all its ancestors
// are (IsViewable), 0 when not, -1 when the server cannot say.
static int rv_window_viewable(void *dpy, unsigned long win) {
	XWindowAttributes a;
	if (!XGetWindowAttributes((Display *)dpy, (Window)win, &a)) {
		return -1;
	}
	return a.map_state == IsViewable;
}
*/
import "C"

import (
	"unsafe"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// windowMinimised reports whether win is out of sight on X11: a window
// manager unmaps a window it iconifies (ICCCM 4.1.4) and, in most window
// managers, the windows of other virtual desktops, so anything but
// IsViewable counts. The Display is GLFW's own connection, asked on the
// UI thread where GLFW itself uses it (Xlib is not thread-safe).
func windowMinimised(win fyne.Window) bool {
	nw, ok := win.(driver.NativeWindow)
	if !ok {
		return false // the headless test driver
	}
	hidden := false
	nw.RunNative(func(ctx any) {
		x, ok := ctx.(driver.X11WindowContext)
		if !ok || x.WindowHandle == 0 {
			return // no window yet, or already closed
		}
		dpy := glfw.GetX11Display()
		if dpy == nil {
			return
		}
		hidden = C.rv_window_viewable(unsafe.Pointer(dpy), C.ulong(x.WindowHandle)) == 0
	})
	return hidden
}
