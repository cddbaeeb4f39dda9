package record

import (
	"os"
	"sync"
	"time"
)

// throttledWrite returns a writeFile that plays one slow disk for every
// recording: the writes all pass one lock and each waits len/bps seconds,
// as on a disk that takes bps bytes a second in all (a USB stick, a
// network share at its limit). slowdisk.go's benchmark build and the
// budget's tests use it.
func throttledWrite(bps float64) func(*os.File, []byte) (int, error) {
	var disk sync.Mutex
	return func(f *os.File, b []byte) (int, error) {
		disk.Lock()
		defer disk.Unlock()
		time.Sleep(time.Duration(float64(len(b)) / bps * float64(time.Second)))
		return f.Write(b)
	}
}
