package wall

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// maxFileSize bounds what Load reads: a wall of a thousand cameras is
// well under it, and a wrong path (a video, a disk image) fails fast.
const maxFileSize = 4 << 20

// DefaultPath is where the window keeps its wall: rtspview/wall.json in
// the user's config directory (~/.config on Linux, %AppData% on Windows,
// ~/Library/Application Support on macOS).
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("no config folder to keep the wall in: %w", err)
	}
	return filepath.Join(dir, "rtspview", "wall.json"), nil
}

// Load reads the wall file at path. A file that does not exist gives an
// error that wraps fs.ErrNotExist.
func Load(path string) (*Wall, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no wall file at %s: %w", path, err)
		}
		return nil, fmt.Errorf("cannot read the wall file %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the wall file %s: %w", path, err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%s: %w: it is larger than %d MB", path, ErrNotAWall, maxFileSize>>20)
	}
	w, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return w, nil
}

// Save writes w to path so that a crash or a full disk never leaves a
// half-written wall: it writes a temporary file in the same folder, syncs
// it to disk, then renames it over path (an atomic replace on the same
// file system, Windows included since Go 1.5's MoveFileEx). The folder is
// created when missing.
func Save(path string, w *Wall) error {
	data, err := w.Marshal()
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("cannot create the folder for the wall file: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".wall-*.json.tmp")
	if err != nil {
		return fmt.Errorf("cannot save the wall in %s: %w", dir, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("cannot save the wall (disk full?): %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("cannot save the wall: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot save the wall: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot save the wall to %s: %w", path, err)
	}
	done = true
	// The rename is durable only once the folder's entry is on disk too;
	// where a folder cannot be synced (Windows) the rename already is.
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
