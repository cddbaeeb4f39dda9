package depack

import (
	"fmt"

	"github.com/pion/rtp"
)

// H.264 NAL unit types (ITU-T H.264 table 7-1) and RTP payload structure
// types (RFC 6184 table 1).
const (
	h264NALSlice    = 1
	h264NALPartA    = 2
	h264NALPartC    = 4
	h264NALIDR      = 5
	h264NALSEI      = 6
	h264NALSPS      = 7
	h264NALPPS      = 8
	h264NALSTAPA    = 24
	h264NALSTAPB    = 25
	h264NALMTAP16   = 26
	h264NALMTAP24   = 27
	h264NALFUA      = 28
	h264NALFUB      = 29
	h264NALReserved = 30 // 30 and 31, and 0
)

// Parameter-set kinds, in the order they must precede a keyframe.
const (
	h264KindSPS = 0
	h264KindPPS = 1
)

var (
	errH264STAPATruncated = fmt.Errorf("%w: H.264 STAP-A unit size exceeds the packet: %w",
		ErrMalformed, ErrWaitKeyframe)
	errH264FUATooShort = fmt.Errorf("%w: H.264 FU-A packet shorter than its 2-byte header: %w",
		ErrMalformed, ErrWaitKeyframe)
	errH264Reserved = fmt.Errorf("%w: H.264 packet with reserved NAL unit type ignored (RFC 6184 section 5.2)",
		ErrMalformed)
)

// H264 reassembles H.264 access units from RTP packets (RFC 6184).
//
// It accepts single NAL unit packets (types 1-23), STAP-A (24) and FU-A
// (28) in both packetization-mode 0 and 1: cameras send aggregation and
// fragmentation units under mode 0 too (docs/QUIRKS.md #17). The interleaved
// types of mode 2 (STAP-B, MTAP16, MTAP24, FU-B) are refused with
// ErrUnsupported.
//
// An access unit ends at the marker bit or, for cameras that never set it,
// when the timestamp changes; in that case it is returned by the call that
// receives the first packet of the next unit, and that packet is kept.
// Every keyframe is delivered with SPS and PPS in front, taken from the
// SDP or from the stream, whichever was seen last.
type H264 struct {
	a              nalAssembler
	errInterleaved error
}

var _ Depacketizer = (*H264)(nil)

// NewH264 returns an H.264 depacketizer. spropParameterSets is the value of
// the SDP fmtp parameter sprop-parameter-sets (base64 NAL units separated
// by commas, possibly Annex-B inside; the whole fmtp line is accepted
// too), or "" when the SDP has none. Invalid entries are ignored: the
// parameter sets usually come in-band as well. packetizationMode is the
// fmtp packetization-mode (0 when absent); it only shapes error messages,
// since modes 0 and 1 are handled alike and mode 2 is not supported.
func NewH264(spropParameterSets string, packetizationMode int) *H264 {
	d := &H264{
		errInterleaved: fmt.Errorf("%w: H.264 STAP-B, MTAP and FU-B packets (interleaved packetization-mode=2; SDP packetization-mode=%d): %w",
			ErrUnsupported, packetizationMode, ErrWaitKeyframe),
	}
	d.a.init(classifyH264, 1<<h264KindSPS|1<<h264KindPPS)
	decodeSprop(spropParameterSets, "sprop-parameter-sets", d.a.rememberParamSet)
	return d
}

// Decode consumes one RTP packet; see Depacketizer.
func (d *H264) Decode(pkt *rtp.Packet) (AccessUnit, error) {
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
func (d *H264) Flush() (AccessUnit, bool) { return d.a.flush() }

// Reset forgets the access unit in progress and the sequence state; the
// next access unit delivered is a keyframe. Known parameter sets are kept.
func (d *H264) Reset() { d.a.reset() }

func (d *H264) parse(p []byte) {
	if len(p) == 0 {
		return
	}
	if p[0] == 0 {
		// A zero first byte is no valid NAL header (forbidden bit 0,
		// type 0 unspecified with NRI 0): it is an Annex-B start code
		// some cameras put in the payload (docs/QUIRKS.md #17).
		d.a.appendNALs(p)
		return
	}
	switch typ := p[0] & 0x1f; typ {
	case h264NALSTAPA:
		d.parseSTAPA(p[1:])
	case h264NALFUA:
		d.parseFUA(p)
	case h264NALSTAPB, h264NALMTAP16, h264NALMTAP24, h264NALFUB:
		d.a.fail(d.errInterleaved)
	case 0, h264NALReserved, h264NALReserved + 1:
		// RFC 6184 section 5.2: receivers ignore reserved types.
		d.a.setErr(errH264Reserved)
	default:
		d.a.appendNALs(p)
	}
}

// parseSTAPA splits a single-time aggregation packet (RFC 6184 section
// 5.7.1): 16-bit size, NAL unit, repeated.
func (d *H264) parseSTAPA(b []byte) {
	for len(b) >= 2 && !d.a.broken {
		n := int(b[0])<<8 | int(b[1])
		b = b[2:]
		if n > len(b) {
			// A truncated size field or unit. Losing a SEI or a
			// parameter set the SDP also gives is harmless; losing part
			// of a slice is not.
			if len(b) == 0 || isH264VCL(b[0]) {
				d.a.damage(errH264STAPATruncated)
			} else {
				d.a.setErr(errH264STAPATruncated)
			}
			return
		}
		d.a.appendNALs(b[:n])
		b = b[n:]
	}
	// One byte left over is padding some senders add: ignored.
}

// parseFUA handles one fragmentation unit (RFC 6184 section 5.8).
func (d *H264) parseFUA(p []byte) {
	if len(p) < 2 {
		d.a.damage(errH264FUATooShort)
		return
	}
	start, end := p[1]&0x80 != 0, p[1]&0x40 != 0
	if start {
		// The NAL header is rebuilt from the indicator's F and NRI bits
		// and the FU header's type.
		hdr := [1]byte{p[0]&0xe0 | p[1]&0x1f}
		d.a.fuBegin(hdr[:], p[2:])
		if end {
			// S and E in one packet is forbidden by the RFC but sent by
			// some cameras for NAL units that fit (docs/QUIRKS.md #17).
			d.a.fuFinish()
		}
		return
	}
	if !d.a.fu {
		d.a.lostStart()
		return
	}
	d.a.fuAppend(p[2:])
	if end {
		d.a.fuFinish()
	}
}

func isH264VCL(hdr byte) bool {
	t := hdr & 0x1f
	return t >= h264NALSlice && t <= h264NALIDR
}

// classifyH264 tells the assembler what an H.264 NAL unit is.
func classifyH264(nal []byte) nalInfo {
	if len(nal) == 0 {
		return nalInfo{}
	}
	switch t := nal[0] & 0x1f; t {
	case h264NALIDR, h264NALSlice, h264NALPartA:
		info := nalInfo{class: nalVCL}
		if t == h264NALIDR {
			info.class = nalKey
		}
		// first_mb_in_slice is the first ue(v) of the slice header; it
		// is 0 exactly when its first bit is 1.
		info.firstSlice = len(nal) > 1 && nal[1]&0x80 != 0
		return info
	case h264NALPartA + 1, h264NALPartC:
		return nalInfo{class: nalVCL}
	case h264NALSEI:
		return nalInfo{recovery: seiHasRecoveryPoint(nal[1:])}
	case h264NALSPS:
		// profile_idc, constraint flags and level_idc (3 bytes), then
		// seq_parameter_set_id ue(v) (H.264 section 7.3.2.1.1).
		var tmp [8]byte
		r := bitReader{b: rbspPrefix(tmp[:], nal[1:])}
		ok := r.skip(24)
		id, ok2 := r.ue()
		return nalInfo{class: nalParam, psKind: h264KindSPS, psID: id, psValid: ok && ok2 && id < 32}
	case h264NALPPS:
		// pic_parameter_set_id ue(v) comes first (section 7.3.2.2).
		var tmp [8]byte
		r := bitReader{b: rbspPrefix(tmp[:], nal[1:])}
		id, ok := r.ue()
		return nalInfo{class: nalParam, psKind: h264KindPPS, psID: id, psValid: ok && id < 256}
	}
	return nalInfo{}
}
