//go:build windows

package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
	"golang.org/x/sys/windows"
)

// user32's IsIconic and IsWindowVisible, loaded from System32 only.
var (
	user32          = windows.NewLazySystemDLL("user32.dll")
	isIconic        = user32.NewProc("IsIconic")
	isWindowVisible = user32.NewProc("IsWindowVisible")
)

// windowMinimised reports whether win is minimised (IsIconic) or hidden.
// Called on the UI thread, which owns the window's message queue.
func windowMinimised(win fyne.Window) bool {
	nw, ok := win.(driver.NativeWindow)
	if !ok {
		return false // the headless test driver
	}
	hidden := false
	nw.RunNative(func(ctx any) {
		w, ok := ctx.(driver.WindowsWindowContext)
		if !ok || w.HWND == 0 {
			return
		}
		if isIconic.Find() != nil || isWindowVisible.Find() != nil {
			return
		}
		iconic, _, _ := isIconic.Call(w.HWND)
		visible, _, _ := isWindowVisible.Call(w.HWND)
		hidden = iconic != 0 || visible == 0
	})
	return hidden
}
