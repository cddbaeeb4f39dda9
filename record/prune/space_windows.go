//go:build windows

package prune

import "golang.org/x/sys/windows"

// DiskSpace reports the free bytes (those the caller may use, after
// quotas) and the total bytes of the disk that holds dir.
func DiskSpace(dir string) (free, total uint64, err error) {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return 0, 0, err
	}
	var avail, all, allFree uint64
	if err := windows.GetDiskFreeSpaceEx(p, &avail, &all, &allFree); err != nil {
		return 0, 0, err
	}
	return avail, all, nil
}
