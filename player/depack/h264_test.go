package depack

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/pion/rtp"
)

const (
	clip720p   = "h264_720p.h264"       // 50 pictures, IDR at 0 and 25
	clipSlices = "h264_slices_aud.h264" // 25 pictures of 4 slices, AUD, IDR at 0, 10, 20
)

func h264AUs(t testing.TB, clip string) [][][]byte {
	t.Helper()
	return groupH264(readNALs(t, clip))
}

func hasNALType(au [][]byte, typ byte) bool {
	return slices.ContainsFunc(au, func(n []byte) bool { return n[0]&0x1f == typ })
}

// withoutTypes returns the access units with NAL units of the given types
// removed, e.g. a camera that sends SPS/PPS only in the SDP.
func withoutTypes(aus [][][]byte, types ...byte) [][][]byte {
	out := make([][][]byte, len(aus))
	for i, au := range aus {
		for _, n := range au {
			if !slices.Contains(types, n[0]&0x1f) {
				out[i] = append(out[i], n)
			}
		}
	}
	return out
}

// checkAUs compares delivered access units with the expected indexes of
// the source access units; none may be marked damaged.
func checkAUs(t *testing.T, got []decoded, aus [][][]byte, want []int) {
	t.Helper()
	checkDamagedAUs(t, got, aus, want, nil)
}

// checkDamagedAUs is checkAUs where the source units listed in damaged
// lost data: they must be marked, and hold only bytes of their source.
func checkDamagedAUs(t *testing.T, got []decoded, aus [][][]byte, want, damaged []int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d access units, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].damaged != slices.Contains(damaged, w) {
			t.Fatalf("access unit %d (source %d): damaged %v", i, w, got[i].damaged)
		}
		if got[i].damaged {
			if len(got[i].data) == 0 || len(got[i].data) >= len(joinAnnexB(aus[w]...)) {
				t.Fatalf("damaged access unit %d (source %d): %d bytes, source has %d", i, w, len(got[i].data), len(joinAnnexB(aus[w]...)))
			}
		} else if exp := joinAnnexB(aus[w]...); !bytes.Equal(got[i].data, exp) {
			t.Fatalf("access unit %d (source %d): %d bytes differ from the %d expected", i, w, len(got[i].data), len(exp))
		}
		if got[i].ts != auTimestamp(w) {
			t.Fatalf("access unit %d: timestamp %d, want %d", i, got[i].ts, auTimestamp(w))
		}
		if got[i].keyframe != hasNALType(aus[w], h264NALIDR) {
			t.Fatalf("access unit %d: keyframe %v", i, got[i].keyframe)
		}
	}
}

func span(from, to int) []int {
	var s []int
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return s
}

// firstPacketOf returns the index of the first packet with the timestamp
// of access unit au.
func firstPacketOf(pkts []*rtp.Packet, au int) int {
	return slices.IndexFunc(pkts, func(p *rtp.Packet) bool { return p.Timestamp == auTimestamp(au) })
}

// renumber gives packets consecutive sequence numbers, so that a removed
// packet is not seen as a loss.
func renumber(pkts []*rtp.Packet, first uint16) []*rtp.Packet {
	for i, p := range pkts {
		p.SequenceNumber = first + uint16(i)
	}
	return pkts
}

func TestH264RoundTripGortsplib(t *testing.T) {
	tests := []struct {
		clip       string
		firstSeq   uint16
		payloadMax int
	}{
		{clip720p, 0, 1200},
		{clip720p, 65500, 1200}, // crosses 65535 -> 0
		{clip720p, 65535, 300},
		{clipSlices, 65000, 1450},
		{clipSlices, 1000, 200}, // every slice fragmented
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/seq%d/mtu%d", tt.clip, tt.firstSeq, tt.payloadMax), func(t *testing.T) {
			aus := h264AUs(t, tt.clip)
			pkts := gortsplibH264(t, aus, tt.firstSeq, tt.payloadMax)
			got, errs := decodeAll(t, NewH264("", 1), pkts)
			for i, err := range errs {
				if err != nil && !errors.Is(err, ErrMorePacketsNeeded) {
					t.Fatalf("packet %d: %v", i, err)
				}
			}
			checkAUs(t, got, aus, span(0, len(aus)))
			for i, g := range got {
				if !pkts[g.pktIndex].Marker || pkts[g.pktIndex].Timestamp != g.ts {
					t.Fatalf("access unit %d returned before its marker packet", i)
				}
			}
		})
	}
}

func TestH264ReassembledStreamDecodes(t *testing.T) {
	for _, clip := range []string{clip720p, clipSlices} {
		t.Run(clip, func(t *testing.T) {
			want := frameMD5s(t, "h264", "testdata/"+clip)
			aus := h264AUs(t, clip)
			if len(want) != len(aus) {
				t.Fatalf("source decodes to %d frames, has %d access units", len(want), len(aus))
			}
			got, _ := decodeAll(t, NewH264("", 1), gortsplibH264(t, aus, 65530, 1200))
			var stream []byte
			for _, g := range got {
				stream = append(stream, g.data...)
			}
			if sums := frameMD5s(t, "h264", writeTemp(t, "out.h264", stream)); !slices.Equal(sums, want) {
				t.Fatalf("reassembled stream decodes to %d frames differing from the source's %d", len(sums), len(want))
			}
		})
	}
}

// TestH264LossDeliversDamaged drops one packet inside a fragmented unit.
// Before the first IDR was delivered nothing comes until the next one;
// after it, every unit still comes, the one that lost data marked damaged,
// and the units after it intact.
func TestH264LossDeliversDamaged(t *testing.T) {
	tests := []struct {
		name  string
		au    int  // access unit that loses a packet
		which int  // which packet of it: 0 = first, -1 = last
		start bool // the lost packet must be an FU-A start
		want  []int
		dmg   []int
	}{
		// The first IDR is where decoding begins even with a packet
		// missing: at a few percent loss an intact one rarely comes.
		{"middle of first IDR", 0, 10, false, span(0, 50), []int{0}},
		{"middle of P", 10, 1, false, span(0, 50), []int{10}},
		// Without its FU-A start the only slice has no header: nothing
		// of picture 10 can be decoded.
		{"start of P", 10, 0, true, append(span(0, 10), span(11, 50)...), nil},
		{"last of P", 10, -1, false, span(0, 50), []int{10}},
		{"last before IDR", 24, -1, false, span(0, 50), []int{24}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			aus := h264AUs(t, clip720p)
			pkts := gortsplibH264(t, aus, 65520, 200)
			first, next := firstPacketOf(pkts, tt.au), firstPacketOf(pkts, tt.au+1)
			lost := first + tt.which
			if tt.which < 0 {
				lost = next + tt.which
			}
			if typ := pkts[lost].Payload[0] & 0x1f; typ != h264NALFUA {
				t.Fatalf("packet %d is NAL type %d, not FU-A", lost, typ)
			}
			if isStart := pkts[lost].Payload[1]&0x80 != 0; isStart != tt.start {
				t.Fatalf("packet %d: FU-A start %v", lost, isStart)
			}
			pkts = slices.Delete(pkts, lost, lost+1)

			got, errs := decodeAll(t, NewH264("", 1), pkts)
			checkDamagedAUs(t, got, aus, tt.want, tt.dmg)
			if !errors.Is(errs[lost], ErrPacketsLost) && !slices.ContainsFunc(got, func(g decoded) bool { return g.pktIndex == lost }) {
				t.Fatalf("packet %d after the loss: %v, want ErrPacketsLost", lost, errs[lost])
			}
		})
	}
}

func TestH264Reordering(t *testing.T) {
	aus := h264AUs(t, clip720p)
	pkts := gortsplibH264(t, aus, 65534, 200)
	i := firstPacketOf(pkts, 10) + 1
	pkts[i], pkts[i+1] = pkts[i+1], pkts[i]
	got, errs := decodeAll(t, NewH264("", 1), pkts)
	if !errors.Is(errs[i], ErrPacketsLost) {
		t.Fatalf("packet arriving early: %v, want ErrPacketsLost", errs[i])
	}
	if !errors.Is(errs[i+1], ErrOutOfOrder) {
		t.Fatalf("packet arriving late: %v, want ErrOutOfOrder", errs[i+1])
	}
	// Without a jitter buffer in front, the swap is a loss: picture 10
	// comes damaged and the rest intact.
	checkDamagedAUs(t, got, aus, span(0, len(aus)), []int{10})
}

func TestH264Duplicates(t *testing.T) {
	aus := h264AUs(t, clipSlices)
	var pkts []*rtp.Packet
	for _, p := range gortsplibH264(t, aus, 65535, 1200) {
		pkts = append(pkts, p, p) // every packet twice, as a misconfigured relay does
	}
	got, errs := decodeAll(t, NewH264("", 1), pkts)
	for i := 1; i < len(errs); i += 2 {
		if !errors.Is(errs[i], ErrOutOfOrder) {
			t.Fatalf("duplicate %d: %v", i, errs[i])
		}
	}
	checkAUs(t, got, aus, span(0, len(aus)))
}

func TestH264WaitsForFirstIDR(t *testing.T) {
	aus := h264AUs(t, clip720p)
	pkts := gortsplibH264(t, aus, 100, 1200)
	pkts = pkts[firstPacketOf(pkts, 5):]
	got, errs := decodeAll(t, NewH264("", 1), pkts)
	checkAUs(t, got, aus, span(25, len(aus)))
	for i := range firstPacketOf(pkts, 25) {
		if !errors.Is(errs[i], ErrWaitKeyframe) {
			t.Fatalf("packet %d before the first IDR: %v", i, errs[i])
		}
	}
}

// TestH264JoinMidIDR starts at the second slice of an IDR picture: the
// picture is incomplete and must not be delivered as a keyframe.
func TestH264JoinMidIDR(t *testing.T) {
	aus := h264AUs(t, clipSlices)
	q := &quirkPacketizer{mtu: 1200}
	pkts := q.packetizeAll(aus)
	secondSlice := slices.IndexFunc(pkts, func(p *rtp.Packet) bool {
		return p.Payload[0]&0x1f == h264NALIDR && p.Payload[1]&0x80 == 0
	})
	if secondSlice < 0 || pkts[secondSlice].Timestamp != auTimestamp(0) {
		t.Fatal("no second IDR slice in the first access unit")
	}
	// The SDP has the parameter sets, so only the missing first slice
	// stands between this picture and a decoder.
	sprop := base64.StdEncoding.EncodeToString(aus[0][1]) + "," + base64.StdEncoding.EncodeToString(aus[0][2])
	got, _ := decodeAll(t, NewH264(sprop, 1), pkts[secondSlice:])
	checkAUs(t, got, aus, span(10, len(aus)))
}

func TestH264NoMarker(t *testing.T) {
	aus := h264AUs(t, clipSlices)
	q := &quirkPacketizer{mtu: 1200, stap: true, noMarker: true, seq: 65530}
	pkts := q.packetizeAll(aus)
	got, errs := decodeAll(t, NewH264("", 1), pkts)
	for i, err := range errs {
		if err != nil && !errors.Is(err, ErrMorePacketsNeeded) {
			t.Fatalf("packet %d: %v", i, err)
		}
	}
	// The last unit is never closed: no marker and no next timestamp.
	checkAUs(t, got, aus, span(0, len(aus)-1))
	for i, g := range got {
		if g.pktIndex != firstPacketOf(pkts, i+1) {
			t.Fatalf("access unit %d returned by packet %d, want the next unit's first packet", i, g.pktIndex)
		}
	}
}

// TestH264MissingMarkerThenMarker covers a packet that ends the previous
// unit by its new timestamp and its own unit by its marker: both units
// must come out, in order, the second on the next call.
func TestH264MissingMarkerThenMarker(t *testing.T) {
	aus := h264AUs(t, clip720p) // P pictures are single packets
	var pkts []*rtp.Packet
	q := &quirkPacketizer{mtu: 1200, stap: true}
	for i, au := range aus {
		q.noMarker = i%3 == 1
		pkts = append(pkts, q.packetize(au, auTimestamp(i))...)
	}
	got, _ := decodeAll(t, NewH264("", 1), pkts)
	// The last unit has no marker and nothing after it.
	checkAUs(t, got, aus, span(0, len(aus)-1))
}

func TestH264AnnexBInPayload(t *testing.T) {
	aus := h264AUs(t, clipSlices)
	t.Run("start code before each NAL", func(t *testing.T) {
		q := &quirkPacketizer{mtu: 1200, annexB: true, seq: 65535}
		got, _ := decodeAll(t, NewH264("", 0), q.packetizeAll(aus))
		checkAUs(t, got, aus, span(0, len(aus)))
	})
	t.Run("whole access unit in one payload", func(t *testing.T) {
		var pkts []*rtp.Packet
		for i, au := range aus {
			payload := joinAnnexB(au...)
			if i%2 == 1 {
				payload = payload[4:] // first NAL bare, the others after start codes
			}
			q := quirkPacketizer{seq: uint16(i)}
			pkts = append(pkts, q.packet(payload, auTimestamp(i), true))
		}
		got, _ := decodeAll(t, NewH264("", 0), pkts)
		checkAUs(t, got, aus, span(0, len(aus)))
	})
}

func TestH264Sprop(t *testing.T) {
	full := h264AUs(t, clip720p)
	sps, pps := full[0][0], full[0][1]
	if sps[0]&0x1f != h264NALSPS || pps[0]&0x1f != h264NALPPS {
		t.Fatal("clip does not begin with SPS, PPS")
	}
	b64 := base64.StdEncoding.EncodeToString
	withSC := func(n []byte) []byte { return append([]byte{0, 0, 0, 1}, n...) }
	tests := []struct {
		name  string
		sprop string
	}{
		{"plain", b64(sps) + "," + b64(pps)},
		{"start codes in each entry", b64(withSC(sps)) + "," + b64(withSC(pps))},
		{"both in one Annex-B entry", b64(append(withSC(sps), withSC(pps)...))},
		{"unpadded base64 and spaces", base64.RawStdEncoding.EncodeToString(sps) + " , " + base64.RawStdEncoding.EncodeToString(pps)},
		{"whole fmtp line", "packetization-mode=1;profile-level-id=64001f;sprop-parameter-sets=" + b64(sps) + "," + b64(pps) + ";"},
		{"garbage entry ignored", "%%%," + b64(sps) + "," + b64(pps)},
	}
	stripped := withoutTypes(full, h264NALSPS, h264NALPPS)
	// What a decoder must receive: SPS and PPS in front of every IDR.
	want := make([][][]byte, len(stripped))
	for i, au := range stripped {
		want[i] = au
		if hasNALType(au, h264NALIDR) {
			want[i] = append([][]byte{sps, pps}, au...)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := decodeAll(t, NewH264(tt.sprop, 1), gortsplibH264(t, stripped, 0, 1200))
			checkAUs(t, got, want, span(0, len(want)))
		})
	}
	t.Run("decodes", func(t *testing.T) {
		got, _ := decodeAll(t, NewH264(tests[1].sprop, 1), gortsplibH264(t, stripped, 0, 1200))
		var stream []byte
		for _, g := range got {
			stream = append(stream, g.data...)
		}
		if sums, src := frameMD5s(t, "h264", writeTemp(t, "sprop.h264", stream)), frameMD5s(t, "h264", "testdata/"+clip720p); !slices.Equal(sums, src) {
			t.Fatalf("decodes to %d frames, source %d", len(sums), len(src))
		}
	})
	t.Run("no parameter sets anywhere", func(t *testing.T) {
		got, errs := decodeAll(t, NewH264("", 1), gortsplibH264(t, stripped, 0, 1200))
		if len(got) != 0 {
			t.Fatalf("delivered %d access units a decoder cannot start on", len(got))
		}
		if !errors.Is(errs[len(errs)-1], ErrWaitKeyframe) {
			t.Fatalf("last error %v", errs[len(errs)-1])
		}
	})
	t.Run("in-band replaces sprop", func(t *testing.T) {
		// The SDP's SPS is stale (same id, other content); the stream's
		// own SPS arrives with the first IDR only and must be the one
		// prepended to the second.
		stale := append(slices.Clone(sps), 0x55)
		inband := slices.Clone(stripped)
		inband[0] = full[0]
		got, _ := decodeAll(t, NewH264(b64(stale)+","+b64(pps), 1), gortsplibH264(t, inband, 0, 1200))
		w := slices.Clone(want)
		w[0] = full[0]
		checkAUs(t, got, w, span(0, len(w)))
	})
}

func TestH264Quirks(t *testing.T) {
	aus := h264AUs(t, clipSlices)
	all := span(0, len(aus))
	none := []int{-1}
	fu := func(hdr byte, se byte, body []byte) []byte {
		return append([]byte{hdr&0xe0 | h264NALFUA, se | hdr&0x1f}, body...)
	}
	tests := []struct {
		name string
		// mangle returns the packets to feed given the clean ones
		// (quirkPacketizer, MTU 300, no STAP-A).
		mangle  func(pkts []*rtp.Packet) []*rtp.Packet
		want    []int
		wantErr error // some packet must return an error matching it
		damaged []int // source units delivered damaged
	}{
		{
			name: "FU-A with S and E set",
			mangle: func([]*rtp.Packet) []*rtp.Packet {
				return (&quirkPacketizer{mtu: 1200, fuSE: true}).packetizeAll(aus)
			},
			want: all,
		},
		{
			name: "STAP-A with zero-size units and a padding byte",
			mangle: func(pkts []*rtp.Packet) []*rtp.Packet {
				for _, p := range pkts {
					if t := p.Payload[0] & 0x1f; t == 9 {
						// AUD alone -> STAP-A{0, AUD, 0} plus a stray byte
						p.Payload = slices.Concat([]byte{h264NALSTAPA, 0, 0, 0, byte(len(p.Payload))}, p.Payload, []byte{0, 0, 0xff})
					}
				}
				return pkts
			},
			want: all,
		},
		{
			name: "empty payloads and empty fragments",
			mangle: func(pkts []*rtp.Packet) []*rtp.Packet {
				var out []*rtp.Packet
				for _, p := range pkts {
					out = append(out, &rtp.Packet{Header: p.Header}) // empty payload, same unit
					out[len(out)-1].Marker = false
					if p.Payload[0]&0x1f == h264NALFUA && p.Payload[1]&0x80 == 0 {
						out = append(out, &rtp.Packet{Header: p.Header, Payload: fu(p.Payload[0], 0, nil)})
						out[len(out)-1].Marker = false
					}
					out = append(out, p)
				}
				return renumber(out, 65500)
			},
			want: all,
		},
		{
			name: "FU-A end without start",
			mangle: func(pkts []*rtp.Packet) []*rtp.Packet {
				i := slices.IndexFunc(pkts, func(p *rtp.Packet) bool {
					return p.Timestamp == auTimestamp(3) && p.Payload[0]&0x1f == h264NALFUA && p.Payload[1]&0x80 != 0
				})
				return renumber(slices.Delete(pkts, i, i+1), 7)
			},
			// The other slices of picture 3 still decode.
			want:    all,
			wantErr: ErrMalformed,
			damaged: []int{3},
		},
		{
			name: "truncated STAP-A drops a SEI but keeps the unit",
			mangle: func(pkts []*rtp.Packet) []*rtp.Packet {
				for _, p := range pkts {
					if p.Payload[0]&0x1f == 9 { // AUD: append a SEI whose size overruns
						p.Payload = slices.Concat([]byte{h264NALSTAPA, 0, byte(len(p.Payload))}, p.Payload, []byte{0, 99, 6, 5, 1})
					}
				}
				return pkts
			},
			want:    all,
			wantErr: ErrMalformed,
		},
		{
			name: "truncated STAP-A slice damages the picture",
			mangle: func(pkts []*rtp.Packet) []*rtp.Packet {
				i := slices.IndexFunc(pkts, func(p *rtp.Packet) bool {
					return p.Timestamp == auTimestamp(4) && p.Payload[0]&0x1f == h264NALSlice
				})
				p := pkts[i] // a whole slice of picture 4
				p.Payload = slices.Concat([]byte{h264NALSTAPA, 0, byte(len(p.Payload) + 1)}, p.Payload)
				return pkts
			},
			want:    all,
			wantErr: ErrMalformed,
			damaged: []int{4},
		},
		{
			name: "reserved types are ignored",
			mangle: func(pkts []*rtp.Packet) []*rtp.Packet {
				var out []*rtp.Packet
				for _, p := range pkts {
					for _, hdr := range []byte{0x60 | 30, 31, 0x60} {
						out = append(out, &rtp.Packet{Header: p.Header, Payload: []byte{hdr, 1, 2, 3}})
						out[len(out)-1].Marker = false
					}
					out = append(out, p)
				}
				return renumber(out, 0)
			},
			want:    all,
			wantErr: ErrMalformed,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkts := tt.mangle((&quirkPacketizer{mtu: 300}).packetizeAll(aus))
			got, errs := decodeAll(t, NewH264("", 0), pkts)
			checkDamagedAUs(t, got, aus, tt.want, append(none, tt.damaged...))
			if tt.wantErr != nil && !slices.ContainsFunc(errs, func(e error) bool { return errors.Is(e, tt.wantErr) }) {
				t.Fatalf("no packet returned %v", tt.wantErr)
			}
		})
	}
}

func TestH264InterleavedRefused(t *testing.T) {
	d := NewH264("", 2)
	seq := uint16(0)
	for _, typ := range []byte{h264NALSTAPB, h264NALMTAP16, h264NALMTAP24, h264NALFUB} {
		for n := range 8 { // every length up to past the DON/offset fields
			payload := append([]byte{typ}, make([]byte, n)...)
			seq++
			_, err := d.Decode(&rtp.Packet{Header: rtp.Header{SequenceNumber: seq, Timestamp: uint32(seq)}, Payload: payload})
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("type %d: %v, want ErrUnsupported", typ, err)
			}
		}
	}
	if d.a.bufs[0] != nil && len(d.a.bufs[0]) != 0 {
		t.Fatal("refused packets were kept")
	}
}

func TestH264AccessUnitTooLarge(t *testing.T) {
	aus := h264AUs(t, clipSlices)
	q := &quirkPacketizer{mtu: 1200, seq: 40000}
	pkts := q.packetizeAll(aus[:10])
	// A giant IDR at timestamp 10: 65 000-byte FU-A bodies (RTP over TCP
	// allows large packets) past MaxAccessUnitSize.
	body := bytes.Repeat([]byte{0x5a}, 65000)
	n := MaxAccessUnitSize/len(body) + 10
	for i := range n {
		se := byte(0)
		if i == 0 {
			se = 0x80
		}
		if i == n-1 {
			se = 0x40
		}
		pkts = append(pkts, q.packet(slices.Concat([]byte{0x65&0xe0 | h264NALFUA, se | h264NALIDR}, body), auTimestamp(10), i == n-1))
	}
	// Then the rest of the clip, shifted one timestamp, from its next IDR.
	for i := 10; i < len(aus); i++ {
		pkts = append(pkts, q.packetize(aus[i], auTimestamp(i+1))...)
	}
	d := NewH264("", 1)
	got, errs := decodeAll(t, d, pkts)
	if !slices.ContainsFunc(errs, func(e error) bool { return errors.Is(e, ErrAccessUnitTooLarge) && errors.Is(e, ErrWaitKeyframe) }) {
		t.Fatal("no ErrAccessUnitTooLarge")
	}
	if len(got) != len(aus) {
		t.Fatalf("got %d access units, want %d", len(got), len(aus))
	}
	if last := got[len(got)-1]; !bytes.Equal(last.data, joinAnnexB(aus[len(aus)-1]...)) {
		t.Fatal("stream did not resume after the oversized unit")
	}
	for i, b := range d.a.bufs {
		if cap(b) > 2*MaxAccessUnitSize {
			t.Fatalf("buffer %d grew to %d bytes", i, cap(b))
		}
	}
}

func TestH264SequenceRestart(t *testing.T) {
	aus := h264AUs(t, clipSlices)
	a := gortsplibH264(t, aus[:12], 30000, 1200)
	b := gortsplibH264(t, aus[12:], 1000, 1200) // server restarted numbering backwards
	for _, p := range b {
		p.Timestamp += 12 * testTSDelta
	}
	t.Run("sequence jumps back", func(t *testing.T) {
		// The same source renumbered: a gap like any other, between
		// whole units, so nothing is damaged.
		got, _ := decodeAll(t, NewH264("", 1), slices.Concat(a, b))
		checkAUs(t, got, aus, span(0, len(aus)))
	})
	t.Run("new SSRC", func(t *testing.T) {
		for _, p := range b {
			p.SSRC++
		}
		// The numbering continues: only the SSRC says it is a new source.
		renumber(b, a[len(a)-1].SequenceNumber+1)
		got, _ := decodeAll(t, NewH264("", 1), slices.Concat(a, b))
		checkAUs(t, got, aus, append(span(0, 12), span(20, len(aus))...))
	})
}

func TestH264Reset(t *testing.T) {
	aus := h264AUs(t, clipSlices)
	pkts := gortsplibH264(t, aus, 500, 1200)
	d := NewH264("", 1)
	half := firstPacketOf(pkts, 5) + 2
	decodeAll(t, d, pkts[:half])
	d.Reset()
	// After Reset the next unit delivered is an IDR, even though the
	// packets continue in sequence.
	got, _ := decodeAll(t, d, pkts[half:])
	checkAUs(t, got, aus, span(10, len(aus)))
}

func TestH264Garbage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	d := NewH264("", 1)
	aus := h264AUs(t, clipSlices)
	valid := gortsplibH264(t, aus, 0, 500)
	for i := range 20000 {
		var p rtp.Packet
		switch i % 4 {
		case 0: // random payload
			p.Payload = make([]byte, rng.IntN(64))
			for j := range p.Payload {
				p.Payload[j] = byte(rng.Uint32())
			}
		case 1: // a real packet with some bytes flipped
			v := valid[rng.IntN(len(valid))]
			p.Payload = slices.Clone(v.Payload)
			p.Payload[rng.IntN(len(p.Payload))] ^= byte(rng.Uint32())
		case 2: // a real packet cut short
			v := valid[rng.IntN(len(valid))]
			p.Payload = v.Payload[:rng.IntN(len(v.Payload))]
		case 3: // a random whole RTP packet
			raw := make([]byte, rng.IntN(80))
			for j := range raw {
				raw[j] = byte(rng.Uint32())
			}
			if p.Unmarshal(raw) != nil {
				continue
			}
		}
		if i%4 != 3 {
			p.SequenceNumber = uint16(rng.IntN(4) + i)
			p.Timestamp = uint32(i / 8)
			p.Marker = rng.IntN(5) == 0
		}
		au, err := d.Decode(&p)
		if err == nil && len(au.Data) == 0 {
			t.Fatal("empty access unit without error")
		}
	}
	// The stream still works afterwards.
	got, _ := decodeAll(t, d, renumber(gortsplibH264(t, aus, 0, 1200), 60000))
	checkAUs(t, got, aus, span(0, len(aus)))
}

func TestH264NilPacket(t *testing.T) {
	if _, err := NewH264("", 1).Decode(nil); !errors.Is(err, ErrMalformed) {
		t.Fatalf("nil packet: %v", err)
	}
}

// BenchmarkDepacketizeH264 measures one Decode call per RTP packet (ns/op is
// per packet) over real 720p streams packetized at a 1200-byte MTU.
func BenchmarkDepacketizeH264(b *testing.B) {
	clips := []struct {
		name string
		nals func(b *testing.B) [][]byte
	}{
		{"testsrc720p", func(b *testing.B) [][]byte { return readNALs(b, clip720p) }},
		{"noisy720p-4Mbps", func(b *testing.B) [][]byte {
			// Camera-like picture sizes: tens of KiB per picture.
			return readNALsFile(b, encodeClip(b, "noisy.h264",
				"-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25", "-vf", "noise=alls=8:allf=t",
				"-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "4M", "-g", "25", "-bf", "0", "-f", "h264"))
		}},
	}
	for _, c := range clips {
		b.Run(c.name, func(b *testing.B) {
			aus := groupH264(c.nals(b))
			pkts := gortsplibH264(b, aus, 0, 1200)
			benchDecode(b, NewH264("", 1), pkts, len(aus))
			b.ReportMetric(float64(len(pkts))/float64(len(aus)), "packets/AU")
		})
	}
}

// benchDecode runs Decode once per op over pkts, a stream of units
// access units, looping with sequence numbers and timestamps moving on as
// a live stream's would. ns/op is per packet.
func benchDecode(b *testing.B, d Depacketizer, pkts []*rtp.Packet, units int) {
	ts := make([]uint32, len(pkts))
	payload := 0
	for i, p := range pkts {
		ts[i] = p.Timestamp
		payload += len(p.Payload)
	}
	seq, pass := uint16(0), 0
	decode := func(i int) {
		p := pkts[i]
		p.SequenceNumber, p.Timestamp = seq, ts[i]+uint32(pass*units*testTSDelta)
		seq++
		if _, err := d.Decode(p); err != nil && !errors.Is(err, ErrMorePacketsNeeded) {
			b.Fatal(err)
		}
	}
	// One pass grows the buffers: the steady state allocates nothing.
	for i := range pkts {
		decode(i)
	}
	b.SetBytes(int64(payload / len(pkts)))
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		i := n % len(pkts)
		if i == 0 {
			pass++
		}
		decode(i)
	}
}
