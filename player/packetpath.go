package player

import (
	"sync/atomic"
	"time"

	"github.com/rtspview/rtspview/player/jitter"
	"github.com/rtspview/rtspview/rtsp"
)

// jitterCounts mirrors the jitter buffer's counters for Stats, which runs
// on other goroutines than the packet path that owns the buffer.
type jitterCounts struct {
	lost, reordered, duplicates atomic.Uint64
}

// drain hands every packet the jitter buffer may release at now to the
// depacketizer. a.mu is held.
func (a *attempt) drain(now time.Time) {
	for {
		q, ok := a.jb.Pop(now)
		if !ok {
			break
		}
		a.feed(q)
		a.release(q)
	}
	st := a.jb.Stats()
	a.counts.lost.Store(st.Lost)
	a.counts.reordered.Store(st.Reordered)
	a.counts.duplicates.Store(st.Duplicates)
}

// onTimer runs on the attempt's timer (UDP only). Without it the jitter
// buffer gives up on a missing packet only when the next one arrives, and
// the depacketizer finishes a picture only at its marker packet: a packet
// lost just before a pause in the stream (a camera's motion-triggered
// sending, a network stall, the last picture of a clip) would hold that
// picture back until the pause ends. So every latency period while
// packets flow, and once after they stop, the timer releases what is due
// and, when nothing has arrived for the latency target, hands the
// unfinished picture to the decoder marked damaged.
func (a *attempt) onTimer() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.armed = false
	if a.closed {
		return
	}
	now := time.Now()
	a.drain(now)
	quiet := now.Sub(a.lastIn)
	if quiet >= jitter.DefaultLatency && a.jb.Len() == 0 {
		// Two rounds: a unit left over from the last Decode comes first.
		for range 2 {
			if a.flusher == nil {
				break
			}
			au, ok := a.flusher.Flush()
			if !ok {
				break
			}
			a.s.queue(a, au)
		}
		return // the next packet re-arms
	}
	next := jitter.DefaultLatency - quiet
	if d, ok := a.jb.Deadline(); ok && d.Sub(now) < next {
		next = d.Sub(now)
	}
	a.armed = true
	a.timer.Reset(max(next, time.Millisecond))
}

// stop ends the attempt's timer; the client has stopped delivering packets
// (or is about to), so nothing re-arms it. Safe on a nil attempt.
func (a *attempt) stop() {
	if a == nil || a.timer == nil {
		return
	}
	a.mu.Lock()
	a.closed = true
	a.timer.Stop()
	a.mu.Unlock()
}

// addCounts adds the attempt's packet counters to st. Over UDP the losses
// are the jitter buffer's: sequence numbers that never reached the
// depacketizer. RFC 3550's cumulative count, which the receiver reports
// keep sending, subtracts duplicated packets from the lost ones, so a
// network that duplicates hides its losses there. Over TCP nothing is
// reordered and the client's count stands. Safe on a nil attempt.
func (a *attempt) addCounts(st *Stats, ts rtsp.TrackStats) {
	st.PacketsReceived += ts.PacketsReceived
	if a == nil || a.jb == nil {
		st.PacketsLost += ts.PacketsLost
		return
	}
	st.PacketsLost += a.counts.lost.Load()
	st.PacketsReordered += a.counts.reordered.Load()
	st.PacketsDuplicated += a.counts.duplicates.Load()
}
