package record_test

import (
	"sync"
	"testing"
	"time"

	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/record"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestRecordReconnect kills gst-rtsp-server while a stream with Reconnect
// records, and starts it again on the same port. The file of the first
// session must be finished while the camera is away (a camera that never
// comes back leaves a whole file, not one waiting for a trailer), hold
// every picture received up to the drop, and the recording must go on in
// a second file once the camera is back: the gap between the two is the
// outage. ffprobe and ffmpeg read both cleanly.
func TestRecordReconnect(t *testing.T) {
	gst := rtsptest.StartGstServer(t, rtsptest.GstOptions{Width: 320, Height: 240, Audio: "aac"})
	var mu sync.Mutex
	var dropped time.Time // when the stream first said it was reconnecting
	s := player.Start(player.Config{URL: gst.URL, Transport: player.TransportTCP, Reconnect: true,
		Timeout: 3 * time.Second, MediaTimeout: 2 * time.Second,
		OnStatus: func(st player.Status) {
			mu.Lock()
			defer mu.Unlock()
			if st.State == player.StateReconnecting && dropped.IsZero() {
				dropped = time.Now()
			}
		}})
	t.Cleanup(s.Close)
	r, err := s.StartRecording(record.Config{Dir: t.TempDir(), Camera: "drop"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "40 recorded pictures", func() bool { return framesSoFar(r) >= 40 })

	killed := time.Now()
	gst.Kill()
	waitFor(t, 10*time.Second, "the stream to notice the drop", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return !dropped.IsZero()
	})
	// The first file is finished while the server is still down.
	waitFor(t, 5*time.Second, "the first file finished during the outage", func() bool {
		f := r.Stats().Files
		return len(f) == 1 && f[0].Done
	})
	first := r.Stats().Files[0]
	// Every picture sent before the kill is in it: it ends within a GOP's
	// fragment of the kill only if pictures were lost, so ask for the
	// last 200 ms (five frames at 25 fps; the server's own pipeline and
	// the socket hold a few when it dies).
	if end := first.Start.Add(first.Duration); killed.Sub(end) > 200*time.Millisecond {
		t.Errorf("the first file ends %v before the kill", killed.Sub(end))
	}
	checkFile(t, first, want{codec: "h264", audio: "aac", width: 320, height: 240, frameInterval: 40 * time.Millisecond})

	gst.Restart()
	back := time.Now()
	waitFor(t, 20*time.Second, "40 pictures in a second file", func() bool {
		f := r.Stats().Files
		return len(f) == 2 && f[1].VideoFrames >= 40
	})
	if err := s.StopRecording(); err != nil {
		t.Fatalf("StopRecording: %v", err)
	}
	st := r.Stats()
	if len(st.Files) != 2 || st.Dropped != 0 || st.Err != nil {
		t.Fatalf("stats %+v: want two files, nothing dropped", st)
	}
	second := st.Files[1]
	if !second.Done || second.Path == first.Path {
		t.Errorf("second file %+v: want a finished file beside %s", second, first.Path)
	}
	// The gap is the outage: the second file starts after the server came
	// back, at its session's first keyframe.
	if second.Start.Before(back) {
		t.Errorf("the second file starts %v before the server came back", back.Sub(second.Start))
	}
	if st.Files[0] != first {
		t.Errorf("the first file changed after it was finished: %+v, was %+v", st.Files[0], first)
	}
	checkFile(t, second, want{codec: "h264", audio: "aac", width: 320, height: 240, frameInterval: 40 * time.Millisecond})
	t.Logf("first file %d pictures, %v, ends %v before the kill; second file %d pictures, starts %v after the server came back",
		first.VideoFrames, first.Duration.Round(time.Millisecond), killed.Sub(first.Start.Add(first.Duration)).Round(time.Millisecond),
		second.VideoFrames, second.Start.Sub(back).Round(time.Millisecond))
}
