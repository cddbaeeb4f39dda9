package player

import (
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// syncSink is an AudioSyncSink that stands for a sound device: what it is
// handed is heard its fixed latency later, plus the sync delay it was
// last given, which it records.
type syncSink struct {
	mu      sync.Mutex
	latency time.Duration
	delay   time.Duration
	set     []time.Duration // every SetSyncDelay, in order
	pushed  int
}

func (k *syncSink) PlayAudio([]int16, int) {
	k.mu.Lock()
	k.pushed++
	k.mu.Unlock()
}

func (k *syncSink) ResetAudio() {}

func (k *syncSink) Latency() (time.Duration, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.latency + k.delay, k.pushed > 0
}

func (k *syncSink) SetSyncDelay(d time.Duration) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.delay = d
	k.set = append(k.set, d)
}

func (k *syncSink) state() (time.Duration, []time.Duration) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.delay, append([]time.Duration(nil), k.set...)
}

// TestSyncGst: gst-rtsp-server's H.264 with AAC, played as the window
// does (a UI thread taking each picture, a sound device whose latency is
// known). Before the sender reports the sound is not held back; once
// both tracks have one (gst's rtpbin sends them every ~5 s, the first
// within a few), the stream reports the offset between sound and
// picture, and the sink's delay is changed by it: the sound 300 ms
// early through the device is held back by about that much, after which
// the offset as heard is near 0. The bounds are wide (the stream's own
// delays vary with the load on the machine); the arithmetic is
// TestSyncDelay's.
func TestSyncGst(t *testing.T) {
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240, Audio: "aac"})
	// A device that plays the sound 300 ms sooner than the picture is
	// shown: negative, as no device is, so that the sound is surely
	// early whatever the picture's delay on this machine. Then one 300 ms
	// late, as a loaded machine's is: the picture is held back instead.
	t.Run("sound early", func(t *testing.T) { syncGst(t, url, -300*time.Millisecond) })
	t.Run("sound late", func(t *testing.T) { syncGst(t, url, 300*time.Millisecond) })
}

func syncGst(t *testing.T, url string, latency time.Duration) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	sink := &syncSink{latency: latency}
	early := latency < 0
	frame := make(chan struct{}, 1)
	s := Start(Config{URL: url, Transport: TransportTCP, Audio: sink, OnFrame: func() {
		select {
		case frame <- struct{}{}:
		default:
		}
	}})
	defer s.Close()
	// The UI thread: takes each picture as it comes (Frame).
	done := make(chan struct{})
	var ui sync.WaitGroup
	ui.Add(1)
	go func() {
		defer ui.Done()
		for {
			select {
			case <-done:
				return
			case <-frame:
				s.Frame()
			}
		}
	}()
	defer func() { close(done); ui.Wait() }()

	var first AudioInfo
	deadline := time.Now().Add(30 * time.Second)
	for {
		a := s.Stats().Audio
		if a != nil && a.Synced {
			first = *a
			break
		}
		if a != nil && (a.SyncDelay != 0 || a.PictureHold != 0) {
			t.Fatalf("held back (sound %v, picture %v) before the offset is known", a.SyncDelay, a.PictureHold)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no lip sync within 30 s: audio %+v, status %+v", a, s.Status())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("first measure: offset %v, sound held %v, picture held %v", first.SyncOffset, first.SyncDelay, first.PictureHold)
	// The offset is the device's 300 ms, less what the picture takes
	// more than the sound to reach its end (decode, the hop to the UI:
	// 0 to 200 ms here), plus what the sender's clocks say.
	if (first.SyncOffset - latency).Abs() > 250*time.Millisecond {
		t.Fatalf("first offset %v, want about %v", first.SyncOffset, latency)
	}
	// Measured again once the change was seen and heard (a full window
	// of samples after it, about 4 s).
	var last AudioInfo
	for end := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		last = *s.Stats().Audio
		if last.SyncOffset != first.SyncOffset {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("no new measure within 15 s of the first: %+v", last)
		}
	}
	held, set := sink.state()
	t.Logf("then: offset %v, sound held %v, picture held %v; the sink was given %v", last.SyncOffset, last.SyncDelay, last.PictureHold, set)
	if held != last.SyncDelay {
		t.Fatalf("the sink holds %v, Stats says %v", held, last.SyncDelay)
	}
	// The correction: the sound's delay when it was early, the
	// picture's hold when it was late; the other 0.
	fix, other := last.SyncDelay, last.PictureHold
	if !early {
		fix, other = other, fix
	}
	if other != 0 || fix < 100*time.Millisecond || fix > 600*time.Millisecond {
		t.Fatalf("sound held %v, picture held %v, for a sound %v off", last.SyncDelay, last.PictureHold, latency)
	}
	if (fix - first.SyncOffset.Abs()).Abs() > 100*time.Millisecond {
		t.Errorf("holding %v does not undo the first offset %v", fix, first.SyncOffset)
	}
	if !last.Synced || last.SyncOffset.Abs() > 80*time.Millisecond {
		t.Errorf("offset as seen and heard %v with sound held %v, picture held %v", last.SyncOffset, last.SyncDelay, last.PictureHold)
	}
	if len(set) > 4 {
		t.Errorf("the delay changed %d times in a few seconds: %v", len(set), set)
	}
	if st := s.Stats(); st.FramesShown == 0 || st.FramesDropped > st.FramesShown/10 {
		t.Errorf("%d pictures shown, %d dropped", st.FramesShown, st.FramesDropped)
	}
}
