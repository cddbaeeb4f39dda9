package player

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
	"github.com/rtspview/rtspview/decode"
	"github.com/rtspview/rtspview/player/depack"
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

// attempt is the per-connection packet path, run on the client's reader
// goroutine(s): jitter buffer (UDP only) → depacketizer → AU queue.
type attempt struct {
	s       *Stream
	pt      uint8
	codec   decode.Codec
	dp      depack.Depacketizer
	jb      *jitter.Buffer
	pkt     rtp.Packet
	pool    []*rtp.Packet
	bufs    map[*rtp.Packet][]byte
	skipped bool  // a unit was dropped because the queue overflowed
	arrived int64 // Unix ns the latest packet arrived (latency.go)
	lane    *lane // Auto's race (auto.go) this attempt runs in; nil outside one
	// audio is the session's audio track (audioloop.go), nil when it
	// has none; its packets go to the audio goroutine, past the hold
	// and RTP-Info filter below, which are the video track's.
	audio atomic.Pointer[audioTrack]

	// The give-up timer (UDP, packetpath.go) and a seek (playback_play.go)
	// share the path with the reader goroutine.
	mu      sync.Mutex
	timer   *time.Timer
	armed   bool
	closed  bool
	lastIn  time.Time // when the last packet was pushed
	flusher depack.Flusher
	counts  jitterCounts

	// A PLAY in flight or just answered (playback_play.go): packets held
	// until the answer, those before its RTP-Info seq dropped, and the
	// timeline from RTP time to play time. Guarded by mu.
	holding  bool
	held     [][]byte
	filter   bool
	firstSeq uint16
	passed   int
	tl       timeline
}

func newAttempt(s *Stream, pt uint8, codec decode.Codec, dp depack.Depacketizer, reorder bool) *attempt {
	a := &attempt{}
	a.init(s, pt, codec, dp, reorder)
	return a
}

func (a *attempt) init(s *Stream, pt uint8, codec decode.Codec, dp depack.Depacketizer, reorder bool) {
	a.s, a.pt, a.codec, a.dp = s, pt, codec, dp
	if reorder {
		a.bufs = map[*rtp.Packet][]byte{}
		a.jb = jitter.New(jitter.Config{Release: a.release})
		a.flusher, _ = dp.(depack.Flusher)
		a.timer = time.AfterFunc(time.Hour, a.onTimer)
		a.timer.Stop()
	}
}

// onPacket runs on the RTSP client's reader goroutine for every RTP packet.
func (a *attempt) onPacket(track int, b []byte) {
	if at := a.audio.Load(); at != nil && at.track.Index == track {
		a.s.audioPacket(a, at, b)
		return
	}
	// Locked on TCP too: a seek (playFrom, on the session's goroutine)
	// holds, filters and flushes the path while packets arrive.
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return
	}
	a.arrived = time.Now().UnixNano()
	if a.holding {
		// A PLAY's answer is awaited: which packets are new only its
		// RTP-Info tells (docs/QUIRKS.md #7: media may come first).
		if len(a.held) < maxHeld {
			a.held = append(a.held, append([]byte(nil), b...))
		}
		return
	}
	if !a.admitSeq(b) {
		return
	}
	a.accept(b)
}

// admitSeq drops packets sent before the latest PLAY: their sequence
// numbers come before the one RTP-Info gave. It stops checking after a
// thousand new packets, long before the 16-bit numbers could wrap round
// to look old again. a.mu is held.
func (a *attempt) admitSeq(b []byte) bool {
	if len(b) < 12 {
		return false
	}
	if a.filter {
		seq := binary.BigEndian.Uint16(b[2:4])
		if int16(seq-a.firstSeq) < 0 {
			return false
		}
		if a.passed++; a.passed > 1000 {
			a.filter = false
		}
	}
	if a.tl.fromFirst {
		a.tl.rtptime = binary.BigEndian.Uint32(b[4:8])
		a.tl.fromFirst = false
	}
	return true
}

// accept hands one packet on: straight to the depacketizer over TCP,
// through the jitter buffer over UDP. a.mu is held.
func (a *attempt) accept(b []byte) {
	if a.jb == nil {
		if err := a.pkt.Unmarshal(b); err != nil {
			return
		}
		a.feed(&a.pkt)
		return
	}
	// UDP: the jitter buffer keeps packets, so copy into pooled ones.
	var p *rtp.Packet
	if n := len(a.pool); n > 0 {
		p, a.pool = a.pool[n-1], a.pool[:n-1]
	} else {
		p = &rtp.Packet{}
	}
	buf := append(a.bufs[p][:0], b...)
	if err := p.Unmarshal(buf); err != nil {
		a.bufs[p] = buf
		a.pool = append(a.pool, p)
		return
	}
	a.bufs[p] = buf
	now := time.Now()
	a.jb.Push(p, now)
	a.lastIn = now
	a.drain(now)
	if !a.armed {
		// One timer per attempt, re-armed at most once per latency
		// period rather than per packet.
		a.armed = true
		a.timer.Reset(jitter.DefaultLatency)
	}
}

// beginHold keeps every packet aside until endHold: a PLAY is on its way.
// With flush the path also forgets what it holds from before (a seek).
func (a *attempt) beginHold(flush bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.holding = true
	a.held = a.held[:0]
	if flush {
		if a.jb != nil {
			a.jb.Reset()
		}
		a.dp.Reset()
		a.skipped = false
	}
}

// endHold takes the PLAY's answer: packets numbered before its RTP-Info
// seq are dropped (they were sent before the PLAY), the held ones after it
// go on, and tl maps their timestamps to play time. info nil (the PLAY
// failed) lets the held packets through as they are. dropHeld (a seek
// while playing answered without seq: held packets cannot be told old
// from new) drops them: the stream goes on from the next keyframe.
func (a *attempt) endHold(info *rtsp.TrackSync, tl timeline, dropHeld bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.holding = false
	if info != nil {
		a.tl = tl
		a.filter, a.passed = info.SeqNum != nil, 0
		if info.SeqNum != nil {
			a.firstSeq = *info.SeqNum
		} else if dropHeld {
			a.held = a.held[:0]
		}
	}
	held := a.held
	a.held = nil
	for _, b := range held {
		if !a.closed && a.admitSeq(b) {
			a.accept(b)
		}
	}
}

// release returns a packet (and its buffer) to the attempt's pool; the
// jitter buffer calls it for packets it drops.
func (a *attempt) release(p *rtp.Packet) {
	if len(a.pool) < 512 {
		a.pool = append(a.pool, p)
	} else {
		delete(a.bufs, p)
	}
}

func (a *attempt) feed(p *rtp.Packet) {
	if p.PayloadType != a.pt {
		return
	}
	au, err := a.dp.Decode(p)
	switch {
	case err == nil:
	case errors.Is(err, depack.ErrMorePacketsNeeded):
		return
	case errors.Is(err, depack.ErrWaitKeyframe):
		return
	default:
		return // malformed packet or loss: the depacketizer goes on by itself
	}
	a.s.queue(a, au)
}

// queue hands an access unit to the decoder without ever blocking the
// network path.
func (s *Stream) queue(a *attempt, au depack.AccessUnit) {
	if a.lane != nil && !a.lane.admit() {
		return // a rival way in Auto's race is (or may be) the one shown
	}
	s.rec.video(a, au) // recorded whether or not the decoder keeps up
	var b *auBuf
	select {
	case b = <-s.free:
	default:
		// Decoder is behind: drop this unit.
		a.skipped = true
		s.dropped.Add(1)
		return
	}
	// The unit after a dropped one may refer to it: it goes marked
	// damaged, as after a lost packet, and FFmpeg conceals. Waiting for
	// the next keyframe instead would freeze the picture for up to a GOP
	// over a stall of a few frames (the jitter buffer releases several
	// pictures at once after waiting for a lost packet).
	damaged := au.Damaged || a.skipped
	a.skipped = false
	b.data = append(b.data[:0], au.Data...)
	b.gen = s.pb.gen.Load()
	b.npt, b.hasNPT = a.tl.npt(au.Timestamp)
	b.codec = a.codec
	b.keyframe = au.Keyframe
	b.damaged = damaged
	b.arrived = a.arrived
	b.rtp = au.Timestamp
	s.auCh <- b // never blocks: auCh has room for every buffer in free
}

func newDepacketizer(t rtsp.Track, codec decode.Codec) (depack.Depacketizer, error) {
	switch codec {
	case decode.CodecH264:
		mode := 0
		if v := t.Fmtp["packetization-mode"]; v == "1" {
			mode = 1
		}
		return depack.NewH264(t.Fmtp["sprop-parameter-sets"], mode), nil
	case decode.CodecH265:
		return depack.NewH265(t.Fmtp["sprop-vps"], t.Fmtp["sprop-sps"], t.Fmtp["sprop-pps"]), nil
	case decode.CodecMJPEG:
		return depack.NewJPEG(), nil
	}
	return nil, fmt.Errorf("%w: %s depacketizer", ErrNoVideo, codec)
}
