package decode

import (
	"bytes"
	"errors"
	"image"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/asticode/go-astiav"

	"github.com/rtspview/rtspview/internal/peer"
)

func TestCodecString(t *testing.T) {
	for _, tc := range []struct {
		c    Codec
		want string
	}{
		{CodecH264, "H264"},
		{CodecH265, "H265"},
		{CodecMJPEG, "MJPEG"},
		{Codec(0), "Codec(0)"},
		{Codec(9), "Codec(9)"},
	} {
		if got := tc.c.String(); got != tc.want {
			t.Errorf("Codec(%d).String() = %q, want %q", int(tc.c), got, tc.want)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		is   error
	}{
		{"zero codec", Config{}, ErrUnknownCodec},
		{"codec out of range", Config{Codec: 42}, ErrUnknownCodec},
		{"negative threads", Config{Codec: CodecH264, Threads: -1}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := New(tc.cfg)
			if err == nil {
				d.Close()
				t.Fatal("New succeeded")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Fatalf("New: %v, want %v", err, tc.is)
			}
		})
	}
}

// TestSplitAnnexB checks the test's own access-unit splitter against
// FFmpeg's parser, as ffprobe reports it, so the decoding tests below feed
// what a depacketizer would.
func TestSplitAnnexB(t *testing.T) {
	needFFmpeg(t)
	ffprobe := peer.Command(t, "ffprobe")
	for _, c := range []clip{
		{codec: CodecH264, src: "testsrc=size=320x240:rate=25", secs: "2", pixFmt: "yuv420p"},
		{codec: CodecH265, src: "testsrc=size=320x240:rate=25", secs: "2", pixFmt: "yuv420p"},
		// Several slices per picture: only the first one opens an AU.
		{codec: CodecH264, src: "testsrc=size=320x240:rate=25", secs: "1", pixFmt: "yuv420p",
			extra: []string{"-slices", "4"}},
	} {
		t.Run(c.codec.String()+strings.Join(c.extra, ""), func(t *testing.T) {
			aus, path := c.make(t, t.TempDir())
			out, err := exec.Command(ffprobe, "-v", "error", "-show_packets",
				"-show_entries", "packet=size", "-of", "csv=p=0", path).Output()
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Fields(string(out))
			if len(aus) != len(want) {
				t.Fatalf("got %d access units, ffprobe sees %d", len(aus), len(want))
			}
			// FFmpeg's HEVC parser cuts at the 3-byte start code and so counts
			// the zero_byte of a 4-byte one (H.265 B.2) with the previous AU;
			// the splitter keeps it with the AU it introduces. Sizes may
			// differ by that one byte.
			for i, w := range want {
				n, _ := strconv.Atoi(w)
				if d := n - len(aus[i]); d < -1 || d > 1 || d != 0 && c.codec != CodecH265 {
					t.Errorf("AU %d: %d bytes, ffprobe says %d", i, len(aus[i]), n)
				}
			}
		})
	}
}

// testsrcBars are the colours of the eight bars across the top of
// ffmpeg's testsrc picture, left to right, as on/off per R, G, B.
var testsrcBars = [8][3]bool{
	{false, false, false}, // black
	{true, false, false},  // red
	{true, false, true},   // magenta
	{false, false, true},  // blue
	{true, true, false},   // yellow
	{false, true, false},  // green
	{false, true, true},   // cyan
	{true, true, true},    // white
}

// checkSane fails t when img does not look like a decoded testsrc picture:
// packed, opaque, with many distinct colours, and with testsrc's colour
// bars where they belong along the top edge.
func checkSane(t *testing.T, img *image.RGBA) {
	t.Helper()
	w, h := img.Rect.Dx(), img.Rect.Dy()
	if img.Stride != 4*w || len(img.Pix) != 4*w*h {
		t.Fatalf("stride %d, %d bytes for %dx%d", img.Stride, len(img.Pix), w, h)
	}
	colours := map[[3]byte]bool{}
	for i := 0; i < len(img.Pix); i += 4 {
		if img.Pix[i+3] != 0xff {
			t.Fatalf("alpha %d at byte %d", img.Pix[i+3], i)
		}
		colours[[3]byte(img.Pix[i:i+3])] = true
	}
	if len(colours) < 50 {
		t.Errorf("only %d distinct colours", len(colours))
	}
	y := h / 40
	for i, want := range testsrcBars {
		x := (2*i + 1) * w / 16
		p := img.Pix[y*img.Stride+4*x:][:3]
		for c, on := range want {
			if on && p[c] < 160 || !on && p[c] > 96 {
				t.Errorf("%dx%d: bar %d at (%d,%d) is %v, want on/off %v", w, h, i, x, y, p, want)
				break
			}
		}
	}
}

// decodeAll decodes aus with a fresh decoder and returns every picture it
// gives, by the index of the access unit that produced it. dst is passed
// back in so the steady state reuses one image; each result is cloned.
func decodeAll(t *testing.T, cfg Config, aus [][]byte, w, h int) map[int]*image.RGBA {
	t.Helper()
	d, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	d.SetOutputSize(w, h)
	out := map[int]*image.RGBA{}
	var dst *image.RGBA
	for i, au := range aus {
		img, err := d.Decode(au, dst)
		if err != nil {
			t.Fatalf("AU %d: %v", i, err)
		}
		if img == nil {
			continue
		}
		if dst != nil && img.Rect == dst.Rect && img != dst {
			t.Errorf("AU %d: same-size image not reused", i)
		}
		dst = img
		c := *img
		c.Pix = bytes.Clone(img.Pix)
		out[i] = &c
	}
	return out
}

func TestDecodeClips(t *testing.T) {
	for _, tc := range []struct {
		clip   clip
		w, h   int
		frames int
	}{
		{clip{codec: CodecH264, src: "testsrc=size=1280x720:rate=25", secs: "2", pixFmt: "yuv420p"}, 1280, 720, 50},
		{clip{codec: CodecH265, src: "testsrc=size=640x480:rate=25", secs: "1", pixFmt: "yuv420p"}, 640, 480, 25},
		{clip{codec: CodecMJPEG, src: "testsrc=size=640x480:rate=25", secs: "1", pixFmt: "yuvj420p"}, 640, 480, 25},
	} {
		t.Run(tc.clip.codec.String(), func(t *testing.T) {
			aus, path := tc.clip.make(t, t.TempDir())
			if len(aus) != tc.frames {
				t.Fatalf("%d access units, want %d", len(aus), tc.frames)
			}
			check := []int{0, 1, tc.frames/2 - 1, tc.frames / 2, tc.frames - 1}
			// 333 pixels make rows of 1332 bytes, which libswscale pads
			// (linesize 1344 or more): the copy must undo that.
			for _, size := range []struct{ w, h int }{{0, 0}, {tc.w / 4, tc.h / 4}, {333, 0}} {
				wantW, wantH := size.w, size.h
				switch {
				case wantW == 0 && wantH == 0:
					wantW, wantH = tc.w, tc.h
				case wantH == 0:
					wantH = (tc.h*wantW + tc.w/2) / tc.w
				}
				t.Run(strconv.Itoa(wantW)+"x"+strconv.Itoa(wantH), func(t *testing.T) {
					got := decodeAll(t, Config{Codec: tc.clip.codec, Threads: 1}, aus, size.w, size.h)
					if len(got) != tc.frames {
						t.Fatalf("%d pictures, want %d", len(got), tc.frames)
					}
					ref := referenceRGBA(t, path, check, wantW, wantH)
					for _, n := range check {
						img := got[n]
						if img == nil {
							t.Fatalf("no picture from AU %d", n)
						}
						if img.Rect != image.Rect(0, 0, wantW, wantH) {
							t.Fatalf("picture %d is %v, want %dx%d", n, img.Rect, wantW, wantH)
						}
						checkSane(t, img)
						if d := meanAbsDiff(img.Pix, ref[n]); d > 1 {
							t.Errorf("picture %d differs from ffmpeg's by %.2f per byte", n, d)
						}
					}
				})
			}
		})
	}
}

// TestDecodePixelFormats covers the layouts decoders hand the scaler, and
// full-range streams as IP cameras often send them.
func TestDecodePixelFormats(t *testing.T) {
	const src = "testsrc=size=320x240:rate=25"
	fullRange := []string{"-vf", "scale=out_range=full", "-color_range", "pc"}
	for _, tc := range []struct {
		name string
		clip clip
	}{
		{"H264 yuv422p", clip{codec: CodecH264, src: src, secs: "0.4", pixFmt: "yuv422p"}},
		{"H264 yuv444p", clip{codec: CodecH264, src: src, secs: "0.4", pixFmt: "yuv444p"}},
		{"H264 yuv420p full range", clip{codec: CodecH264, src: src, secs: "0.4", pixFmt: "yuv420p", extra: fullRange}},
		{"H265 yuv422p", clip{codec: CodecH265, src: src, secs: "0.4", pixFmt: "yuv422p"}},
		{"H265 yuv444p full range", clip{codec: CodecH265, src: src, secs: "0.4", pixFmt: "yuv444p", extra: fullRange}},
		{"H265 yuv420p full range", clip{codec: CodecH265, src: src, secs: "0.4", pixFmt: "yuv420p", extra: fullRange}},
		{"MJPEG yuvj422p", clip{codec: CodecMJPEG, src: src, secs: "0.4", pixFmt: "yuvj422p"}},
		{"MJPEG yuvj444p", clip{codec: CodecMJPEG, src: src, secs: "0.4", pixFmt: "yuvj444p"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			aus, path := tc.clip.make(t, t.TempDir())
			got := decodeAll(t, Config{Codec: tc.clip.codec, Threads: 1}, aus, 0, 0)
			if len(got) != len(aus) || len(aus) != 10 {
				t.Fatalf("%d pictures from %d access units, want 10", len(got), len(aus))
			}
			ref := referenceRGBA(t, path, []int{0, 9}, 320, 240)
			for _, n := range []int{0, 9} {
				checkSane(t, got[n])
				if d := meanAbsDiff(got[n].Pix, ref[n]); d > 1 {
					t.Errorf("picture %d differs from ffmpeg's by %.2f per byte", n, d)
				}
			}
		})
	}
}

// TestDecodeFullRangeGrey pins the range handling to numbers: a flat
// full-range grey of 64 must come out as 64, where reading it as limited
// range would give 56.
func TestDecodeFullRangeGrey(t *testing.T) {
	for _, c := range []clip{
		{codec: CodecH264, pixFmt: "yuv420p"},
		{codec: CodecH265, pixFmt: "yuv422p"},
		{codec: CodecH265, pixFmt: "yuv444p"},
		{codec: CodecMJPEG, pixFmt: "yuvj420p"},
	} {
		c.src, c.secs = "color=c=0x404040:size=64x64:rate=25", "0.2"
		// scale=out_range=full makes the samples full range; -color_range
		// only labels them.
		c.extra = []string{"-vf", "scale=out_range=full", "-color_range", "pc"}
		t.Run(c.codec.String()+" "+c.pixFmt, func(t *testing.T) {
			aus, _ := c.make(t, t.TempDir())
			got := decodeAll(t, Config{Codec: c.codec, Threads: 1}, aus, 0, 0)
			img := got[0]
			if img == nil {
				t.Fatal("no picture")
			}
			for i := 0; i < len(img.Pix); i += 4 {
				for _, v := range img.Pix[i : i+3] {
					if v < 62 || v > 66 {
						t.Fatalf("byte %d: %v, want 64±2", i, img.Pix[i:i+4])
					}
				}
			}
		})
	}
}

func TestDecodeThreads(t *testing.T) {
	aus, _ := clip{codec: CodecH264, src: "testsrc=size=640x360:rate=25", secs: "1", pixFmt: "yuv420p"}.make(t, t.TempDir())
	auto := min(runtime.NumCPU()+1, 16) // libavcodec/pthread_frame.c MAX_AUTO_THREADS
	for _, tc := range []struct {
		name string
		cfg  Config
		lag  int // access units a picture may come out late
	}{
		{"one", Config{Codec: CodecH264, Threads: 1}, 0},
		{"two", Config{Codec: CodecH264, Threads: 2}, 1},
		{"two low delay", Config{Codec: CodecH264, Threads: 2, LowDelay: true}, 0},
		{"auto", Config{Codec: CodecH264}, auto - 1},
		{"auto low delay", Config{Codec: CodecH264, LowDelay: true}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := decodeAll(t, tc.cfg, aus, 0, 0)
			if len(got) < len(aus)-tc.lag || len(got) > len(aus) {
				t.Fatalf("%d pictures from %d access units, lag allowed %d", len(got), len(aus), tc.lag)
			}
			if tc.lag == 0 {
				for i := range aus {
					if got[i] == nil {
						t.Fatalf("no picture from AU %d", i)
					}
				}
			}
		})
	}
}

// TestDecodeCorrupt feeds damaged input mid-stream and checks that the
// decoder neither crashes nor stays broken: the next keyframe must decode
// to the same picture ffmpeg makes of it.
func TestDecodeCorrupt(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return b
	}
	for _, c := range []clip{
		{codec: CodecH264, src: "testsrc=size=320x240:rate=25", secs: "2", pixFmt: "yuv420p"},
		{codec: CodecH265, src: "testsrc=size=320x240:rate=25", secs: "2", pixFmt: "yuv420p"},
		{codec: CodecMJPEG, src: "testsrc=size=320x240:rate=25", secs: "1", pixFmt: "yuvj420p"},
	} {
		t.Run(c.codec.String(), func(t *testing.T) {
			aus, path := c.make(t, t.TempDir())
			key := -1
			for i := 1; i < len(aus); i++ {
				if isKeyframe(aus[i], c.codec) {
					key = i
					break
				}
			}
			if key < 0 {
				t.Fatal("no second keyframe")
			}
			ref := referenceRGBA(t, path, []int{key}, 320, 240)
			startCode := []byte{0, 0, 0, 1}
			bad := []struct {
				name string
				au   []byte
			}{
				{"random", random(5000)},
				{"random after start code", append(append([]byte{}, startCode...), random(5000)...)},
				{"start code only", startCode},
				{"zeros", make([]byte, 1000)},
				{"truncated keyframe", aus[0][:len(aus[0])/2]},
				{"keyframe header only", aus[0][:min(40, len(aus[0]))]},
				{"truncated next", aus[key-1][:len(aus[key-1])/3]},
				{"flipped bits", flipBits(aus[key-1], rng)},
				{"JPEG SOI then noise", append([]byte{0xff, 0xd8, 0xff, 0xdb, 0x00, 0x43}, random(3000)...)},
			}
			for _, b := range bad {
				t.Run(b.name, func(t *testing.T) {
					d, err := New(Config{Codec: c.codec, Threads: 1})
					if err != nil {
						t.Fatal(err)
					}
					defer d.Close()
					for i := 0; i < key-1; i++ {
						if _, err := d.Decode(aus[i], nil); err != nil {
							t.Fatalf("AU %d: %v", i, err)
						}
					}
					img, err := d.Decode(b.au, nil)
					if err != nil && !errors.Is(err, ErrCorrupt) {
						t.Errorf("corrupt AU: %v, want nil or ErrCorrupt", err)
					}
					if img != nil {
						if w, h := d.SourceSize(); img.Rect.Dx() != w || img.Rect.Dy() != h {
							t.Errorf("picture %v from source %dx%d", img.Rect, w, h)
						}
					}
					img, err = d.Decode(aus[key], nil)
					if err != nil {
						t.Fatalf("keyframe after corrupt AU: %v", err)
					}
					if img == nil {
						t.Fatal("keyframe after corrupt AU gave no picture")
					}
					if diff := meanAbsDiff(img.Pix, ref[key]); diff > 1 {
						t.Errorf("keyframe differs from ffmpeg's by %.2f per byte", diff)
					}
					for i := key + 1; i < min(key+5, len(aus)); i++ {
						if img, err := d.Decode(aus[i], nil); err != nil || img == nil {
							t.Fatalf("AU %d after recovery: %v, %v", i, img, err)
						}
					}
				})
			}
		})
	}
}

// flipBits returns a copy of b with some bits flipped past its first 32
// bytes, leaving NAL and JPEG headers mostly intact so the damage reaches
// the slice or scan data.
func flipBits(b []byte, rng *rand.Rand) []byte {
	c := bytes.Clone(b)
	if len(c) <= 32 {
		return c
	}
	for range 1 + len(c)/50 {
		i := 32 + rng.IntN(len(c)-32)
		c[i] ^= 1 << rng.IntN(8)
	}
	return c
}

func TestDecodeCorruptIsErrCorrupt(t *testing.T) {
	// The MJPEG decoder rejects a JPEG without its tables outright; the
	// error must be recognisable to a caller that counts damaged input.
	d, err := New(Config{Codec: CodecMJPEG, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	_, err = d.Decode([]byte{0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 1, 2, 3, 4, 5, 6, 0xff, 0xd9}, nil)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Decode: %v, want ErrCorrupt", err)
	}
}

// TestDecodeSizeChange joins two clips of different sizes into one byte
// stream, as a camera does when its resolution is changed mid-stream (new
// SPS and an IDR).
func TestDecodeSizeChange(t *testing.T) {
	for _, codec := range []Codec{CodecH264, CodecH265, CodecMJPEG} {
		t.Run(codec.String(), func(t *testing.T) {
			dir, pixFmt := t.TempDir(), "yuv420p"
			if codec == CodecMJPEG {
				pixFmt = "yuvj420p"
			}
			a, _ := clip{codec: codec, src: "testsrc=size=640x360:rate=25", secs: "0.4", pixFmt: pixFmt}.make(t, filepath.Join(dir, "a"))
			b, _ := clip{codec: codec, src: "testsrc=size=320x240:rate=25", secs: "0.4", pixFmt: pixFmt}.make(t, filepath.Join(dir, "b"))
			aus := append(append([][]byte{}, a...), b...)
			if codec != CodecMJPEG {
				// Re-split the concatenated stream to be sure nothing in
				// the test bridges the two clips.
				aus = splitAnnexB(bytes.Join(aus, nil), codec)
			}
			if len(aus) != 20 {
				t.Fatalf("%d access units, want 20", len(aus))
			}
			for _, tc := range []struct {
				name         string
				w, h         int
				first, after image.Rectangle
			}{
				{"source", 0, 0, image.Rect(0, 0, 640, 360), image.Rect(0, 0, 320, 240)},
				{"fixed", 200, 100, image.Rect(0, 0, 200, 100), image.Rect(0, 0, 200, 100)},
				{"width only", 160, 0, image.Rect(0, 0, 160, 90), image.Rect(0, 0, 160, 120)},
				{"height only", 0, 120, image.Rect(0, 0, 213, 120), image.Rect(0, 0, 160, 120)},
			} {
				t.Run(tc.name, func(t *testing.T) {
					got := decodeAll(t, Config{Codec: codec, Threads: 1}, aus, tc.w, tc.h)
					for i := range aus {
						want := tc.first
						if i >= 10 {
							want = tc.after
						}
						if got[i] == nil {
							t.Fatalf("no picture from AU %d", i)
						}
						if got[i].Rect != want {
							t.Fatalf("AU %d: %v, want %v", i, got[i].Rect, want)
						}
						checkSane(t, got[i])
					}
				})
			}
		})
	}
}

func TestSetOutputSizeBetweenFrames(t *testing.T) {
	aus, _ := clip{codec: CodecH264, src: "testsrc=size=320x240:rate=25", secs: "0.4", pixFmt: "yuv420p"}.make(t, t.TempDir())
	d, err := New(Config{Codec: CodecH264, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if w, h := d.SourceSize(); w != 0 || h != 0 {
		t.Fatalf("SourceSize before the first picture: %dx%d", w, h)
	}
	steps := []struct {
		w, h   int
		want   image.Rectangle
		reused bool
	}{
		{0, 0, image.Rect(0, 0, 320, 240), false},
		{0, 0, image.Rect(0, 0, 320, 240), true},
		{100, 50, image.Rect(0, 0, 100, 50), false},
		{100, 50, image.Rect(0, 0, 100, 50), true},
		{-5, -5, image.Rect(0, 0, 320, 240), false},
		{1, 1, image.Rect(0, 0, 1, 1), false},
		{641, 481, image.Rect(0, 0, 641, 481), false},
		{641, 481, image.Rect(0, 0, 641, 481), true},
	}
	var prev *image.RGBA
	for i, s := range steps {
		d.SetOutputSize(s.w, s.h)
		img, err := d.Decode(aus[i], prev)
		if err != nil || img == nil {
			t.Fatalf("step %d: %v, %v", i, img, err)
		}
		if img.Rect != s.want {
			t.Fatalf("step %d: %v, want %v", i, img.Rect, s.want)
		}
		if (img == prev) != s.reused {
			t.Errorf("step %d: reused %t, want %t", i, img == prev, s.reused)
		}
		if w, h := d.SourceSize(); w != 320 || h != 240 {
			t.Errorf("step %d: SourceSize %dx%d", i, w, h)
		}
		prev = img
	}

	// An image of the right size but a foreign layout is not written into.
	d.SetOutputSize(0, 0)
	sub := image.NewRGBA(image.Rect(0, 0, 640, 240)).SubImage(image.Rect(0, 0, 320, 240)).(*image.RGBA)
	img, err := d.Decode(aus[len(steps)], sub)
	if err != nil || img == nil {
		t.Fatalf("Decode: %v, %v", img, err)
	}
	if img == sub || img.Stride != 4*320 {
		t.Errorf("padded destination reused (stride %d)", img.Stride)
	}
}

func TestClose(t *testing.T) {
	d, err := New(Config{Codec: CodecH265})
	if err != nil {
		t.Fatal(err)
	}
	d.Close()
	d.Close()
	if _, err := d.Decode([]byte{0, 0, 0, 1, 0x40, 0x01}, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Decode after Close: %v, want ErrClosed", err)
	}
	d.SetOutputSize(10, 10)
	if w, h := d.SourceSize(); w != 0 || h != 0 {
		t.Fatalf("SourceSize after Close: %dx%d", w, h)
	}
}

func TestDecodeEmptyAU(t *testing.T) {
	aus, _ := clip{codec: CodecH264, src: "testsrc=size=160x120:rate=25", secs: "0.2", pixFmt: "yuv420p"}.make(t, t.TempDir())
	d, err := New(Config{Codec: CodecH264, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, au := range [][]byte{nil, {}} {
		if img, err := d.Decode(au, nil); img != nil || err != nil {
			t.Fatalf("empty AU: %v, %v", img, err)
		}
	}
	// An empty AU must not have put FFmpeg into draining mode.
	if img, err := d.Decode(aus[0], nil); img == nil || err != nil {
		t.Fatalf("AU after empty ones: %v, %v", img, err)
	}
}

// TestDecodeAllocs pins the Go allocations of a steady-state Decode: the
// image and packet buffer are reused, so only astiav v0.16.0's own two
// remain, 8 bytes each: Packet.FromData moves its C buffer pointer to the
// heap (a deferred closure takes its address), and newError boxes the
// EAGAIN that ends each receive loop into an error interface.
func TestDecodeAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	aus, _ := clip{codec: CodecH264, src: "testsrc=size=640x360:rate=25", secs: "2", pixFmt: "yuv420p"}.make(t, t.TempDir())
	for _, size := range []struct{ w, h int }{{0, 0}, {320, 180}} {
		d, err := New(Config{Codec: CodecH264, Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		d.SetOutputSize(size.w, size.h)
		var dst *image.RGBA
		i, pictures := 0, 0
		decode := func() {
			img, err := d.Decode(aus[i%len(aus)], dst)
			if err != nil {
				t.Fatal(err)
			}
			if img != nil {
				dst = img
				pictures++
			}
			i++
		}
		for range len(aus) { // warm up: buffers reach keyframe size, scaler built
			decode()
		}
		pictures = 0
		allocs := testing.AllocsPerRun(len(aus), decode)
		d.Close()
		if pictures < len(aus) {
			t.Fatalf("%d pictures in %d runs", pictures, len(aus))
		}
		t.Logf("%dx%d: %.2f Go allocations per Decode", size.w, size.h, allocs)
		if allocs > 2 {
			t.Errorf("%dx%d: %.2f Go allocations per Decode, want at most 2", size.w, size.h, allocs)
		}
	}
}

func TestMain(m *testing.M) {
	// The corrupt-input tests make FFmpeg print a page of errors; they are
	// expected, so they are hidden unless DECODE_VERBOSE=1 asks for them.
	if os.Getenv("DECODE_VERBOSE") != "" {
		SetVerbose(true)
	} else {
		astiav.SetLogLevel(astiav.LogLevelQuiet)
	}
	os.Exit(m.Run())
}

// TestDecodeDamagedConceals feeds a P picture cut in half, marked damaged,
// after a clean start: a picture still comes out, reported Concealed, and
// the pictures after it decode (with the damage carried along until the
// next keyframe, which is FFmpeg's concealment and not an error).
func TestDecodeDamagedConceals(t *testing.T) {
	aus, _ := clip{codec: CodecH264, src: "testsrc=size=320x240:rate=25", secs: "0.4", pixFmt: "yuv420p"}.make(t, t.TempDir())
	d, err := New(Config{Codec: CodecH264, Threads: 1, LowDelay: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for i, au := range aus {
		damaged := i == 4
		var img *image.RGBA
		if damaged {
			img, err = d.DecodeDamaged(au[:len(au)/2], nil)
		} else {
			img, err = d.Decode(au, nil)
		}
		if err != nil || img == nil {
			t.Fatalf("unit %d (damaged %v): %v, %v", i, damaged, img, err)
		}
		if i < 4 && d.Concealed() {
			t.Fatalf("unit %d: clean picture reported concealed", i)
		}
		if damaged && !d.Concealed() {
			t.Fatal("damaged unit's picture not reported concealed")
		}
		checkSane(t, img)
	}
}

func TestScaleFilter(t *testing.T) {
	for _, tc := range []struct {
		sw, sh, dw, dh int
		want           string
	}{
		{1280, 720, 1280, 720, "bilinear"},
		{1280, 720, 960, 540, "bilinear"},
		{1280, 720, 640, 360, "area"},
		{1280, 720, 240, 134, "area"},
		{1280, 720, 640, 400, "bilinear"}, // shrinks to half one way only
		{640, 360, 1280, 720, "bilinear"},
	} {
		if got := scaleFilter(tc.sw, tc.sh, tc.dw, tc.dh); got != tc.want {
			t.Errorf("%dx%d to %dx%d: %s, want %s", tc.sw, tc.sh, tc.dw, tc.dh, got, tc.want)
		}
	}
}
