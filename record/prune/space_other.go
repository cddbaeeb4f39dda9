//go:build !linux && !darwin && !windows

package prune

// DiskSpace is unknown here (the BSDs' statfs differs field by field):
// the floor is not applied, only the age.
func DiskSpace(dir string) (free, total uint64, err error) {
	return 0, 0, ErrNoSpaceInfo
}
