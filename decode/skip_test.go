package decode

import (
	"image"
	"testing"
)

// TestSkipLoopFilter decodes a blocky H.264 clip with the loop filter off
// and checks the pictures against ffmpeg's own -skip_loop_filter all, and
// that they differ from the filtered ones: the switch reaches FFmpeg, from
// the picture after it is set, and back.
func TestSkipLoopFilter(t *testing.T) {
	// A low bitrate makes big quantizer steps, whose block edges the loop
	// filter smooths visibly.
	c := clip{codec: CodecH264, src: "testsrc2=size=640x360:rate=25", secs: "1", pixFmt: "yuv420p",
		extra: []string{"-b:v", "150k", "-maxrate", "150k", "-bufsize", "150k"}}
	aus, path := c.make(t, t.TempDir())
	frames := []int{0, 10, 24}
	filtered := referenceRGBA(t, path, frames, 640, 360)
	unfiltered := referenceRGBA(t, path, frames, 640, 360, "-skip_loop_filter", "all")

	d, err := New(Config{Codec: CodecH264, Threads: 1, LowDelay: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if !d.SetSkipLoopFilter(true) || !d.SkipsLoopFilter() {
		t.Fatal("SetSkipLoopFilter(true) not taken for H.264")
	}
	var dst *image.RGBA
	for n, au := range aus {
		if dst, err = d.Decode(au, dst); err != nil || dst == nil {
			t.Fatalf("picture %d: %v", n, err)
		}
		want, ok := unfiltered[n]
		if !ok {
			continue
		}
		if diff := meanAbsDiff(dst.Pix, want); diff > 1 {
			t.Errorf("picture %d: %.2f off ffmpeg -skip_loop_filter all", n, diff)
		}
		if diff := meanAbsDiff(dst.Pix, filtered[n]); diff < 0.05 {
			t.Errorf("picture %d: %.3f off the filtered picture: the filter seems still on", n, diff)
		}
	}

	// Back on: a fresh decoder from the keyframe with the filter on
	// matches the filtered reference exactly.
	d2, err := New(Config{Codec: CodecH264, Threads: 1, LowDelay: true})
	if err != nil {
		t.Fatal(err)
	}
	defer d2.Close()
	d2.SetSkipLoopFilter(true)
	if !d2.SetSkipLoopFilter(false) || d2.SkipsLoopFilter() {
		t.Fatal("SetSkipLoopFilter(false) not taken")
	}
	dst = nil
	for n, au := range aus {
		if dst, err = d2.Decode(au, dst); err != nil || dst == nil {
			t.Fatalf("picture %d: %v", n, err)
		}
		if want, ok := filtered[n]; ok {
			if diff := meanAbsDiff(dst.Pix, want); diff > 1 {
				t.Errorf("filter back on, picture %d: %.2f off ffmpeg", n, diff)
			}
		}
	}
}

// TestSkipLoopFilterMJPEG: MJPEG has no loop filter; the call says so.
func TestSkipLoopFilterMJPEG(t *testing.T) {
	d, err := New(Config{Codec: CodecMJPEG})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if d.SetSkipLoopFilter(true) {
		t.Fatal("MJPEG took SetSkipLoopFilter")
	}
}
