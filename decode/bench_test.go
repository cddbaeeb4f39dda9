package decode

import (
	"image"
	"strconv"
	"testing"
	"time"
)

// BenchmarkDecodeScale720p decodes a 1280x720 H.264 stream (the clip of
// TestDecodeClips, and a noisy one at a camera-like bitrate) and scales
// each picture to RGBA at full size and at the 640x360 of a 2x2 wall tile.
// frames/s is the pictures one stream's decoder turns out per second.
func BenchmarkDecodeScale720p(b *testing.B) {
	dir := b.TempDir()
	clips := []struct {
		name string
		clip clip
	}{
		{"testsrc", clip{codec: CodecH264, src: "testsrc=size=1280x720:rate=25", secs: "2", pixFmt: "yuv420p"}},
		// Film-like noise keeps the encoder from flattening the picture, so
		// the decoder works about as hard as for a camera at 4 Mbit/s.
		{"noise4M", clip{codec: CodecH264, src: "testsrc2=size=1280x720:rate=25", secs: "2", pixFmt: "yuv420p",
			extra: []string{"-vf", "noise=alls=12:allf=t", "-b:v", "4M", "-maxrate", "4M", "-bufsize", "2M"}}},
	}
	for _, c := range clips {
		aus, _ := c.clip.make(b, dir+"/"+c.name)
		for _, size := range []struct{ w, h int }{{1280, 720}, {640, 360}} {
			for _, threads := range []int{1, 2} {
				name := c.name + "/" + strconv.Itoa(size.w) + "x" + strconv.Itoa(size.h) + "/threads=" + strconv.Itoa(threads)
				b.Run(name, func(b *testing.B) {
					// Two threads means frame threading: more throughput, one
					// picture of latency.
					benchDecode(b, Config{Codec: CodecH264, Threads: threads}, aus, size.w, size.h, threads-1)
				})
			}
		}
	}
}

// benchDecode decodes aus round and round; lag is how many access units a
// picture may come out late, which frame threading allows.
func benchDecode(b *testing.B, cfg Config, aus [][]byte, w, h, lag int) {
	d, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	d.SetOutputSize(w, h)
	var dst *image.RGBA
	for _, au := range aus { // warm up: scaler built, buffers at keyframe size
		if dst, err = d.Decode(au, dst); err != nil {
			b.Fatal(err)
		}
	}
	var bytes int64
	for _, au := range aus {
		bytes += int64(len(au))
	}
	b.SetBytes(bytes / int64(len(aus)))
	b.ReportAllocs()
	pictures := 0
	start := time.Now()
	b.ResetTimer()
	for i := range b.N {
		img, err := d.Decode(aus[i%len(aus)], dst)
		if err != nil {
			b.Fatal(err)
		}
		if img != nil {
			dst = img
			pictures++
		}
	}
	b.StopTimer()
	if pictures < b.N-lag {
		b.Fatalf("%d pictures from %d access units", pictures, b.N)
	}
	b.ReportMetric(float64(pictures)/time.Since(start).Seconds(), "frames/s")
	if dst.Rect != image.Rect(0, 0, w, h) {
		b.Fatalf("picture %v, want %dx%d", dst.Rect, w, h)
	}
}
