package depack

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/bluenviron/gortsplib/v5/pkg/format/rtpmjpeg"
	"github.com/pion/rtp"
)

const (
	clipJPEG420     = "jpeg_420.mjpeg"         // 4 frames 320x240 4:2:0 (type 1)
	clipJPEGRestart = "jpeg_420_restart.mjpeg" // 4 frames 320x240 4:2:0 with DRI/RSTn (type 65)
	clipJPEG422     = "jpeg_422.mjpeg"         // 3 frames 320x240 4:2:2 (type 0), libjpeg
)

// readJPEGs reads a Motion JPEG file and splits it at each Start Of Image
// (entropy-coded data never contains FF D8: FF bytes are stuffed).
func readJPEGs(t testing.TB, name string) [][]byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read test media (regenerate with testdata/gen.sh): %v", err)
	}
	var frames [][]byte
	for len(raw) > 0 {
		next := bytes.Index(raw[2:], []byte{0xff, 0xd8, 0xff})
		if next < 0 {
			frames = append(frames, raw)
			break
		}
		frames = append(frames, raw[:next+2])
		raw = raw[next+2:]
	}
	return frames
}

// jpegParts is what an RTP/JPEG sender extracts from a JPEG file.
type jpegParts struct {
	typ           byte // 0: 4:2:2, 1: 4:2:0
	width, height int
	dri           int
	tables        []byte // quantization tables in id order, 64 bytes each
	scan          []byte // entropy-coded data, without EOI
}

func parseJPEG(t testing.TB, b []byte) jpegParts {
	t.Helper()
	var p jpegParts
	b = b[2:]
	for len(b) >= 4 {
		marker, n := b[1], int(b[2])<<8|int(b[3])
		seg := b[4 : 2+n]
		switch marker {
		case 0xdb:
			for len(seg) >= 65 {
				if seg[0]>>4 != 0 {
					t.Fatal("16-bit table in test media")
				}
				p.tables = append(p.tables, seg[1:65]...)
				seg = seg[65:]
			}
		case 0xc0:
			p.height, p.width = int(seg[1])<<8|int(seg[2]), int(seg[3])<<8|int(seg[4])
			switch seg[7] {
			case 0x21:
				p.typ = 0
			case 0x22:
				p.typ = 1
			default:
				t.Fatalf("luma sampling %x", seg[7])
			}
		case 0xdd:
			p.dri = int(seg[0])<<8 | int(seg[1])
		case 0xda:
			p.scan = bytes.TrimSuffix(b[2+n:], []byte{0xff, 0xd9})
			return p
		}
		b = b[2+n:]
	}
	t.Fatal("no SOS")
	return p
}

// jpegPacketizer is our own RFC 2435 packetizer, for the cases gortsplib's
// does not produce: Q below 128, cached tables, 16-bit tables, whole files
// in the payload.
type jpegPacketizer struct {
	mtu       int
	seq       uint16
	q         byte
	tables    []byte // in-band tables when q >= 128 (nil: Length 0)
	precision byte
	rawFile   []byte // send this file as the data instead of the scan
}

func (jp *jpegPacketizer) packetize(p jpegParts, ts uint32) []*rtp.Packet {
	data := p.scan
	if jp.rawFile != nil {
		data = jp.rawFile
	}
	typ := p.typ
	if p.dri > 0 {
		typ += 64
	}
	var pkts []*rtp.Packet
	for off := 0; off == 0 || off < len(data); {
		hdr := []byte{0, byte(off >> 16), byte(off >> 8), byte(off), typ, jp.q, byte(p.width / 8), byte(p.height / 8)}
		if p.dri > 0 {
			hdr = append(hdr, byte(p.dri>>8), byte(p.dri), 0xff, 0xff)
		}
		if off == 0 && jp.q >= 128 {
			hdr = append(hdr, 0, jp.precision, byte(len(jp.tables)>>8), byte(len(jp.tables)))
			hdr = append(hdr, jp.tables...)
		}
		n := min(len(data)-off, jp.mtu-len(hdr))
		pkts = append(pkts, &rtp.Packet{
			Header:  rtp.Header{Version: 2, PayloadType: 26, SequenceNumber: jp.seq, Timestamp: ts, SSRC: testSSRC, Marker: off+n == len(data)},
			Payload: append(hdr, data[off:off+n]...),
		})
		jp.seq++
		off += n
	}
	return pkts
}

func gortsplibJPEG(t testing.TB, frames [][]byte, firstSeq uint16, payloadMax int) []*rtp.Packet {
	t.Helper()
	ssrc := uint32(testSSRC)
	enc := &rtpmjpeg.Encoder{SSRC: &ssrc, InitialSequenceNumber: &firstSeq, PayloadMaxSize: payloadMax}
	if err := enc.Init(); err != nil {
		t.Fatal(err)
	}
	var pkts []*rtp.Packet
	for i, f := range frames {
		ps, err := enc.Encode(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			p.Timestamp = auTimestamp(i)
		}
		pkts = append(pkts, ps...)
	}
	return pkts
}

// checkJPEGsDecode checks that the delivered images decode, with ffmpeg,
// to exactly the pictures of the source frames listed in want.
func checkJPEGsDecode(t *testing.T, got []decoded, source [][]byte, want []int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d images, want %d", len(got), len(want))
	}
	if len(want) == 0 {
		return
	}
	var out, src []byte
	for i, g := range got {
		if !bytes.HasPrefix(g.data, []byte{0xff, 0xd8}) || !bytes.HasSuffix(g.data, []byte{0xff, 0xd9}) {
			t.Fatalf("image %d lacks SOI or EOI", i)
		}
		if !g.keyframe || g.ts != auTimestamp(want[i]) {
			t.Fatalf("image %d: keyframe %v timestamp %d", i, g.keyframe, g.ts)
		}
		out = append(out, g.data...)
		src = append(src, source[want[i]]...)
	}
	wantSums := frameMD5s(t, "mjpeg", writeTemp(t, "src.mjpeg", src))
	if sums := frameMD5s(t, "mjpeg", writeTemp(t, "out.mjpeg", out)); !slices.Equal(sums, wantSums) {
		t.Fatalf("images decode to %v, source to %v", sums, wantSums)
	}
}

func TestJPEGRoundTripGortsplib(t *testing.T) {
	for _, clip := range []string{clipJPEG420, clipJPEGRestart, clipJPEG422} {
		for _, mtu := range []int{1400, 200} {
			t.Run(fmt.Sprintf("%s/mtu%d", clip, mtu), func(t *testing.T) {
				frames := readJPEGs(t, clip)
				got, errs := decodeAll(t, NewJPEG(), gortsplibJPEG(t, frames, 65530, mtu))
				for i, err := range errs {
					if err != nil && !errors.Is(err, ErrMorePacketsNeeded) {
						t.Fatalf("packet %d: %v", i, err)
					}
				}
				checkJPEGsDecode(t, got, frames, span(0, len(frames)))
				if restart := parseJPEG(t, frames[0]).dri > 0; restart != bytes.Contains(got[0].data, []byte{0xff, 0xdd, 0, 4}) {
					t.Fatalf("restart interval in source %v, not carried over", restart)
				}
			})
		}
	}
}

// TestJPEGQuantTablesMatchLibjpeg checks the Q 1-99 tables against libjpeg
// (GStreamer jpegenc), whose quality scaling RFC 2435 appendix A copies,
// and decodes images sent with Q alone.
func TestJPEGQuantTablesMatchLibjpeg(t *testing.T) {
	for _, q := range []int{20, 50, 90} {
		t.Run(fmt.Sprint(q), func(t *testing.T) {
			file := readJPEGs(t, fmt.Sprintf("jpeg_ijg_q%d.jpg", q))[0]
			parts := parseJPEG(t, file)
			var ours [4 * 128]byte
			makeQuantTables(q, &ours)
			if !bytes.Equal(parts.tables, ours[:128]) {
				t.Fatalf("libjpeg tables\n%v\nours\n%v", parts.tables, ours[:128])
			}
			jp := &jpegPacketizer{mtu: 1000, q: byte(q)}
			got, _ := decodeAll(t, NewJPEG(), jp.packetize(parts, auTimestamp(0)))
			checkJPEGsDecode(t, got, [][]byte{file}, []int{0})
		})
	}
}

func TestJPEGLoss(t *testing.T) {
	frames := readJPEGs(t, clipJPEGRestart)
	pkts := gortsplibJPEG(t, frames, 65535, 500)
	lost := firstPacketOf(pkts, 2) + 2
	if pkts[lost].Timestamp != auTimestamp(2) || pkts[lost].Marker {
		t.Fatal("not a middle packet of image 2")
	}
	pkts = slices.Delete(pkts, lost, lost+1)
	got, errs := decodeAll(t, NewJPEG(), pkts)
	checkJPEGsDecode(t, got, frames, []int{0, 1, 3})
	if !errors.Is(errs[lost], ErrWaitKeyframe) {
		t.Fatalf("packet after the loss: %v", errs[lost])
	}
}

func TestJPEGNoMarker(t *testing.T) {
	frames := readJPEGs(t, clipJPEG420)
	pkts := gortsplibJPEG(t, frames, 100, 1000)
	for _, p := range pkts {
		p.Marker = false
	}
	got, _ := decodeAll(t, NewJPEG(), pkts)
	checkJPEGsDecode(t, got, frames, span(0, len(frames)-1))
	for i, g := range got {
		if g.pktIndex != firstPacketOf(pkts, i+1) {
			t.Fatalf("image %d returned by packet %d", i, g.pktIndex)
		}
	}
}

func TestJPEGQuirks(t *testing.T) {
	frames := readJPEGs(t, clipJPEG420)
	parts := make([]jpegParts, len(frames))
	for i, f := range frames {
		parts[i] = parseJPEG(t, f)
	}
	widen := func(tables []byte) []byte { // the same values as 16-bit entries
		var w []byte
		for _, v := range tables {
			w = append(w, 0, v)
		}
		return w
	}
	tests := []struct {
		name    string
		pkts    func() []*rtp.Packet
		want    []int // images expected, decoding like the source's
		count   int   // images expected when they cannot match the source
		wantErr error
	}{
		{
			name: "whole JPEG file in the payload",
			pkts: func() []*rtp.Packet {
				var pkts []*rtp.Packet
				jp := &jpegPacketizer{mtu: 1000, q: 50}
				for i := range frames {
					jp.rawFile = frames[i]
					pkts = append(pkts, jp.packetize(parts[i], auTimestamp(i))...)
				}
				return pkts
			},
			want: span(0, len(frames)),
		},
		{
			name: "Q 200 tables sent once then cached",
			pkts: func() []*rtp.Packet {
				var pkts []*rtp.Packet
				jp := &jpegPacketizer{mtu: 700, q: 200}
				for i := range frames {
					jp.tables = nil
					if i == 0 {
						jp.tables = parts[0].tables
					}
					pkts = append(pkts, jp.packetize(parts[i], auTimestamp(i))...)
				}
				return pkts
			},
			want: span(0, len(frames)),
		},
		{
			name: "16-bit tables",
			pkts: func() []*rtp.Packet {
				jp := &jpegPacketizer{mtu: 700, q: 255, precision: 3, tables: widen(parts[0].tables)}
				return jp.packetize(parts[0], auTimestamp(0))
			},
			want: []int{0},
		},
		{
			name: "Q 255 without tables",
			pkts: func() []*rtp.Packet {
				jp := &jpegPacketizer{mtu: 700, q: 255}
				return jp.packetize(parts[0], auTimestamp(0))
			},
			wantErr: ErrMalformed,
		},
		{
			name: "one table for all components",
			pkts: func() []*rtp.Packet {
				jp := &jpegPacketizer{mtu: 700, q: 255, tables: parts[0].tables[:64]}
				return jp.packetize(parts[0], auTimestamp(0))
			},
			count: 1,
		},
		{
			name: "fragment offset jumps without a sequence gap",
			pkts: func() []*rtp.Packet {
				jp := &jpegPacketizer{mtu: 700, q: 255, tables: parts[0].tables}
				var pkts []*rtp.Packet
				for i := range 3 {
					pkts = append(pkts, jp.packetize(parts[i], auTimestamp(i))...)
				}
				i := firstPacketOf(pkts, 1) + 1
				return renumber(slices.Delete(pkts, i, i+1), 0)
			},
			want:    []int{0, 2},
			wantErr: ErrMalformed,
		},
		{
			name: "unsupported type and size",
			pkts: func() []*rtp.Packet {
				jp := &jpegPacketizer{mtu: 700, q: 255, tables: parts[0].tables}
				a := jp.packetize(parts[0], auTimestamp(0))
				a[0].Payload[4] = 3 // reserved type
				b := jp.packetize(parts[1], auTimestamp(1))
				b[0].Payload[4] = 130 // dynamic type, needs the SDP
				c := jp.packetize(parts[2], auTimestamp(2))
				c[0].Payload[6] = 0 // width 0
				return slices.Concat(a, b, c, jp.packetize(parts[3], auTimestamp(3)))
			},
			want:    []int{3},
			wantErr: ErrUnsupported,
		},
		{
			name: "truncated headers",
			pkts: func() []*rtp.Packet {
				var pkts []*rtp.Packet
				for i, payload := range [][]byte{{0, 0, 0}, {0, 0, 0, 0, 64, 50, 40}, {0, 0, 0, 0, 65, 50, 40, 30, 0}, {0, 0, 0, 0, 1, 255, 40, 30, 0, 0, 0}} {
					pkts = append(pkts, &rtp.Packet{Header: rtp.Header{SequenceNumber: uint16(i), Timestamp: uint32(i), Marker: true}, Payload: payload})
				}
				return pkts
			},
			wantErr: ErrMalformed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := decodeAll(t, NewJPEG(), tt.pkts())
			if tt.count > 0 {
				if len(got) != tt.count {
					t.Fatalf("got %d images, want %d", len(got), tt.count)
				}
				var out []byte
				for _, g := range got {
					out = append(out, g.data...)
				}
				if sums := frameMD5s(t, "mjpeg", writeTemp(t, "out.mjpeg", out)); len(sums) != tt.count {
					t.Fatalf("decodes to %d frames", len(sums))
				}
			} else {
				checkJPEGsDecode(t, got, frames, tt.want)
			}
			if tt.wantErr != nil && !slices.ContainsFunc(errs, func(e error) bool { return errors.Is(e, tt.wantErr) }) {
				t.Fatalf("no packet returned %v: %v", tt.wantErr, errs)
			}
		})
	}
}

// BenchmarkDepacketizeJPEG measures one Decode call per RTP packet.
func BenchmarkDepacketizeJPEG(b *testing.B) {
	frames := readJPEGs(b, clipJPEGRestart)
	benchDecode(b, NewJPEG(), gortsplibJPEG(b, frames, 0, 1200), len(frames))
}
