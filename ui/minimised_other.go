//go:build !(linux && !wayland) && !windows && !darwin

package ui

// windowHidden is false on systems where the viewer cannot ask: Wayland
// tells a client nothing about being minimised (xdg-shell has no such
// state), and the BSDs are not built. Streams there decode while
// minimised, as they do when shown.
func windowHidden(any) bool { return false }
