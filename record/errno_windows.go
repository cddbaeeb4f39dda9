package record

import "syscall"

// Windows' own numbers: ERROR_HANDLE_DISK_FULL (39), ERROR_DISK_FULL (112),
// ERROR_WRITE_PROTECT (19).
func diskFull(no syscall.Errno) bool { return no == 39 || no == 112 }

func readOnly(no syscall.Errno) bool { return no == 19 }
