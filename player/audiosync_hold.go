package player

import "time"

// Holding the picture back for lip sync (audiosync.go). On a working
// viewer the sound is later than the picture, not earlier: the picture is
// decoded and painted in tens of milliseconds, while the sound waits in
// its jitter buffer, oto's read-ahead and the device's buffer, each sized
// so that a loaded machine does not starve the device (sound/output.go;
// measured 140 to 260 ms on a loaded 2-core machine, docs/sound.md). The
// tile that has the sound then shows its pictures that much later: its
// access units wait here, before the decoder, until their last packet's
// arrival plus the hold. Compressed units, not pictures: a unit is a few
// kilobytes, and a queue of decoded pictures would need buffers the
// newest-frame slot (frame.go) does not have. Only the stream that has
// the sound holds (its sink is an AudioSyncSink); every other tile shows
// each picture as soon as it is decoded.

// maxHeldUnits bounds the units held: maxSyncDelay at 60 fps. A stream
// faster than that decodes the oldest early rather than growing it.
const maxHeldUnits = 32

// heldUnits is the decode loop's queue of held units. It owns buffers of
// its own: a unit held moves into one of them (the two auBufs swap their
// contents, no bytes copied) and the packet path's buffer goes back to
// its pool at once, so a hold never starves the packet path and the pool
// keeps its bound. A unit released moves back into a pool buffer. Steady
// state allocates nothing. Only the decode loop uses it.
type heldUnits struct {
	q       [maxHeldUnits]*auBuf
	due     [maxHeldUnits]int64 // Unix ns each may be decoded
	head, n int
	spare   []*auBuf
	timer   *time.Timer
}

// hold queues b's unit until due. b's buffer comes back emptied (nil
// returned), or, when the queue is full, holding the oldest unit, which
// is then decoded at once (returned).
func (h *heldUnits) hold(b *auBuf, due int64) *auBuf {
	tail := func() int { return (h.head + h.n) % maxHeldUnits }
	if h.n == maxHeldUnits {
		c := h.q[h.head]
		h.head = (h.head + 1) % maxHeldUnits
		h.n--
		*c, *b = *b, *c
		h.q[tail()], h.due[tail()] = c, due
		h.n++
		return b
	}
	var c *auBuf
	if k := len(h.spare); k > 0 {
		c, h.spare = h.spare[k-1], h.spare[:k-1]
	} else {
		if h.spare == nil {
			h.spare = make([]*auBuf, 0, maxHeldUnits)
		}
		c = &auBuf{}
	}
	*c, *b = *b, *c
	h.q[tail()], h.due[tail()] = c, due
	h.n++
	return nil
}

// release moves the first held unit into b, a buffer of the pool.
func (h *heldUnits) release(b *auBuf) {
	c := h.q[h.head]
	h.q[h.head] = nil
	h.head = (h.head + 1) % maxHeldUnits
	h.n--
	*c, *b = *b, *c
	h.spare = append(h.spare, c)
}

// wait returns a channel that fires when the first held unit is due, nil
// (never) when none is held.
func (h *heldUnits) wait(now time.Time) <-chan time.Time {
	if h.n == 0 {
		return nil
	}
	d := time.Duration(h.due[h.head] - now.UnixNano())
	if h.timer == nil {
		h.timer = time.NewTimer(d)
	} else {
		h.timer.Reset(d)
	}
	return h.timer.C
}

// overdue counts the held units due by now: a backlog of the decoder's,
// which the governor (degrade.go) counts as it counts the queue's.
func (h *heldUnits) overdue(now time.Time) int {
	t, k := now.UnixNano(), 0
	for i := range h.n {
		if h.due[(h.head+i)%maxHeldUnits] <= t {
			k++
		}
	}
	return k
}

// stop ends the timer. Idempotent.
func (h *heldUnits) stop() {
	if h.timer != nil {
		h.timer.Stop()
	}
}

// holdUnit runs on the decode loop for each unit from the packet path:
// it returns the unit to decode now, or nil when it is held (the picture
// hold, audiosync.go, or units held before it: their order stays).
func (s *Stream) holdUnit(h *heldUnits, b *auBuf) *auBuf {
	hold := s.aud.sync.picHold.Load()
	if hold <= 0 && h.n == 0 {
		return b // the usual way: shown as soon as decoded
	}
	out := h.hold(b, s.holdDue(b, hold))
	if out == nil {
		s.free <- b // emptied: back to the packet path
	}
	return out
}

// holdDue is when a unit held by hold may be decoded: hold after its last
// packet arrived.
func (s *Stream) holdDue(b *auBuf, hold int64) int64 {
	at := b.arrived
	if at == 0 {
		at = time.Now().UnixNano()
	}
	return at + max(hold, 0)
}

// releaseUnit returns the first held unit, now due, in a pool buffer; nil
// when the stream ends meanwhile.
func (s *Stream) releaseUnit(h *heldUnits) *auBuf {
	select {
	case b := <-s.free:
		h.release(b)
		return b
	default:
	}
	// Every pool buffer is queued or on its way to the queue (the packet
	// path takes one only to send it): the next unit is held behind this
	// one, which empties its buffer.
	var b *auBuf
	select {
	case <-s.ctx.Done():
		return nil
	case b = <-s.auCh:
	}
	if out := h.hold(b, s.holdDue(b, s.aud.sync.picHold.Load())); out != nil {
		return out // full: the first came out in b
	}
	h.release(b)
	return b
}
