package depack

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bluenviron/gortsplib/v5/pkg/format/rtpfragmented"
	"github.com/bluenviron/gortsplib/v5/pkg/format/rtpmpeg4audio"
	"github.com/pion/rtp"
)

const clipAAC = "aac_48k_stereo.adts"

// hbr is the AU header layout gst-rtsp-server, ffmpeg and cameras use.
var hbr = AUHeaderConfig{SizeLength: 13, IndexLength: 3, IndexDeltaLength: 3}

// adtsFrames splits the ADTS file into raw AAC frames and returns the
// AudioSpecificConfig its first header describes (ISO/IEC 14496-3 1.A.2).
func adtsFrames(t testing.TB, name string) (frames [][]byte, asc []byte) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	for len(b) > 0 {
		if len(b) < 7 || b[0] != 0xff || b[1]&0xf0 != 0xf0 {
			t.Fatalf("%s: lost ADTS sync", name)
		}
		hdr := 7
		if b[1]&1 == 0 {
			hdr = 9 // CRC
		}
		n := int(b[3]&3)<<11 | int(b[4])<<3 | int(b[5])>>5
		if n < hdr || n > len(b) {
			t.Fatalf("%s: ADTS frame of %d bytes", name, n)
		}
		if asc == nil {
			aot := b[2]>>6 + 1
			sr := b[2] >> 2 & 0xf
			ch := (b[2]&1)<<2 | b[3]>>6
			asc = []byte{aot<<3 | sr>>1, sr<<7 | ch<<3}
		}
		frames = append(frames, b[hdr:n])
		b = b[n:]
	}
	return frames, asc
}

// gortsplibAAC packetizes frames with gortsplib's RFC 3640 encoder (AAC-hbr),
// timestamps from base.
func gortsplibAAC(t testing.TB, frames [][]byte, firstSeq uint16, payloadMax int, base uint32) []*rtp.Packet {
	t.Helper()
	ssrc := uint32(testSSRC)
	enc := &rtpmpeg4audio.Encoder{PayloadType: 97, SizeLength: 13, IndexLength: 3, IndexDeltaLength: 3,
		SSRC: &ssrc, InitialSequenceNumber: &firstSeq, PayloadMaxSize: payloadMax}
	if err := enc.Init(); err != nil {
		t.Fatal(err)
	}
	pkts, err := enc.Encode(frames)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkts {
		p.Timestamp += base
	}
	return pkts
}

// gotFrame is an AudioFrame with its bytes copied out.
type gotFrame struct {
	data []byte
	ts   uint32
	disc bool
}

// collect feeds pkts to d and returns every frame, copied, and the errors
// other than ErrMorePacketsNeeded.
func collect(t testing.TB, d AudioDepacketizer, pkts []*rtp.Packet) (out []gotFrame, errs []error) {
	t.Helper()
	for _, p := range pkts {
		fs, err := d.Decode(p)
		if err != nil {
			if len(fs) != 0 {
				t.Fatalf("frames returned with error %v", err)
			}
			if !errors.Is(err, ErrMorePacketsNeeded) {
				errs = append(errs, err)
			}
			continue
		}
		if len(fs) == 0 {
			t.Fatal("no frames and no error")
		}
		for _, f := range fs {
			out = append(out, gotFrame{bytes.Clone(f.Data), f.Timestamp, f.Discontinuity})
		}
	}
	return out, errs
}

func TestAACRoundTrip(t *testing.T) {
	frames, _ := adtsFrames(t, clipAAC)
	big := 0
	for _, f := range frames {
		big = max(big, len(f))
	}
	if big < 256 {
		t.Fatalf("the clip's frames are at most %d bytes: no fragmentation at 200", big)
	}
	for _, tt := range []struct {
		name       string
		payloadMax int
		seq        uint16
	}{
		{"aggregated", 1450, 100},
		{"one per packet", 500, 7},
		{"fragmented", 200, 65530}, // and the sequence wraps
		{"tiny fragments", 40, 65500},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pkts := gortsplibAAC(t, frames, tt.seq, tt.payloadMax, 0xfffff000)
			d, err := NewAAC(hbr)
			if err != nil {
				t.Fatal(err)
			}
			got, errs := collect(t, d, pkts)
			if len(errs) != 0 {
				t.Fatalf("errors: %v", errs)
			}
			if len(got) != len(frames) {
				t.Fatalf("%d frames from %d packets, want %d", len(got), len(pkts), len(frames))
			}
			for i, g := range got {
				if !bytes.Equal(g.data, frames[i]) || g.ts != 0xfffff000+uint32(i)*1024 || g.disc {
					t.Fatalf("frame %d: %d bytes ts %d disc %v; want %d bytes ts %d", i, len(g.data), g.ts, g.disc,
						len(frames[i]), 0xfffff000+uint32(i)*1024)
				}
			}
		})
	}
}

// rfcAAC packetizes frames as RFC 3640 section 3.2.1.1 says and FFmpeg
// and GStreamer do: one AU per packet, a fragment's AU-size the whole AU's.
func rfcAAC(frames [][]byte, payloadMax int) []*rtp.Packet {
	var pkts []*rtp.Packet
	for i, f := range frames {
		for off := 0; off < len(f); off += payloadMax {
			end := min(off+payloadMax, len(f))
			n := len(f)
			pay := append([]byte{0, 16, byte(n >> 5), byte(n << 3)}, f[off:end]...)
			pkts = append(pkts, &rtp.Packet{Header: rtp.Header{SequenceNumber: uint16(len(pkts)),
				Timestamp: uint32(i) * 1024, Marker: end == len(f)}, Payload: pay})
		}
	}
	return pkts
}

// TestAACLoss drops each packet of a stream in turn: the AUs it carried
// (all of a fragmented one) go, no broken AU comes out, and the first
// frame after it says Discontinuity.
func TestAACLoss(t *testing.T) {
	frames, _ := adtsFrames(t, clipAAC)
	frames = frames[:8]
	for _, tt := range []struct {
		name string
		pkts []*rtp.Packet
		from int
	}{
		{"rfc fragments", rfcAAC(frames, 150), 0},
		{"rfc whole", rfcAAC(frames, 1000), 0},
		// Fragments that each give their own size: losing the very first
		// packet looks like joining at a whole AU, which cannot be told
		// apart, so the drops start at the second; and the last piece of
		// an AU whose head was lost alone passes for a whole AU, so it may
		// come out, marked Discontinuity (tails).
		{"gortsplib fragments", gortsplibAAC(t, frames, 1, 200, 0), 1},
		{"gortsplib aggregated", gortsplibAAC(t, frames, 1, 1450, 0), 0},
	} {
		payloadMax, pkts := tt.name, tt.pkts
		for drop := tt.from; drop < len(pkts); drop++ {
			d, _ := NewAAC(hbr)
			got, _ := collect(t, d, slices.Delete(slices.Clone(pkts), drop, drop+1))
			if len(got) > len(frames) || len(got) == len(frames) && tt.name != "gortsplib fragments" {
				t.Fatalf("%s drop %d: %d frames of %d", payloadMax, drop, len(got), len(frames))
			}
			sawDisc := false
			prev := -1
			for _, g := range got {
				i := int(g.ts / 1024)
				tail := tt.name == "gortsplib fragments" && g.disc && i < len(frames) &&
					len(g.data) < len(frames[i]) && bytes.HasSuffix(frames[i], g.data)
				if i >= len(frames) || !bytes.Equal(g.data, frames[i]) && !tail {
					t.Fatalf("%s drop %d: frame at ts %d is not the one sent", payloadMax, drop, g.ts)
				}
				// The first frame's flag is free: nothing was seen before it.
				if prev >= 0 && !tail && g.disc != (i != prev+1) {
					t.Fatalf("%s drop %d: frame %d after %d has Discontinuity %v", payloadMax, drop, i, prev, g.disc)
				}
				sawDisc = sawDisc || g.disc
				prev = i
			}
			// Losing the first packet is joining later, which no one can see.
			if !sawDisc && drop > 0 && prev == len(frames)-1 {
				t.Fatalf("%s drop %d: the loss went unmarked", payloadMax, drop)
			}
		}
	}
}

// auPacket builds an RFC 3640 payload: the AU header section from bits (a
// string of 0 and 1), then data.
func auPacket(bits string, data ...[]byte) []byte {
	n := len(bits)
	b := []byte{byte(n >> 8), byte(n)}
	hdr := make([]byte, (n+7)/8)
	for i, c := range bits {
		if c == '1' {
			hdr[i/8] |= 0x80 >> (i % 8)
		}
	}
	return slices.Concat(append(b, hdr...), slices.Concat(data...))
}

func TestAACHeaders(t *testing.T) {
	a, b := bytes.Repeat([]byte{0xa}, 5), bytes.Repeat([]byte{0xb}, 3)
	sz := func(n int) string { // 13-bit size
		s := ""
		for i := 12; i >= 0; i-- {
			s += string('0' + byte(n>>i&1))
		}
		return s
	}
	all := AUHeaderConfig{SizeLength: 13, IndexLength: 3, IndexDeltaLength: 3, CTSDeltaLength: 4, DTSDeltaLength: 4,
		RandomAccessIndication: true, StreamStateIndication: 2}
	tests := []struct {
		name    string
		cfg     AUHeaderConfig
		payload []byte
		want    [][]byte
		err     error
	}{
		{"two AUs", hbr, auPacket(sz(5)+"000"+sz(3)+"000", a, b), [][]byte{a, b}, nil},
		{"padding after the AUs", hbr, auPacket(sz(5)+"000", a, []byte{0, 0}), [][]byte{a}, nil},
		{"zero-size AU skipped", hbr, auPacket(sz(0)+"000"+sz(5)+"000", a), [][]byte{a}, nil},
		{"every optional field", all, auPacket(sz(5)+"000"+"0"+"1"+"0101"+"1"+"10"+sz(3)+"000"+"1"+"0011"+"0"+"0"+"01", a, b), [][]byte{a, b}, nil},
		{"lbr", AUHeaderConfig{SizeLength: 6, IndexLength: 2, IndexDeltaLength: 2}, auPacket("000101"+"00"+"000011"+"00", a, b), [][]byte{a, b}, nil},
		{"auxiliary section", AUHeaderConfig{SizeLength: 13, IndexLength: 3, IndexDeltaLength: 3, AuxiliaryDataSizeLength: 8},
			auPacket(sz(5)+"000", []byte{16, 0xee, 0xee}, a), [][]byte{a}, nil},
		{"interleaved", hbr, auPacket(sz(5)+"001", a), nil, ErrUnsupported},
		{"interleaved delta", hbr, auPacket(sz(5)+"000"+sz(3)+"010", a, b), nil, ErrUnsupported},
		{"no headers", hbr, []byte{0, 0, 1, 2}, nil, ErrMalformed},
		{"header length past the packet", hbr, []byte{0, 64, 0, 0}, nil, ErrMalformed},
		{"a header cut short", hbr, auPacket(sz(5)+"000"+"1010", a), nil, ErrMalformed},
		{"one byte", hbr, []byte{0}, nil, ErrMalformed},
		{"second AU past the end", hbr, auPacket(sz(5)+"000"+sz(9)+"000", a, b), [][]byte{a}, nil},
		{"auxiliary size past the end", AUHeaderConfig{SizeLength: 13, AuxiliaryDataSizeLength: 8}, auPacket(sz(5), []byte{200}, a), nil, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewAAC(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			fs, err := d.Decode(&rtp.Packet{Header: rtp.Header{Marker: true, Timestamp: 5000}, Payload: tt.payload})
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got [][]byte
			for i, f := range fs {
				got = append(got, f.Data)
				if want := 5000 + uint32(i)*1024; f.Timestamp != want && tt.name != "zero-size AU skipped" {
					t.Errorf("frame %d at %d, want %d", i, f.Timestamp, want)
				}
			}
			if !slices.EqualFunc(got, tt.want, bytes.Equal) {
				t.Fatalf("got %x, want %x", got, tt.want)
			}
		})
	}
	for _, cfg := range []AUHeaderConfig{{}, {SizeLength: 33}, {SizeLength: 13, IndexLength: -1}, {SizeLength: 13, CTSDeltaLength: 40}} {
		if _, err := NewAAC(cfg); err == nil {
			t.Errorf("NewAAC(%+v) accepted", cfg)
		}
	}
}

// TestAACFragments covers what goes wrong between the fragments of an AU.
func TestAACFragments(t *testing.T) {
	whole := bytes.Repeat([]byte{1, 2, 3, 4, 5}, 20) // 100 bytes
	frag := func(seq uint16, ts uint32, marker bool, size int, data []byte) *rtp.Packet {
		bits := ""
		for i := 12; i >= 0; i-- {
			bits += string('0' + byte(size>>i&1))
		}
		return &rtp.Packet{Header: rtp.Header{SequenceNumber: seq, Timestamp: ts, Marker: marker}, Payload: auPacket(bits+"000", data)}
	}
	next := frag(9, 2048, true, 3, []byte{7, 7, 7})
	tests := []struct {
		name  string
		pkts  []*rtp.Packet
		want  []gotFrame
		errIs error
	}{
		{"three fragments", []*rtp.Packet{frag(1, 1024, false, 100, whole[:40]), frag(2, 1024, false, 100, whole[40:80]), frag(3, 1024, true, 100, whole[80:])},
			[]gotFrame{{whole, 1024, false}}, nil},
		{"middle lost", []*rtp.Packet{frag(1, 1024, false, 100, whole[:40]), frag(3, 1024, true, 100, whole[80:]), next},
			[]gotFrame{{[]byte{7, 7, 7}, 2048, true}}, ErrPacketsLost},
		{"head lost", []*rtp.Packet{frag(2, 1024, false, 100, whole[40:80]), frag(3, 1024, true, 100, whole[80:]), next},
			[]gotFrame{{[]byte{7, 7, 7}, 2048, true}}, ErrMalformed},
		{"tail lost", []*rtp.Packet{frag(1, 1024, false, 100, whole[:40]), frag(2, 1024, false, 100, whole[40:80]), next},
			[]gotFrame{{[]byte{7, 7, 7}, 2048, true}}, nil},
		{"size changes", []*rtp.Packet{frag(1, 1024, false, 100, whole[:40]), frag(2, 1024, true, 99, whole[40:99]), next},
			[]gotFrame{{[]byte{7, 7, 7}, 2048, true}}, ErrMalformed},
		{"overflows its size", []*rtp.Packet{frag(1, 1024, false, 100, whole[:80]), frag(2, 1024, true, 100, whole[:80]), next},
			[]gotFrame{{[]byte{7, 7, 7}, 2048, true}}, ErrMalformed},
		{"duplicate", []*rtp.Packet{frag(1, 1024, false, 100, whole[:40]), frag(1, 1024, false, 100, whole[:40]), frag(2, 1024, true, 100, whole[40:]), next},
			[]gotFrame{{whole, 1024, false}, {[]byte{7, 7, 7}, 2048, true}}, ErrOutOfOrder}, // 9 after 2 is a gap
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, _ := NewAAC(hbr)
			got, errs := collect(t, d, tt.pkts)
			if !slices.EqualFunc(got, tt.want, func(a, b gotFrame) bool {
				return bytes.Equal(a.data, b.data) && a.ts == b.ts && a.disc == b.disc
			}) {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
			if tt.errIs != nil && !slices.ContainsFunc(errs, func(e error) bool { return errors.Is(e, tt.errIs) }) {
				t.Fatalf("errors %v, want one that is %v", errs, tt.errIs)
			}
		})
	}
}

// latmElements builds one AudioMuxElement per frame (numSubFrames 0):
// PayloadLengthInfo then the frame.
func latmElements(frames [][]byte) [][]byte {
	var out [][]byte
	for _, f := range frames {
		var e []byte
		n := len(f)
		for ; n >= 255; n -= 255 {
			e = append(e, 255)
		}
		e = append(e, byte(n))
		out = append(out, append(e, f...))
	}
	return out
}

// gortsplibLATM packetizes AudioMuxElements with gortsplib's fragmenting
// encoder, the one its MP4A-LATM format uses.
func gortsplibLATM(t testing.TB, elems [][]byte, payloadMax int, noMarker bool) []*rtp.Packet {
	t.Helper()
	ssrc, seq := uint32(testSSRC), uint16(65533)
	enc := &rtpfragmented.Encoder{PayloadType: 97, SSRC: &ssrc, InitialSequenceNumber: &seq, PayloadMaxSize: payloadMax}
	if err := enc.Init(); err != nil {
		t.Fatal(err)
	}
	var pkts []*rtp.Packet
	for i, e := range elems {
		ps, err := enc.Encode(e)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			p.Timestamp = uint32(i) * 1024
			p.Marker = p.Marker && !noMarker
		}
		pkts = append(pkts, ps...)
	}
	return pkts
}

// gstLATMConfig is what gst-rtsp-server's rtpmp4apay writes for AAC LC
// 48 kHz stereo.
var gstLATMConfig = []byte{0x40, 0x00, 0x23, 0x20}

func TestParseStreamMuxConfig(t *testing.T) {
	tests := []struct {
		name      string
		config    []byte
		asc       []byte
		subFrames int
		err       error
	}{
		// The ASC inside gst's config is the mpeg4-generic config=1190 of
		// the same stream, AAC LC 48 kHz stereo.
		{"gst", gstLATMConfig, []byte{0x11, 0x90, 0x00}, 1, nil},
		// RFC 6416 section 7.4's example: AAC LC 24 kHz mono.
		{"rfc 6416 example", []byte{0x40, 0x00, 0x26, 0x10, 0x3f, 0xc0}, []byte{0x13, 0x08, 0x1f, 0xe0, 0x00}, 1, nil},
		{"three subframes", []byte{0x42, 0x00, 0x23, 0x20}, []byte{0x11, 0x90, 0x00}, 3, nil},
		{"audioMuxVersion 1", []byte{0xc0, 0x00, 0x23, 0x20}, nil, 0, ErrUnsupported},
		{"two programs", []byte{0x40, 0x02, 0x23, 0x20}, nil, 0, ErrUnsupported},
		{"not time-aligned", []byte{0x00, 0x00, 0x23, 0x20}, nil, 0, ErrUnsupported},
		{"no ASC", []byte{0x40, 0x00, 0x20}, nil, 0, ErrMalformed},
		{"empty", nil, nil, 0, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseStreamMuxConfig(tt.config)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil || !bytes.Equal(c.AudioSpecificConfig, tt.asc) || c.SubFrames != tt.subFrames {
				t.Fatalf("got %x %d %v, want %x %d", c.AudioSpecificConfig, c.SubFrames, err, tt.asc, tt.subFrames)
			}
		})
	}
	if _, err := NewLATM(true, gstLATMConfig, 0); !errors.Is(err, ErrUnsupported) {
		t.Errorf("cpresent=1: %v", err)
	}
}

func TestLATMRoundTrip(t *testing.T) {
	frames, asc := adtsFrames(t, clipAAC)
	elems := latmElements(frames)
	twoPerPacket := func() []*rtp.Packet {
		var pkts []*rtp.Packet
		for i := 0; i < len(elems); i += 2 {
			pay := slices.Concat(elems[i:min(i+2, len(elems))]...)
			pkts = append(pkts, &rtp.Packet{Header: rtp.Header{SequenceNumber: uint16(i / 2), Timestamp: uint32(i) * 1024, Marker: true}, Payload: pay})
		}
		return pkts
	}
	for _, tt := range []struct {
		name string
		pkts []*rtp.Packet
	}{
		{"one element per packet", gortsplibLATM(t, elems, 1450, false)},
		{"fragmented", gortsplibLATM(t, elems, 100, false)},
		{"fragmented, no marker", gortsplibLATM(t, elems, 100, true)},
		{"two elements per packet", twoPerPacket()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := NewLATM(false, gstLATMConfig, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(d.Config().AudioSpecificConfig[:2], asc) {
				t.Fatalf("ASC %x, the clip's is %x", d.Config().AudioSpecificConfig, asc)
			}
			got, errs := collect(t, d, tt.pkts)
			if len(errs) != 0 {
				t.Fatalf("errors: %v", errs)
			}
			want := len(frames)
			if tt.name == "fragmented, no marker" {
				want-- // the last element waits for a timestamp that never comes
			}
			if len(got) != want {
				t.Fatalf("%d frames, want %d", len(got), want)
			}
			for i, g := range got {
				if !bytes.Equal(g.data, frames[i]) || g.ts != uint32(i)*1024 || g.disc {
					t.Fatalf("frame %d: %d bytes ts %d disc %v", i, len(g.data), g.ts, g.disc)
				}
			}
		})
	}
}

func TestLATMLoss(t *testing.T) {
	frames, _ := adtsFrames(t, clipAAC)
	frames = frames[:6]
	pkts := gortsplibLATM(t, latmElements(frames), 150, false)
	for drop := range pkts {
		d, _ := NewLATM(false, gstLATMConfig, 0)
		got, _ := collect(t, d, slices.Delete(slices.Clone(pkts), drop, drop+1))
		if len(got) != len(frames)-1 {
			t.Fatalf("drop %d: %d frames, want %d", drop, len(got), len(frames)-1)
		}
		prev := -1
		for _, g := range got {
			i := int(g.ts / 1024)
			if !bytes.Equal(g.data, frames[i]) || g.disc != (i != prev+1) {
				t.Fatalf("drop %d: frame %d (after %d) disc %v, or not the one sent", drop, i, prev, g.disc)
			}
			prev = i
		}
	}
	d, _ := NewLATM(false, gstLATMConfig, 0)
	for i, pay := range [][]byte{{10, 1, 2}, {255}, {}, {2, 1, 2, 3}} {
		if _, err := d.Decode(&rtp.Packet{Header: rtp.Header{Marker: true, SequenceNumber: uint16(i)}, Payload: pay}); !errors.Is(err, ErrMalformed) {
			t.Errorf("%x: err %v, want malformed", pay, err)
		}
	}
}

func TestPCMAndOpus(t *testing.T) {
	l16, _ := NewPCM(4) // stereo
	g711, _ := NewPCM(1)
	pkt := func(seq uint16, ts uint32, n int) *rtp.Packet {
		return &rtp.Packet{Header: rtp.Header{SequenceNumber: seq, Timestamp: ts}, Payload: bytes.Repeat([]byte{0x55}, n)}
	}
	tests := []struct {
		name string
		d    AudioDepacketizer
		pkts []*rtp.Packet
		want []gotFrame
		errs []error
	}{
		{"g711 across the wrap", g711, []*rtp.Packet{pkt(65535, 0, 160), pkt(0, 160, 160), pkt(2, 480, 160)},
			[]gotFrame{{bytes.Repeat([]byte{0x55}, 160), 0, false}, {bytes.Repeat([]byte{0x55}, 160), 160, false}, {bytes.Repeat([]byte{0x55}, 160), 480, true}}, nil},
		{"l16 half a sample", l16, []*rtp.Packet{pkt(1, 0, 8), pkt(2, 2, 6), pkt(3, 3, 4)},
			[]gotFrame{{bytes.Repeat([]byte{0x55}, 8), 0, false}, {bytes.Repeat([]byte{0x55}, 4), 3, true}}, []error{ErrMalformed}},
		{"stale and empty", NewOpus(), []*rtp.Packet{pkt(5, 0, 3), pkt(4, 0, 3), pkt(6, 960, 0), pkt(7, 1920, 1)},
			[]gotFrame{{[]byte{0x55, 0x55, 0x55}, 0, false}, {[]byte{0x55}, 1920, false}}, []error{ErrOutOfOrder, ErrMalformed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.d.Reset()
			got, errs := collect(t, tt.d, tt.pkts)
			if !slices.EqualFunc(got, tt.want, func(a, b gotFrame) bool {
				return bytes.Equal(a.data, b.data) && a.ts == b.ts && a.disc == b.disc
			}) {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
			if !slices.EqualFunc(errs, tt.errs, func(a, b error) bool { return errors.Is(a, b) }) {
				t.Fatalf("errors %v, want %v", errs, tt.errs)
			}
		})
	}
	if _, err := NewPCM(-1); err == nil {
		t.Error("negative sample size accepted")
	}
}

// TestAudioNoAllocs checks the steady state of every audio depacketizer
// allocates nothing per packet once its buffers have grown.
func TestAudioNoAllocs(t *testing.T) {
	frames, _ := adtsFrames(t, clipAAC)
	aac, _ := NewAAC(hbr)
	latm, _ := NewLATM(false, gstLATMConfig, 0)
	pcm, _ := NewPCM(1)
	for _, tt := range []struct {
		name string
		d    AudioDepacketizer
		pkts []*rtp.Packet
	}{
		{"aac aggregated", aac, gortsplibAAC(t, frames, 0, 1450, 0)},
		{"aac fragmented", aac, gortsplibAAC(t, frames, 0, 200, 0)},
		{"latm fragmented", latm, gortsplibLATM(t, latmElements(frames), 150, false)},
		{"pcm", pcm, []*rtp.Packet{{Payload: make([]byte, 160)}}},
	} {
		i := 0
		feed := func() {
			p := tt.pkts[i%len(tt.pkts)]
			p.SequenceNumber = uint16(i)
			p.Timestamp = uint32(i/len(tt.pkts)) * 1 << 20 // a new timestamp each round
			i++
			tt.d.Decode(p)
		}
		for range 2 * len(tt.pkts) {
			feed()
		}
		if n := testing.AllocsPerRun(200, feed); n != 0 {
			t.Errorf("%s: %.1f allocations per packet", tt.name, n)
		}
	}
}

func BenchmarkDepacketizeAAC(b *testing.B) {
	frames, _ := adtsFrames(b, clipAAC)
	pkts := gortsplibAAC(b, frames, 0, 1450, 0)
	d, _ := NewAAC(hbr)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		p := pkts[i%len(pkts)]
		p.SequenceNumber = uint16(i)
		d.Decode(p)
	}
}
