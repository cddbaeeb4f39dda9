package depack

import (
	"fmt"

	"github.com/pion/rtp"
)

// MaxAudioFrameSize is the cap on one reassembled audio frame (an AAC
// access unit, a LATM AudioMuxElement, one packet of G.711 or Opus). An AAC
// AU is at most 6144 bits per channel (ISO/IEC 14496-3 4.5.3.1), 6 KiB for
// 8 channels; anything past 64 KiB is a broken or hostile stream.
const MaxAudioFrameSize = 64 << 10

// maxFramesPerPacket bounds the frames one packet may carry. An RFC 3640
// packet of 1500 bytes holds at most a few dozen AAC frames; the bound
// keeps a packet full of zero-size AU headers from growing the output
// slice without limit.
const maxFramesPerPacket = 256

// AudioFrame is one coded audio frame, ready for the decoder: a raw AAC
// access unit (no ADTS or LATM framing), a run of G.711 or L16 samples, or
// one Opus packet.
type AudioFrame struct {
	// Data is valid until the next call to Decode or Reset on the same
	// depacketizer: the buffer is reused so that the packet path does not
	// allocate.
	Data []byte
	// Timestamp is the frame's RTP timestamp: the packet's for its first
	// frame, plus the duration of each frame before it in the packet.
	Timestamp uint32
	// Discontinuity is true on the first frame after packets were lost or
	// dropped (a sequence gap, a broken fragment, a new source). The gap's
	// length follows from the timestamps; a player fills it with silence
	// or concealment of that length.
	Discontinuity bool
}

// AudioDepacketizer turns the RTP packets of one audio stream, in
// sequence-number order, into coded frames.
type AudioDepacketizer interface {
	// Decode consumes one packet. It returns the frames the packet
	// completes (often one, several for aggregated AAC), valid until the
	// next call, or ErrMorePacketsNeeded while a fragmented frame is being
	// collected, or another error saying why the packet gave nothing. No
	// error is fatal: keep feeding packets.
	Decode(pkt *rtp.Packet) ([]AudioFrame, error)
	// Reset forgets any frame in progress and the sequence state, e.g.
	// after a reconnect.
	Reset()
}

var (
	errAudioFrameTooLarge = fmt.Errorf("%w: audio frame larger than %d bytes", ErrAccessUnitTooLarge, MaxAudioFrameSize)
	errEmptyPayload       = fmt.Errorf("%w: empty audio payload", ErrMalformed)
	errTooManyFrames      = fmt.Errorf("%w: more than %d audio frames in one packet", ErrMalformed, maxFramesPerPacket)
)

// audioOut collects the frames of one Decode call in buffers reused from
// call to call: the frames' bytes are copied into one growing buffer and
// the frame list is a slice kept between calls.
type audioOut struct {
	buf    []byte
	frames []AudioFrame
	// lost says a discontinuity waits to be put on the next frame out.
	lost bool
}

func (o *audioOut) start() {
	o.buf = o.buf[:0]
	clear(o.frames) // no stale Data left reachable
	o.frames = o.frames[:0]
}

// add copies data as the next frame. The previous frames' Data are
// re-sliced after buf grows, so that all of them point into the final
// buffer.
func (o *audioOut) add(data []byte, ts uint32) error {
	if len(o.frames) >= maxFramesPerPacket {
		return errTooManyFrames
	}
	if len(data) > MaxAudioFrameSize {
		return errAudioFrameTooLarge
	}
	old := cap(o.buf)
	start := len(o.buf)
	o.buf = append(o.buf, data...)
	if cap(o.buf) != old {
		off := 0
		for i := range o.frames {
			n := len(o.frames[i].Data)
			o.frames[i].Data = o.buf[off : off+n : off+n]
			off += n
		}
	}
	o.frames = append(o.frames, AudioFrame{
		Data:          o.buf[start:len(o.buf):len(o.buf)],
		Timestamp:     ts,
		Discontinuity: o.lost,
	})
	o.lost = false
	return nil
}

// result returns the frames collected, or err (or idle) when there are none.
func (o *audioOut) result(err, idle error) ([]AudioFrame, error) {
	if len(o.frames) > 0 {
		return o.frames, nil
	}
	if err != nil {
		return nil, err
	}
	return nil, idle
}

// shrink drops buffers a burst of huge packets grew, so that one bad
// packet does not pin megabytes for the stream's life.
func (o *audioOut) shrink() {
	if cap(o.buf) > 4*MaxAudioFrameSize {
		o.buf = nil
	}
}

// checkSeq classifies pkt's sequence number. It reports false for a packet
// to drop (stale), and whether packets were lost before it.
func checkSeq(s *seqTracker, h *rtp.Header) (keep, lost bool) {
	switch s.check(h) {
	case seqStale:
		return false, false
	case seqGap, seqNewSource:
		return true, true
	}
	return true, false
}

// wholeFrames is the depacketizer of payload formats in which every packet
// is one frame: G.711, L16 and G.726 (RFC 3551) and Opus (RFC 7587).
type wholeFrames struct {
	seq  seqTracker
	out  audioOut
	unit int // the payload length must be a multiple of this; 0 or 1 for any
	name string
}

func (w *wholeFrames) decode(pkt *rtp.Packet) ([]AudioFrame, error) {
	w.out.start()
	if pkt == nil {
		return nil, errNilPacket
	}
	keep, lost := checkSeq(&w.seq, &pkt.Header)
	if !keep {
		return nil, ErrOutOfOrder
	}
	w.out.lost = w.out.lost || lost
	p := pkt.Payload
	if len(p) == 0 {
		// Some senders send an empty payload during silence; nothing to
		// decode, and the next frame's timestamp says how long it was.
		return nil, errEmptyPayload
	}
	if w.unit > 1 && len(p)%w.unit != 0 {
		w.out.lost = true
		return nil, fmt.Errorf("%w: %s payload of %d bytes is not a whole number of %d-byte samples", ErrMalformed, w.name, len(p), w.unit)
	}
	if err := w.out.add(p, pkt.Timestamp); err != nil {
		w.out.lost = true
		return nil, err
	}
	return w.out.frames, nil
}

func (w *wholeFrames) reset() {
	w.seq.reset()
	w.out.start()
	w.out.lost = false
}
