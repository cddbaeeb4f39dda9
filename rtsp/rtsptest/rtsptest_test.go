package rtsptest

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/demo"
)

func needFFmpeg(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		Unavailable(t, "ffmpeg not installed")
	}
}

// TestPeersServeFFmpeg checks every peer with ffmpeg as the client, so a
// failure of our client's tests can be told from a broken peer.
func TestPeersServeFFmpeg(t *testing.T) {
	needFFmpeg(t)
	gst := StartGst(t, GstOptions{})
	gstAuth := StartGst(t, GstOptions{User: "u", Password: "p", Auth: "basic"})
	d := StartDemo(t, demo.Config{})
	dAuth := StartDemo(t, demo.Config{Username: "u", Password: "p"})
	for _, tc := range []struct{ name, url string }{
		{"gst", gst},
		{"gst-auth", strings.Replace(gstAuth, "rtsp://", "rtsp://u:p@", 1)},
		{"demo", d.URL()},
		{"demo-auth", strings.Replace(dAuth.URL(), "rtsp://", "rtsp://u:p@", 1)},
	} {
		for _, tr := range []string{"tcp", "udp", "http"} {
			t.Run(tc.name+"/"+tr, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				defer cancel()
				if err := FFmpegDecode(ctx, tc.url, tr, 25); err != nil {
					t.Fatal(err)
				}
			})
		}
	}
	t.Run("demo wrong password", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := FFmpegDecode(ctx, strings.Replace(dAuth.URL(), "rtsp://", "rtsp://u:wrong@", 1), "tcp", 1); err == nil {
			t.Fatal("ffmpeg played with a wrong password")
		}
	})
}

func TestDemoClipIs720p(t *testing.T) {
	needFFmpeg(t)
	d := StartDemo(t, demo.Config{})
	out, err := exec.Command("ffprobe", "-v", "error", "-rtsp_transport", "tcp", "-select_streams", "v:0",
		"-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", d.URL()).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if strings.TrimSpace(string(out)) != "h264,1280,720" {
		t.Fatalf("ffprobe: %q", out)
	}
}
