package decode

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

var updateSeeds = flag.Bool("update-seeds", false,
	"regenerate testdata/keyframe.* and the FuzzDecode seed corpus with ffmpeg")

// keyframeFiles are small real keyframes, one per codec, that FuzzDecode
// feeds after each fuzzed input to prove the decoder is still usable.
var keyframeFiles = map[Codec]string{
	CodecH264:  "keyframe.h264",
	CodecH265:  "keyframe.h265",
	CodecMJPEG: "keyframe.jpg",
}

// FuzzDecode feeds arbitrary bytes to a decoder, the first byte choosing
// the codec. Access units come from the network through a depacketizer
// that does not validate them, so whatever arrives must neither crash the
// process nor leave the decoder unable to show the next keyframe.
func FuzzDecode(f *testing.F) {
	keys := map[Codec][]byte{}
	for c, name := range keyframeFiles {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatalf("%v (regenerate with go test -run TestUpdateSeeds -update-seeds)", err)
		}
		keys[c] = b
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		codec := Codec(1 + int(data[0])%3)
		d, err := New(Config{Codec: codec, Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		// A fixed small output keeps the scaler cheap whatever size the
		// input claims.
		d.SetOutputSize(32, 24)
		img, err := d.Decode(data[1:], nil)
		if img != nil {
			if err != nil {
				t.Fatalf("picture and error %v", err)
			}
			if img.Rect != image.Rect(0, 0, 32, 24) || len(img.Pix) != 4*32*24 {
				t.Fatalf("picture %v with %d bytes", img.Rect, len(img.Pix))
			}
			if w, h := d.SourceSize(); w <= 0 || h <= 0 {
				t.Fatalf("picture from source %dx%d", w, h)
			}
		}
		// A damaged SPS may raise the H.264 reorder depth, which FFmpeg
		// never lowers again (h264_slice.c), so the keyframe is allowed to
		// come out a few access units late, as long as it comes out.
		for range 20 {
			if img, _ = d.Decode(keys[codec], img); img != nil {
				return
			}
		}
		t.Fatalf("%v decoder gives no picture for a keyframe after %d fuzzed bytes", codec, len(data)-1)
	})
}

// TestUpdateSeeds regenerates the checked-in keyframes and seed corpus
// from ffmpeg output when run with -update-seeds.
func TestUpdateSeeds(t *testing.T) {
	if !*updateSeeds {
		t.Skip("run with -update-seeds to regenerate testdata")
	}
	corpus := filepath.Join("testdata", "fuzz", "FuzzDecode")
	if err := os.MkdirAll(corpus, 0o755); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, c := range []clip{
		{codec: CodecH264, src: "testsrc=size=64x48:rate=25", secs: "0.2", pixFmt: "yuv420p"},
		{codec: CodecH265, src: "testsrc=size=64x48:rate=25", secs: "0.2", pixFmt: "yuv420p"},
		{codec: CodecMJPEG, src: "testsrc=size=64x48:rate=25", secs: "0.2", pixFmt: "yuvj420p"},
	} {
		aus, _ := c.make(t, t.TempDir())
		if len(aus) < 2 || !isKeyframe(aus[0], c.codec) {
			t.Fatalf("%v: %d access units", c.codec, len(aus))
		}
		if err := os.WriteFile(filepath.Join("testdata", keyframeFiles[c.codec]), aus[0], 0o644); err != nil {
			t.Fatal(err)
		}
		seeds := map[string][]byte{
			"keyframe":       aus[0],
			"next":           aus[1],
			"truncated":      aus[0][:len(aus[0])/2],
			"flipped":        flipBits(aus[0], rng),
			"keyframe+next":  bytes.Join(aus[:2], nil),
			"next-flipped":   flipBits(aus[1], rng),
			"keyframe-short": aus[0][:min(len(aus[0]), 48)],
		}
		for name, au := range seeds {
			in := append([]byte{byte(c.codec - 1)}, au...)
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", in)
			file := filepath.Join(corpus, fmt.Sprintf("%s-%s", c.codec, name))
			if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
