//go:build benchslowdisk

package record

import (
	"os"
	"strconv"
	"sync"
	"time"
)

// A benchmark build's slow disk: every recording's writes go through one
// lock and wait len/RTSPVIEW_BENCH_DISK_BPS seconds each, as on one disk
// that takes that many bytes a second in all (a USB stick, a network
// share at its limit). scripts/bench-record.sh builds with it to show that
// a recorder's queue, not the process, absorbs what the disk cannot take.
func init() {
	bps, err := strconv.ParseFloat(os.Getenv("RTSPVIEW_BENCH_DISK_BPS"), 64)
	if err != nil || bps <= 0 {
		panic("a -tags benchslowdisk build needs RTSPVIEW_BENCH_DISK_BPS, the disk's bytes per second")
	}
	var disk sync.Mutex
	writeFile = func(f *os.File, b []byte) (int, error) {
		disk.Lock()
		defer disk.Unlock()
		time.Sleep(time.Duration(float64(len(b)) / bps * float64(time.Second)))
		return f.Write(b)
	}
}
