package depack

// seiRecoveryPoint is the payloadType of the recovery point SEI message in
// both H.264 (section D.1.8) and H.265 (section D.2.8).
const seiRecoveryPoint = 6

// maxSEIMessages bounds the walk over one SEI NAL unit; real ones carry
// one to four messages.
const maxSEIMessages = 32

// seiHasRecoveryPoint reports whether the SEI NAL unit payload p (the bytes
// after the NAL header, still with emulation prevention) holds a recovery
// point message.
//
// Cameras that use periodic intra refresh (x264 intra-refresh, many
// low-bitrate IP cameras) send an IDR once at start and never again; the
// recovery point SEI is where a decoder that joined later can begin, with
// a clean picture once the refresh wave has passed. The walk reads only
// the payloadType and payloadSize of each sei_message (sections 7.3.2.3.1
// and 7.3.5) and skips payloads; it allocates nothing.
func seiHasRecoveryPoint(p []byte) bool {
	r := ebspReader{b: p}
	for range maxSEIMessages {
		if r.rest() <= 1 {
			return false // nothing left but rbsp_trailing_bits
		}
		typ, ok := r.ffValue()
		if !ok {
			return false
		}
		size, ok := r.ffValue()
		if !ok {
			return false
		}
		if typ == seiRecoveryPoint {
			return true
		}
		if !r.skip(size) {
			return false
		}
	}
	return false
}

// ebspReader reads the bytes of a NAL unit payload with the emulation
// prevention bytes (00 00 03) removed on the fly.
type ebspReader struct {
	b     []byte
	pos   int
	zeros int
}

func (r *ebspReader) rest() int { return len(r.b) - r.pos }

func (r *ebspReader) byte() (byte, bool) {
	if r.pos >= len(r.b) {
		return 0, false
	}
	c := r.b[r.pos]
	r.pos++
	if r.zeros >= 2 && c == 3 {
		r.zeros = 0
		if r.pos >= len(r.b) {
			return 0, false
		}
		c = r.b[r.pos]
		r.pos++
	}
	if c == 0 {
		r.zeros++
	} else {
		r.zeros = 0
	}
	return c, true
}

// ffValue reads a value coded as 0xFF bytes followed by a last byte, as
// payloadType and payloadSize are.
func (r *ebspReader) ffValue() (int, bool) {
	v := 0
	for {
		c, ok := r.byte()
		if !ok {
			return 0, false
		}
		v += int(c)
		if c != 0xff {
			return v, true
		}
		if v > 1<<20 {
			return 0, false // no real SEI is this large
		}
	}
}

func (r *ebspReader) skip(n int) bool {
	for range n {
		if _, ok := r.byte(); !ok {
			return false
		}
	}
	return true
}
