package demo

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/rtspview/rtspview/assets"
	"github.com/rtspview/rtspview/internal/peer"
)

// encodeClip makes an Annex-B H.264 clip with the ffmpeg command; extra are
// libx264 options for -x264-params.
func encodeClip(t *testing.T, frames int, x264Params string) []byte {
	t.Helper()
	ffmpeg := peer.Command(t, "ffmpeg")
	out := filepath.Join(t.TempDir(), "clip.h264")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, ffmpeg, "-v", "error", "-y",
		"-f", "lavfi", "-i", "testsrc=size=320x240:rate=25",
		"-frames:v", strconv.Itoa(frames),
		"-c:v", "libx264", "-pix_fmt", "yuv420p", "-bf", "0", "-g", "10",
		"-x264-params", x264Params, "-f", "h264", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v: %s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func nalTypes(au [][]byte) []int {
	var types []int
	for _, n := range au {
		types = append(types, int(n[0]&0x1f))
	}
	return types
}

func TestSplitAccessUnitsRealClips(t *testing.T) {
	for _, tc := range []struct {
		name   string
		clip   func(t *testing.T) []byte
		frames int
		slices int // VCL NAL units per access unit
	}{
		{"built-in demo clip", func(*testing.T) []byte { return assets.DemoH264 }, 100, 1},
		// Several slices per picture: only the one with first_mb_in_slice
		// 0 may start an access unit.
		{"4 slices per picture", func(t *testing.T) []byte { return encodeClip(t, 30, "slices=4:repeat-headers=1") }, 30, 4},
		// AUDs before every picture: they start the unit and are dropped.
		{"access unit delimiters", func(t *testing.T) []byte { return encodeClip(t, 30, "aud=1:repeat-headers=1") }, 30, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			aus := SplitAccessUnits(tc.clip(t))
			if len(aus) != tc.frames {
				t.Fatalf("%d access units, want %d", len(aus), tc.frames)
			}
			for i, au := range aus {
				vcl := 0
				for _, typ := range nalTypes(au) {
					if typ == naluAUD {
						t.Fatalf("access unit %d kept an AUD", i)
					}
					if typ == naluSlice || typ == naluSliceIDR {
						vcl++
					}
				}
				if vcl != tc.slices {
					t.Fatalf("access unit %d has %d slices (%v), want %d", i, vcl, nalTypes(au), tc.slices)
				}
			}
			if !hasIDR(aus[0]) {
				t.Fatalf("first access unit %v has no IDR", nalTypes(aus[0]))
			}
		})
	}
}

func TestDemoClipLayout(t *testing.T) {
	aus, sps, pps, err := parseClip(assets.DemoH264)
	if err != nil {
		t.Fatal(err)
	}
	if sps[0]&0x1f != naluSPS || pps[0]&0x1f != naluPPS {
		t.Fatalf("parameter sets have types %d, %d", sps[0]&0x1f, pps[0]&0x1f)
	}
	// A keyframe every second, each with SPS and PPS in band before it, so
	// a viewer can start at any of them.
	for i, au := range aus {
		types := nalTypes(au)
		idr := hasIDR(au)
		if idr != (i%25 == 0) {
			t.Fatalf("access unit %d: IDR %v, want one every 25 (types %v)", i, idr, types)
		}
		if idr && (types[0] != naluSPS || types[1] != naluPPS) {
			t.Fatalf("IDR access unit %d starts with %v, want SPS, PPS", i, types)
		}
	}
}

func TestSplitAccessUnitsEdges(t *testing.T) {
	sc3 := []byte{0, 0, 1}
	sc4 := []byte{0, 0, 0, 1}
	sps := []byte{0x67, 0x42, 0xc0, 0x1e}
	pps := []byte{0x68, 0xce, 0x3c, 0x80}
	idr := []byte{0x65, 0x88, 0x84}  // first_mb_in_slice 0
	idr2 := []byte{0x65, 0x40, 0x84} // first_mb_in_slice != 0: same picture
	p := []byte{0x41, 0x9a, 0x02}    // first_mb_in_slice 0
	sei := []byte{0x06, 0x05, 0x01, 0x80}
	eos := []byte{0x0b}
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

	for _, tc := range []struct {
		name string
		in   []byte
		want [][]int
	}{
		{"empty", nil, nil},
		{"start code only", sc3, nil},
		{"no start code", []byte{0x65, 0x88}, nil},
		{"parameter sets only", cat(sc4, sps, sc4, pps), nil},
		{"garbage before first start code", cat([]byte{9, 9, 9}, sc3, idr), [][]int{{5}}},
		{"4-byte start codes and trailing zeros", cat(sc4, sps, []byte{0, 0}, sc4, pps, sc4, idr, sc4, p, []byte{0}), [][]int{{7, 8, 5}, {1}}},
		{"second slice stays in the picture", cat(sc3, idr, sc3, idr2, sc3, p), [][]int{{5, 5}, {1}}},
		{"SEI starts the next unit", cat(sc3, idr, sc3, sei, sc3, p), [][]int{{5}, {6, 1}}},
		{"end of stream dropped", cat(sc3, idr, sc3, eos, sc3, p), [][]int{{5}, {1}}},
		{"trailing parameter sets dropped", cat(sc3, idr, sc3, sps), [][]int{{5}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			aus := SplitAccessUnits(tc.in)
			var got [][]int
			for _, au := range aus {
				got = append(got, nalTypes(au))
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if !slices.Equal(got[i], tc.want[i]) {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}

func TestParseClipRejects(t *testing.T) {
	aus := SplitAccessUnits(assets.DemoH264)
	annexB := func(aus [][][]byte) []byte {
		var b []byte
		for _, au := range aus {
			for _, n := range au {
				b = append(append(b, 0, 0, 0, 1), n...)
			}
		}
		return b
	}
	var noParams [][][]byte
	for _, au := range aus {
		var keep [][]byte
		for _, n := range au {
			if typ := n[0] & 0x1f; typ != naluSPS && typ != naluPPS {
				keep = append(keep, n)
			}
		}
		noParams = append(noParams, keep)
	}
	for _, tc := range []struct {
		name string
		clip []byte
	}{
		{"not H.264", []byte("not h264 at all")},
		{"no SPS/PPS", annexB(noParams)},
		{"starts with a P picture", annexB(aus[1:])},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, _, err := parseClip(tc.clip); !errors.Is(err, ErrBadClip) {
				t.Fatalf("err = %v, want ErrBadClip", err)
			}
			if _, err := Start(Config{Clip: tc.clip}); !errors.Is(err, ErrBadClip) {
				t.Fatalf("Start: err = %v, want ErrBadClip", err)
			}
		})
	}
	// The round trip through Annex-B keeps a valid clip valid.
	if _, _, _, err := parseClip(annexB(aus)); err != nil {
		t.Fatal(err)
	}
}

// FuzzSplitAccessUnits feeds arbitrary bytes to the Annex-B splitter (a
// Config.Clip may come from anywhere): it must not panic, every unit must
// hold a picture, and no NAL unit may be empty or contain a start code.
func FuzzSplitAccessUnits(f *testing.F) {
	f.Add(assets.DemoH264[:min(len(assets.DemoH264), 4096)])
	f.Add([]byte{0, 0, 1, 0x65, 0x88, 0, 0, 1, 0x41, 0x9a})
	f.Add([]byte{0, 0, 0, 1, 0x09, 0xf0, 0, 0, 1, 0x67, 0, 0, 1, 0x68, 0, 0, 1, 0x65, 0x00})
	f.Add([]byte{0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		total := 0
		for _, au := range SplitAccessUnits(b) {
			vcl := false
			for _, n := range au {
				if len(n) == 0 {
					t.Fatal("empty NAL unit")
				}
				if bytes.Contains(n, startCode) {
					t.Fatalf("NAL unit contains a start code: %x", n)
				}
				if typ := n[0] & 0x1f; typ >= 1 && typ <= 5 {
					vcl = true
				}
				total += len(n)
			}
			if !vcl {
				t.Fatal("access unit without a picture")
			}
		}
		if total > len(b) {
			t.Fatalf("%d NAL bytes from %d input bytes", total, len(b))
		}
		_, _, _, _ = parseClip(b)
	})
}
