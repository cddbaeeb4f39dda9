package depack

import "bytes"

// startCode is the 4-byte Annex-B start code written before every NAL unit
// of an access unit (ITU-T H.264 Annex B, H.265 Annex B).
var startCode = [4]byte{0, 0, 0, 1}

var startCode3 = []byte{0, 0, 1}

// splitAnnexB returns the first NAL unit of b and the rest of b.
//
// RTP payloads should hold bare NAL units, but some cameras copy their
// encoder's Annex-B output into the payload (docs/QUIRKS.md #17), with or
// without a leading start code and sometimes with several NAL units in one
// payload. A bare NAL unit never contains 00 00 01 (emulation prevention,
// H.264 section 7.4.1), so splitting on it is safe for both forms. Leading
// and trailing zero bytes are Annex-B padding (leading_zero_8bits,
// trailing_zero_8bits) and never end a real NAL unit, so they are dropped.
// The returned NAL unit may be empty.
func splitAnnexB(b []byte) (nal, rest []byte) {
	if len(b) > 0 && b[0] == 0 {
		i := 0
		for i < len(b) && b[i] == 0 {
			i++
		}
		switch {
		case i == len(b):
			return nil, nil
		case i >= 2 && b[i] == 1:
			b = b[i+1:]
		}
	}
	if i := bytes.Index(b, startCode3); i >= 0 {
		nal, rest = b[:i], b[i:]
	} else {
		nal = b
	}
	for len(nal) > 0 && nal[len(nal)-1] == 0 {
		nal = nal[:len(nal)-1]
	}
	return nal, rest
}

// rbspPrefix copies up to len(dst) bytes of the NAL unit's payload with the
// emulation-prevention bytes (00 00 03 -> 00 00) removed, which is what the
// bit-level syntax of parameter sets is defined on.
func rbspPrefix(dst, nal []byte) []byte {
	out := dst[:0]
	zeros := 0
	for _, c := range nal {
		if len(out) == cap(out) {
			break
		}
		if zeros >= 2 && c == 3 {
			zeros = 0
			continue
		}
		if c == 0 {
			zeros++
		} else {
			zeros = 0
		}
		out = append(out, c)
	}
	return out
}

// bitReader reads the fixed and Exp-Golomb coded fields of an RBSP.
type bitReader struct {
	b   []byte
	pos int // in bits
}

func (r *bitReader) bits(n int) (uint32, bool) {
	if n > 32 || r.pos+n > len(r.b)*8 {
		return 0, false
	}
	var v uint32
	for range n {
		v = v<<1 | uint32(r.b[r.pos>>3]>>(7-r.pos&7)&1)
		r.pos++
	}
	return v, true
}

func (r *bitReader) skip(n int) bool {
	if r.pos+n > len(r.b)*8 {
		return false
	}
	r.pos += n
	return true
}

// ue reads an unsigned Exp-Golomb code (H.264 section 9.1).
func (r *bitReader) ue() (uint32, bool) {
	zeros := 0
	for {
		b, ok := r.bits(1)
		if !ok {
			return 0, false
		}
		if b == 1 {
			break
		}
		zeros++
		if zeros > 31 {
			return 0, false
		}
	}
	v, ok := r.bits(zeros)
	if !ok {
		return 0, false
	}
	return 1<<zeros - 1 + v, true
}
