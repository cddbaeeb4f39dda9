package rtsptest

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// ClipOptions describes a recorded clip for GstOptions.File.
type ClipOptions struct {
	Length        time.Duration // 20 s when zero
	Width, Height int           // 640×360 when either is zero
	FPS           int           // 25 when zero; also the keyframe interval (1 s GOP)
	// BurnTime draws the clip's own time (hh:mm:ss.mmm) on every picture
	// with ffmpeg's drawtext, for a person or OCR to read; it needs a
	// font (fonts-dejavu-core). Tests that read time from RTP do not.
	BurnTime bool
}

// MakeClip encodes an H.264 MP4 of ffmpeg's testsrc2 pattern (which moves
// every frame, so two pictures at different times differ) with a keyframe
// every second and no B-frames, as cameras record. It returns the file's
// path in a temporary directory of the test.
func MakeClip(t testing.TB, o ClipOptions) string {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		Unavailable(t, "making a clip needs ffmpeg: %v", err)
	}
	if o.Length <= 0 {
		o.Length = 20 * time.Second
	}
	if o.Width == 0 || o.Height == 0 {
		o.Width, o.Height = 640, 360
	}
	if o.FPS == 0 {
		o.FPS = 25
	}
	out := filepath.Join(t.TempDir(), "clip.mp4")
	args := []string{"-v", "error", "-f", "lavfi",
		"-i", fmt.Sprintf("testsrc2=size=%dx%d:rate=%d", o.Width, o.Height, o.FPS),
		"-t", fmt.Sprintf("%.3f", o.Length.Seconds())}
	if o.BurnTime {
		args = append(args, "-vf", `drawtext=text='%{pts\:hms}':fontsize=48:x=20:y=20:fontcolor=black:box=1:boxcolor=white`)
	}
	args = append(args, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
		"-g", fmt.Sprint(o.FPS), "-bf", "0", "-y", out)
	if b, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg could not make the clip: %v: %s", err, b)
	}
	return out
}
