package player

import (
	"image"
	"sync"
	"time"
)

// frameSlot hands the newest decoded picture to the UI: a single slot, not
// a queue, so a slow UI skips frames and never holds up decoding. Three
// buffers rotate: the decoder writes one, one holds the newest finished
// picture, the UI shows the third. No buffer is written while the UI may
// read it, and steady state allocates nothing.
type frameSlot struct {
	mu      sync.Mutex
	writing *image.RGBA
	ready   *image.RGBA
	shown   *image.RGBA
	fresh   bool
	seq     uint64
	// When the last RTP packet of the ready and shown pictures arrived
	// (Unix ns, 0 unknown), swapped with them so the UI can measure the
	// pipeline's latency of the very picture it puts on the canvas.
	readyAt, shownAt int64
	// The ready and shown pictures' RTP times (hasRTP when known), and
	// when each was published and taken (Unix ns): the lip sync's
	// picture presentation (audiosync.go, picture).
	readyRTP, shownRTP  uint32
	readyHas, shownHas  bool
	readyPub, shownTook int64
}

// back returns the buffer the decoder may write into (nil at first).
func (f *frameSlot) back() *image.RGBA {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.writing
}

// publish makes img (which the decoder just wrote) the newest picture.
func (f *frameSlot) publish(img *image.RGBA) { f.publishAt(img, 0, 0, false, 0) }

// publishAt is publish for a picture whose access unit's last packet
// arrived at arrived (Unix ns), of RTP time ts (when hasRTP), published
// at now (Unix ns).
func (f *frameSlot) publishAt(img *image.RGBA, arrived int64, ts uint32, hasRTP bool, now int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writing, f.ready = f.ready, img
	f.readyAt = arrived
	f.readyRTP, f.readyHas, f.readyPub = ts, hasRTP, now
	f.fresh = true
	f.seq++
}

// take returns the newest picture for display. It stays untouched until the
// next take. changed is false when nothing new arrived since the last take.
func (f *frameSlot) take() (img *image.RGBA, seq uint64, changed bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fresh {
		f.shown, f.ready = f.ready, f.shown
		f.shownAt, f.readyAt = f.readyAt, f.shownAt
		f.shownRTP, f.shownHas = f.readyRTP, f.readyHas
		f.shownTook = time.Now().UnixNano()
		f.fresh = false
		changed = true
	}
	return f.shown, f.seq, changed
}

// arrival returns when the last packet of the picture the latest take
// returned arrived (Unix ns; 0 unknown).
func (f *frameSlot) arrival() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.shownAt
}

// picture returns the RTP time of the picture last shown and when: when
// the UI took it (Frame), the moment closest to the screen this player
// sees; or, when no picture was taken within freshPicture of now (no UI:
// probe, a hidden window), when the newest one was published. false when
// neither is known and fresh.
func (f *frameSlot) picture(now time.Time) (ts uint32, at time.Time, ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	old := now.Add(-freshPicture).UnixNano()
	switch {
	case f.shownHas && f.shownTook > old:
		return f.shownRTP, time.Unix(0, f.shownTook), true
	case f.readyHas && f.readyPub > old:
		return f.readyRTP, time.Unix(0, f.readyPub), true
	}
	return 0, time.Time{}, false
}
