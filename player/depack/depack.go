// Package depack turns RTP packets back into coded pictures: one
// depacketizer per codec (H.264 per RFC 6184, H.265 per RFC 7798, JPEG per
// RFC 2435), each behind the same small Depacketizer interface.
//
// Depacketizers are built for what cameras really send (see docs/QUIRKS.md,
// items 16 and 17) and for live viewing on lossy networks: they deliver
// nothing before the first picture a decoder can start at (a keyframe, or
// an H.264/H.265 recovery point), and after that they keep going through
// packet loss, handing over damaged access units marked Damaged so that
// the decoder conceals the missing parts instead of the picture freezing
// until an intact keyframe, which at a few percent loss rarely comes.
//
// A depacketizer is not safe for concurrent use; one goroutine owns it.
package depack

import (
	"errors"

	"github.com/pion/rtp"
)

// MaxAccessUnitSize is the hard cap on one reassembled access unit. A
// 4K intra frame at a high bitrate is a few MiB; anything larger is a
// broken or hostile stream, and growing without limit would let one bad
// camera exhaust memory. Past the cap the access unit is dropped and the
// depacketizer waits for the next keyframe.
const MaxAccessUnitSize = 8 << 20

// AccessUnit is one complete coded picture.
//
// For H.264 and H.265 Data is in Annex-B form: a 4-byte start code
// 00 00 00 01 before each NAL unit. For JPEG it is a complete JFIF image.
type AccessUnit struct {
	// Data is valid until the next call to Decode or Reset on the same
	// depacketizer: the buffer is reused to keep the packet path free of
	// allocations.
	Data []byte
	// Timestamp is the RTP timestamp of the packets that carried it.
	Timestamp uint32
	// Keyframe is true when the unit holds an IDR (H.264) or IRAP (H.265)
	// picture, or is a JPEG image: a decoder can start here.
	Keyframe bool
	// Recovery is true when the unit is not a keyframe but begins at a
	// recovery point SEI (periodic intra refresh): a decoder can start
	// here too, and shows a clean picture once the refresh has passed.
	Recovery bool
	// Damaged is true when packets of the unit were lost (or it began
	// right after lost packets that may have been its head, or it was
	// flushed without its end): the decoder should conceal.
	Damaged bool
}

// ErrMorePacketsNeeded means the packet was consumed and the access unit is
// not complete yet. It is the normal answer for most packets.
var ErrMorePacketsNeeded = errors.New("depack: access unit not complete, more packets needed")

// ErrWaitKeyframe means no picture a decoder can start at has been
// delivered yet (the stream was joined between keyframes, or data was lost
// before the first one), or the source changed, or a unit could not be
// used at all (oversized, an unsupported packetization): packets are
// dropped until the next keyframe or recovery point.
var ErrWaitKeyframe = errors.New("depack: waiting for a keyframe after packet loss")

// ErrPacketsLost means a sequence-number gap was seen after the first
// keyframe: the units the lost packets belonged to are delivered marked
// Damaged rather than dropped.
var ErrPacketsLost = errors.New("depack: packets lost, access unit delivered damaged")

// ErrOutOfOrder means the packet's sequence number is older than one
// already processed (a duplicate, or reordering the jitter buffer did not
// repair). The packet is dropped.
var ErrOutOfOrder = errors.New("depack: packet out of order or duplicated")

// ErrMalformed means the payload breaks its RTP payload format (a
// truncated aggregation packet, a fragment too short to hold its header).
// It is usually returned wrapped together with ErrWaitKeyframe.
var ErrMalformed = errors.New("depack: malformed payload")

// ErrUnsupported means the payload uses a valid feature this package does
// not implement, such as H.264 interleaved mode (packetization-mode=2).
var ErrUnsupported = errors.New("depack: unsupported payload format feature")

// ErrAccessUnitTooLarge means an access unit grew past MaxAccessUnitSize.
// It is returned wrapped together with ErrWaitKeyframe.
var ErrAccessUnitTooLarge = errors.New("depack: access unit exceeds size limit")

// Depacketizer reassembles access units from the RTP packets of one
// stream, in sequence-number order.
type Depacketizer interface {
	// Decode consumes one packet. It returns a complete access unit, or
	// ErrMorePacketsNeeded, ErrWaitKeyframe or another error explaining
	// why there is nothing to show yet. No error is fatal: keep feeding
	// packets.
	Decode(pkt *rtp.Packet) (AccessUnit, error)
	// Reset forgets the unit in progress and the sequence state, e.g.
	// after a reconnect; the next unit delivered is a keyframe.
	Reset()
}

// Flusher is implemented by depacketizers that can end the access unit in
// progress early (H264, H265). An owner calls Flush when no packet has
// arrived for its latency target: if the packet carrying the marker bit
// of the last picture before a pause was lost, the picture would
// otherwise wait for the first packet after the pause. The unit comes out
// marked Damaged; ok is false when there was none. Call it again while
// ok is true: a unit left over from the last Decode comes out first.
type Flusher interface {
	Flush() (au AccessUnit, ok bool)
}
