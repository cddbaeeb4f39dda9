package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/secrets"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// focusedEntry is the entry that has the keys, or nil.
func focusedEntry(w fyne.Window) *widget.Entry {
	switch e := w.Canvas().Focused().(type) {
	case *widget.Entry:
		return e
	case *dialogEntry:
		return &e.Entry
	}
	return nil
}

// typeFocused types text as the driver does: into whatever has the keys.
func typeFocused(w fyne.Window, text string) {
	f := w.Canvas().Focused()
	if f == nil {
		return // nothing takes the keys: the text goes nowhere
	}
	for _, r := range text {
		f.TypedRune(r)
	}
}

// TestPasswordDialogTakesTheKeyboard: the password dialog is answered
// without the mouse. It opens with Password focused when the user name is
// known (Username when not), and keypad Enter in Password connects.
func TestPasswordDialogTakesTheKeyboard(t *testing.T) {
	const pw = "kb-pass-15"
	srv := rtsptest.StartDemo(t, demo.Config{Username: "viewer", Password: pw})
	v, w := newTestViewer(t, Options{Secrets: secrets.NewWithBackend(nil)})
	onUI(func() { v.openWith(srv.URL(), "viewer", "", true, player.TransportTCP, 0) })
	waitDialog(t, w, "Connect")
	var focused *widget.Entry
	onUI(func() { focused = focusedEntry(w) })
	if focused == nil || !focused.Password {
		t.Fatalf("the dialog opened with %T focused, want the password field", w.Canvas().Focused())
	}
	onUI(func() {
		typeFocused(w, pw)
		w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnter}) // keypad Enter
	})
	waitPlaying(t, v, 0)
	if n := len(w.Canvas().Overlays().List()); n != 0 {
		t.Fatalf("%d overlays after Enter", n)
	}

	// No user name known: Username first, Enter goes on to Password.
	// Another server: this session knows the first one's password.
	srv2 := rtsptest.StartDemo(t, demo.Config{Username: "viewer", Password: pw})
	onUI(func() { v.openWith(srv2.URL(), "", "", true, player.TransportTCP, 0) })
	waitDialog(t, w, "Connect")
	onUI(func() { focused = focusedEntry(w) })
	if focused == nil || focused.Password {
		t.Fatalf("the dialog opened with %T focused, want the user name field", w.Canvas().Focused())
	}
	onUI(func() {
		typeFocused(w, "viewer")
		w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if e := focusedEntry(w); e == nil || !e.Password {
			t.Errorf("Enter in Username left %T focused", w.Canvas().Focused())
		}
		typeFocused(w, pw)
		w.Canvas().Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	waitPlaying(t, v, 1)
}

// TestPasswordAtStartKeepsTheTransport: a wall camera saved with
// "transport": "http" whose password is typed into the dialog at start
// stays on the HTTP tunnel, in the tile and in the file (it went to
// "auto" from the window's selector, and played over UDP).
func TestPasswordAtStartKeepsTheTransport(t *testing.T) {
	const pw = "tr-pass-15"
	srv := rtsptest.StartDemo(t, demo.Config{Username: "viewer", Password: pw})
	open := rtsptest.StartDemo(t, demo.Config{}) // the selected tile: its transport is the selector's
	path := filepath.Join(t.TempDir(), "wall.json")
	os.WriteFile(path, []byte(fmt.Sprintf(`{"version": 1, "layout": "auto", "cameras": [
  {"name": "Open", "url": %q, "transport": "udp"},
  {"name": "Tunnel", "url": %q, "transport": "http", "user": "viewer"}
]}`, open.URL(), srv.URL())), 0o600)
	v, w := newTestViewer(t, Options{Wall: loadWall(t, path), WallPath: path, Secrets: secrets.NewWithBackend(nil)})
	onUI(v.Start)
	_, buttons := waitDialog(t, w, "Connect")
	onUI(func() {
		for _, o := range w.Canvas().Overlays().List() {
			for _, obj := range test.LaidOutObjects(o) {
				if e, ok := obj.(*dialogEntry); ok && e.Password {
					e.SetText(pw)
				}
			}
		}
		test.Tap(buttons["Connect"])
	})
	waitPlaying(t, v, 1)
	v.mu.Lock()
	tr := v.tiles[1].transport
	v.mu.Unlock()
	if tr != player.TransportHTTP {
		t.Fatalf("the tile plays over %v, want the HTTP tunnel", tr)
	}
	if c := loadWall(t, path).Cameras[1]; c.Transport != "http" {
		t.Fatalf("the wall file's transport became %q", c.Transport)
	}
	waitFor(t, 5*time.Second, "the status line", func() bool {
		v.refreshStatus() // the tile that asked is the selected one now
		return strings.HasPrefix(v.StatusText(), "Playing · HTTP tunnel")
	})
}

// TestDialogFieldsAnswerEsc: Esc in a focused field closes its dialog
// (the password dialog, Edit camera, Rename); Enter in Edit camera's
// address saves. A focused widget.Entry dropped Esc.
func TestDialogFieldsAnswerEsc(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{Username: "viewer", Password: "esc-15"})
	v, w := newTestViewer(t, Options{Secrets: secrets.NewWithBackend(nil)})
	onUI(func() { v.openWith(srv.URL(), "viewer", "", true, player.TransportTCP, 0) })
	waitDialog(t, w, "Connect")
	press := func(k fyne.KeyName) {
		onUI(func() {
			if f := w.Canvas().Focused(); f != nil {
				f.TypedKey(&fyne.KeyEvent{Name: k})
			}
		})
	}
	press(fyne.KeyEscape)
	if n := len(w.Canvas().Overlays().List()); n != 0 {
		t.Fatal("Esc left the password dialog open")
	}
	v.mu.Lock()
	ts := v.tiles[0]
	v.mu.Unlock()
	for _, open := range []func(){func() { v.askEditAddress(ts) }, func() { v.askRename(ts) }} {
		onUI(open)
		if focusedEntry(w) == nil {
			t.Fatal("the dialog opened with no field focused")
		}
		press(fyne.KeyEscape)
		if n := len(w.Canvas().Overlays().List()); n != 0 {
			t.Fatal("Esc left the dialog open")
		}
	}
	onUI(func() { v.askEditAddress(ts) })
	press(fyne.KeyReturn)
	if n := len(w.Canvas().Overlays().List()); n != 0 {
		t.Fatal("Enter in Edit camera's address did not save")
	}
}
