package rtsptest

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/peer"
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
	// FrameCode replaces the pattern with flat grey halves that encode
	// the frame number for ReadFrameCode: a test reads which moment of
	// the clip a decoded picture shows, with no OCR.
	FrameCode bool
}

// frameCodeFilter paints the left half grey level 16*(n%16)+8 and the
// right half 8*(n/16)+4: steps of 16 and 8 levels survive H.264 on flat
// areas, and 512 frames (20.48 s at 25 fps) are told apart.
const frameCodeFilter = `geq=lum='if(lt(X,W/2),mod(N,16)*16+8,mod(floor(N/16),32)*8+4)':cb=128:cr=128`

// ReadFrameCode returns the frame number a picture of a FrameCode clip
// shows, from the centre of its two halves; false when the picture is not
// one of them. pix is RGBA, stride bytes a row.
func ReadFrameCode(pix []byte, stride, w, h int) (int, bool) {
	if w < 4 || h < 2 || len(pix) < stride*h {
		return 0, false
	}
	luma := func(x int) float64 {
		i := (h/2)*stride + x*4
		// Back from full-range RGB to the limited-range Y the filter wrote.
		return float64(pix[i])*219/255 + 16
	}
	fine := int((luma(w/4) - 8 + 8) / 16) // nearest multiple of 16 above 8
	coarse := int((luma(3*w/4) - 4 + 4) / 8)
	if fine < 0 || fine > 15 || coarse < 0 || coarse > 31 {
		return 0, false
	}
	return coarse*16 + fine, true
}

// MakeClip encodes an H.264 MP4 of ffmpeg's testsrc2 pattern (which moves
// every frame, so two pictures at different times differ) with a keyframe
// every second and no B-frames, as cameras record. It returns the file's
// path in a temporary directory of the test.
func MakeClip(t testing.TB, o ClipOptions) string {
	t.Helper()
	ffmpeg := peer.Command(t, "ffmpeg")
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
	switch {
	case o.FrameCode:
		args = append(args, "-vf", frameCodeFilter)
	case o.BurnTime:
		args = append(args, "-vf", `drawtext=text='%{pts\:hms}':fontsize=48:x=20:y=20:fontcolor=black:box=1:boxcolor=white`)
	}
	args = append(args, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
		"-g", fmt.Sprint(o.FPS), "-bf", "0", "-y", out)
	if b, err := exec.Command(ffmpeg, args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg could not make the clip: %v: %s", err, b)
	}
	return out
}
