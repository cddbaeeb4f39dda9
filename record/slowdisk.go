//go:build benchslowdisk

package record

import (
	"os"
	"strconv"
)

// A benchmark build's slow disk: every recording's writes go through one
// lock and wait len/RTSPVIEW_BENCH_DISK_BPS seconds each (throttledWrite).
// scripts/bench-record.sh builds with it to show that the recorders'
// queues and their shared Budget, not the process, absorb what the disk
// cannot take.
func init() {
	bps, err := strconv.ParseFloat(os.Getenv("RTSPVIEW_BENCH_DISK_BPS"), 64)
	if err != nil || bps <= 0 {
		panic("a -tags benchslowdisk build needs RTSPVIEW_BENCH_DISK_BPS, the disk's bytes per second")
	}
	writeFile = throttledWrite(bps)
}
