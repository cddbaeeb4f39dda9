package player

import (
	"context"
	"errors"
	"fmt"
	"image"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestSnapshotAtDecodedSize: a tile asks for 320×180 pictures of a 1280×720
// camera; the snapshot is 1280×720, also while the stream is hidden (the
// decoder still holds the last picture) or paused, and a stream that never
// shows a picture says so within the bound.
func TestSnapshotAtDecodedSize(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Codec: "h264", Width: 1280, Height: 720, FPS: 25})
	s := Start(Config{URL: url, Transport: TransportTCP})
	defer s.Close()
	s.SetSize(320, 180)
	waitStats(t, s, 15*time.Second, "first pictures", func(st Stats) bool { return st.FramesShown >= 5 })
	if img, _, _ := s.Frame(); img == nil || img.Rect != image.Rect(0, 0, 320, 180) {
		t.Fatalf("tile picture %v, want 320x180", img)
	}

	for _, hidden := range []bool{false, true} {
		t.Run(fmt.Sprintf("hidden=%t", hidden), func(t *testing.T) {
			s.SetHidden(hidden)
			start := time.Now()
			img, err := s.Snapshot(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if img.Rect != image.Rect(0, 0, 1280, 720) || img.Stride != 4*1280 {
				t.Fatalf("snapshot %v stride %d, want 1280x720", img.Rect, img.Stride)
			}
			checkPicture(t, img, 1280, 720)
			t.Logf("snapshot in %v", time.Since(start))
		})
	}
	s.SetHidden(false)

	// A live pause decodes on without showing: the picture on screen is
	// the one saved, not one decoded since.
	if err := s.Pause(); err != nil {
		t.Fatal(err)
	}
	d := s.Stats().FramesShown
	time.Sleep(500 * time.Millisecond)
	if _, err := s.Snapshot(context.Background()); err != nil {
		t.Fatalf("paused: %v", err)
	}
	if s.Stats().FramesShown != d {
		t.Fatal("pictures shown while paused")
	}
	if err := s.Resume(); err != nil {
		t.Fatal(err)
	}

	// A camera that never answers: a bounded wait and a sentence.
	silent := rtsptest.SilentServer(t)
	q := Start(Config{URL: "rtsp://" + silent + "/s", Transport: TransportTCP})
	defer q.Close()
	start := time.Now()
	if _, err := q.Snapshot(context.Background()); !errors.Is(err, ErrSnapshotNone) {
		t.Fatalf("snapshot of a silent camera: %v", err)
	}
	if d := time.Since(start); d < snapshotWait || d > snapshotWait+time.Second {
		t.Fatalf("waited %v, want about %v", d, snapshotWait)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if _, err := q.Snapshot(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("snapshot with a 100 ms context: %v", err)
	}
	q.SetHidden(true)
	if _, err := q.Snapshot(context.Background()); !errors.Is(err, ErrSnapshotHidden) {
		t.Fatalf("snapshot of a hidden stream without a picture: %v", err)
	}
	q.Close()
	if _, err := q.Snapshot(context.Background()); !errors.Is(err, ErrSnapshotClosed) {
		t.Fatalf("snapshot of a closed stream: %v", err)
	}
}
