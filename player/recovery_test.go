package player

import (
	"bufio"
	"bytes"
	"context"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestStreamJoinsIntraRefresh joins a shared gst-rtsp-server stream whose
// x264 encoder uses periodic intra refresh, after ffmpeg started the
// pipeline and decoded its first picture: the one IDR has gone by, so
// decoding must start at a recovery point SEI. 25 pictures of 1280x720
// within 10 s, as the camera's own refresh period (2 s) allows with room
// to spare.
func TestStreamJoinsIntraRefresh(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Codec: "h264", Width: 1280, Height: 720, FPS: 25, IntraRefresh: true})

	// The first client: it gets the one IDR and keeps the shared pipeline
	// running. Its error on cancel is expected.
	ffmpeg := peer.Command(t, "ffmpeg")
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, ffmpeg, "-nostdin", "-v", "error", "-progress", "pipe:1", "-stats_period", "0.1",
		"-rtsp_transport", "tcp", "-i", url, "-f", "null", "-")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	progress, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	joined := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		// ffmpeg's -progress report: "frame=N" lines, N pictures decoded.
		var once sync.Once
		sc := bufio.NewScanner(progress)
		for sc.Scan() {
			if n, ok := strings.CutPrefix(sc.Text(), "frame="); ok && n != "0" {
				once.Do(func() { close(joined) })
			}
		}
	}()
	var stopOnce sync.Once
	stop := func() { stopOnce.Do(func() { cancel(); wg.Wait(); _ = cmd.Wait() }) }
	defer stop()
	select {
	case <-joined:
	case <-time.After(15 * time.Second):
		stop() // stderr is complete once ffmpeg has ended
		t.Fatalf("ffmpeg showed no picture of the intra-refresh stream within 15 s: %s", stderr.String())
	}

	start := time.Now()
	stats, st, img := playFrames(t, Config{URL: url, Transport: TransportTCP}, 25, 10*time.Second)
	if st.State != StatePlaying || stats.FramesShown < 25 {
		t.Fatalf("status %+v, stats %+v", st, stats)
	}
	t.Logf("joined late: 25 frames after %v, first after %v", time.Since(start).Round(time.Millisecond), stats.FirstFrameTime.Round(time.Millisecond))
	checkPicture(t, img, 1280, 720)
}
