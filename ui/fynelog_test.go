package ui

import (
	"bytes"
	"errors"
	"io"
	"log"
	"testing"

	"fyne.io/fyne/v2"
)

// TestFyneLogDropsOnlyTheExitEOF: the preferences EOF Fyne logs at every
// close is dropped; its other reports (another cause, another error) and
// every other line go through, in order.
func TestFyneLogDropsOnlyTheExitEOF(t *testing.T) {
	var out bytes.Buffer
	old, flags := log.Writer(), log.Flags()
	t.Cleanup(func() { log.SetOutput(old); log.SetFlags(flags) })
	log.SetFlags(0)
	log.SetOutput(&fyneLog{w: &out})
	log.Println("before")
	fyne.LogError("Preferences load error:", io.EOF)
	fyne.LogError("Preferences load error:", errors.New("invalid character 'x'"))
	fyne.LogError("Failed on force saving preferences", io.EOF)
	log.Println("after")
	got := out.String()
	want := "before\nFyne error:  Preferences load error:\n  Cause: invalid character 'x'\n"
	if !bytes.HasPrefix([]byte(got), []byte(want)) || bytes.Count([]byte(got), []byte("EOF")) != 1 ||
		!bytes.Contains([]byte(got), []byte("Failed on force saving preferences\n  Cause: EOF\n")) ||
		!bytes.HasSuffix([]byte(got), []byte("after\n")) || bytes.Count([]byte(got), []byte("  At: ")) != 2 {
		t.Fatalf("logged:\n%s", got)
	}
}
