package rtsptest

import (
	"context"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/peer"
)

// TestMain fails the package when a helper leaves a goroutine behind after
// its cleanup.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func needFFmpeg(t *testing.T) {
	t.Helper()
	peer.Command(t, "ffmpeg")
}

func withUser(url, userinfo string) string {
	i := strings.Index(url, "://")
	return url[:i+3] + userinfo + "@" + url[i+3:]
}

func decode(t *testing.T, url, transport string, frames int) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return FFmpegDecode(ctx, url, transport, frames)
}

// probe returns "codec,width,height" as ffprobe sees url's video.
func probe(t *testing.T, url string) string {
	t.Helper()
	ffprobe := peer.Command(t, "ffprobe")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, ffprobe, "-v", "error", "-rtsp_transport", "tcp",
		"-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height",
		"-of", "csv=p=0", url).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe %s: %v: %s", url, err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestGstServesFFmpeg checks the gst-rtsp-server peer with ffmpeg as the
// client on every transport, so a failure in our client's tests can be told
// from a broken peer.
func TestGstServesFFmpeg(t *testing.T) {
	needFFmpeg(t)
	gst := StartGst(t, GstOptions{})
	if !strings.HasPrefix(gst, "rtsp://127.0.0.1:") || !strings.HasSuffix(gst, "/test") {
		t.Fatalf("URL %q", gst)
	}
	if got := probe(t, gst); got != "h264,1280,720" {
		t.Fatalf("ffprobe: %q, want h264,1280,720", got)
	}
	for _, tr := range []string{"tcp", "udp", "http"} {
		t.Run(tr, func(t *testing.T) {
			if err := decode(t, gst, tr, 25); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestGstOptions(t *testing.T) {
	needFFmpeg(t)
	for _, tc := range []struct {
		name string
		opts GstOptions
		want string
	}{
		{"h265 640x360", GstOptions{Codec: "h265", Width: 640, Height: 360, Path: "/cam/h265"}, "hevc,640,360"},
		{"mjpeg 320x240", GstOptions{Codec: "mjpeg", Width: 320, Height: 240, FPS: 10}, "mjpeg,320,240"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			url := StartGst(t, tc.opts)
			if tc.opts.Path != "" && !strings.HasSuffix(url, tc.opts.Path) {
				t.Fatalf("URL %q lacks path %q", url, tc.opts.Path)
			}
			if got := probe(t, url); got != tc.want {
				t.Fatalf("ffprobe: %q, want %q", got, tc.want)
			}
			if err := decode(t, url, "tcp", 10); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestGstAuth(t *testing.T) {
	needFFmpeg(t)
	for _, auth := range []string{"", "basic", "digest"} {
		t.Run("auth="+auth, func(t *testing.T) {
			url := StartGst(t, GstOptions{User: "cam", Password: "pa55", Auth: auth})
			for _, tr := range []string{"tcp", "udp"} {
				if err := decode(t, withUser(url, "cam:pa55"), tr, 25); err != nil {
					t.Fatalf("right credentials: %v", err)
				}
			}
			for name, u := range map[string]string{"wrong password": withUser(url, "cam:nope"), "none": url} {
				err := decode(t, u, "tcp", 1)
				if err == nil || !strings.Contains(err.Error(), "401") {
					t.Fatalf("%s: %v, want a 401", name, err)
				}
			}
		})
	}
}

func TestGstTLS(t *testing.T) {
	needFFmpeg(t)
	cert := NewCert(t, "127.0.0.1")
	for name, opts := range map[string]GstOptions{
		"cert and key files": {TLSCert: cert.CertFile, TLSKey: cert.KeyFile, User: "u", Password: "p"},
		"one PEM":            {TLSCertKeyPEM: cert.PEMFile},
	} {
		t.Run(name, func(t *testing.T) {
			url := StartGst(t, opts)
			if !strings.HasPrefix(url, "rtsps://") {
				t.Fatalf("URL %q is not rtsps", url)
			}
			if opts.User != "" {
				url = withUser(url, opts.User+":"+opts.Password)
			}
			// ffmpeg does not verify certificates unless told to.
			if err := decode(t, url, "tcp", 10); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestGstPeersAreIndependent starts two peers at once: each has its own
// port and its own cleanup.
func TestGstPeersAreIndependent(t *testing.T) {
	a := StartGst(t, GstOptions{})
	b := StartGst(t, GstOptions{})
	if a == b {
		t.Fatalf("two peers share %s", a)
	}
}

func TestStartDemo(t *testing.T) {
	needFFmpeg(t)
	d := StartDemo(t, demo.Config{Username: "u", Password: "p"})
	url := withUser(d.URL(), "u:p")
	if got := probe(t, url); got != "h264,1280,720" {
		t.Fatalf("ffprobe: %q", got)
	}
	for _, tr := range []string{"tcp", "udp", "http"} {
		if err := decode(t, url, tr, 25); err != nil {
			t.Fatal(err)
		}
	}
	if err := decode(t, withUser(d.URL(), "u:wrong"), "tcp", 1); err == nil {
		t.Fatal("ffmpeg played with a wrong password")
	}
}

func TestFFmpegFirstFrame(t *testing.T) {
	needFFmpeg(t)
	url := StartDemo(t, demo.Config{}).URL()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	d, err := FFmpegFirstFrame(ctx, url, "tcp")
	if err != nil {
		t.Fatal(err)
	}
	// The clip has a keyframe every second and ffmpeg probes before its
	// first frame: well under 20 s, never zero.
	if d <= 0 || d >= 20*time.Second {
		t.Fatalf("first frame after %v", d)
	}
}

// BenchmarkFFmpegFirstFrame is the reference our client's first-frame time
// is compared with: ffmpeg's wall time to one decoded frame, process start
// included, from each peer over TCP and UDP. Both peers send a keyframe
// every second and ffmpeg must wait for one, so runs start at a random
// phase: back to back, each run would join just after the keyframe that
// ended the previous one and always wait the full second.
func BenchmarkFFmpegFirstFrame(b *testing.B) {
	peer.Command(b, "ffmpeg")
	for _, server := range []string{"gst", "demo"} {
		var url string
		if server == "gst" {
			url = StartGst(b, GstOptions{})
		} else {
			url = StartDemo(b, demo.Config{}).URL()
		}
		for _, tr := range []string{"tcp", "udp"} {
			b.Run(server+"/"+tr, func(b *testing.B) {
				var total time.Duration
				for b.Loop() {
					b.StopTimer()
					time.Sleep(time.Duration(rand.Int64N(int64(time.Second))))
					b.StartTimer()
					ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
					d, err := FFmpegFirstFrame(ctx, url, tr)
					cancel()
					if err != nil {
						b.Fatal(err)
					}
					total += d
				}
				b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/first-frame")
			})
		}
	}
}
