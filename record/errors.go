package record

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"syscall"
)

// ErrDiskFull means the disk (or the user's quota on it) has no room left.
var ErrDiskFull = errors.New("the disk is full")

// ErrNoPermission means the folder or file may not be written.
var ErrNoPermission = errors.New("no permission to write there")

// ErrReadOnly means the folder is on a disk mounted read-only.
var ErrReadOnly = errors.New("the disk is read-only")

// ErrNoMuxer means this build's FFmpeg has no writer for the container
// (a static FFmpeg configured without the mp4 or matroska muxer).
var ErrNoMuxer = errors.New("this build cannot write that kind of file")

// ErrClosed is returned by Start on a Recorder after Close.
var ErrClosed = errors.New("recorder closed")

// WriteError is why a recording stopped: a file or folder that could not be
// made or written. Its Error is a sentence a person understands ("cannot
// write /video/door/…: the disk is full"); errors.Is matches ErrDiskFull,
// ErrNoPermission or ErrReadOnly, and Unwrap gives the system's error.
type WriteError struct {
	Path string // the file or folder
	Err  error  // the system's error
}

func (e *WriteError) Error() string {
	what := e.Err.Error()
	switch {
	case errors.Is(e, ErrDiskFull):
		what = ErrDiskFull.Error()
	case errors.Is(e, ErrNoPermission):
		what = ErrNoPermission.Error()
	case errors.Is(e, ErrReadOnly):
		what = ErrReadOnly.Error()
	default:
		var pe *fs.PathError
		if errors.As(e.Err, &pe) {
			what = pe.Err.Error() // the path is said once, below
		}
	}
	return fmt.Sprintf("cannot write %s: %s", filepath.Clean(e.Path), what)
}

func (e *WriteError) Unwrap() error { return e.Err }

// Is maps the system's error numbers to the kinds a caller decides on.
func (e *WriteError) Is(target error) bool {
	var no syscall.Errno
	if !errors.As(e.Err, &no) {
		return false
	}
	switch target {
	case ErrDiskFull:
		return diskFull(no)
	case ErrNoPermission:
		return errors.Is(no, fs.ErrPermission)
	case ErrReadOnly:
		return readOnly(no)
	}
	return false
}
