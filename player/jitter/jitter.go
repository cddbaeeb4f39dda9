// Package jitter puts RTP packets received over UDP back into sequence
// order. It holds a packet only while an earlier one is missing, and only
// for a bounded time and count, so a live view gains no latency when the
// network does not reorder.
//
// A Buffer is not safe for concurrent use; one goroutine owns it.
package jitter

import (
	"strconv"
	"time"

	"github.com/pion/rtp"
)

const (
	// DefaultSize is the window used when Config.Size is 0: about 150 ms
	// of a 8 Mbit/s stream in 1200-byte packets.
	DefaultSize = 128
	// MaxSize bounds Config.Size: the window must stay well inside half
	// the 16-bit sequence space for wrap-around arithmetic to hold.
	MaxSize = 8192
	// DefaultLatency is the wait for a missing packet when Config.Latency
	// is 0. Reordering on real networks is a few milliseconds; longer
	// holes are losses and waiting only delays the picture.
	DefaultLatency = 100 * time.Millisecond

	// lateRunReset is how many late packets in a row mean the sender
	// restarted its numbering a little behind us. Real late packets come
	// alone; without this a restart up to Size back would drop up to
	// Size packets.
	lateRunReset = 16
)

// Config configures a Buffer. The zero value is usable.
type Config struct {
	// Size is how many sequence numbers ahead of a missing packet the
	// buffer holds before giving up on it; 0 means DefaultSize. Values
	// above MaxSize are clamped.
	Size int
	// Latency is how long a missing packet is waited for, counted from
	// the arrival of the first packet after it; 0 means DefaultLatency.
	Latency time.Duration
	// Release, if set, receives every packet the buffer drops
	// (duplicates, late packets, packets discarded by a reset), so the
	// owner can return it to a pool. Packets handed out by Pop are the
	// owner's again and are not passed to Release.
	Release func(*rtp.Packet)
}

// State is what a Buffer is doing.
type State int

const (
	// Buffering means the next packet in sequence is not here: the buffer
	// is empty, or it holds later packets while it waits for a missing one.
	Buffering State = iota
	// Emitting means the next packet in sequence is here and Pop returns it.
	Emitting
)

// String returns the state's name.
func (s State) String() string {
	switch s {
	case Buffering:
		return "Buffering"
	case Emitting:
		return "Emitting"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// Stats counts what happened to the packets pushed into a Buffer.
type Stats struct {
	Received   uint64 // packets pushed
	Lost       uint64 // sequence numbers given up on after Latency or a full window
	Reordered  uint64 // packets that arrived after a later one and were put back in order
	Duplicates uint64 // packets already held, dropped
	Late       uint64 // packets whose slot was already passed, dropped
	Resets     uint64 // sequence jumps of more than Size that restarted the buffer
	Dropped    uint64 // held packets discarded by a reset or an overflow
}

type slot struct {
	pkt     *rtp.Packet
	ext     int64     // extended sequence number (with wrap-around cycles)
	arrival time.Time // when it was pushed
}

// Buffer reorders the RTP packets of one stream (one SSRC).
//
// Sequence numbers are extended to 64 bits so that 65535 is followed by 0
// (RFC 3550 appendix A.1). The window of held packets is at most Size
// sequence numbers wide; a packet more than Size ahead of the newest one
// or more than Size behind the next expected one means the sender
// restarted its numbering, and the buffer starts over instead of stalling.
type Buffer struct {
	size    int64
	latency time.Duration
	release func(*rtp.Packet)

	ring []slot // power-of-two length of at least 2*size
	mask int64

	started bool
	next    int64 // extended sequence number Pop returns next
	highest int64 // newest extended sequence number held or emitted
	count   int   // packets held
	lateRun int   // consecutive late packets

	stats Stats
}

// New returns a Buffer configured by cfg.
func New(cfg Config) *Buffer {
	size := cfg.Size
	if size <= 0 {
		size = DefaultSize
	}
	size = min(size, MaxSize)
	latency := cfg.Latency
	if latency <= 0 {
		latency = DefaultLatency
	}
	// Twice the window: packets keep arriving while a gap is waited
	// for, up to Size beyond it, and the owner may Pop a little late.
	n := 1
	for n < 2*size {
		n <<= 1
	}
	return &Buffer{
		size:    int64(size),
		latency: latency,
		release: cfg.Release,
		ring:    make([]slot, n),
		mask:    int64(n - 1),
	}
}

// Push adds a packet received at now. The buffer takes ownership of pkt
// until Pop returns it or Release receives it.
func (b *Buffer) Push(pkt *rtp.Packet, now time.Time) {
	if pkt == nil {
		return
	}
	b.stats.Received++
	if !b.started {
		b.restart(int64(pkt.SequenceNumber))
	}
	// The signed 16-bit distance from the newest packet places the new
	// one on the unwrapped number line.
	ext := b.highest + int64(int16(pkt.SequenceNumber-uint16(b.highest)))

	if ext < b.next {
		b.lateRun++
	} else {
		b.lateRun = 0
	}
	switch {
	case ext < b.next && (b.next-ext > b.size || b.lateRun >= lateRunReset),
		ext > b.highest+b.size:
		// Too far back to be late, or too far ahead to be a gap worth
		// waiting for: the sender restarted its numbering (a camera
		// reboot, a server failover) or a long outage passed.
		b.stats.Resets++
		b.clear()
		b.restart(ext)
		b.lateRun = 0
	case ext < b.next:
		b.stats.Late++
		b.drop(pkt)
		return
	}

	for ext-b.next >= int64(len(b.ring)) {
		// The owner has not popped for a whole ring: make room by
		// giving up the oldest sequence number.
		b.discardNext()
	}

	s := &b.ring[ext&b.mask]
	if s.pkt != nil {
		b.stats.Duplicates++
		b.drop(pkt)
		return
	}
	*s = slot{pkt: pkt, ext: ext, arrival: now}
	b.count++
	if ext < b.highest {
		b.stats.Reordered++
	} else {
		b.highest = ext
	}
}

// Pop returns the next packet in sequence order, if it may leave now: the
// next expected packet as soon as it is here, or, when it is missing, the
// first packet after the gap once that packet has waited Latency or the
// window is full. The caller owns the returned packet.
func (b *Buffer) Pop(now time.Time) (*rtp.Packet, bool) {
	if b.count == 0 {
		return nil, false
	}
	if s := &b.ring[b.next&b.mask]; s.pkt != nil {
		return b.take(s), true
	}
	s := b.firstAfterGap()
	if b.highest-b.next < b.size && now.Sub(s.arrival) < b.latency {
		return nil, false
	}
	b.stats.Lost += uint64(s.ext - b.next)
	b.next = s.ext
	return b.take(s), true
}

// Deadline returns when Pop will next give up on a missing packet, so the
// owner can call Pop then even if no packet arrives. It returns false when
// nothing is waiting on a gap.
func (b *Buffer) Deadline() (time.Time, bool) {
	if b.count == 0 || b.ring[b.next&b.mask].pkt != nil {
		return time.Time{}, false
	}
	return b.firstAfterGap().arrival.Add(b.latency), true
}

// State reports whether Pop has a packet ready without waiting.
func (b *Buffer) State() State {
	if b.count > 0 && b.ring[b.next&b.mask].pkt != nil {
		return Emitting
	}
	return Buffering
}

// Len returns how many packets the buffer holds.
func (b *Buffer) Len() int { return b.count }

// Stats returns the counters since New.
func (b *Buffer) Stats() Stats { return b.stats }

// Reset drops every held packet (passing them to Release) and forgets the
// sequence state, e.g. after a reconnect. Stats are kept.
func (b *Buffer) Reset() {
	b.clear()
	b.started = false
}

func (b *Buffer) restart(ext int64) {
	b.started = true
	b.next = ext
	b.highest = ext - 1
}

// take empties s, which holds the packet numbered b.next, and advances.
func (b *Buffer) take(s *slot) *rtp.Packet {
	p := s.pkt
	*s = slot{}
	b.count--
	b.next++
	return p
}

// firstAfterGap returns the first held slot after b.next. It must only be
// called when the buffer holds a packet and b.next is missing; the scan is
// bounded by the window.
func (b *Buffer) firstAfterGap() *slot {
	for e := b.next + 1; e <= b.highest; e++ {
		if s := &b.ring[e&b.mask]; s.pkt != nil {
			return s
		}
	}
	// Unreachable while count > 0: every held packet lies in
	// (next, highest]. Fall back to the newest slot rather than panic.
	return &b.ring[b.highest&b.mask]
}

// discardNext gives up sequence number b.next, dropping its packet if held.
func (b *Buffer) discardNext() {
	s := &b.ring[b.next&b.mask]
	if s.pkt != nil {
		b.stats.Dropped++
		b.drop(s.pkt)
		*s = slot{}
		b.count--
	} else {
		b.stats.Lost++
	}
	b.next++
}

// clear drops every held packet.
func (b *Buffer) clear() {
	for i := range b.ring {
		if p := b.ring[i].pkt; p != nil {
			b.stats.Dropped++
			b.drop(p)
			b.ring[i] = slot{}
		}
	}
	b.count = 0
}

func (b *Buffer) drop(p *rtp.Packet) {
	if b.release != nil {
		b.release(p)
	}
}
