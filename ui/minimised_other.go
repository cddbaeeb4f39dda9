//go:build !(linux && !wayland) && !windows && !darwin

package ui

import "fyne.io/fyne/v2"

// windowMinimised is false on systems where the viewer cannot ask: Wayland
// tells a client nothing about being minimised (xdg-shell has no such
// state), and the BSDs are not built. Streams then decode while minimised,
// as before.
func windowMinimised(fyne.Window) bool { return false }
