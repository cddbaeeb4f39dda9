//go:build !windows

package main

// attachConsole matters only on Windows, where the GUI-subsystem exe starts
// without a console.
func attachConsole() {}
