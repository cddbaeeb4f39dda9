package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/rtspview/rtspview/player"
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

// snapshot saves the tile's current picture, at the size the camera sends
// it (not the tile's, which the decoder scales to), as a PNG in the
// pictures folder and says where. The wait for the picture (up to
// player's 3 s) and the PNG encoding run on a goroutine the Viewer owns,
// so the window never freezes; the dialog comes back through v.do. The
// channel gets the file's path, or "" when nothing was saved, once the
// dialog is up (tests wait on it). UI thread.
func (v *Viewer) snapshot(ts *tileState) <-chan string {
	done := make(chan string, 1)
	// While a switch keeps the old stream's picture up, that is the one
	// on screen.
	s := ts.stream
	if ts.ho.old != nil {
		s = ts.ho.old
	}
	if s == nil {
		v.inform("Snapshot", "There is no picture to save yet.", 0)
		done <- ""
		return done
	}
	name, at := ts.shownName(), time.Now()
	v.wg.Add(1)
	go func() {
		defer v.wg.Done()
		path, err := v.takeSnapshot(s, name, at)
		if errors.Is(err, context.Canceled) {
			done <- "" // the window is closing
			return
		}
		v.do(func() {
			if err != nil {
				v.inform("Snapshot not saved", sentence(err), 0)
			} else {
				v.inform("Snapshot saved", path, 480)
			}
			done <- path
		})
	}()
	return done
}

// takeSnapshot waits for s's full-size picture, or the Viewer's Close,
// and saves it.
func (v *Viewer) takeSnapshot(s *player.Stream, name string, at time.Time) (string, error) {
	ctx, cancel := context.WithCancel(context.Background())
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case <-v.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	img, err := s.Snapshot(ctx)
	cancel()
	<-watched
	if err != nil {
		return "", err
	}
	return v.saveSnapshot(img, name, at)
}

// sentence makes an error's words a sentence: capital first, full stop.
func sentence(err error) string {
	msg := err.Error()
	if msg == "" {
		return msg
	}
	r, n := utf8.DecodeRuneInString(msg)
	msg = string(unicode.ToUpper(r)) + msg[n:]
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
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
