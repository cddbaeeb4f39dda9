package player

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestStreamJoinsIntraRefresh joins a shared gst-rtsp-server stream whose
// x264 encoder uses periodic intra refresh, 3 s after ffmpeg started the
// pipeline: no IDR will ever come, so decoding must start at a recovery
// point SEI. 25 pictures of 1280x720 within 10 s, as the camera's own
// refresh period (2 s) allows with room to spare.
func TestStreamJoinsIntraRefresh(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Codec: "h264", Width: 1280, Height: 720, FPS: 25, IntraRefresh: true})

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	wg.Add(1)
	go func() {
		defer wg.Done()
		// The first client: it gets the one IDR and keeps the shared
		// pipeline running. Its error on cancel is expected.
		_ = rtsptest.FFmpegDecode(ctx, url, "tcp", 1<<20)
	}()
	time.Sleep(3 * time.Second)

	start := time.Now()
	stats, st, img := playFrames(t, Config{URL: url, Transport: TransportTCP}, 25, 10*time.Second)
	if st.State != StatePlaying || stats.FramesDecoded < 25 {
		t.Fatalf("status %+v, stats %+v", st, stats)
	}
	t.Logf("joined late: 25 frames after %v, first after %v", time.Since(start).Round(time.Millisecond), stats.FirstFrameTime.Round(time.Millisecond))
	checkPicture(t, img, 1280, 720)
}
