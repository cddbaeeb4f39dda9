package depack

import "github.com/pion/rtp"

// staleWindow is how far behind the expected sequence number a packet may
// be and still count as late rather than as the start of a new numbering.
// A jitter buffer in front of us repairs reordering within a few hundred
// packets; a much larger backwards jump means the server restarted its
// sequence (RFC 3550 section 8.2 lets it pick a new random start), and
// treating that as "late" would drop every packet from then on.
const staleWindow = 512

// seqResult says how a packet's sequence number relates to the previous one.
type seqResult uint8

const (
	seqFirst     seqResult = iota // first packet seen, nothing to compare with
	seqInOrder                    // exactly the expected number
	seqGap                        // packets were lost, or the numbering restarted
	seqStale                      // older than expected: duplicate or reordered
	seqNewSource                  // another SSRC: a new encoder, numbered afresh
)

// seqTracker follows the RTP sequence number of one stream with 16-bit
// wrap-around arithmetic (65535 is followed by 0).
type seqTracker struct {
	started bool
	ssrc    uint32
	next    uint16
}

func (s *seqTracker) check(h *rtp.Header) seqResult {
	if !s.started {
		s.started, s.ssrc, s.next = true, h.SSRC, h.SequenceNumber+1
		return seqFirst
	}
	if h.SSRC != s.ssrc {
		// A new source (camera reboot, server failover) has its own
		// numbering and its own references.
		s.ssrc, s.next = h.SSRC, h.SequenceNumber+1
		return seqNewSource
	}
	// The difference taken as int16 is the signed distance on the 16-bit
	// circle, so 65535 -> 0 is +1 and 0 -> 65535 is -1.
	d := int16(h.SequenceNumber - s.next)
	switch {
	case d == 0:
		s.next++
		return seqInOrder
	case d > 0 || d < -staleWindow:
		s.next = h.SequenceNumber + 1
		return seqGap
	default:
		return seqStale
	}
}

func (s *seqTracker) reset() { *s = seqTracker{} }
