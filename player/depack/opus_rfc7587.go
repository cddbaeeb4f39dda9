package depack

import "github.com/pion/rtp"

// Opus passes Opus packets on (RFC 7587): one RTP packet carries exactly
// one Opus packet (section 4.2), which the decoder takes whole, whatever
// its frames inside (the TOC byte says, RFC 6716 section 3.1). The RTP
// clock is always 48 kHz, whatever the codec's internal rate. A gap in the
// sequence numbers marks the next frame Discontinuity; Opus's own packet
// loss concealment can fill it.
type Opus struct {
	w wholeFrames
}

var _ AudioDepacketizer = (*Opus)(nil)

// NewOpus returns an Opus depacketizer.
func NewOpus() *Opus { return &Opus{w: wholeFrames{name: "Opus"}} }

// Decode consumes one RTP packet; see AudioDepacketizer.
func (d *Opus) Decode(pkt *rtp.Packet) ([]AudioFrame, error) { return d.w.decode(pkt) }

// Reset forgets the sequence state; see AudioDepacketizer.
func (d *Opus) Reset() { d.w.reset() }
