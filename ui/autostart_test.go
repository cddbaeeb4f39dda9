package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
)

// menuItem is the Wall menu's item labelled label, as the menu is built
// when the button is pressed.
func menuItem(t *testing.T, v *Viewer, label string) *fyne.MenuItem {
	t.Helper()
	var found *fyne.MenuItem
	onUI(func() {
		for _, it := range v.wallMenu().Items {
			if it.Label == label {
				found = it
			}
		}
	})
	if found == nil {
		t.Fatalf("no %q in the Wall menu", label)
	}
	return found
}

// TestStartAtLogin: the Wall menu's "Start at login" writes the XDG
// autostart entry that opens this wall (fullscreen when the window is),
// shows a check mark while it is there, and removes it; "as a kiosk"
// writes one with --kiosk.
func TestStartAtLogin(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "xdg"))
	entry := filepath.Join(home, "xdg", "autostart", "rtspview.desktop")
	path := filepath.Join(t.TempDir(), "my wall.json")
	v, win := newWallViewer(t, 2, nil, path)

	if it := menuItem(t, v, startAtLogin); it.Checked {
		t.Fatal("checked before it was chosen")
	}
	onUI(func() { win.SetFullScreen(true) })
	// The status is read in the same UI turn as the choice: the next
	// status tick puts the selected tile's state back.
	item := menuItem(t, v, startAtLogin)
	var status string
	onUI(func() { item.Action(); status = v.StatusText() })
	data, err := os.ReadFile(entry)
	if err != nil {
		t.Fatalf("no autostart entry: %v", err)
	}
	exe, _ := os.Executable()
	if exec := execLine(string(data)); !strings.Contains(exec, `"`+exe+`"`) || !strings.Contains(exec, `"--wall" "`+path+`"`) || !strings.HasSuffix(exec, `"--fullscreen"`) {
		t.Fatalf("the entry runs %s", exec)
	}
	if !strings.Contains(status, "starts at login") {
		t.Fatalf("status %q", status)
	}
	if it := menuItem(t, v, startAtLogin); !it.Checked {
		t.Fatal("not checked with the entry there")
	}
	onUI(menuItem(t, v, startAtLogin).Action)
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Fatalf("the entry is still there: %v", err)
	}
	if it := menuItem(t, v, startAtLogin); it.Checked {
		t.Fatal("checked after it was removed")
	}

	// As a kiosk: the same wall, --kiosk; the plain item is unchecked,
	// and choosing it puts a plain entry in the kiosk one's place.
	onUI(menuItem(t, v, startAtLoginKiosk).Action)
	data, _ = os.ReadFile(entry)
	if exec := execLine(string(data)); !strings.Contains(exec, `"--wall" "`+path+`"`) || !strings.HasSuffix(exec, `"--kiosk"`) {
		t.Fatalf("the kiosk entry runs %s", exec)
	}
	if !menuItem(t, v, startAtLoginKiosk).Checked || menuItem(t, v, startAtLogin).Checked {
		t.Fatal("the kiosk entry is not the one checked")
	}
	onUI(menuItem(t, v, startAtLogin).Action)
	data, _ = os.ReadFile(entry)
	if exec := execLine(string(data)); strings.Contains(exec, "--kiosk") || !menuItem(t, v, startAtLogin).Checked {
		t.Fatalf("after the plain item the entry runs %s", exec)
	}
	onUI(menuItem(t, v, startAtLogin).Action)
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Fatalf("the entry is still there: %v", err)
	}
}

func execLine(desktop string) string {
	for line := range strings.SplitSeq(desktop, "\n") {
		if v, ok := strings.CutPrefix(line, "Exec="); ok {
			return v
		}
	}
	return ""
}
