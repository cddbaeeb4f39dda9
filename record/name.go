package record

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxNameBytes bounds a cleaned name: most file systems allow 255 bytes in
// one path element, and the time and a suffix still have to fit beside it.
const maxNameBytes = 120

// CleanName turns a camera's name into one safe path element: the
// characters Windows forbids in a file name (/ \ : * ? " < > |) and control
// characters become '_', leading and trailing spaces and dots go (Windows
// drops trailing ones itself, and "." or ".." would name a folder other than
// the camera's), and a name left empty, or one of Windows' reserved device
// names, becomes "camera". A name comes from a wall file that may have been
// written by someone else, so no name can lead out of the folder it is
// joined to.
func CleanName(name string) string {
	if !utf8.ValidString(name) {
		name = strings.ToValidUTF8(name, "_")
	}
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || unicode.IsControl(r) {
			return '_'
		}
		return r
	}, name)
	name = strings.Trim(name, " .")
	if len(name) > maxNameBytes {
		cut := maxNameBytes
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = strings.TrimRight(name[:cut], " .")
	}
	if name == "" || reservedOnWindows(name) {
		return "camera"
	}
	return name
}

// reservedOnWindows reports device names Windows will not create a file or
// folder under, with or without an extension ("NUL.txt" too).
func reservedOnWindows(name string) bool {
	base, _, _ := strings.Cut(name, ".")
	switch strings.ToUpper(strings.TrimSpace(base)) {
	case "CON", "PRN", "AUX", "NUL",
		"COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		return true
	}
	return false
}

// FileName is where a recording of camera that starts at start goes:
// <dir>/<camera>/<YYYY-MM-DD HH-MM-SS>.<ext>, the camera's name cleaned by
// CleanName and the time in the local zone, as a person reads a clock.
func FileName(dir, camera string, start time.Time, ext string) string {
	return filepath.Join(dir, CleanName(camera), start.Format("2006-01-02 15-04-05")+"."+ext)
}

// numbered is path with " (n)" before its extension: the name of the
// second file that starts in the same second.
func numbered(path string, n int) string {
	ext := filepath.Ext(path)
	return fmt.Sprintf("%s (%d)%s", strings.TrimSuffix(path, ext), n, ext)
}
