package prune

import (
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
)

var now = time.Date(2026, 12, 8, 12, 0, 0, 0, time.Local)

// put writes a file of size bytes in dir, last written age before now.
func put(t *testing.T, dir, name string, size int, age time.Duration) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, make([]byte, size), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, now.Add(-age), now.Add(-age)); err != nil {
		t.Fatal(err)
	}
}

func left(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// plenty is a disk with room to spare.
func plenty(string) (uint64, uint64, error) { return 500 << 30, 1 << 40, nil }

func TestFolderDeletesByAge(t *testing.T) {
	dir := t.TempDir()
	day := 24 * time.Hour
	put(t, dir, "2026-11-28 10-00-00.mp4", 10, 10*day)
	put(t, dir, "2026-11-30 10-00-00 (2).mkv", 10, 8*day)
	put(t, dir, "2026-12-02 10-00-00.mp4", 10, 6*day)
	put(t, dir, "2026-12-08 11-59-50.mp4", 10, 10*time.Second) // being written
	put(t, dir, "notes.txt", 10, 30*day)                       // not ours
	put(t, dir, "2026-11-01 10-00-00.mp4.part", 10, 30*day)    // not ours
	if err := os.Mkdir(filepath.Join(dir, "2026-11-02 10-00-00.mp4"), 0o755); err != nil {
		t.Fatal(err)
	}
	removed, err := Folder(dir, Policy{KeepFor: 7 * day, Space: plenty, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 2 {
		t.Fatalf("removed %v", removed)
	}
	want := []string{"2026-11-01 10-00-00.mp4.part", "2026-11-02 10-00-00.mp4", "2026-12-02 10-00-00.mp4", "2026-12-08 11-59-50.mp4", "notes.txt"}
	if got := left(t, dir); !slices.Equal(got, want) {
		t.Fatalf("left %v, want %v", got, want)
	}
	// No keep time: nothing goes for its age.
	put(t, dir, "2026-01-01 10-00-00.mp4", 10, 300*day)
	if removed, err := Folder(dir, Policy{Space: plenty, Now: now}); err != nil || len(removed) != 0 {
		t.Fatalf("removed %v, %v", removed, err)
	}
}

// TestFolderDeletesOldestUnderTheFloor: on a disk under its floor the
// oldest recordings go, one by one, until the floor is reached; the one
// being written stays even if the floor is not reached.
func TestFolderDeletesOldestUnderTheFloor(t *testing.T) {
	dir := t.TempDir()
	const mb = 1 << 20
	put(t, dir, "2026-12-08 09-00-00.mp4", 3*mb, 3*time.Hour)
	put(t, dir, "2026-12-08 08-00-00.mp4", 3*mb, 4*time.Hour) // oldest
	put(t, dir, "2026-12-08 10-00-00.mp4", 3*mb, 2*time.Hour)
	put(t, dir, "2026-12-08 11-59-59.mp4", 3*mb, time.Second)
	// A 100 MiB disk: the floor is 5 MiB; 1 MiB free plus what was deleted.
	space := func(string) (uint64, uint64, error) {
		var used uint64
		for _, n := range left(t, dir) {
			st, _ := os.Stat(filepath.Join(dir, n))
			used += uint64(st.Size())
		}
		return 13*mb - used, 100 * mb, nil
	}
	if f := Floor(100 * mb); f != 5*mb {
		t.Fatalf("floor %d", f)
	}
	removed, err := Folder(dir, Policy{Space: space, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "2026-12-08 08-00-00.mp4"), filepath.Join(dir, "2026-12-08 09-00-00.mp4")}
	if !slices.Equal(removed, want) {
		t.Fatalf("removed %v, want %v", removed, want)
	}
	// A disk that stays full: everything but the file being written goes.
	full := func(string) (uint64, uint64, error) { return 0, 100 * mb, nil }
	removed, err = Folder(dir, Policy{Space: full, Now: now})
	if err != nil || len(removed) != 1 || !slices.Equal(left(t, dir), []string{"2026-12-08 11-59-59.mp4"}) {
		t.Fatalf("removed %v, %v; left %v", removed, err, left(t, dir))
	}
}

func TestFloor(t *testing.T) {
	for _, c := range []struct{ total, want uint64 }{
		{1 << 40, 1 << 30},    // a big disk keeps 1 GiB
		{10 << 30, 512 << 20}, // 5 % of 10 GiB
		{100 << 20, 5 << 20},  // 5 % of a small tmpfs
		{0, 0},
	} {
		if got := Floor(c.total); got != c.want {
			t.Errorf("Floor(%d) = %d, want %d", c.total, got, c.want)
		}
	}
}

func TestFolderWithoutSpaceInfoStillDeletesByAge(t *testing.T) {
	dir := t.TempDir()
	put(t, dir, "2026-11-01 10-00-00.mp4", 10, 30*24*time.Hour)
	unknown := func(string) (uint64, uint64, error) { return 0, 0, ErrNoSpaceInfo }
	removed, err := Folder(dir, Policy{KeepFor: 24 * time.Hour, Space: unknown, Now: now})
	if err != nil || len(removed) != 1 {
		t.Fatalf("removed %v, %v", removed, err)
	}
	if removed, err := Folder(filepath.Join(dir, "none"), Policy{Now: now}); err != nil || removed != nil {
		t.Fatalf("a folder not made yet: %v, %v", removed, err)
	}
}

func TestDiskSpace(t *testing.T) {
	free, total, err := DiskSpace(t.TempDir())
	if err == ErrNoSpaceInfo {
		// Only systems without statfs or GetDiskFreeSpaceEx say so; where
		// they exist (CI's Linux), no answer is a failure.
		if runtime.GOOS == "linux" || runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
			t.Fatalf("DiskSpace: %v on %s, which has the call", err, runtime.GOOS)
		}
		t.Skip("this system has no free-space call (not a missing peer)")
	}
	if err != nil || total == 0 || free > total {
		t.Fatalf("free %d total %d: %v", free, total, err)
	}
}
