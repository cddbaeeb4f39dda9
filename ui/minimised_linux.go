//go:build linux && !wayland

package ui

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>

static int rv_ignore_error(Display *d, XErrorEvent *e) {
	return 0;
}

// rv_window_viewable is 1 when the window is mapped and all its ancestors
// are (IsViewable), 0 when not, -1 when the server cannot say. Xlib's
// default error handler ends the process, so a window gone meanwhile
// (BadWindow) is caught as GLFW itself does: a handler for the one call,
// which is a round trip, so its error arrives within it.
static int rv_window_viewable(void *dpy, unsigned long win) {
	XWindowAttributes a;
	XErrorHandler prev = XSetErrorHandler(rv_ignore_error);
	Status ok = XGetWindowAttributes((Display *)dpy, (Window)win, &a);
	XSetErrorHandler(prev);
	if (!ok) {
		return -1;
	}
	return a.map_state == IsViewable;
}
*/
import "C"

import (
	"unsafe"

	"fyne.io/fyne/v2/driver"
	"github.com/go-gl/glfw/v3.3/glfw"
)

// windowHidden reports whether the X11 window in ctx is out of sight: a
// window manager unmaps a window it iconifies (ICCCM 4.1.4) and, in most
// window managers, the windows of other virtual desktops, so anything but
// IsViewable counts. The Display is GLFW's own connection.
func windowHidden(ctx any) bool {
	x, ok := ctx.(driver.X11WindowContext)
	if !ok || x.WindowHandle == 0 {
		return false // no window yet, or already closed
	}
	dpy := glfw.GetX11Display()
	if dpy == nil {
		return false
	}
	return C.rv_window_viewable(unsafe.Pointer(dpy), C.ulong(x.WindowHandle)) == 0
}
