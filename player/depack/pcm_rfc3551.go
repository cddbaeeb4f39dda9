package depack

import (
	"fmt"

	"github.com/pion/rtp"
)

// PCM passes the packets of the sample-based RTP audio formats of RFC 3551
// on as frames, one per packet, as they are: G.711 A-law and µ-law
// (PCMA, PCMU, section 4.5.14: one byte per sample), L16 (section 4.5.11:
// 16-bit big-endian samples, channels interleaved) and G.726 (section
// 4.5.4: packed 2-5 bit codewords). These formats have no framing of their
// own: any whole number of samples makes a packet, and the decoder takes
// the bytes as they come. A packet's timestamp is that of its first
// sample; a gap in the sequence numbers marks the next frame
// Discontinuity, and the timestamps say how many samples are missing.
type PCM struct {
	w wholeFrames
}

var _ AudioDepacketizer = (*PCM)(nil)

// NewPCM returns a depacketizer for a sample-based format whose samples
// (all channels of one instant together) take sampleBytes bytes: 1 per
// channel for G.711, 2 per channel for L16, 0 for G.726, whose codewords
// do not end on byte boundaries. A payload that is not a whole number of
// samples is refused as malformed.
func NewPCM(sampleBytes int) (*PCM, error) {
	if sampleBytes < 0 || sampleBytes > 64 {
		return nil, fmt.Errorf("depack: PCM sample of %d bytes", sampleBytes)
	}
	return &PCM{w: wholeFrames{unit: sampleBytes, name: "PCM"}}, nil
}

// Decode consumes one RTP packet; see AudioDepacketizer.
func (d *PCM) Decode(pkt *rtp.Packet) ([]AudioFrame, error) { return d.w.decode(pkt) }

// Reset forgets the sequence state; see AudioDepacketizer.
func (d *PCM) Reset() { d.w.reset() }
