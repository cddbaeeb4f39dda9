// Package prune deletes a camera's old recordings: those older than a
// recording's keep time, and the oldest first while the disk's free space
// is under a floor, so a camera recorded all day never fills the disk.
// It deletes only files named as package record names them, in the one
// folder it is given, and never one still being written.
package prune

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"time"
)

// FloorBytes is the most free space the floor asks for: 1 GiB.
const FloorBytes = 1 << 30

// FloorPercent is the floor on a small disk: 5 % of it.
const FloorPercent = 5

// busyWithin: a file written to this recently is being recorded (a
// recorder writes a fragment at least every second).
const busyWithin = time.Minute

// ErrNoSpaceInfo means the system did not say how full the disk is; the
// floor is then not applied (age still is).
var ErrNoSpaceInfo = errors.New("free space unknown on this system")

// Policy says which files go.
type Policy struct {
	// KeepFor: files last written longer ago than this are deleted; 0
	// deletes none for their age.
	KeepFor time.Duration
	// Space reports the free and total bytes of the disk that holds dir;
	// nil asks the system (DiskSpace).
	Space func(dir string) (free, total uint64, err error)
	// Now is the time ages are measured from; zero is time.Now.
	Now time.Time
}

// Floor is the free space, in bytes, under which the oldest recordings are
// deleted on a disk of total bytes: 1 GiB, or 5 % of a disk smaller than
// 20 GiB.
func Floor(total uint64) uint64 {
	return min(FloorBytes, total*FloorPercent/100)
}

// recordingName matches the names package record gives files:
// "2026-12-07 14-03-00.mp4", "… (2).mkv".
var recordingName = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}-\d{2}-\d{2}( \(\d+\))?\.(mp4|mkv)$`)

type file struct {
	path string
	mod  time.Time
	size int64
}

// Folder deletes the recordings in dir that p says go, and returns their
// paths. An error deleting one file does not stop the others; the first
// is returned.
func Folder(dir string, p Policy) ([]string, error) {
	now := p.Now
	if now.IsZero() {
		now = time.Now()
	}
	space := p.Space
	if space == nil {
		space = DiskSpace
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil // nothing recorded yet
		}
		return nil, err
	}
	var files []file
	for _, e := range entries {
		if !e.Type().IsRegular() || !recordingName.MatchString(e.Name()) {
			continue
		}
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) < busyWithin {
			continue // gone meanwhile, or being written
		}
		files = append(files, file{filepath.Join(dir, e.Name()), info.ModTime(), info.Size()})
	}
	slices.SortFunc(files, func(a, b file) int { return a.mod.Compare(b.mod) })
	var removed []string
	var first error
	remove := func(f file) bool {
		if err := os.Remove(f.path); err != nil && !errors.Is(err, os.ErrNotExist) {
			if first == nil {
				first = fmt.Errorf("delete old recording: %w", err)
			}
			return false
		}
		removed = append(removed, f.path)
		return true
	}
	i := 0
	for ; i < len(files) && p.KeepFor > 0 && now.Sub(files[i].mod) > p.KeepFor; i++ {
		remove(files[i])
	}
	free, total, err := space(dir)
	if err != nil {
		if first == nil && !errors.Is(err, ErrNoSpaceInfo) {
			first = fmt.Errorf("free space of %s: %w", dir, err)
		}
		return removed, first
	}
	floor := Floor(total)
	for ; i < len(files) && free < floor; i++ {
		if remove(files[i]) {
			free += uint64(max(files[i].size, 0))
			if f, t, err := space(dir); err == nil && t == total {
				free = f // the system's word, where it has caught up
			}
		}
	}
	return removed, first
}
