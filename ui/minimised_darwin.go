//go:build darwin

package ui

/*
#cgo CFLAGS: -x objective-c
#cgo LDFLAGS: -framework Cocoa
#include <stdint.h>
#import <Cocoa/Cocoa.h>

// rv_window_hidden is 1 when the NSWindow is in the Dock (miniaturized),
// ordered out, or fully out of sight (another Space, covered, the screen
// locked: occlusionState, macOS 10.9), else 0.
static int rv_window_hidden(uintptr_t ptr) {
	NSWindow *w = (NSWindow *)(void *)ptr;
	if (w == nil) {
		return 0;
	}
	if ([w isMiniaturized] || ![w isVisible]) {
		return 1;
	}
	return ([w occlusionState] & NSWindowOcclusionStateVisible) == 0;
}
*/
import "C"

import (
	"fyne.io/fyne/v2/driver"
)

// windowHidden reports whether the NSWindow in ctx is out of sight
// (miniaturized, not visible, or wholly occluded).
//
// Not built or run here: this project's macOS build is made only by the
// release workflow on a macOS runner (README), so this file is untested.
func windowHidden(ctx any) bool {
	m, ok := ctx.(driver.MacWindowContext)
	if !ok || m.NSWindow == 0 {
		return false
	}
	return C.rv_window_hidden(C.uintptr_t(m.NSWindow)) != 0
}
