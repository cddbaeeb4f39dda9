package ui

import (
	"bytes"
	"io"
	"sync"
)

// fyneLog passes the standard logger's lines through to w, less one
// report Fyne makes of itself on every close: at exit it saves the
// preferences (preferences.forceImmediateSave), truncating the file before
// it marks the save as its own, and its file watcher reloads the file in
// between, empty: "Fyne error: Preferences load error: / Cause: EOF / At:
// …/app/preferences.go". Nothing is lost (the save goes on and completes),
// but a person reads it as a broken settings file. Every other line,
// Fyne's other errors included, goes through unchanged.
type fyneLog struct {
	mu   sync.Mutex
	w    io.Writer
	held []byte // "Fyne error:  Preferences load error:", until its cause is known
	drop bool   // the report is the EOF one: drop its "At:" line too
}

var (
	prefsLoadError = []byte("Fyne error:  Preferences load error:")
	causeEOF       = []byte("  Cause: EOF\n")
	atLine         = []byte("  At: ")
)

// Write takes one log line (the log package writes each in one call).
func (f *fyneLog) Write(line []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.drop && bytes.Contains(line, atLine):
		f.drop = false
		return len(line), nil
	case f.held != nil && bytes.HasSuffix(line, causeEOF):
		f.held, f.drop = nil, true
		return len(line), nil
	case bytes.Contains(line, prefsLoadError):
		f.flush()
		f.held = append([]byte(nil), line...)
		return len(line), nil
	}
	f.drop = false
	f.flush()
	return f.w.Write(line)
}

// flush writes a held line that turned out not to be the EOF report.
func (f *fyneLog) flush() {
	if f.held != nil {
		f.w.Write(f.held)
		f.held = nil
	}
}
