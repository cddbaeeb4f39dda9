package depack

import (
	"fmt"

	"github.com/pion/rtp"
)

// LATMConfig is what a receiver takes from a StreamMuxConfig
// (ISO/IEC 14496-3 section 1.7.3), the SDP's fmtp config of an MP4A-LATM
// stream with cpresent=0.
type LATMConfig struct {
	// AudioSpecificConfig is the decoder's extradata. It is the rest of
	// the StreamMuxConfig from the ASC's first bit, realigned to bytes;
	// the bits after the ASC (frameLengthType, latmBufferFullness, …) come
	// along as FFmpeg's RTP LATM reader takes them, and the AAC decoder
	// stops reading at the ASC's end.
	AudioSpecificConfig []byte
	// SubFrames is the number of AAC frames in each AudioMuxElement
	// (numSubFrames + 1).
	SubFrames int
}

var errLATMConfig = fmt.Errorf("%w: LATM StreamMuxConfig with more than one program or layer, audioMuxVersion 1, or streams not time-aligned", ErrUnsupported)

// ParseStreamMuxConfig reads the StreamMuxConfig of an RFC 6416 SDP. It
// takes what cameras and servers send, the shape FFmpeg also requires:
// audioMuxVersion 0, all streams on the same time framing, one program
// with one layer.
func ParseStreamMuxConfig(b []byte) (LATMConfig, error) {
	r := bitReader{b: b}
	version, ok := r.bits(1)
	sameTime, ok2 := r.bits(1)
	subFrames, ok3 := r.bits(6)
	programs, ok4 := r.bits(4)
	layers, ok5 := r.bits(3)
	if !ok || !ok2 || !ok3 || !ok4 || !ok5 || len(b)*8-r.pos < 16 {
		return LATMConfig{}, fmt.Errorf("%w: LATM StreamMuxConfig of %d bytes is too short", ErrMalformed, len(b))
	}
	if version != 0 || sameTime != 1 || programs != 0 || layers != 0 {
		return LATMConfig{}, errLATMConfig
	}
	asc := make([]byte, (len(b)*8-r.pos+7)/8)
	for i := range asc {
		n := min(8, len(b)*8-r.pos)
		v, _ := r.bits(n)
		asc[i] = byte(v << (8 - n))
	}
	return LATMConfig{AudioSpecificConfig: asc, SubFrames: int(subFrames) + 1}, nil
}

var (
	errLATMLength = fmt.Errorf("%w: LATM PayloadLengthInfo exceeds the AudioMuxElement", ErrMalformed)
	// cpresent=1 puts a StreamMuxConfig, not byte-aligned, in front of
	// every AudioMuxElement; the servers and cameras we know send
	// cpresent=0.
	errLATMInBand = fmt.Errorf("%w: LATM with the StreamMuxConfig in band (cpresent=1)", ErrUnsupported)
)

// LATM reassembles AAC frames from RFC 6416 MP4A-LATM packets with the
// StreamMuxConfig out of band (cpresent=0).
//
// A packet carries one or more whole AudioMuxElements, or one fragment of
// an AudioMuxElement; the marker bit is set on the packet that ends one
// (section 4.1). An AudioMuxElement holds SubFrames AAC frames, each
// preceded by its PayloadLengthInfo (ISO/IEC 14496-3 1.7.3: bytes of 255
// add up until a byte under 255). The frames come out raw, for an AAC
// decoder opened with LATMConfig.AudioSpecificConfig.
//
// A sender that never sets the marker is also read: a new timestamp ends
// the element in progress. After a lost packet, the packets of the element
// it belonged to (same timestamp) are dropped and the next frame out is
// marked Discontinuity.
type LATM struct {
	cfg     LATMConfig
	dur     uint32
	seq     seqTracker
	out     audioOut
	elem    []byte // the AudioMuxElement being collected
	elemTS  uint32
	going   bool
	skipTS  bool // drop packets with timestamp skipped: the rest of a broken element
	skipped uint32
	lastTS  uint32
	anyTS   bool
}

var _ AudioDepacketizer = (*LATM)(nil)

// NewLATM returns an RFC 6416 depacketizer for a stream whose fmtp says
// cpresent=0 and gives streamMuxConfig. frameDuration is one AAC frame in
// RTP clock ticks; 0 means AACFrameDuration.
func NewLATM(cpresent bool, streamMuxConfig []byte, frameDuration uint32) (*LATM, error) {
	if cpresent {
		return nil, errLATMInBand
	}
	cfg, err := ParseStreamMuxConfig(streamMuxConfig)
	if err != nil {
		return nil, err
	}
	if frameDuration == 0 {
		frameDuration = AACFrameDuration
	}
	return &LATM{cfg: cfg, dur: frameDuration}, nil
}

// Config returns the parsed StreamMuxConfig.
func (d *LATM) Config() LATMConfig { return d.cfg }

// Decode consumes one RTP packet; see AudioDepacketizer.
func (d *LATM) Decode(pkt *rtp.Packet) ([]AudioFrame, error) {
	d.out.start()
	if pkt == nil {
		return nil, errNilPacket
	}
	keep, lost := checkSeq(&d.seq, &pkt.Header)
	if !keep {
		return nil, ErrOutOfOrder
	}
	var err error
	if lost {
		d.out.lost = true
		if d.going {
			d.going = false
		}
		// A lost packet may have been the start of this one's element
		// (same timestamp as the last seen) or the end of the last.
		if d.anyTS && pkt.Timestamp == d.lastTS {
			d.skipTS, d.skipped = true, pkt.Timestamp
		}
	} else if d.going && pkt.Timestamp != d.elemTS {
		// No marker on the last packet of the element in progress: the
		// timestamp says it ended.
		d.going = false
		err = d.parse(d.elem, d.elemTS)
	}
	d.lastTS, d.anyTS = pkt.Timestamp, true
	if d.skipTS {
		if pkt.Timestamp == d.skipped {
			if pkt.Marker {
				d.skipTS = false
			}
			return d.out.result(err, ErrPacketsLost)
		}
		d.skipTS = false
	}
	if len(pkt.Payload) == 0 {
		return d.out.result(err, errEmptyPayload)
	}
	if !d.going {
		d.elem = append(d.elem[:0], pkt.Payload...)
		d.elemTS, d.going = pkt.Timestamp, true
	} else {
		if len(d.elem)+len(pkt.Payload) > MaxAudioFrameSize {
			d.going = false
			d.out.lost = true
			return d.out.result(err, errAudioFrameTooLarge)
		}
		d.elem = append(d.elem, pkt.Payload...)
	}
	if len(d.elem) > MaxAudioFrameSize {
		d.going = false
		d.out.lost = true
		return d.out.result(err, errAudioFrameTooLarge)
	}
	if pkt.Marker {
		d.going = false
		if perr := d.parse(d.elem, d.elemTS); err == nil {
			err = perr
		}
	}
	return d.out.result(err, ErrMorePacketsNeeded)
}

// parse splits one or more AudioMuxElements into their frames. The
// lengths must use up b exactly, or none of its frames come out: after a
// lost packet the element collected may have begun mid-way, and its
// first bytes read as lengths almost never add up.
func (d *LATM) parse(b []byte, ts uint32) error {
	nFrames, nBuf := len(d.out.frames), len(d.out.buf)
	err := d.split(b, ts)
	if err != nil {
		clear(d.out.frames[nFrames:])
		d.out.frames, d.out.buf = d.out.frames[:nFrames], d.out.buf[:nBuf]
		d.out.lost = true
	}
	return err
}

func (d *LATM) split(b []byte, ts uint32) error {
	for len(b) > 0 {
		for range d.cfg.SubFrames {
			n := 0
			for {
				if len(b) == 0 {
					return errLATMLength
				}
				v := b[0]
				b = b[1:]
				n += int(v)
				if v != 255 {
					break
				}
			}
			if n > len(b) {
				return errLATMLength
			}
			if n > 0 {
				if err := d.out.add(b[:n], ts); err != nil {
					return err
				}
			}
			b = b[n:]
			ts += d.dur
		}
	}
	return nil
}

// Reset forgets the element in progress and the sequence state; see
// AudioDepacketizer.
func (d *LATM) Reset() {
	d.seq.reset()
	d.out.start()
	d.out.shrink()
	d.out.lost = false
	d.going, d.skipTS, d.anyTS = false, false, false
	d.elem = d.elem[:0]
}
