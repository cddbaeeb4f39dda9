package demo

import (
	"bytes"
	"errors"
	"fmt"
)

// ErrBadClip is returned by Start when Config.Clip cannot be looped as an
// H.264 stream: no pictures, no SPS/PPS, or not starting with an IDR.
var ErrBadClip = errors.New("demo: unusable H.264 clip")

// H.264 NAL unit types (ITU-T H.264 Table 7-1) that the splitter cares about.
const (
	naluSlice     = 1
	naluSliceDPA  = 2
	naluSliceIDR  = 5
	naluSEI       = 6
	naluSPS       = 7
	naluPPS       = 8
	naluAUD       = 9
	naluEndSeq    = 10
	naluEndStream = 11
	naluFiller    = 12
)

var startCode = []byte{0, 0, 1}

// splitNALUs splits an Annex-B byte stream (H.264 Annex B) into NAL units
// without their start codes. Bytes before the first start code are ignored.
// Trailing zero bytes are trimmed from each unit: they are the zero_byte of a
// 4-byte start code or trailing_zero_8bits (B.1.1), never NAL payload, because
// a NAL unit ends with rbsp_stop_one_bit or cabac_zero_word 0x0000 which may
// be dropped too (7.3.2.11, 7.4.2.10). Returned slices alias b.
func splitNALUs(b []byte) [][]byte {
	var nalus [][]byte
	i := bytes.Index(b, startCode)
	for i >= 0 {
		b = b[i+len(startCode):]
		next := bytes.Index(b, startCode)
		nalu := b
		if next >= 0 {
			nalu = b[:next]
		}
		for len(nalu) > 0 && nalu[len(nalu)-1] == 0 {
			nalu = nalu[:len(nalu)-1]
		}
		if len(nalu) > 0 {
			nalus = append(nalus, nalu)
		}
		i = next
	}
	return nalus
}

// startsPicture reports whether a VCL NAL unit is the first slice of a
// picture: first_mb_in_slice is the first ue(v) of the slice header
// (7.3.3), and ue(v) is 0 exactly when its first bit is 1.
func startsPicture(nalu []byte) bool {
	return len(nalu) >= 2 && nalu[1]&0x80 != 0
}

// SplitAccessUnits splits an Annex-B H.264 stream into access units, each a
// list of NAL units without start codes (slices alias b). It follows H.264
// 7.4.1.2.3: after the last VCL NAL unit of a picture, the next SPS, PPS,
// SEI, AUD or type 14–18 NAL unit, or a slice whose first_mb_in_slice is 0,
// starts a new access unit. AUDs are dropped (they carry nothing RTP needs,
// RFC 6184 section 1.3), as are filler data and end-of-sequence/stream units
// (an end of stream in mid-loop makes decoders flush). NAL units before the
// first picture go with it; non-VCL units after the last picture are dropped.
// Malformed input yields fewer units, never a panic.
func SplitAccessUnits(b []byte) [][][]byte {
	var aus [][][]byte
	var cur [][]byte
	curHasVCL := false
	for _, nalu := range splitNALUs(b) {
		typ := nalu[0] & 0x1f
		switch {
		case typ >= naluSlice && typ <= naluSliceIDR:
			// Data partitions B and C (types 3, 4) never start a picture.
			if curHasVCL && typ != 3 && typ != 4 && startsPicture(nalu) {
				aus = append(aus, cur)
				cur = nil
			}
			cur = append(cur, nalu)
			curHasVCL = true
		case typ == naluSEI || typ == naluSPS || typ == naluPPS || typ == naluAUD || (typ >= 14 && typ <= 18):
			if curHasVCL {
				aus = append(aus, cur)
				cur, curHasVCL = nil, false
			}
			if typ != naluAUD {
				cur = append(cur, nalu)
			}
		case typ == naluEndSeq || typ == naluEndStream || typ == naluFiller:
		default:
			cur = append(cur, nalu)
		}
	}
	if curHasVCL {
		aus = append(aus, cur)
	}
	return aus
}

// parseClip splits clip into access units and checks that it can loop: it
// has pictures, an SPS and a PPS (returned for the SDP's
// sprop-parameter-sets, RFC 6184 section 8.1), and starts with an IDR.
func parseClip(clip []byte) (aus [][][]byte, sps, pps []byte, err error) {
	aus = SplitAccessUnits(clip)
	for _, au := range aus {
		for _, nalu := range au {
			switch nalu[0] & 0x1f {
			case naluSPS:
				if sps == nil {
					sps = nalu
				}
			case naluPPS:
				if pps == nil {
					pps = nalu
				}
			}
		}
	}
	switch {
	case len(aus) == 0:
		return nil, nil, nil, fmt.Errorf("%w: no coded pictures", ErrBadClip)
	case sps == nil || pps == nil:
		return nil, nil, nil, fmt.Errorf("%w: no SPS/PPS", ErrBadClip)
	case !hasIDR(aus[0]):
		// The loop restarts at the first access unit; anything but an IDR
		// there would corrupt every picture after the seam.
		return nil, nil, nil, fmt.Errorf("%w: first access unit is not an IDR picture", ErrBadClip)
	}
	return aus, sps, pps, nil
}

func hasIDR(au [][]byte) bool {
	for _, nalu := range au {
		if nalu[0]&0x1f == naluSliceIDR {
			return true
		}
	}
	return false
}
