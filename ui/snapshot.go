package ui

import (
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
)

// picturesDir is where snapshots go: $XDG_PICTURES_DIR, else Pictures in
// the home folder (the name Windows, macOS and the XDG default share),
// made when missing.
func picturesDir() (string, error) {
	if d := os.Getenv("XDG_PICTURES_DIR"); d != "" {
		return d, os.MkdirAll(d, 0o755)
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	d := filepath.Join(home, "Pictures")
	return d, os.MkdirAll(d, 0o755)
}

// snapshotName is "Front door 2026-11-29 20-15-03.png": the camera's name
// (or host, never an address with its login) and the time, with the
// characters Windows forbids in a file name replaced.
func snapshotName(name string, at time.Time) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < ' ' {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" {
		name = "camera"
	}
	return fmt.Sprintf("%s %s.png", name, at.Format("2006-01-02 15-04-05"))
}

// snapshot saves the picture the tile shows as a PNG in the pictures
// folder and says where. It returns the file's path ("" when nothing was
// saved). UI thread.
func (v *Viewer) snapshot(ts *tileState) string {
	img, ok := ts.tile.Image().(*image.RGBA)
	if !ok || img.Rect.Dx() <= 16 {
		// Attach's placeholder: the camera has shown nothing yet.
		dialog.ShowInformation("Snapshot", "There is no picture to save yet.", v.win)
		return ""
	}
	path, err := v.saveSnapshot(img, displayName(ts.w.cam), time.Now())
	if err != nil {
		dialog.ShowInformation("Snapshot not saved", err.Error(), v.win)
		return ""
	}
	d := dialog.NewInformation("Snapshot saved", path, v.win)
	d.Resize(fyne.NewSize(480, 0))
	d.Show()
	return path
}

// saveSnapshot writes img under the pictures folder, with a number added
// when two snapshots fall in the same second.
func (v *Viewer) saveSnapshot(img image.Image, name string, at time.Time) (string, error) {
	dir, err := picturesDir()
	if err != nil {
		return "", fmt.Errorf("no pictures folder: %w", err)
	}
	base := snapshotName(name, at)
	path := filepath.Join(dir, base)
	var f *os.File
	for n := 2; n < 100; n++ {
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if !os.IsExist(err) {
			break
		}
		path = filepath.Join(dir, fmt.Sprintf("%s (%d).png", strings.TrimSuffix(base, ".png"), n))
	}
	if err != nil {
		return "", err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		os.Remove(path)
		return "", err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return "", err
	}
	return path, nil
}
