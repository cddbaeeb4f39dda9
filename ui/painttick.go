package ui

import (
	"sync"
	"time"

	"github.com/rtspview/rtspview/player"
)

// paintClock gathers the tiles' new pictures into one canvas update per
// frame interval. Fyne repaints the whole window whenever anything in it
// changed, at up to 60 Hz: sixteen cameras at 25 fps, each refreshing its
// tile as its picture comes, keep the window dirty at every one of those
// ticks, and each repaint draws every tile again (on a software OpenGL
// such as Mesa's llvmpipe, all of it on the CPU). Put on the canvas
// together, the pictures cost one repaint per frame interval, however
// many tiles there are.
//
// A picture is never held longer than one interval, and not at all when
// the last update is an interval old (a single camera's pictures go up as
// they come) or when its tile has the next one already.
type paintClock struct {
	do   func(func()) // onto the UI thread (fyne.Do)
	show func(*Tile)  // puts a tile's newest picture up: (*Tile).showFrame

	mu       sync.Mutex
	pending  []*Tile // tiles with a new picture, each once
	interval time.Duration
	last     time.Time   // when the last update ran on the UI thread
	timer    *time.Timer // the scheduled update, nil when none
	posted   bool        // an update is queued on the UI thread
	closed   bool
}

// Paint interval bounds: the display's 60 Hz at the fastest, and no
// slower than 10 Hz when the frame rate is not known yet (or is odd).
const (
	minPaintInterval     = time.Second / 60
	maxPaintInterval     = time.Second / 10
	defaultPaintInterval = time.Second / 30
)

func newPaintClock(do func(func())) *paintClock {
	return &paintClock{do: do, show: (*Tile).showFrame, interval: defaultPaintInterval}
}

// setFrameRate sets the interval from the fastest shown stream's frame
// rate. It runs a little faster than that rate (0.8 of its interval): a
// picture that comes early by network jitter or a busy CPU would
// otherwise replace its predecessor before that one was shown (measured
// with two 25 fps cameras: 23.8 of 25 pictures painted at 1.0, 24.8 at 0.8).
func (c *paintClock) setFrameRate(fps float64) {
	d := defaultPaintInterval
	if fps > 0 {
		d = time.Duration(0.8 * float64(time.Second) / fps)
	}
	d = min(max(d, minPaintInterval), maxPaintInterval)
	c.mu.Lock()
	c.interval = d
	c.mu.Unlock()
}

// frameReady notes that t has a new picture. Decoder goroutines call it.
func (c *paintClock) frameReady(t *Tile) {
	if c.schedule(t) {
		// Outside the lock: the tests' do runs the update at once.
		c.do(c.update)
	}
}

// schedule adds t to the pending tiles and reports whether the update
// must be queued now; otherwise a timer (or an update already queued)
// takes it.
func (c *paintClock) schedule(t *Tile) (postNow bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	for _, p := range c.pending {
		if p != t {
			continue
		}
		// A second picture before the update: the first was replaced
		// unseen (the frame slot keeps the newest only), and this one
		// must not wait too, so the update goes now. Pictures come in
		// bursts after the network or the CPU held them up.
		if c.timer != nil && c.timer.Stop() {
			c.timer = nil
			c.posted = true
			return true
		}
		return false
	}
	c.pending = append(c.pending, t)
	if c.posted || c.timer != nil {
		return false
	}
	if wait := c.interval - time.Since(c.last); wait > 0 {
		c.timer = time.AfterFunc(wait, c.post)
		return false
	}
	c.posted = true
	return true
}

// post queues the update on the UI thread (the timer's goroutine).
func (c *paintClock) post() {
	c.mu.Lock()
	c.timer = nil
	if c.closed || c.posted {
		c.mu.Unlock()
		return
	}
	c.posted = true
	c.mu.Unlock()
	c.do(c.update)
}

// update puts every pending tile's newest picture on the canvas. UI thread.
func (c *paintClock) update() {
	c.mu.Lock()
	tiles := c.pending
	c.pending = nil
	c.posted = false
	c.last = time.Now()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return
	}
	for _, t := range tiles {
		c.show(t)
	}
	// The slice is reused: steady state allocates nothing.
	c.mu.Lock()
	if c.pending == nil {
		clear(tiles)
		c.pending = tiles[:0]
	}
	c.mu.Unlock()
}

// stop drops what is pending and schedules nothing more.
func (c *paintClock) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	c.pending = nil
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
}

// tunePaintClock sets the paint clock from the fastest frame rate among
// the streams on screen. UI thread, once a second (tick).
func (v *Viewer) tunePaintClock() {
	v.mu.Lock()
	streams := make([]*tileState, 0, len(v.tiles))
	streams = append(streams, v.tiles...)
	v.mu.Unlock()
	fps := 0.0
	for _, ts := range streams {
		if ts.stream == nil || ts.stream.Hidden() {
			continue
		}
		st := ts.stream.Stats()
		fps = max(fps, st.FPS)
		// Reduced only while pictures are really left out: a level
		// that skips non-reference pictures of a camera that sends none
		// costs the picture nothing.
		reduced := st.DecodeLevel > player.DecodeAll && st.FramesSkipped > ts.skippedSeen
		ts.skippedSeen = st.FramesSkipped
		v.showReducedRate(ts, reduced)
	}
	v.clock.setFrameRate(fps)
}

// reducedRateText is the tile's note while its decoder skips pictures to
// keep up (player.DecodeLevel): the picture moves, but not at the
// camera's rate, and a person should know it is the viewer, not the camera.
const reducedRateText = "Reduced frame rate"

// showReducedRate puts reducedRateText on a playing tile while its stream
// skips pictures and takes it away after; any other note (an error, a
// reconnect) is left alone. UI thread.
func (v *Viewer) showReducedRate(ts *tileState, reduced bool) {
	v.mu.Lock()
	playing := ts.status.State == player.StatePlaying
	v.mu.Unlock()
	text := ts.tile.Overlay()
	switch {
	case playing && reduced && text == "":
		ts.tile.SetOverlay(reducedRateText)
	case text == reducedRateText && (!playing || !reduced):
		ts.tile.SetOverlay("")
	}
}
