// Package depack turns RTP packets back into coded pictures: one
// depacketizer per codec (H.264 per RFC 6184, H.265 per RFC 7798, JPEG per
// RFC 2435), each behind the same small Depacketizer interface.
//
// Depacketizers are built for what cameras really send (see
// shared/QUIRKS.md, items 16 and 17) and for a decoder that must never be
// fed a picture whose references are missing: after any packet loss they
// drop everything until the next keyframe.
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
}

// ErrMorePacketsNeeded means the packet was consumed and the access unit is
// not complete yet. It is the normal answer for most packets.
var ErrMorePacketsNeeded = errors.New("depack: access unit not complete, more packets needed")

// ErrWaitKeyframe means data was lost (a sequence-number gap, a fragment
// without its start, a truncated or oversized unit) or the stream was
// joined between keyframes: packets are dropped until the next keyframe so
// the decoder is never given a picture whose references it lacks.
var ErrWaitKeyframe = errors.New("depack: waiting for a keyframe after packet loss")

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
