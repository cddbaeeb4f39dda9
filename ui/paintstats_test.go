package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// Each refresh the decoder posts puts exactly one new picture on the
// canvas, and the tile counts each once, with its latency.
func TestTileCountsPaintedPictures(t *testing.T) {
	test.NewTempApp(t)
	srv := rtsptest.StartDemo(t, demo.Config{})
	tile := NewTile()
	// The posted refreshes wait here until the test runs them, so the
	// test knows how many pictures were put on the canvas.
	var mu sync.Mutex
	var posted []func()
	tile.do = func(f func()) {
		mu.Lock()
		defer mu.Unlock()
		posted = append(posted, f)
	}
	w := test.NewWindow(tile)
	defer w.Close()
	w.Resize(fyne.NewSize(320, 180))
	s := player.Start(player.Config{URL: srv.URL(), Transport: player.TransportTCP, OnFrame: tile.FrameReady})
	defer s.Close()
	onUI(func() { tile.Attach(s) })

	const n = 10
	for i := range n {
		var f func()
		waitFor(t, 15*time.Second, "a posted refresh", func() bool {
			mu.Lock()
			defer mu.Unlock()
			if len(posted) == 0 {
				return false
			}
			f, posted = posted[0], posted[1:]
			return true
		})
		// A refresh is posted only after a picture was published, and
		// nothing else takes pictures, so each one shows a new one.
		onUI(f)
		if got := tile.Painted(); got != uint64(i+1) {
			t.Fatalf("after %d refreshes: painted %d", i+1, got)
		}
	}
	if d := s.Stats().FramesShown; d < n {
		t.Fatalf("painted %d of %d decoded", n, d)
	}
	tile.paint.mu.Lock()
	samples := tile.paint.samples
	tile.paint.mu.Unlock()
	if samples != n {
		t.Fatalf("%d of %d painted pictures timed", samples, n)
	}
}

func TestPaintStatsPercentiles(t *testing.T) {
	var p paintStats
	now := time.Now()
	for ms := range 100 {
		p.count(now.Add(-time.Duration(ms)*time.Millisecond), now)
	}
	p.count(now.Add(-5*time.Second), now) // over the top bucket
	p.count(time.Time{}, now)             // unknown arrival: painted, not timed
	if p.painted != 102 || p.samples != 101 {
		t.Fatalf("painted %d samples %d", p.painted, p.samples)
	}
	if got := percentile(&p.hist, p.samples, 0.5); got != 50 {
		t.Fatalf("p50 %v", got)
	}
	if got := percentile(&p.hist, p.samples, 0.999); got != latencyBuckets-1 {
		t.Fatalf("p99.9 %v", got)
	}
	if got := percentile(&p.hist, 0, 0.5); got != 0 {
		t.Fatalf("empty p50 %v", got)
	}
}

// --stats-file: the window writes what each tile paints, every second and
// at exit.
func TestStatsFileReportsPaintedFrames(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{})
	path := filepath.Join(t.TempDir(), "stats.json")
	v, _ := newTestViewer(t, Options{Transport: player.TransportTCP, StatsFile: path})
	onUI(func() {
		v.startStatsFile()
		test.Type(v.address, srv.URL())
		v.address.OnSubmitted(v.address.Text)
	})
	var r statsReport
	waitFor(t, 15*time.Second, "a stats file with painted pictures", func() bool {
		b, err := os.ReadFile(path)
		if err != nil {
			return false
		}
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatalf("stats file: %v\n%s", err, b)
		}
		return len(r.Tiles) == 1 && r.Tiles[0].Painted >= 5 && r.Tiles[0].PaintedFPS > 0
	})
	st := r.Tiles[0]
	if st.Decoded < st.Painted || st.LatencySamples == 0 || len(st.LatencyHist) == 0 || !strings.HasPrefix(st.URL, "rtsp://") {
		t.Fatalf("tile stats %+v", st)
	}
	v.Close()
	b, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(b, &r) != nil || !r.Final {
		t.Fatalf("no final report at exit: %v %s", err, b)
	}
}
