package depack

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/bluenviron/gortsplib/v5/pkg/format/rtph265"
	"github.com/pion/rtp"
)

const clipH265 = "h265_360p.h265" // 50 pictures of 2 slices, IDR at 0, CRA at 25

func h265Type(nal []byte) byte { return nal[0] >> 1 & 0x3f }

// groupH265 groups H.265 NAL units into access units (H.265 section
// 7.4.2.4.4): an AUD, parameter set or prefix SEI after a slice, or a slice
// with first_slice_segment_in_pic_flag after a slice, begins a new one.
func groupH265(nals [][]byte) [][][]byte {
	var aus [][][]byte
	var cur [][]byte
	sawVCL := false
	for _, nal := range nals {
		t := h265Type(nal)
		vcl := t <= h265NALVCLLast
		first := vcl && nal[2]&0x80 != 0
		if sawVCL && ((t >= h265NALVPS && t <= 35) || t == 39 || first) {
			aus = append(aus, cur)
			cur, sawVCL = nil, false
		}
		cur = append(cur, nal)
		sawVCL = sawVCL || vcl
	}
	return append(aus, cur)
}

func h265AUs(t testing.TB) [][][]byte {
	t.Helper()
	return groupH265(readNALs(t, clipH265))
}

func isIRAP(au [][]byte) bool {
	return slices.ContainsFunc(au, func(n []byte) bool {
		return h265Type(n) >= h265NALIRAPFirst && h265Type(n) <= h265NALIRAPLast
	})
}

func gortsplibH265(t testing.TB, aus [][][]byte, firstSeq uint16, payloadMax int) []*rtp.Packet {
	t.Helper()
	ssrc := uint32(testSSRC)
	enc := &rtph265.Encoder{PayloadType: 96, SSRC: &ssrc, InitialSequenceNumber: &firstSeq, PayloadMaxSize: payloadMax}
	if err := enc.Init(); err != nil {
		t.Fatal(err)
	}
	var pkts []*rtp.Packet
	for i, au := range aus {
		ps, err := enc.Encode(au)
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

func checkH265AUs(t *testing.T, got []decoded, aus [][][]byte, want []int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d access units, want %d", len(got), len(want))
	}
	for i, w := range want {
		if exp := joinAnnexB(aus[w]...); string(got[i].data) != string(exp) {
			t.Fatalf("access unit %d (source %d): %d bytes differ from the %d expected", i, w, len(got[i].data), len(exp))
		}
		if got[i].ts != auTimestamp(w) || got[i].keyframe != isIRAP(aus[w]) {
			t.Fatalf("access unit %d: timestamp %d keyframe %v", i, got[i].ts, got[i].keyframe)
		}
	}
}

func TestH265RoundTripGortsplib(t *testing.T) {
	aus := h265AUs(t)
	if len(aus) != 50 || !isIRAP(aus[0]) || !isIRAP(aus[25]) {
		t.Fatalf("clip has %d access units", len(aus))
	}
	for _, tt := range []struct {
		firstSeq   uint16
		payloadMax int
	}{{0, 1200}, {65500, 300}, {65535, 1450}} {
		t.Run(fmt.Sprintf("seq%d/mtu%d", tt.firstSeq, tt.payloadMax), func(t *testing.T) {
			got, errs := decodeAll(t, NewH265("", "", ""), gortsplibH265(t, aus, tt.firstSeq, tt.payloadMax))
			for i, err := range errs {
				if err != nil && !errors.Is(err, ErrMorePacketsNeeded) {
					t.Fatalf("packet %d: %v", i, err)
				}
			}
			checkH265AUs(t, got, aus, span(0, len(aus)))
		})
	}
}

func TestH265ReassembledStreamDecodes(t *testing.T) {
	want := frameMD5s(t, "hevc", "testdata/"+clipH265)
	aus := h265AUs(t)
	got, _ := decodeAll(t, NewH265("", "", ""), gortsplibH265(t, aus, 65530, 1200))
	var stream []byte
	for _, g := range got {
		stream = append(stream, g.data...)
	}
	if sums := frameMD5s(t, "hevc", writeTemp(t, "out.h265", stream)); !slices.Equal(sums, want) {
		t.Fatalf("decodes to %d frames differing from the source's %d", len(sums), len(want))
	}
}

func TestH265LossDeliversDamaged(t *testing.T) {
	aus := h265AUs(t)
	pkts := gortsplibH265(t, aus, 65534, 60)
	lost := slices.IndexFunc(pkts, func(p *rtp.Packet) bool {
		return p.Timestamp == auTimestamp(5) && p.Payload[0]>>1&0x3f == h265NALFU && p.Payload[2]&0xc0 == 0
	})
	if lost < 0 {
		t.Fatal("picture 5 has no middle FU")
	}
	pkts = slices.Delete(pkts, lost, lost+1)
	got, errs := decodeAll(t, NewH265("", "", ""), pkts)
	if !errors.Is(errs[lost], ErrPacketsLost) && !slices.ContainsFunc(got, func(g decoded) bool { return g.pktIndex == lost }) {
		t.Fatalf("packet %d: %v, want ErrPacketsLost", lost, errs[lost])
	}
	if len(got) != len(aus) {
		t.Fatalf("got %d access units, want %d", len(got), len(aus))
	}
	for i, g := range got {
		if g.damaged != (i == 5) {
			t.Fatalf("access unit %d: damaged %v", i, g.damaged)
		}
	}
	checkH265AUs(t, slices.Delete(slices.Clone(got), 5, 6), aus, append(span(0, 5), span(6, len(aus))...))
}

func TestH265Sprop(t *testing.T) {
	full := h265AUs(t)
	vps, sps, pps := full[0][0], full[0][1], full[0][2]
	b64 := base64.StdEncoding.EncodeToString
	stripped := make([][][]byte, len(full))
	want := make([][][]byte, len(full))
	for i, au := range full {
		for _, n := range au {
			if t := h265Type(n); t < h265NALVPS || t > h265NALPPS {
				stripped[i] = append(stripped[i], n)
			}
		}
		want[i] = stripped[i]
		if isIRAP(au) {
			want[i] = append([][]byte{vps, sps, pps}, stripped[i]...)
		}
	}
	fmtp := "sprop-vps=" + b64(vps) + ";sprop-sps=" + b64(append([]byte{0, 0, 0, 1}, sps...)) + ";sprop-pps=" + b64(pps)
	for name, d := range map[string]*H265{
		"values":     NewH265(b64(vps), b64(sps), b64(pps)),
		"fmtp lines": NewH265(fmtp, fmtp, fmtp),
	} {
		t.Run(name, func(t *testing.T) {
			got, _ := decodeAll(t, d, gortsplibH265(t, stripped, 0, 1200))
			checkH265AUs(t, got, want, span(0, len(want)))
		})
	}
	t.Run("missing VPS", func(t *testing.T) {
		got, _ := decodeAll(t, NewH265("", b64(sps), b64(pps)), gortsplibH265(t, stripped, 0, 1200))
		if len(got) != 0 {
			t.Fatalf("delivered %d access units without a VPS", len(got))
		}
	})
}

// TestH265Quirks sends single NAL units behind Annex-B start codes, NAL
// units that fit as one FU with S and E set, and no marker bits.
func TestH265Quirks(t *testing.T) {
	aus := h265AUs(t)
	var pkts []*rtp.Packet
	seq := uint16(65530)
	add := func(payload []byte, ts uint32) {
		pkts = append(pkts, &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, Timestamp: ts, SSRC: 1}, Payload: payload})
		seq++
	}
	for i, au := range aus {
		for j, n := range au {
			switch {
			case j%2 == 0:
				add(append([]byte{0, 0, 0, 1}, n...), auTimestamp(i))
			case len(n) < 1000:
				fu := []byte{n[0]&0x81 | h265NALFU<<1, n[1], 0xc0 | h265Type(n)}
				add(append(fu, n[2:]...), auTimestamp(i))
			default:
				// FU split in two
				mid := len(n) / 2
				add(append([]byte{n[0]&0x81 | h265NALFU<<1, n[1], 0x80 | h265Type(n)}, n[2:mid]...), auTimestamp(i))
				add(append([]byte{n[0]&0x81 | h265NALFU<<1, n[1], 0x40 | h265Type(n)}, n[mid:]...), auTimestamp(i))
			}
		}
	}
	got, _ := decodeAll(t, NewH265("", "", ""), pkts)
	checkH265AUs(t, got, aus, span(0, len(aus)-1)) // the last one never closes
}

func TestH265RefusedTypes(t *testing.T) {
	d := NewH265("", "", "")
	for i, payload := range [][]byte{
		{h265NALPACI << 1, 1, 0, 0},
		{51 << 1, 1, 2},
		{63 << 1, 1},
		{h265NALFU << 1, 1}, // too short
		{h265NALAP << 1, 1, 0, 9, 2},
		{1},
	} {
		_, err := d.Decode(&rtp.Packet{Header: rtp.Header{SequenceNumber: uint16(i), Timestamp: uint32(i)}, Payload: payload})
		if !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrMalformed) {
			t.Fatalf("payload %x: %v", payload, err)
		}
	}
}

// bitWriter builds RBSPs for parser tests.
type bitWriter struct {
	b []byte
	n int
}

func (w *bitWriter) put(v uint32, bits int) {
	for i := bits - 1; i >= 0; i-- {
		if w.n%8 == 0 {
			w.b = append(w.b, 0)
		}
		w.b[len(w.b)-1] |= byte(v>>i&1) << (7 - w.n%8)
		w.n++
	}
}

func (w *bitWriter) ue(v uint32) {
	v++
	bits := 0
	for x := v; x > 1; x >>= 1 {
		bits++
	}
	w.put(0, bits)
	w.put(v, bits+1)
}

func TestH265SPSID(t *testing.T) {
	real := h265AUs(t)[0][1]
	if id, ok := h265SPSID(real[2:]); !ok || id != 0 {
		t.Fatalf("clip SPS: id %d ok %v", id, ok)
	}
	for _, tt := range []struct {
		subLayers      int // max_sub_layers_minus1
		profile, level bool
		id             uint32
	}{
		{0, false, false, 3},
		{2, true, false, 7},
		{6, true, true, 15},
		{1, false, true, 1},
	} {
		var w bitWriter
		w.put(0, 4)                    // vps id
		w.put(uint32(tt.subLayers), 3) // max_sub_layers_minus1
		w.put(1, 1)                    // temporal_id_nesting
		w.put(0x1234, 16)              // general profile: 88 bits
		w.put(0, 32)
		w.put(0, 32)
		w.put(0, 8)
		w.put(93, 8) // general_level_idc
		for range tt.subLayers {
			w.put(b2u(tt.profile), 1)
			w.put(b2u(tt.level), 1)
		}
		if tt.subLayers > 0 {
			w.put(0, 2*(8-tt.subLayers))
		}
		for range tt.subLayers {
			if tt.profile {
				w.put(0, 32)
				w.put(0, 32)
				w.put(0, 24)
			}
			if tt.level {
				w.put(0, 8)
			}
		}
		w.ue(tt.id)
		w.put(1, 1) // something after, as chroma_format_idc would be
		if id, ok := h265SPSID(w.b); !ok || id != tt.id {
			t.Errorf("%+v: id %d ok %v", tt, id, ok)
		}
		if _, ok := h265SPSID(w.b[:len(w.b)-3]); ok {
			t.Errorf("%+v: truncated SPS accepted", tt)
		}
	}
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// BenchmarkDepacketizeH265 measures one Decode call per RTP packet.
func BenchmarkDepacketizeH265(b *testing.B) {
	aus := h265AUs(b)
	benchDecode(b, NewH265("", "", ""), gortsplibH265(b, aus, 0, 1200), len(aus))
}
