package depack

import (
	"fmt"

	"github.com/pion/rtp"
)

// AACFrameDuration is the length of one AAC frame in samples (ISO/IEC
// 14496-3: 1024 for AAC LC and HE-AAC's core; 960 exists for DAB and is
// signalled in the AudioSpecificConfig). With the RTP clock at the
// sampling rate, as every camera and server sets it, it is also the
// timestamp step from one frame to the next.
const AACFrameDuration = 1024

// AUHeaderConfig describes the AU header section of an RFC 3640 stream:
// the SDP's fmtp parameters (section 4.1), whose defaults are all zero
// (field absent). AAC-hbr is SizeLength 13, IndexLength 3,
// IndexDeltaLength 3.
type AUHeaderConfig struct {
	SizeLength, IndexLength, IndexDeltaLength int
	CTSDeltaLength, DTSDeltaLength            int
	RandomAccessIndication                    bool
	StreamStateIndication                     int
	AuxiliaryDataSizeLength                   int
	// FrameDuration is one AU's duration in RTP clock ticks
	// (constantDuration, else AACFrameDuration when 0).
	FrameDuration uint32
}

var (
	errAACShort = fmt.Errorf("%w: RFC 3640 packet shorter than its AU header section", ErrMalformed)
	errAACAUs   = fmt.Errorf("%w: RFC 3640 AU sizes exceed the packet", ErrMalformed)
	errAACFrag  = fmt.Errorf("%w: RFC 3640 fragment does not continue the AU in progress", ErrMalformed)
	// Interleaving (section 3.2.3.2) reorders AUs across packets; no camera
	// or server we know sends it.
	errAACInterleaved = fmt.Errorf("%w: RFC 3640 interleaved AUs (AU-Index or AU-Index-delta not 0)", ErrUnsupported)
)

// AAC reassembles AAC access units from RFC 3640 (mpeg4-generic) packets
// in the AAC-hbr and AAC-lbr modes.
//
// A packet carries an AU header section (section 3.2.1: a 16-bit length in
// bits, then one header per AU with its size and the optional index,
// CTS/DTS, random access and stream state fields the SDP announces), an
// optional auxiliary section, and then either several whole AUs
// (section 3.2.3.1), each with its own header, or one fragment of a single
// AU (section 3.2.3.3). The fragments of one AU share the timestamp and
// each repeats the whole AU's size; the last carries the marker bit.
//
// The AUs come out as they are (raw_data_block, no ADTS header): the
// decoder takes the SDP's AudioSpecificConfig as its extradata. A fragment
// in progress is dropped when a packet is lost, when the timestamp changes
// or when the marker comes before the AU is complete; the next frame out
// is marked Discontinuity.
type AAC struct {
	cfg       AUHeaderConfig
	seq       seqTracker
	out       audioOut
	sizes     [maxFramesPerPacket]uint32
	frag      []byte
	fragSize  int
	fragTS    uint32
	fragGoing bool
	// The last packet's timestamp, and skipTS, a timestamp whose packets
	// are dropped up to its marker: the rest of an AU whose piece was lost.
	seen     bool
	prevTS   uint32
	skipping bool
	skipTS   uint32
}

var _ AudioDepacketizer = (*AAC)(nil)

// NewAAC returns an RFC 3640 depacketizer for the given AU header layout.
// SizeLength must be 1 to 32 bits and the other widths 0 to 32.
func NewAAC(cfg AUHeaderConfig) (*AAC, error) {
	if cfg.SizeLength < 1 || cfg.SizeLength > 32 {
		return nil, fmt.Errorf("depack: RFC 3640 sizeLength %d (want 1 to 32)", cfg.SizeLength)
	}
	for _, w := range []int{cfg.IndexLength, cfg.IndexDeltaLength, cfg.CTSDeltaLength, cfg.DTSDeltaLength,
		cfg.StreamStateIndication, cfg.AuxiliaryDataSizeLength} {
		if w < 0 || w > 32 {
			return nil, fmt.Errorf("depack: RFC 3640 AU header field of %d bits (want 0 to 32)", w)
		}
	}
	if cfg.FrameDuration == 0 {
		cfg.FrameDuration = AACFrameDuration
	}
	return &AAC{cfg: cfg}, nil
}

// Decode consumes one RTP packet; see AudioDepacketizer.
func (d *AAC) Decode(pkt *rtp.Packet) ([]AudioFrame, error) {
	d.out.start()
	if pkt == nil {
		return nil, errNilPacket
	}
	keep, lost := checkSeq(&d.seq, &pkt.Header)
	if !keep {
		return nil, ErrOutOfOrder
	}
	// After a loss, a packet with the timestamp of the one before it
	// continues the AU that packet began (whole AUs never share a
	// timestamp): its head is gone, so the rest of it, up to the marker,
	// is dropped. Without this the last piece of an AU whose fragments
	// each give their own size would pass for a whole AU.
	sameAU := d.seen && pkt.Timestamp == d.prevTS
	d.seen, d.prevTS = true, pkt.Timestamp
	if d.skipping && !(pkt.Timestamp == d.skipTS && !lost) {
		d.skipping = false
	}
	if lost && sameAU {
		d.dropFragment()
		d.skipping, d.skipTS = true, pkt.Timestamp
	}
	if d.skipping {
		d.skipping = !pkt.Marker
		return nil, ErrPacketsLost
	}
	if lost {
		d.dropFragment()
	} else if d.fragGoing && pkt.Timestamp != d.fragTS {
		if d.fragSize == 0 {
			// Fragments sized each on its own, and no marker on the last:
			// with no packet lost, a new timestamp ends the AU.
			d.fragGoing = false
			if err := d.out.add(d.frag, d.fragTS); err != nil {
				d.out.lost = true
			}
		} else {
			d.dropFragment()
		}
	}
	n, aus, err := d.parseHeaders(pkt.Payload)
	if err != nil {
		d.dropFragment()
		return d.out.result(err, nil)
	}
	if d.fragGoing || (n == 1 && (int(d.sizes[0]) > len(aus) || !pkt.Marker && int(d.sizes[0]) == len(aus))) {
		return d.fragment(pkt, aus, lost)
	}
	ts := pkt.Timestamp
	for i := range n {
		size := int(d.sizes[i])
		if size > len(aus) {
			// The AUs before the short one are whole; the rest is lost.
			d.out.lost = true
			return d.out.result(errAACAUs, nil)
		}
		if size > 0 {
			if err := d.out.add(aus[:size], ts); err != nil {
				d.out.lost = true
				return d.out.result(err, nil)
			}
		}
		aus = aus[size:]
		ts += d.cfg.FrameDuration
	}
	// Bytes past the last AU are padding some senders add: ignored.
	return d.out.result(nil, ErrMorePacketsNeeded)
}

// fragment adds a packet that carries one piece of a fragmented AU.
//
// RFC 3640 section 3.2.1.1 has every fragment's AU-size give the whole
// AU's size (FFmpeg and GStreamer write it so), and the AU is complete when
// that many bytes are in. Some senders (gortsplib's encoder among them)
// give each fragment's own size instead: a first piece exactly as long as
// its AU-size, without the marker, starts such an AU, which then ends at
// the marker (or, from a sender that sets none, at the next timestamp).
//
// Right after a loss such a piece may be the head of an AU or its middle,
// with nothing to tell which: the packets up to the marker are dropped, at
// worst one AU more than was lost, rather than a broken AU passed on.
func (d *AAC) fragment(pkt *rtp.Packet, piece []byte, lost bool) ([]AudioFrame, error) {
	size := int(d.sizes[0])
	if !d.fragGoing {
		if size > MaxAudioFrameSize {
			d.out.lost = true
			return d.out.result(errAudioFrameTooLarge, nil)
		}
		if pkt.Marker {
			// The last fragment, alone: the AU's head was lost.
			d.out.lost = true
			return d.out.result(ErrPacketsLost, nil)
		}
		if size == len(piece) && lost {
			d.skipping, d.skipTS = true, pkt.Timestamp
			return d.out.result(ErrPacketsLost, nil)
		}
		d.frag = append(d.frag[:0], piece...)
		d.fragSize, d.fragTS, d.fragGoing = size, pkt.Timestamp, true
		if size == len(piece) {
			d.fragSize = 0 // each fragment sized on its own
		}
		return d.out.result(nil, ErrMorePacketsNeeded)
	}
	if d.fragSize == 0 {
		if size != len(piece) || len(d.frag)+len(piece) > MaxAudioFrameSize {
			d.dropFragment()
			return d.out.result(errAACFrag, nil)
		}
		d.frag = append(d.frag, piece...)
		if !pkt.Marker {
			return d.out.result(nil, ErrMorePacketsNeeded)
		}
	} else {
		if size != d.fragSize || len(d.frag)+len(piece) > size {
			d.dropFragment()
			return d.out.result(errAACFrag, nil)
		}
		d.frag = append(d.frag, piece...)
		if len(d.frag) < size {
			if pkt.Marker {
				// The marker ends the AU, and bytes are missing: the
				// head was lost before the sequence tracker's view (a
				// new source), or the sender miscounted.
				d.dropFragment()
				return d.out.result(errAACFrag, nil)
			}
			return d.out.result(nil, ErrMorePacketsNeeded)
		}
	}
	d.fragGoing = false
	if err := d.out.add(d.frag, d.fragTS); err != nil {
		d.out.lost = true
		return d.out.result(err, nil)
	}
	return d.out.frames, nil
}

// parseHeaders reads the AU header section (and skips the auxiliary
// section) of payload p into d.sizes. It returns the number of AU headers
// and the bytes after the sections.
func (d *AAC) parseHeaders(p []byte) (int, []byte, error) {
	if len(p) < 2 {
		return 0, nil, errAACShort
	}
	hdrBits := int(p[0])<<8 | int(p[1])
	p = p[2:]
	hdrBytes := (hdrBits + 7) / 8
	if hdrBits == 0 || hdrBytes > len(p) {
		return 0, nil, errAACShort
	}
	r := bitReader{b: p[:hdrBytes]}
	n := 0
	for r.pos < hdrBits {
		if n == maxFramesPerPacket {
			return 0, nil, errTooManyFrames
		}
		size, ok := r.bits(d.cfg.SizeLength)
		idxLen := d.cfg.IndexDeltaLength
		if n == 0 {
			idxLen = d.cfg.IndexLength
		}
		idx, ok2 := r.bits(idxLen)
		ok = ok && ok2 && d.skipFlagged(&r, d.cfg.CTSDeltaLength) && d.skipFlagged(&r, d.cfg.DTSDeltaLength)
		if d.cfg.RandomAccessIndication {
			ok = ok && r.skip(1)
		}
		ok = ok && r.skip(d.cfg.StreamStateIndication)
		if !ok || r.pos > hdrBits {
			return 0, nil, errAACShort
		}
		if idx != 0 {
			return 0, nil, errAACInterleaved
		}
		d.sizes[n] = size
		n++
	}
	p = p[hdrBytes:]
	if w := d.cfg.AuxiliaryDataSizeLength; w > 0 {
		ar := bitReader{b: p}
		auxBits, ok := ar.bits(w)
		if !ok || uint64(w)+uint64(auxBits) > uint64(len(p))*8 {
			return 0, nil, errAACShort
		}
		p = p[(w+int(auxBits)+7)/8:]
	}
	return n, p, nil
}

// skipFlagged skips a CTS or DTS field: a flag bit, then the delta when
// the flag is set. Absent when the SDP gives the delta no width.
func (d *AAC) skipFlagged(r *bitReader, width int) bool {
	if width == 0 {
		return true
	}
	flag, ok := r.bits(1)
	if !ok {
		return false
	}
	if flag == 1 {
		return r.skip(width)
	}
	return true
}

func (d *AAC) dropFragment() {
	d.fragGoing = false
	d.out.lost = d.out.lost || d.seq.started
	d.frag = d.frag[:0]
	if cap(d.frag) > 4*MaxAudioFrameSize {
		d.frag = nil
	}
}

// Reset forgets the AU in progress and the sequence state; see
// AudioDepacketizer.
func (d *AAC) Reset() {
	d.seq.reset()
	d.out.start()
	d.out.shrink()
	d.out.lost = false
	d.fragGoing, d.seen, d.skipping = false, false, false
	d.frag = d.frag[:0]
}
