package main

import (
	"os"
	"syscall"
)

// The release exe is linked as a GUI program (-H windowsgui) so that a
// double-click opens no console window. Typed into cmd or PowerShell,
// `rtspview.exe probe --json URL` must still print there: Windows gives a
// GUI program no standard handles, so attach to the parent's console and
// open its input and output. Handles the parent already gave us (a pipe or a
// file, as scripts redirect) are kept as they are.
func attachConsole() {
	if validHandle(syscall.STD_OUTPUT_HANDLE) && validHandle(syscall.STD_ERROR_HANDLE) {
		return
	}
	const attachParentProcess = ^uintptr(0) // ATTACH_PARENT_PROCESS, (DWORD)-1
	attach := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole")
	if r, _, _ := attach.Call(attachParentProcess); r == 0 {
		return // double-clicked: no parent console, and none is wanted
	}
	if !validHandle(syscall.STD_OUTPUT_HANDLE) {
		if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
			os.Stdout = f
		}
	}
	if !validHandle(syscall.STD_ERROR_HANDLE) {
		if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
			os.Stderr = f
		}
	}
}

func validHandle(std int) bool {
	h, err := syscall.GetStdHandle(std)
	return err == nil && h != 0 && h != syscall.InvalidHandle
}
