//go:build !windows

package record

import "syscall"

func diskFull(no syscall.Errno) bool {
	return no == syscall.ENOSPC || no == syscall.EDQUOT || no == syscall.EFBIG
}

func readOnly(no syscall.Errno) bool { return no == syscall.EROFS }
