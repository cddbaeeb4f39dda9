package player

import (
	"fmt"
	"image"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// playFrames plays cfg until n frames are decoded or the stream fails, and
// returns the stats and final status.
func playFrames(t *testing.T, cfg Config, n int, limit time.Duration) (Stats, Status, *image.RGBA) {
	t.Helper()
	frames := make(chan struct{}, 1)
	count := 0
	cfg.OnFrame = func() {
		count++
		if count == n {
			frames <- struct{}{}
		}
	}
	failed := make(chan Status, 1)
	cfg.OnStatus = func(st Status) {
		if st.State == StateFailed {
			failed <- st
		}
	}
	s := Start(cfg)
	defer s.Close()
	var st Status
	select {
	case <-frames:
		st = s.Status()
	case st = <-failed:
	case <-time.After(limit):
		t.Fatalf("no %d frames within %v (status %+v, stats %+v)", n, limit, s.Status(), s.Stats())
	}
	img, _, _ := s.Frame()
	return s.Stats(), st, img
}

func checkPicture(t *testing.T, img *image.RGBA, w, h int) {
	t.Helper()
	if img == nil {
		t.Fatal("no picture")
	}
	if img.Rect.Dx() != w || img.Rect.Dy() != h {
		t.Fatalf("picture is %v, want %dx%d", img.Rect, w, h)
	}
	// Not blank: a test pattern has many distinct colours.
	seen := map[uint32]bool{}
	for y := 0; y < h; y += h / 16 {
		for x := 0; x < w; x += w / 16 {
			o := img.PixOffset(x, y)
			p := img.Pix[o : o+3]
			seen[uint32(p[0])<<16|uint32(p[1])<<8|uint32(p[2])] = true
		}
	}
	if len(seen) < 8 {
		t.Fatalf("picture looks blank: %d distinct colours", len(seen))
	}
}

func TestStreamPlaysRealServers(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // after the peers' cleanups
	srv := rtsptest.StartDemo(t, demo.Config{})
	gst := rtsptest.StartGst(t, rtsptest.GstOptions{Codec: "h264", Width: 1280, Height: 720, FPS: 25})
	for _, tc := range []struct {
		name string
		url  string
	}{{"demo", srv.URL()}, {"gst", gst}} {
		for _, tr := range []Transport{TransportTCP, TransportUDP, TransportAuto} {
			t.Run(fmt.Sprintf("%s/%s", tc.name, tr), func(t *testing.T) {
				stats, st, img := playFrames(t, Config{URL: tc.url, Transport: tr}, 25, 20*time.Second)
				if st.State != StatePlaying {
					t.Fatalf("status %+v", st)
				}
				if stats.Width != 1280 || stats.Height != 720 || stats.Codec != "H264" {
					t.Fatalf("stats %+v", stats)
				}
				want := tr.String()
				if tr == TransportAuto {
					want = "udp" // loopback never drops UDP
				}
				if stats.Transport != want {
					t.Fatalf("transport %q, want %q", stats.Transport, want)
				}
				if stats.PacketsReceived == 0 || stats.FramesShown < 25 || stats.ConnectTime <= 0 || stats.FirstFrameTime < stats.ConnectTime {
					t.Fatalf("stats %+v", stats)
				}
				checkPicture(t, img, 1280, 720)
			})
		}
	}
}

func TestStreamScalesToTile(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{})
	frames := make(chan struct{}, 64)
	s := Start(Config{URL: srv.URL(), Transport: TransportTCP, OnFrame: func() {
		select {
		case frames <- struct{}{}:
		default:
		}
	}})
	defer s.Close()
	s.SetSize(400, 400) // a square tile: the 16:9 picture fits as 400×224
	deadline := time.After(15 * time.Second)
	for {
		select {
		case <-frames:
		case <-deadline:
			t.Fatal("no scaled frame")
		}
		if img, _, _ := s.Frame(); img != nil && img.Rect.Dx() == 400 {
			if img.Rect.Dy() != 224 {
				t.Fatalf("scaled to %v", img.Rect)
			}
			return
		}
	}
}

func TestStreamFailures(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // after the peers' cleanups
	srv := rtsptest.StartDemo(t, demo.Config{Username: "admin", Password: "right-secret"})
	closed := rtsptest.ClosedPort(t)
	silent := rtsptest.SilentServer(t)
	tests := []struct {
		name  string
		cfg   Config
		kind  ErrorKind
		limit time.Duration
	}{
		{"wrong password", Config{URL: srv.URL(), Username: "admin", Password: "wrong", Transport: TransportTCP}, KindUnauthorized, 10 * time.Second},
		{"no password", Config{URL: srv.URL(), Transport: TransportTCP}, KindUnauthorized, 10 * time.Second},
		{"wrong path", Config{URL: srv.URL() + "-nope", Username: "admin", Password: "right-secret", Transport: TransportTCP}, KindNotFound, 10 * time.Second},
		{"closed port", Config{URL: fmt.Sprintf("rtsp://127.0.0.1:%d/s", closed), Transport: TransportTCP, Timeout: 5 * time.Second}, KindRefused, 2 * time.Second},
		{"silent server", Config{URL: "rtsp://" + silent + "/s", Transport: TransportTCP, Timeout: 500 * time.Millisecond}, KindTimeout, 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, st, _ := playFrames(t, tt.cfg, 1, tt.limit+5*time.Second)
			if st.State != StateFailed || st.Kind != tt.kind {
				t.Fatalf("status %+v, want failed/%s", st, tt.kind)
			}
			if d := time.Since(start); d > tt.limit {
				t.Fatalf("took %v, bound %v", d, tt.limit)
			}
			if st.Err == nil || st.Text == "" {
				t.Fatal("failure without an error or a sentence")
			}
		})
	}
	t.Run("right password", func(t *testing.T) {
		stats, st, _ := playFrames(t, Config{URL: srv.URL(), Username: "admin", Password: "right-secret", Transport: TransportTCP}, 5, 15*time.Second)
		if st.State != StatePlaying || stats.FramesShown < 5 {
			t.Fatalf("%+v %+v", st, stats)
		}
	})
}

func TestFit(t *testing.T) {
	tests := []struct{ sw, sh, bw, bh, w, h int }{
		{1280, 720, 0, 0, 1280, 720},
		{1280, 720, 1920, 1080, 1280, 720},
		{1280, 720, 640, 720, 640, 360},
		{1280, 720, 400, 400, 400, 224},
		{1280, 720, 1280, 360, 640, 360},
		{720, 1280, 300, 300, 168, 300},
		{1280, 720, 1, 1, 2, 2},
	}
	for _, tt := range tests {
		if w, h := fit(tt.sw, tt.sh, tt.bw, tt.bh); w != tt.w || h != tt.h {
			t.Errorf("fit(%d,%d in %d,%d) = %d,%d want %d,%d", tt.sw, tt.sh, tt.bw, tt.bh, w, h, tt.w, tt.h)
		}
	}
}

func TestFrameSlotNeverHandsOutTheBufferBeingWritten(t *testing.T) {
	var f frameSlot
	bufs := map[*image.RGBA]bool{}
	for i := 0; i < 100; i++ {
		b := f.back()
		if b == nil {
			b = image.NewRGBA(image.Rect(0, 0, 2, 2))
		}
		bufs[b] = true
		shown, _, _ := f.take()
		if shown != nil && shown == f.back() {
			t.Fatal("UI buffer is the decoder's write buffer")
		}
		f.publish(b)
		if i%3 == 0 {
			img, _, changed := f.take()
			if !changed || img != b {
				t.Fatal("take did not return the newest frame")
			}
			if f.back() == img {
				t.Fatal("decoder would overwrite the shown frame")
			}
		}
	}
	if len(bufs) > 3 {
		t.Fatalf("%d buffers allocated, want at most 3", len(bufs))
	}
}

func TestRateMeterSlides(t *testing.T) {
	var m rateMeter
	t0 := time.Unix(0, 0)
	// Nothing for 3 s (waiting for a keyframe), then 25 fps and 1 Mb/s.
	m.add(t0, 0, 0)
	var fps, bps float64
	for s := 3; s <= 8; s++ {
		frames := uint64((s - 3) * 25)
		fps, bps = m.add(t0.Add(time.Duration(s)*time.Second), frames, frames*5000)
	}
	if fps < 24.9 || fps > 25.1 || bps < 0.99e6 || bps > 1.01e6 {
		t.Fatalf("fps %.2f bps %.0f, want 25 and 1e6", fps, bps)
	}
}

// TestRateMeterMeasuredAfterASecond: the rates are a measurement only once
// they span a second (Stats.RatesMeasured); before that a status line
// must not say "0 fps".
func TestRateMeterMeasuredAfterASecond(t *testing.T) {
	var m rateMeter
	t0 := time.Unix(0, 0)
	if m.measured(t0) {
		t.Fatal("measured before any sample")
	}
	m.add(t0, 0, 0)
	m.add(t0.Add(300*time.Millisecond), 0, 100_000)
	if m.measured(t0.Add(300 * time.Millisecond)) {
		t.Fatal("measured after 0.3 s")
	}
	m.add(t0.Add(time.Second), 25, 300_000)
	if !m.measured(t0.Add(time.Second)) {
		t.Fatal("not measured after 1 s")
	}
}

// TestCloseFromOnStatusInAGoroutine is the way Config.OnStatus gives a
// callback to end its stream: go s.Close(). The stream stops, and the
// last status is Stopped.
func TestCloseFromOnStatusInAGoroutine(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	url := fmt.Sprintf("rtsp://127.0.0.1:%d/s", rtsptest.ClosedPort(t))
	var s *Stream
	ready := make(chan struct{})
	stopped := make(chan struct{})
	s = Start(Config{URL: url, Transport: TransportTCP, OnStatus: func(st Status) {
		switch st.State {
		case StateFailed:
			<-ready
			go s.Close()
		case StateClosed:
			close(stopped)
		}
	}})
	close(ready)
	select {
	case <-stopped:
	case <-time.After(10 * time.Second):
		t.Fatalf("not stopped: %+v", s.Status())
	}
	s.Close() // idempotent; returns once the goroutine's Close has finished
}
