package depack

import (
	"fmt"

	"github.com/pion/rtp"
)

// H.265 NAL unit types (ITU-T H.265 table 7-1) and RTP payload structure
// types (RFC 7798 section 4.4).
const (
	h265NALIRAPFirst = 16 // BLA_W_LP
	h265NALIRAPLast  = 21 // CRA_NUT
	h265NALVCLLast   = 31
	h265NALVPS       = 32
	h265NALSPS       = 33
	h265NALPPS       = 34
	h265NALPrefixSEI = 39
	h265NALAP        = 48
	h265NALFU        = 49
	h265NALPACI      = 50
)

// Parameter-set kinds, in the order they must precede a keyframe.
const (
	h265KindVPS = 0
	h265KindSPS = 1
	h265KindPPS = 2
)

var (
	errH265APTruncated = fmt.Errorf("%w: H.265 aggregation packet unit size exceeds the packet: %w",
		ErrMalformed, ErrWaitKeyframe)
	errH265FUTooShort = fmt.Errorf("%w: H.265 FU packet shorter than its 3-byte header: %w",
		ErrMalformed, ErrWaitKeyframe)
	errH265PACI = fmt.Errorf("%w: H.265 PACI packets (RFC 7798 section 4.4.4): %w",
		ErrUnsupported, ErrWaitKeyframe)
	errH265Reserved = fmt.Errorf("%w: H.265 packet with unspecified type 51-63 ignored (RFC 7798 section 4.4)",
		ErrMalformed)
)

// H265 reassembles H.265 access units from RTP packets (RFC 7798).
//
// It accepts single NAL unit packets, aggregation packets (AP, type 48)
// and fragmentation units (FU, type 49) without the DONL field, i.e.
// streams whose SDP has no sprop-max-don-diff greater than 0, which is
// what cameras send. PACI packets are refused with ErrUnsupported.
// Units end at the marker bit or at a timestamp change, and keyframes
// (IRAP pictures: IDR, CRA, BLA) are delivered with VPS, SPS and PPS in
// front, exactly as H264 does.
type H265 struct {
	a nalAssembler
}

var _ Depacketizer = (*H265)(nil)

// NewH265 returns an H.265 depacketizer. The arguments are the values of
// the SDP fmtp parameters sprop-vps, sprop-sps and sprop-pps (RFC 7798
// section 7.1; base64, comma separated; "" when absent; the whole fmtp
// line is accepted for each too). Invalid entries are ignored.
func NewH265(spropVPS, spropSPS, spropPPS string) *H265 {
	d := &H265{}
	d.a.init(classifyH265, 1<<h265KindVPS|1<<h265KindSPS|1<<h265KindPPS)
	decodeSprop(spropVPS, "sprop-vps", d.a.rememberParamSet)
	decodeSprop(spropSPS, "sprop-sps", d.a.rememberParamSet)
	decodeSprop(spropPPS, "sprop-pps", d.a.rememberParamSet)
	return d
}

// Decode consumes one RTP packet; see Depacketizer.
func (d *H265) Decode(pkt *rtp.Packet) (AccessUnit, error) {
	if pkt == nil {
		return AccessUnit{}, errNilPacket
	}
	if d.a.begin(pkt) {
		d.parse(pkt.Payload)
		d.a.end(pkt.Marker)
	}
	return d.a.result()
}

// Flush ends the access unit in progress early; see Flusher.
func (d *H265) Flush() (AccessUnit, bool) { return d.a.flush() }

// Reset forgets the access unit in progress and the sequence state; the
// next access unit delivered is a keyframe. Known parameter sets are kept.
func (d *H265) Reset() { d.a.reset() }

func (d *H265) parse(p []byte) {
	if len(p) == 0 {
		return
	}
	if len(p) < 2 {
		// Half a payload header: nothing a decoder could use.
		d.a.setErr(errH265Reserved)
		return
	}
	// A valid header never starts 00 00 (nuh_temporal_id_plus1 is not
	// 0), so such a payload is Annex-B (docs/QUIRKS.md #17); appendNALs
	// splits it like any single NAL unit.
	switch typ := p[0] >> 1 & 0x3f; {
	case typ == h265NALAP:
		d.parseAP(p[2:])
	case typ == h265NALFU:
		d.parseFU(p)
	case typ == h265NALPACI:
		d.a.fail(errH265PACI)
	case typ > h265NALPACI:
		d.a.setErr(errH265Reserved)
	default:
		d.a.appendNALs(p)
	}
}

// parseAP splits an aggregation packet without DONL fields (RFC 7798
// section 4.4.2): 16-bit size, NAL unit, repeated.
func (d *H265) parseAP(b []byte) {
	for len(b) >= 2 && !d.a.broken {
		n := int(b[0])<<8 | int(b[1])
		b = b[2:]
		if n > len(b) {
			if len(b) == 0 || b[0]>>1&0x3f <= h265NALVCLLast {
				d.a.damage(errH265APTruncated)
			} else {
				d.a.setErr(errH265APTruncated)
			}
			return
		}
		d.a.appendNALs(b[:n])
		b = b[n:]
	}
}

// parseFU handles one fragmentation unit (RFC 7798 section 4.4.3).
func (d *H265) parseFU(p []byte) {
	if len(p) < 3 {
		d.a.damage(errH265FUTooShort)
		return
	}
	fh := p[2]
	start, end := fh&0x80 != 0, fh&0x40 != 0
	if start {
		// The NAL header is the payload header with FuType as its type.
		hdr := [2]byte{p[0]&0x81 | (fh&0x3f)<<1, p[1]}
		d.a.fuBegin(hdr[:], p[3:])
		if end {
			d.a.fuFinish()
		}
		return
	}
	if !d.a.fu {
		d.a.lostStart()
		return
	}
	d.a.fuAppend(p[3:])
	if end {
		d.a.fuFinish()
	}
}

// classifyH265 tells the assembler what an H.265 NAL unit is.
func classifyH265(nal []byte) nalInfo {
	if len(nal) < 2 {
		return nalInfo{}
	}
	if layer := (nal[0]&1)<<5 | nal[1]>>3; layer != 0 {
		// Enhancement-layer units pass through; parameter sets of other
		// layers may reuse the base layer's ids and must not replace them.
		return nalInfo{}
	}
	t := nal[0] >> 1 & 0x3f
	switch {
	case t <= h265NALVCLLast:
		info := nalInfo{class: nalVCL}
		if t >= h265NALIRAPFirst && t <= h265NALIRAPLast {
			info.class = nalKey
		}
		// first_slice_segment_in_pic_flag is the slice header's first bit.
		info.firstSlice = len(nal) > 2 && nal[2]&0x80 != 0
		return info
	case t == h265NALVPS:
		// vps_video_parameter_set_id u(4) (H.265 section 7.3.2.1).
		if len(nal) < 3 {
			return nalInfo{class: nalParam, psKind: h265KindVPS}
		}
		return nalInfo{class: nalParam, psKind: h265KindVPS, psID: uint32(nal[2] >> 4), psValid: true}
	case t == h265NALSPS:
		id, ok := h265SPSID(nal[2:])
		return nalInfo{class: nalParam, psKind: h265KindSPS, psID: id, psValid: ok}
	case t == h265NALPrefixSEI:
		return nalInfo{recovery: seiHasRecoveryPoint(nal[2:])}
	case t == h265NALPPS:
		// pps_pic_parameter_set_id ue(v) comes first (section 7.3.2.3.1).
		var tmp [8]byte
		r := bitReader{b: rbspPrefix(tmp[:], nal[2:])}
		id, ok := r.ue()
		return nalInfo{class: nalParam, psKind: h265KindPPS, psID: id, psValid: ok && id < 64}
	}
	return nalInfo{}
}

// h265SPSID reads sps_seq_parameter_set_id, which follows the
// variable-length profile_tier_level structure (H.265 sections 7.3.2.2.1
// and 7.3.3).
func h265SPSID(payload []byte) (uint32, bool) {
	var tmp [128]byte
	r := bitReader{b: rbspPrefix(tmp[:], payload)}
	// sps_video_parameter_set_id u(4), sps_max_sub_layers_minus1 u(3),
	// sps_temporal_id_nesting_flag u(1)
	v, ok := r.bits(8)
	if !ok {
		return 0, false
	}
	maxSubLayersMinus1 := int(v >> 1 & 7)
	// general profile (88 bits) and general_level_idc (8 bits)
	if !r.skip(96) {
		return 0, false
	}
	var profilePresent, levelPresent [8]bool
	for i := range maxSubLayersMinus1 {
		f, ok := r.bits(2)
		if !ok {
			return 0, false
		}
		profilePresent[i], levelPresent[i] = f&2 != 0, f&1 != 0
	}
	if maxSubLayersMinus1 > 0 && !r.skip(2*(8-maxSubLayersMinus1)) {
		return 0, false
	}
	for i := range maxSubLayersMinus1 {
		if profilePresent[i] && !r.skip(88) {
			return 0, false
		}
		if levelPresent[i] && !r.skip(8) {
			return 0, false
		}
	}
	id, ok := r.ue()
	return id, ok && id < 16
}
