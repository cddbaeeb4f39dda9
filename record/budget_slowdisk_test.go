package record_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/record"
)

// TestBudgetSlowDisk: six recorders share a budget far under the sum of
// their own queues, on a slow disk (the benchmark's throttled writer) that
// takes a fifth of what they are given. The bytes queued by all of them
// never pass the budget, none is ever near its own cap, they drop, and
// every file they write still reads back whole with ffprobe and decodes
// with ffmpeg.
func TestBudgetSlowDisk(t *testing.T) {
	peer.Command(t, "ffprobe")
	const (
		cameras = 6
		limit   = 256 << 10 // the budget of all six
		own     = 1 << 20   // each one's queue: alone, four times the budget
		speed   = 4         // pictures pushed at 4 × 25 fps
		bps     = 200 << 10 // the disk: ~1/5 of the 6 × 160 kB/s pushed
		pushFor = 3 * time.Second
	)
	record.ThrottleDisk(t, bps)
	b := record.NewBudget(limit)
	dir := t.TempDir()
	recs := make([]*record.Recorder, cameras)
	for i := range recs {
		recs[i] = record.New(record.Config{Dir: dir, Camera: fmt.Sprintf("cam %d", i+1), Queue: own, Budget: b})
	}
	defer func() {
		for _, r := range recs {
			r.Close()
		}
	}()

	// The watcher reads the queues every millisecond. A sum is kept only
	// when the budget was given nothing back while it was read: bytes freed
	// by one recorder between the reads could be counted again in
	// another's.
	stop := make(chan struct{})
	var watched sync.WaitGroup
	var maxSum, maxOne, maxUsed, samples int
	watched.Add(1)
	go func() {
		defer watched.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			g := record.BudgetGives(b)
			sum := 0
			for i, r := range recs {
				q := r.Stats().Queued
				if q > own {
					t.Errorf("camera %d queues %d bytes, its own cap %d", i+1, q, own)
				}
				maxOne = max(maxOne, q)
				sum += q
			}
			used := b.Used()
			maxUsed = max(maxUsed, used)
			if used > limit {
				// A take that does not fit adds for a moment before it
				// takes back; what is held never passes the limit, so
				// anything above it is such a moment, under one unit
				// (< 64 KiB) per recorder.
				if used > limit+cameras*(64<<10) {
					t.Errorf("the budget reads %d bytes used, limit %d", used, limit)
				}
			}
			if record.BudgetGives(b) != g {
				continue
			}
			samples++
			maxSum = max(maxSum, sum)
			if sum > limit {
				t.Errorf("the recorders queue %d bytes together, budget %d", sum, limit)
			}
		}
	}()

	_, clip := record.DemoUnits()
	t0 := time.Now()
	var pushers sync.WaitGroup
	for _, r := range recs {
		pushers.Add(1)
		go func() {
			defer pushers.Done()
			tick := time.NewTicker(40 * time.Millisecond / speed)
			defer tick.Stop()
			for i := 0; time.Since(t0) < pushFor; i++ {
				<-tick.C
				u := clip[i%len(clip)]
				u.RTPTime = uint32(i * 3600)
				u.Arrived = t0.Add(time.Duration(i) * 40 * time.Millisecond)
				r.Push(u)
			}
		}()
	}
	pushers.Wait()
	var dropped uint64
	for _, r := range recs {
		dropped += r.Stats().Dropped
	}
	closed := time.Now()
	for i, r := range recs {
		if err := r.Close(); err != nil {
			t.Errorf("camera %d: %v", i+1, err)
		}
	}
	close(stop)
	watched.Wait()
	t.Logf("budget %d KiB: at most %d KiB queued by all (%d clean samples), %d KiB by one (own cap %d KiB), %d KiB used; %d units dropped; closing wrote the queues in %v",
		limit>>10, maxSum>>10, samples, maxOne>>10, own>>10, maxUsed>>10, dropped, time.Since(closed).Round(time.Millisecond))
	if b.Used() != 0 {
		t.Errorf("Used() = %d after every recorder closed, want all given back", b.Used())
	}
	if dropped == 0 || maxSum < limit/2 {
		t.Errorf("%d units dropped, at most %d bytes queued: the disk was not slow enough to spend the budget", dropped, maxSum)
	}
	if maxOne >= own/2 {
		t.Errorf("one recorder queued %d bytes: its own cap (%d), not the budget, may have bound it", maxOne, own)
	}
	for i, r := range recs {
		st := r.Stats()
		if len(st.Files) == 0 {
			t.Errorf("camera %d wrote no file", i+1)
		}
		for _, f := range st.Files {
			checkFile(t, f, want{codec: "h264", width: 1280, height: 720, frameInterval: 40 * time.Millisecond})
		}
	}
}
