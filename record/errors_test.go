package record

import (
	"errors"
	"io/fs"
	"strings"
	"syscall"
	"testing"
)

func TestWriteErrorSentence(t *testing.T) {
	for _, c := range []struct {
		err  error
		kind error
		want string
	}{
		{&fs.PathError{Op: "write", Path: "/v/a.mp4", Err: syscall.ENOSPC}, ErrDiskFull, "cannot write /v/a.mp4: the disk is full"},
		{&fs.PathError{Op: "open", Path: "/v/a.mp4", Err: syscall.EACCES}, ErrNoPermission, "cannot write /v/a.mp4: no permission to write there"},
		{&fs.PathError{Op: "mkdir", Path: "/v", Err: syscall.EROFS}, ErrReadOnly, "cannot write /v/a.mp4: the disk is read-only"},
		{&fs.PathError{Op: "write", Path: "/v/a.mp4", Err: syscall.EIO}, nil, "cannot write /v/a.mp4: input/output error"},
	} {
		err := &WriteError{Path: "/v/a.mp4", Err: c.err}
		if got := err.Error(); got != c.want {
			t.Errorf("%v: %q, want %q", c.err, got, c.want)
		}
		if c.kind != nil && !errors.Is(err, c.kind) {
			t.Errorf("%v is not %v", c.err, c.kind)
		}
		for _, k := range []error{ErrDiskFull, ErrNoPermission, ErrReadOnly} {
			if k != c.kind && errors.Is(err, k) {
				t.Errorf("%v is %v too", c.err, k)
			}
		}
		if strings.Contains(err.Error(), "%!") {
			t.Errorf("bad format: %q", err)
		}
	}
}
