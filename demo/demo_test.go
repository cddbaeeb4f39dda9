package demo

import (
	"bytes"
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v5/pkg/auth"
	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/assets"
)

func TestSplitAccessUnits(t *testing.T) {
	aus := SplitAccessUnits(assets.DemoH264)
	if len(aus) != 100 { // 4 s at 25 fps
		t.Fatalf("%d access units, want 100", len(aus))
	}
	idr := 0
	for i, au := range aus {
		hasVCL := false
		for _, n := range au {
			switch n[0] & 0x1f {
			case 5:
				idr++
				hasVCL = true
			case 1:
				hasVCL = true
			}
		}
		if !hasVCL {
			t.Fatalf("access unit %d has no picture", i)
		}
	}
	if idr != 4 {
		t.Fatalf("%d IDR access units, want one per second", idr)
	}
	if got := SplitAccessUnits([]byte{0, 0, 1}); len(got) != 0 {
		t.Fatalf("empty clip gave %d units", len(got))
	}
}

func TestStartErrors(t *testing.T) {
	if _, err := Start(Config{Clip: []byte("not h264")}); err == nil {
		t.Fatal("a clip without pictures was accepted")
	}
	s, err := Start(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := Start(Config{Addr: s.URL()[len("rtsp://") : len(s.URL())-len("/demo")]}); err == nil {
		t.Fatal("a second server on the same address started")
	}
}

// TestServesFFmpeg uses the ffmpeg command, an independent client, on every
// transport; Close must stop every goroutine.
func TestServesFFmpeg(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, err := Start(Config{Username: "u", Password: "p", AuthMethods: []auth.VerifyMethod{auth.VerifyMethodDigestMD5}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	url := "rtsp://u:p@" + s.URL()[len("rtsp://"):]
	for _, tr := range []string{"tcp", "udp", "http"} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		out, err := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-rtsp_transport", tr, "-i", url, "-frames:v", "30", "-f", "null", "-").CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("%s: %v: %s", tr, err, out)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, _ := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-rtsp_transport", "tcp", "-i", s.URL(), "-frames:v", "1", "-f", "null", "-").CombinedOutput()
	if !bytes.Contains(out, []byte("401")) {
		t.Fatalf("no credentials: want 401, got %s", out)
	}
}
