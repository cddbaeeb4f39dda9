package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/player"
)

// TestAboutShowsTheWallFile: the About dialog says where the wall is
// kept, or that a command-line wall is not saved.
func TestAboutShowsTheWallFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wall.json")
	for _, tc := range []struct {
		path, want string
	}{
		{path, "Camera wall saved in " + path},
		{"", "is temporary"},
	} {
		v, w := newTestViewer(t, Options{WallPath: tc.path})
		onUI(v.showAbout)
		var texts []string
		for _, o := range w.Canvas().Overlays().List() {
			walk(o, func(o fyne.CanvasObject) {
				if l, ok := o.(*widget.Label); ok {
					texts = append(texts, l.Text)
				}
			})
		}
		if all := strings.Join(texts, "\n"); !strings.Contains(all, tc.want) {
			t.Errorf("wall path %q: About says\n%s\nwant %q in it", tc.path, all, tc.want)
		}
	}
}

// walk calls f for o and everything inside it.
func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	f(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, o := range c.Objects {
			walk(o, f)
		}
	case fyne.Widget:
		for _, o := range test.WidgetRenderer(c).Objects() {
			walk(o, f)
		}
	}
}

// TestDialogsCloseOnEnterAndEsc: About closes on Enter and on Esc, and
// a question (Send the password in clear?) on Esc, like every dialog.
func TestDialogsCloseOnEnterAndEsc(t *testing.T) {
	v, w := newTestViewer(t, Options{})
	for _, k := range []fyne.KeyName{fyne.KeyReturn, fyne.KeyEscape} {
		onUI(v.showAbout)
		if len(w.Canvas().Overlays().List()) != 1 {
			t.Fatal("About did not open")
		}
		key(w, k)
		if n := len(w.Canvas().Overlays().List()); n != 0 {
			t.Fatalf("%s left About open", k)
		}
	}
	onUI(func() { dialog.ShowConfirm("Send the password in clear?", "Allow Basic?", func(bool) {}, w) })
	key(w, fyne.KeyEscape)
	if n := len(w.Canvas().Overlays().List()); n != 0 {
		t.Fatal("Esc left the question open")
	}
}

// TestAboutLicenceIsTheFFmpegInside: the licence About names for FFmpeg
// is the one the linked FFmpeg reports (a development build on Debian's
// FFmpeg said "GPL version 2 or later" above "Licence: GNU Lesser …").
func TestAboutLicenceIsTheFFmpegInside(t *testing.T) {
	v, w := newTestViewer(t, Options{})
	onUI(v.showAbout)
	var notices string
	for _, o := range w.Canvas().Overlays().List() {
		walk(o, func(o fyne.CanvasObject) {
			if l, ok := o.(*widget.Label); ok && strings.HasPrefix(l.Text, "FFmpeg ") {
				notices = l.Text
			}
		})
	}
	lic := player.FFmpegLicense()
	head, _, _ := strings.Cut(notices, "\n\n")
	if !strings.Contains(head, "Licence: "+lic) && !(strings.HasPrefix(lic, "LGPL") && strings.Contains(head, "Lesser")) {
		t.Fatalf("FFmpeg reports %q; About's notice opens\n%s", lic, head)
	}
}
