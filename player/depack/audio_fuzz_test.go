package depack

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/pion/rtp"
)

// checkAudioFrames fails on output that breaks the AudioDepacketizer
// contract or the size bounds.
func checkAudioFrames(t *testing.T, fs []AudioFrame, err error, out *audioOut) {
	t.Helper()
	if err != nil && len(fs) != 0 {
		t.Fatalf("%d frames returned with error %v", len(fs), err)
	}
	if err == nil && len(fs) == 0 {
		t.Fatal("no frames and no error")
	}
	if len(fs) > maxFramesPerPacket {
		t.Fatalf("%d frames from one packet", len(fs))
	}
	for _, f := range fs {
		if len(f.Data) == 0 || len(f.Data) > MaxAudioFrameSize {
			t.Fatalf("frame of %d bytes", len(f.Data))
		}
	}
	if cap(out.buf) > 8*MaxAudioFrameSize+maxFramesPerPacket*MaxAudioFrameSize {
		t.Fatalf("output buffer grew to %d bytes", cap(out.buf))
	}
}

// aacFuzzConfigs are the AU header layouts FuzzDepacketizeAAC picks from
// with the input's first byte.
var aacFuzzConfigs = []AUHeaderConfig{
	hbr,
	{SizeLength: 6, IndexLength: 2, IndexDeltaLength: 2},
	{SizeLength: 13, IndexLength: 3, IndexDeltaLength: 3, CTSDeltaLength: 4, DTSDeltaLength: 4,
		RandomAccessIndication: true, StreamStateIndication: 2, AuxiliaryDataSizeLength: 8},
	{SizeLength: 32},
}

func aacFuzzSeeds(t testing.TB) map[string][]byte {
	frames, _ := adtsFrames(t, clipAAC)
	frames = frames[:4]
	for i := range frames {
		frames[i] = frames[i][:min(len(frames[i]), 120)]
	}
	return map[string][]byte{
		"gortsplib-aggregated": append([]byte{0}, fuzzEncode(gortsplibAAC(t, frames, 0, 1450, 0), false)...),
		"gortsplib-fragments":  append([]byte{0}, fuzzEncode(gortsplibAAC(t, frames, 0, 50, 0), false)...),
		"rfc-fragments":        append([]byte{0}, fuzzEncode(rfcAAC(frames, 50), false)...),
		"raw":                  append([]byte{0}, fuzzEncode(rfcAAC(frames[:1], 1000), true)...),
		"lbr":                  {1, fuzzMarker, 0, 5, 0, 16, 0x14, 0x0c, 0xaa},
		"all-fields":           {2, fuzzMarker, 0, 9, 0, 30, 0, 0x28, 0x8b, 0x40, 16, 0xee, 0xee},
	}
}

func FuzzDepacketizeAAC(f *testing.F) {
	for _, s := range aacFuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		d, err := NewAAC(aacFuzzConfigs[int(data[0])%len(aacFuzzConfigs)])
		if err != nil {
			t.Fatal(err)
		}
		fuzzPackets(data[1:], func(p *rtp.Packet) {
			fs, err := d.Decode(p)
			checkAudioFrames(t, fs, err, &d.out)
			if cap(d.frag) > 4*MaxAudioFrameSize {
				t.Fatalf("fragment buffer grew to %d bytes", cap(d.frag))
			}
		})
	})
}

func latmFuzzSeeds(t testing.TB) map[string][]byte {
	frames, _ := adtsFrames(t, clipAAC)
	frames = frames[:3]
	elems := latmElements(frames)
	return map[string][]byte{
		"gst-config-fragments": append([]byte{0}, fuzzEncode(gortsplibLATM(t, elems, 100, false), false)...),
		"no-marker":            append([]byte{0}, fuzzEncode(gortsplibLATM(t, elems, 100, true), false)...),
		"three-subframes":      {1, fuzzMarker, 0, 7, 1, 0xaa, 2, 0xbb, 0xbb, 0, 255},
		"long-length":          {0, fuzzMarker, 0, 4, 255, 255, 3, 1},
	}
}

func FuzzDepacketizeLATM(f *testing.F) {
	for _, s := range latmFuzzSeeds(f) {
		f.Add(s)
	}
	configs := [][]byte{gstLATMConfig, {0x42, 0x00, 0x23, 0x20}}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		d, err := NewLATM(false, configs[int(data[0])%len(configs)], 0)
		if err != nil {
			t.Fatal(err)
		}
		fuzzPackets(data[1:], func(p *rtp.Packet) {
			fs, err := d.Decode(p)
			checkAudioFrames(t, fs, err, &d.out)
			if cap(d.elem) > 4*MaxAudioFrameSize {
				t.Fatalf("element buffer grew to %d bytes", cap(d.elem))
			}
		})
	})
}

func FuzzParseStreamMuxConfig(f *testing.F) {
	f.Add(gstLATMConfig)
	f.Add([]byte{0x40, 0x00, 0x26, 0x10, 0x3f, 0xc0})
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseStreamMuxConfig(b)
		if err == nil && (len(c.AudioSpecificConfig) < 2 || len(c.AudioSpecificConfig) > len(b) || c.SubFrames < 1 || c.SubFrames > 64) {
			t.Fatalf("accepted %+v from %x", c, b)
		}
	})
}

func pcmFuzzSeeds() map[string][]byte {
	return map[string][]byte{
		"g711":     {1, 0, 4, 1, 2, 3, 4, fuzzNextTS, 0, 4, 5, 6, 7, 8},
		"l16-odd":  {4, 0, 3, 1, 2, 3, 2, 0, 4, 1, 2, 3, 4},
		"opus-dtx": {0, 0, 1, 0xf8, fuzzNextTS, 0, 0, 8, 0, 2, 0xfc, 0xff},
	}
}

func FuzzDepacketizePCMOpus(f *testing.F) {
	for _, s := range pcmFuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		// The first byte picks the sample size; 0 is Opus.
		var d AudioDepacketizer
		var out *audioOut
		if n := int(data[0] % 9); n == 0 {
			o := NewOpus()
			d, out = o, &o.w.out
		} else {
			p, err := NewPCM(n)
			if err != nil {
				t.Fatal(err)
			}
			d, out = p, &p.w.out
		}
		fuzzPackets(data[1:], func(p *rtp.Packet) {
			fs, err := d.Decode(p)
			checkAudioFrames(t, fs, err, out)
		})
	})
}

// TestWriteAudioFuzzCorpus writes the audio seeds under testdata/fuzz
// when run with -update-corpus, as TestWriteFuzzCorpus does for video.
func TestWriteAudioFuzzCorpus(t *testing.T) {
	if !*updateCorpus {
		t.Skip("run with -update-corpus to rewrite testdata/fuzz seeds")
	}
	for fuzzer, seeds := range map[string]map[string][]byte{
		"FuzzDepacketizeAAC":     aacFuzzSeeds(t),
		"FuzzDepacketizeLATM":    latmFuzzSeeds(t),
		"FuzzDepacketizePCMOpus": pcmFuzzSeeds(),
		"FuzzParseStreamMuxConfig": {
			"gst":         gstLATMConfig,
			"rfc-example": {0x40, 0x00, 0x26, 0x10, 0x3f, 0xc0},
		},
	} {
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
}
