package depack

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pion/rtp"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite the seed files under testdata/fuzz from real media")

// Fuzz inputs are a sequence of records: a flags byte, a 2-byte big-endian
// length, that many bytes (fewer at the end of the input).
//
// flags bit 0 set: the bytes are a whole RTP packet for rtp.Packet.Unmarshal.
// Otherwise they are a payload and the header evolves from the flags:
// bits 1-2 add 0-3 to the sequence number after the usual +1 (a loss), bit
// 3 subtracts 2 instead (reordering), bit 4 moves to the next timestamp,
// bit 5 sets the marker, bit 6 changes the SSRC.
const (
	fuzzRaw      = 1 << 0
	fuzzBack     = 1 << 3
	fuzzNextTS   = 1 << 4
	fuzzMarker   = 1 << 5
	fuzzNewSSRC  = 1 << 6
	fuzzSkipMask = 3 << 1
)

// fuzzPackets calls fn with each packet described by data.
func fuzzPackets(data []byte, fn func(*rtp.Packet)) {
	var hdr rtp.Header
	hdr.Version = 2
	for len(data) >= 3 {
		flags, n := data[0], int(data[1])<<8|int(data[2])
		data = data[3:]
		n = min(n, len(data))
		body := data[:n]
		data = data[n:]

		var p rtp.Packet
		if flags&fuzzRaw != 0 {
			if p.Unmarshal(body) != nil {
				continue
			}
		} else {
			hdr.SequenceNumber += 1 + uint16(flags&fuzzSkipMask>>1)
			if flags&fuzzBack != 0 {
				hdr.SequenceNumber -= 3
			}
			if flags&fuzzNextTS != 0 {
				hdr.Timestamp += 3000
			}
			if flags&fuzzNewSSRC != 0 {
				hdr.SSRC++
			}
			hdr.Marker = flags&fuzzMarker != 0
			p = rtp.Packet{Header: hdr, Payload: body}
		}
		fn(&p)
	}
}

// fuzzEncode writes packets in the fuzz input format, as payload records
// or, with raw, as whole marshalled packets.
func fuzzEncode(pkts []*rtp.Packet, raw bool) []byte {
	var out []byte
	var prevTS uint32
	for i, p := range pkts {
		body := p.Payload
		flags := byte(0)
		if raw {
			flags = fuzzRaw
			body, _ = p.Marshal()
		} else {
			if i > 0 && p.Timestamp != prevTS {
				flags |= fuzzNextTS
			}
			if p.Marker {
				flags |= fuzzMarker
			}
		}
		prevTS = p.Timestamp
		out = append(out, flags, byte(len(body)>>8), byte(len(body)))
		out = append(out, body...)
	}
	return out
}

// checkAccessUnit fails on an access unit that breaks the API contract.
func checkAccessUnit(t *testing.T, au AccessUnit, err error, annexB bool) {
	t.Helper()
	if err != nil {
		if au.Data != nil {
			t.Fatalf("data returned with error %v", err)
		}
		return
	}
	if len(au.Data) == 0 || len(au.Data) > MaxAccessUnitSize+maxParamSets*(maxParamSetSize+4) {
		t.Fatalf("access unit of %d bytes", len(au.Data))
	}
	if annexB && !bytes.HasPrefix(au.Data, startCode[:]) {
		t.Fatalf("access unit does not begin with a start code: %x", au.Data[:min(8, len(au.Data))])
	}
}

// checkBounded fails when the assembler holds more memory than its limits allow.
func checkBounded(t *testing.T, a *nalAssembler) {
	t.Helper()
	for i, b := range a.bufs {
		if cap(b) > 2*MaxAccessUnitSize {
			t.Fatalf("buffer %d grew to %d bytes", i, cap(b))
		}
	}
	if len(a.ps.sets) > maxParamSets {
		t.Fatalf("%d parameter sets remembered", len(a.ps.sets))
	}
	for _, s := range a.ps.sets {
		if len(s.data) > maxParamSetSize {
			t.Fatalf("parameter set of %d bytes", len(s.data))
		}
	}
}

// shortNALs cuts every NAL unit to at most n bytes: seeds keep the real
// structure (types, headers, boundaries) without the bulk of the pictures.
func shortNALs(aus [][][]byte, n int) [][][]byte {
	out := make([][][]byte, len(aus))
	for i, au := range aus {
		for _, nal := range au {
			out[i] = append(out[i], nal[:min(n, len(nal))])
		}
	}
	return out
}

// h264FuzzSeeds are inputs built from the real clip and the quirks.
func h264FuzzSeeds(t testing.TB) map[string][]byte {
	aus := shortNALs(h264AUs(t, clipSlices)[:3], 150)
	seeds := map[string][]byte{
		"gortsplib-mtu60":   fuzzEncode(gortsplibH264(t, aus, 65530, 60), false),
		"gortsplib-raw":     fuzzEncode(gortsplibH264(t, aus[:2], 7, 1200), true),
		"annexb-payloads":   fuzzEncode((&quirkPacketizer{mtu: 1200, annexB: true}).packetizeAll(aus), false),
		"fu-se-no-marker":   fuzzEncode((&quirkPacketizer{mtu: 1200, fuSE: true, noMarker: true}).packetizeAll(aus), false),
		"stap-a-truncated":  {0, 0, 8, h264NALSTAPA, 0, 2, 9, 0xf0, 0, 200, 0x65},
		"fu-a-end-no-start": {fuzzNextTS, 0, 4, h264NALFUA, 0x45, 1, 2, fuzzMarker, 0, 4, h264NALFUA, 0x05, 3, 4},
		"interleaved":       {0, 0, 4, h264NALSTAPB, 0, 1, 2, 0, 0, 4, h264NALMTAP24, 0, 0, 0, 0, 0, 4, h264NALFUB, 0x85, 0, 0},
	}
	return seeds
}

func FuzzDepacketizeH264(f *testing.F) {
	for _, s := range h264FuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The first record, if it is not a packet, doubles as the SDP.
		sprop := ""
		if len(data) > 3 && data[0] == 0xff {
			sprop = string(data[3:min(len(data), 3+int(data[2]))])
		}
		d := NewH264(sprop, 1)
		fuzzPackets(data, func(p *rtp.Packet) {
			au, err := d.Decode(p)
			checkAccessUnit(t, au, err, true)
			checkBounded(t, &d.a)
		})
	})
}

// h265FuzzSeeds are inputs built from the real clip and the quirks.
func h265FuzzSeeds(t testing.TB) map[string][]byte {
	aus := shortNALs(h265AUs(t)[:3], 150)
	return map[string][]byte{
		"gortsplib-mtu60": fuzzEncode(gortsplibH265(t, aus, 65530, 60), false),
		"gortsplib-raw":   fuzzEncode(gortsplibH265(t, aus[:2], 7, 1200), true),
		"ap-truncated":    {0, 0, 9, h265NALAP << 1, 1, 0, 3, 0x40, 1, 0xc, 0, 200},
		"fu-end-no-start": {fuzzNextTS, 0, 5, h265NALFU << 1, 1, 0x41, 1, 2, fuzzMarker, 0, 4, h265NALFU << 1, 1, 0x01, 3},
		"paci":            {0, 0, 4, h265NALPACI << 1, 1, 0, 0},
	}
}

func FuzzDepacketizeH265(f *testing.F) {
	for _, s := range h265FuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewH265("", "", "")
		fuzzPackets(data, func(p *rtp.Packet) {
			au, err := d.Decode(p)
			checkAccessUnit(t, au, err, true)
			checkBounded(t, &d.a)
		})
	})
}

// jpegFuzzSeeds are inputs built from the real clips and the quirks.
func jpegFuzzSeeds(t testing.TB) map[string][]byte {
	// Real headers, scans cut short to keep the seeds small.
	var frames [][]byte
	for _, f := range readJPEGs(t, clipJPEGRestart)[:2] {
		sos := bytes.Index(f, []byte{0xff, 0xda})
		frames = append(frames, slices.Concat(f[:sos+14+300], []byte{0xff, 0xd9}))
	}
	parts := parseJPEG(t, frames[0])
	jp := &jpegPacketizer{mtu: 200, q: 200, tables: parts.tables}
	cached := jp.packetize(parts, 0)
	jp.tables = nil
	cached = append(cached, jp.packetize(parseJPEG(t, frames[1]), 3000)...)
	q50 := parseJPEG(t, readJPEGs(t, "jpeg_ijg_q50.jpg")[0])
	q50.scan = q50.scan[:300]
	return map[string][]byte{
		"gortsplib-mtu100": fuzzEncode(gortsplibJPEG(t, frames, 65530, 100), false),
		"gortsplib-raw":    fuzzEncode(gortsplibJPEG(t, frames[:1], 7, 1200), true),
		"q200-cached":      fuzzEncode(cached, false),
		"q50":              fuzzEncode((&jpegPacketizer{mtu: 100, q: 50}).packetize(q50, 0), false),
		"16-bit-tables":    {fuzzMarker, 0, 16, 0, 0, 0, 0, 1, 255, 2, 2, 0, 3, 0, 2, 0, 1, 0xff, 0xd9},
	}
}

func FuzzDepacketizeJPEG(f *testing.F) {
	for _, s := range jpegFuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewJPEG()
		fuzzPackets(data, func(p *rtp.Packet) {
			au, err := d.Decode(p)
			checkAccessUnit(t, au, err, false)
			if err == nil && (!bytes.HasPrefix(au.Data, []byte{0xff, 0xd8}) || !bytes.HasSuffix(au.Data, []byte{0xff, 0xd9})) {
				t.Fatalf("image without SOI/EOI: %x", au.Data[:min(8, len(au.Data))])
			}
			for i, b := range d.bufs {
				if cap(b) > 2*MaxAccessUnitSize {
					t.Fatalf("buffer %d grew to %d bytes", i, cap(b))
				}
			}
		})
	})
}

// TestWriteFuzzCorpus writes the seeds as files under testdata/fuzz when
// run with -update-corpus, so the corpus is checked in and 'go test' runs
// it even where the seeds' source media changed.
func TestWriteFuzzCorpus(t *testing.T) {
	if !*updateCorpus {
		t.Skip("run with -update-corpus to rewrite testdata/fuzz seeds")
	}
	write := func(fuzzer string, seeds map[string][]byte) {
		dir := filepath.Join("testdata", "fuzz", fuzzer)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range seeds {
			content := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
			if err := os.WriteFile(filepath.Join(dir, "seed-"+name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	write("FuzzDepacketizeH264", h264FuzzSeeds(t))
	write("FuzzDepacketizeH265", h265FuzzSeeds(t))
	write("FuzzDepacketizeJPEG", jpegFuzzSeeds(t))
}
