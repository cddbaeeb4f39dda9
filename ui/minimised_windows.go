//go:build windows

package ui

import (
	"fyne.io/fyne/v2/driver"
	"golang.org/x/sys/windows"
)

// user32's IsIconic and IsWindowVisible, loaded from System32 only.
var (
	user32          = windows.NewLazySystemDLL("user32.dll")
	isIconic        = user32.NewProc("IsIconic")
	isWindowVisible = user32.NewProc("IsWindowVisible")
)

// windowHidden reports whether the window in ctx is minimised (IsIconic)
// or hidden.
func windowHidden(ctx any) bool {
	w, ok := ctx.(driver.WindowsWindowContext)
	if !ok || w.HWND == 0 {
		return false
	}
	if isIconic.Find() != nil || isWindowVisible.Find() != nil {
		return false
	}
	iconic, _, _ := isIconic.Call(w.HWND)
	visible, _, _ := isWindowVisible.Call(w.HWND)
	return iconic != 0 || visible == 0
}
