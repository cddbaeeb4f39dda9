package ui

import (
	"sync"
	"testing"
	"time"

	"github.com/rtspview/rtspview/player"
)

// clockRecorder runs the clock's updates on a goroutine of its own, as
// fyne.Do runs them on the UI thread, and records what each put up.
type clockRecorder struct {
	mu      sync.Mutex
	updates [][]*Tile
	cur     []*Tile
	done    chan struct{}
}

func newClockForTest(interval time.Duration) (*paintClock, *clockRecorder) {
	r := &clockRecorder{done: make(chan struct{}, 100)}
	c := newPaintClock(func(f func()) {
		go func() {
			f()
			r.mu.Lock()
			r.updates = append(r.updates, r.cur)
			r.cur = nil
			r.mu.Unlock()
			r.done <- struct{}{}
		}()
	})
	c.show = func(t *Tile) {
		r.mu.Lock()
		r.cur = append(r.cur, t)
		r.mu.Unlock()
	}
	c.interval = interval
	return c, r
}

func (r *clockRecorder) wait(t *testing.T, n int) [][]*Tile {
	t.Helper()
	for i := 0; i < n; i++ {
		select {
		case <-r.done:
		case <-time.After(5 * time.Second):
			t.Fatalf("update %d of %d never ran", i+1, n)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]*Tile(nil), r.updates...)
}

func TestPaintClockGathersTiles(t *testing.T) {
	c, r := newClockForTest(200 * time.Millisecond)
	defer c.stop()
	a, b, d := &Tile{}, &Tile{}, &Tile{}
	c.frameReady(a) // the last update is long ago: at once
	first := r.wait(t, 1)
	if len(first) != 1 || len(first[0]) != 1 || first[0][0] != a {
		t.Fatalf("first picture: updates %v, want one with tile a", first)
	}
	start := time.Now()
	c.frameReady(b) // within the interval: held, together
	c.frameReady(d)
	got := r.wait(t, 1)
	if waited := time.Since(start); waited < 100*time.Millisecond {
		t.Errorf("second update after %v, want about the 200 ms interval", waited)
	}
	if len(got) != 2 || len(got[1]) != 2 {
		t.Fatalf("updates %v, want the second with tiles b and d together", got)
	}
}

// TestPaintClockBurst: a tile's second picture before the update brings
// the update forward rather than let the newest wait too.
func TestPaintClockBurst(t *testing.T) {
	c, r := newClockForTest(time.Hour) // only a second picture can bring it
	defer c.stop()
	a := &Tile{}
	c.frameReady(a)
	r.wait(t, 1)
	c.frameReady(a) // held for the interval …
	c.frameReady(a) // … until the tile has the next one: goes now
	got := r.wait(t, 1)
	if len(got) != 2 || len(got[1]) != 1 || got[1][0] != a {
		t.Fatalf("updates %v, want a second one with tile a", got)
	}
}

func TestPaintClockStop(t *testing.T) {
	c, r := newClockForTest(50 * time.Millisecond)
	a := &Tile{}
	c.frameReady(a)
	r.wait(t, 1)
	c.frameReady(a) // scheduled …
	c.stop()        // … and dropped
	c.frameReady(a)
	select {
	case <-r.done:
		t.Fatal("an update ran after stop")
	case <-time.After(300 * time.Millisecond):
	}
}

func TestPaintClockRate(t *testing.T) {
	c := newPaintClock(func(func()) {})
	for _, tc := range []struct {
		fps  float64
		want time.Duration
	}{
		{0, defaultPaintInterval},
		{25, 32 * time.Millisecond},
		{30, 26666666 * time.Nanosecond},
		{120, minPaintInterval},
		{2, maxPaintInterval},
	} {
		c.setFrameRate(tc.fps)
		if c.interval != tc.want {
			t.Errorf("%v fps: interval %v, want %v", tc.fps, c.interval, tc.want)
		}
	}
}

// TestReducedRateNote: a playing tile whose decoder skips pictures says
// so, and stops saying so when it keeps up again; a tile's other note (an
// error, a reconnect) is never replaced.
func TestReducedRateNote(t *testing.T) {
	v, _ := newTestViewer(t, Options{})
	ts := &tileState{tile: NewTile(), status: player.Status{State: player.StatePlaying}}
	onUI(func() { v.showReducedRate(ts, true) })
	if got := ts.tile.Overlay(); got != reducedRateText {
		t.Fatalf("behind: overlay %q, want %q", got, reducedRateText)
	}
	onUI(func() { v.showReducedRate(ts, false) })
	if got := ts.tile.Overlay(); got != "" {
		t.Fatalf("caught up: overlay %q, want none", got)
	}
	ts.status = player.Status{State: player.StateConnecting, Text: "Reconnecting (2)…"}
	ts.tile.SetOverlay(ts.status.Text)
	onUI(func() { v.showReducedRate(ts, true) })
	if got := ts.tile.Overlay(); got != "Reconnecting (2)…" {
		t.Fatalf("reconnecting: overlay %q", got)
	}
}
