package depack

import (
	"fmt"

	"github.com/pion/rtp"
)

// RTP/JPEG header sizes (RFC 2435 section 3.1).
const (
	jpegMainHeaderLen    = 8
	jpegRestartHeaderLen = 4
	jpegQTableHeaderLen  = 4
)

var (
	errJPEGShort = fmt.Errorf("%w: RTP/JPEG packet shorter than its headers: %w",
		ErrMalformed, ErrWaitKeyframe)
	errJPEGOffset = fmt.Errorf("%w: RTP/JPEG fragment offset does not follow the previous fragment: %w",
		ErrMalformed, ErrWaitKeyframe)
	errJPEGType = fmt.Errorf("%w: RTP/JPEG type other than 0, 1, 64, 65 (types 128-255 need an SDP definition): %w",
		ErrUnsupported, ErrWaitKeyframe)
	errJPEGSize = fmt.Errorf("%w: RTP/JPEG width or height 0 (images over 2040 pixels need a vendor extension): %w",
		ErrUnsupported, ErrWaitKeyframe)
	errJPEGQTable = fmt.Errorf("%w: RTP/JPEG quantization table header missing, truncated or referring to tables never sent: %w",
		ErrMalformed, ErrWaitKeyframe)
)

// JPEG reassembles JPEG images from RTP packets (RFC 2435).
//
// RTP/JPEG strips the JPEG headers: the receiver rebuilds them from the
// 8-byte RTP/JPEG header. The output is a complete JFIF image with
// quantization tables computed from Q (1-127, RFC 2435 appendix A) or
// taken from the in-band table header (Q 128-255, cached for Q below 255
// as section 3.1.8 allows), the standard Huffman tables of ITU-T T.81
// annex K (the only ones RTP/JPEG can carry), and a restart interval for
// types 64-127. Types 0 and 64 are 4:2:2, 1 and 65 are 4:2:0.
//
// Every image is a keyframe: a loss drops only the image it hits. Images
// end at the marker bit or at a timestamp change. Some cameras send the
// whole JPEG file, headers included, in the payload; such images are
// passed through unchanged.
type JPEG struct {
	seq  seqTracker
	bufs [2][]byte
	cur  int

	active  bool
	broken  bool
	ts      uint32
	offset  uint32 // fragment offset expected next
	dataPos int    // where the scan data starts in bufs[cur]

	// In-band tables of the last image with Q 128-254, reused when a
	// later image sends Length 0 (RFC 2435 section 3.1.8).
	cachedQ      int // 0 when none
	cachedTables [4 * 128]byte
	cachedLen    int
	cachedPrec   byte

	out outQueue
}

var _ Depacketizer = (*JPEG)(nil)

// NewJPEG returns an RTP/JPEG depacketizer.
func NewJPEG() *JPEG { return &JPEG{} }

// Decode consumes one RTP packet; see Depacketizer.
func (d *JPEG) Decode(pkt *rtp.Packet) (AccessUnit, error) {
	if pkt == nil {
		return AccessUnit{}, errNilPacket
	}
	d.out.startCall()
	switch d.seq.check(&pkt.Header) {
	case seqStale:
		d.out.setErr(ErrOutOfOrder)
		return d.out.finish(ErrOutOfOrder)
	case seqGap:
		if d.active {
			// Only the image in progress is hurt: drop what remains
			// of it.
			d.broken = true
			d.out.setErr(ErrWaitKeyframe)
		}
	}
	if d.active && pkt.Timestamp != d.ts {
		// The marker bit was lost or never sent: the new timestamp
		// ends the image (docs/QUIRKS.md #17 applies to JPEG cameras too).
		d.complete()
	}
	d.parse(pkt)
	if pkt.Marker && d.active {
		d.complete()
	}
	if d.active && d.broken {
		return d.out.finish(ErrWaitKeyframe)
	}
	return d.out.finish(ErrMorePacketsNeeded)
}

// Reset forgets the image in progress and the sequence state.
func (d *JPEG) Reset() {
	d.seq.reset()
	d.active, d.broken = false, false
	d.out = outQueue{}
}

func (d *JPEG) fail(err error) {
	d.broken = true
	d.out.setErr(err)
}

func (d *JPEG) parse(pkt *rtp.Packet) {
	p := pkt.Payload
	if len(p) < jpegMainHeaderLen {
		if d.active {
			d.fail(errJPEGShort)
		} else {
			d.out.setErr(errJPEGShort)
		}
		return
	}
	off := uint32(p[1])<<16 | uint32(p[2])<<8 | uint32(p[3])
	typ, q := p[4], int(p[5])
	width, height := int(p[6])*8, int(p[7])*8
	p = p[jpegMainHeaderLen:]

	restartInterval := 0
	if typ >= 64 && typ < 128 {
		if len(p) < jpegRestartHeaderLen {
			d.start(pkt.Timestamp, off)
			d.fail(errJPEGShort)
			return
		}
		restartInterval = int(p[0])<<8 | int(p[1])
		p = p[jpegRestartHeaderLen:]
		typ -= 64
	}

	if off != 0 {
		switch {
		case !d.active:
			// Joined mid-image, or the image's first packet was lost.
			d.start(pkt.Timestamp, off)
			d.fail(ErrWaitKeyframe)
		case d.broken:
		case off != d.offset:
			d.fail(errJPEGOffset)
		default:
			d.write(p)
		}
		return
	}

	// The first packet of an image: build the JPEG headers.
	d.start(pkt.Timestamp, 0)
	if typ > 1 {
		d.fail(errJPEGType)
		return
	}
	if width == 0 || height == 0 {
		d.fail(errJPEGSize)
		return
	}
	var tables [4 * 128]byte
	var ntables int
	var prec byte
	if q >= 128 {
		var ok bool
		ntables, prec, p, ok = d.inbandTables(p, q, &tables)
		if !ok {
			d.fail(errJPEGQTable)
			return
		}
	} else {
		makeQuantTables(q, &tables)
		ntables = 2
	}
	if len(p) >= 2 && p[0] == 0xff && p[1] == 0xd8 {
		// The camera sent the complete JPEG file: keep its own headers.
		d.dataPos = len(d.bufs[d.cur])
		d.write(p)
		return
	}
	d.bufs[d.cur] = appendJFIFHeader(d.bufs[d.cur], typ, width, height, restartInterval, tables[:], ntables, prec)
	d.dataPos = len(d.bufs[d.cur])
	d.write(p)
}

// inbandTables reads the quantization table header (RFC 2435 section
// 3.1.8) into tables. Tables are 64 bytes, or 128 when their precision
// bit is set. Q values below 255 may send Length 0 to reuse the tables of
// an earlier image.
func (d *JPEG) inbandTables(p []byte, q int, tables *[4 * 128]byte) (int, byte, []byte, bool) {
	if len(p) < jpegQTableHeaderLen {
		return 0, 0, p, false
	}
	prec := p[1]
	n := int(p[2])<<8 | int(p[3])
	p = p[jpegQTableHeaderLen:]
	if n == 0 {
		if q == 255 || d.cachedQ != q {
			return 0, 0, p, false
		}
		copy(tables[:], d.cachedTables[:d.cachedLen])
		return d.countTables(d.cachedLen, d.cachedPrec), d.cachedPrec, p, true
	}
	if n > len(p) || n > len(tables) {
		return 0, 0, p, false
	}
	count := d.countTables(n, prec)
	if count == 0 {
		return 0, 0, p, false
	}
	copy(tables[:], p[:n])
	if q < 255 {
		d.cachedQ, d.cachedLen, d.cachedPrec = q, n, prec
		copy(d.cachedTables[:], p[:n])
	}
	return count, prec, p[n:], true
}

// countTables returns how many whole tables n bytes hold given the
// precision bits, or 0 when the bytes do not divide into tables.
func (d *JPEG) countTables(n int, prec byte) int {
	count := 0
	for i := 0; n > 0 && i < 4; i++ {
		size := 64
		if prec>>i&1 == 1 {
			size = 128
		}
		if n < size {
			return 0
		}
		n -= size
		count++
	}
	if n != 0 {
		return 0
	}
	return count
}

func (d *JPEG) start(ts, off uint32) {
	d.active, d.broken = true, false
	d.ts, d.offset = ts, off
	d.bufs[d.cur] = d.bufs[d.cur][:0]
	d.dataPos = 0
}

func (d *JPEG) write(p []byte) {
	buf := d.bufs[d.cur]
	if len(buf)+len(p)+2 > MaxAccessUnitSize {
		d.bufs[d.cur] = buf[:0]
		d.fail(errTooLarge)
		return
	}
	d.bufs[d.cur] = append(buf, p...)
	d.offset += uint32(len(p))
}

func (d *JPEG) complete() {
	d.active = false
	buf := d.bufs[d.cur]
	if d.broken || len(buf) <= d.dataPos {
		return
	}
	// Senders strip the End Of Image marker (RFC 2435 section 3.1
	// carries only the scan); some keep it.
	if n := len(buf); n < 2 || buf[n-2] != 0xff || buf[n-1] != 0xd9 {
		buf = append(buf, 0xff, 0xd9)
		d.bufs[d.cur] = buf
	}
	d.out.emit(AccessUnit{Data: buf, Timestamp: d.ts, Keyframe: true})
	d.cur ^= 1
}

// Zig-zag ordered base tables of RFC 2435 appendix A (ITU-T T.81 annex K).
var (
	jpegLumaQuant = [64]byte{
		16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40,
		26, 24, 22, 22, 24, 49, 35, 37, 29, 40, 58, 51, 61, 60, 57, 51,
		56, 55, 64, 72, 92, 78, 64, 68, 87, 69, 55, 56, 80, 109, 81, 87,
		95, 98, 103, 104, 103, 62, 77, 113, 121, 112, 100, 120, 92, 101, 103, 99,
	}
	jpegChromaQuant = [64]byte{
		17, 18, 18, 24, 21, 24, 47, 26, 26, 47, 99, 66, 56, 66, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
		99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
	}
)

// makeQuantTables computes the luma and chroma tables for Q 1-99 as
// RFC 2435 appendix A (the IJG quality scaling). Q 0 and 100-127 are
// reserved; like ffmpeg, they are clamped rather than refused.
func makeQuantTables(q int, tables *[4 * 128]byte) {
	factor := min(max(q, 1), 99)
	scale := 200 - factor*2
	if factor < 50 {
		scale = 5000 / factor
	}
	for i := range 64 {
		tables[i] = byte(min(max((int(jpegLumaQuant[i])*scale+50)/100, 1), 255))
		tables[64+i] = byte(min(max((int(jpegChromaQuant[i])*scale+50)/100, 1), 255))
	}
}

// Standard Huffman tables (ITU-T T.81 annex K.3, RFC 2435 appendix B):
// code counts per length 1-16, then symbols.
var (
	jpegLumaDCBits   = [16]byte{0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0}
	jpegChromaDCBits = [16]byte{0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0}
	jpegDCSymbols    = [12]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	jpegLumaACBits   = [16]byte{0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d}
	jpegLumaACSyms   = [162]byte{
		0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
		0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
		0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
		0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49,
		0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69,
		0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
		0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
		0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5,
		0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
		0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa,
	}
	jpegChromaACBits = [16]byte{0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77}
	jpegChromaACSyms = [162]byte{
		0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
		0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0,
		0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
		0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48,
		0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
		0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
		0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
		0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
		0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
		0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8,
		0xf9, 0xfa,
	}
)

// appendJFIFHeader writes SOI, APP0 (JFIF), DQT, SOF, DHT, DRI and SOS:
// everything a decoder needs before the scan data (RFC 2435 appendix B).
// typ is 0 (4:2:2) or 1 (4:2:0). With one table it serves all
// components; with more, table 0 is luma and table 1 chroma.
func appendJFIFHeader(b []byte, typ byte, width, height, restartInterval int, tables []byte, ntables int, prec byte) []byte {
	b = append(b, 0xff, 0xd8) // SOI
	// APP0: "JFIF\0", version 1.1, no density, no thumbnail.
	b = append(b, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0)

	ntables = min(ntables, 2) // types 0 and 1 use two tables at most
	pos := 0
	sof := byte(0xc0) // baseline
	for i := range ntables {
		size := 64
		if prec>>i&1 == 1 {
			size = 128
			sof = 0xc1 // 16-bit tables are not baseline: extended sequential
		}
		b = append(b, 0xff, 0xdb, 0, byte(2+1+size), byte(size/128)<<4|byte(i))
		b = append(b, tables[pos:pos+size]...)
		pos += size
	}

	luma := byte(0x21) // 2x1: 4:2:2
	if typ == 1 {
		luma = 0x22 // 2x2: 4:2:0
	}
	chromaTable := byte(ntables - 1)
	b = append(b, 0xff, sof, 0, 17, 8,
		byte(height>>8), byte(height), byte(width>>8), byte(width), 3,
		1, luma, 0,
		2, 0x11, chromaTable,
		3, 0x11, chromaTable)

	b = appendDHT(b, 0x00, jpegLumaDCBits[:], jpegDCSymbols[:])
	b = appendDHT(b, 0x10, jpegLumaACBits[:], jpegLumaACSyms[:])
	b = appendDHT(b, 0x01, jpegChromaDCBits[:], jpegDCSymbols[:])
	b = appendDHT(b, 0x11, jpegChromaACBits[:], jpegChromaACSyms[:])

	if restartInterval > 0 {
		b = append(b, 0xff, 0xdd, 0, 4, byte(restartInterval>>8), byte(restartInterval))
	}

	// SOS: 3 components, luma tables 0/0, chroma 1/1, full spectral range.
	return append(b, 0xff, 0xda, 0, 12, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0)
}

func appendDHT(b []byte, class byte, bits, syms []byte) []byte {
	n := 2 + 1 + len(bits) + len(syms)
	b = append(b, 0xff, 0xc4, byte(n>>8), byte(n), class)
	b = append(b, bits...)
	return append(b, syms...)
}
