//go:build linux || darwin

package prune

import "syscall"

// DiskSpace reports the free bytes (those an unprivileged user may use)
// and the total bytes of the disk that holds dir.
func DiskSpace(dir string) (free, total uint64, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, 0, err
	}
	bs := uint64(st.Bsize)
	return uint64(st.Bavail) * bs, uint64(st.Blocks) * bs, nil
}
