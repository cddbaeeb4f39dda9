package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/internal/licenses"
	"github.com/rtspview/rtspview/internal/version"
	"github.com/rtspview/rtspview/player"
)

// aboutText is the About dialog's head: the same facts as --version, one
// per line, so a person can read them out in a bug report.
func aboutText() string {
	info := version.Get(player.FFmpegVersion(), player.FFmpegLicense())
	return fmt.Sprintf("rtspview %s\nCommit %s\nBuilt with %s\nFFmpeg %s, %s",
		info.Version, info.Commit, info.Go, info.FFmpeg, info.FFmpegLicense)
}

// wallFileText says where the camera wall is kept, so a person can copy
// it to another PC or write one by script (docs/wall-format.md).
func wallFileText(path string) string {
	if path == "" {
		return "Camera wall: this one is temporary (addresses from the command line) and is not saved"
	}
	return "Camera wall saved in " + path
}

// showAbout opens the About dialog: version, and every licence notice that
// ships inside the binary (FFmpeg's LGPL and where its source comes from,
// then each Go module), in a scrolling, selectable text.
func (v *Viewer) showAbout() {
	head := widget.NewLabel(aboutText() + "\n" + wallFileText(v.walls().path))
	head.Selectable = true
	notices := widget.NewLabel(licenses.For(player.FFmpegVersion(), player.FFmpegLicense()))
	notices.Selectable = true
	notices.TextStyle = fyne.TextStyle{Monospace: true}
	scroll := container.NewVScroll(notices)
	scroll.SetMinSize(fyne.NewSize(620, 300))
	body := container.NewBorder(container.NewVBox(head, widget.NewLabel("Licences of the software inside rtspview:")), nil, nil, nil, scroll)
	d := dialog.NewCustom("About rtspview", "Close", body, v.win)
	// Enter and Esc close it (overlayKey), as they close every notice.
	d.SetOnClosed(func() {
		if v.keys.notice == d {
			v.keys.notice = nil
		}
	})
	v.keys.notice = d
	d.Show()
}
