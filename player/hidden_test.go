package player

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// waitStats polls the stream's stats until ok holds (bounded by limit, a
// failure bound, not a timing assertion).
func waitStats(t *testing.T, s *Stream, limit time.Duration, what string, ok func(Stats) bool) Stats {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if st := s.Stats(); ok(st) {
			return st
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s: not within %v (stats %+v, status %+v)", what, limit, s.Stats(), s.Status())
	return Stats{}
}

// TestHiddenStreamDecodesNothingAndComesBackAtAKeyframe hides a playing
// stream: it decodes nothing and keeps its session; shown again, its first
// picture is decoded from a keyframe, so it is neither concealed nor
// preceded by units the decoder rejected.
func TestHiddenStreamDecodesNothingAndComesBackAtAKeyframe(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{})
	var (
		stream  atomic.Pointer[Stream]
		shown   atomic.Bool
		atFirst atomic.Pointer[Stats] // at the first picture after being shown
	)
	s := Start(Config{URL: srv.URL(), Transport: TransportTCP, OnFrame: func() {
		if shown.Load() && atFirst.Load() == nil {
			st := stream.Load().Stats()
			atFirst.CompareAndSwap(nil, &st)
		}
	}})
	stream.Store(s)
	defer s.Close()
	waitStats(t, s, 15*time.Second, "first pictures", func(st Stats) bool { return st.FramesShown >= 5 })

	s.SetHidden(true)
	// A unit may be in the decoder when hiding: let packets flow on, then
	// count from there.
	st := s.Stats()
	st = waitStats(t, s, 15*time.Second, "packets while hidden", func(x Stats) bool { return x.PacketsReceived > st.PacketsReceived+50 })
	decoded := st.FramesShown
	waitStats(t, s, 15*time.Second, "more packets while hidden", func(x Stats) bool { return x.PacketsReceived > st.PacketsReceived+200 })
	if got := s.Stats().FramesShown; got != decoded {
		t.Fatalf("hidden stream decoded %d pictures", got-decoded)
	}
	if s.Status().State != StatePlaying {
		t.Fatalf("hidden stream's session: %+v", s.Status())
	}

	before := s.Stats()
	shown.Store(true)
	s.SetHidden(false)
	waitStats(t, s, 15*time.Second, "pictures when shown again", func(x Stats) bool { return x.FramesShown >= decoded+5 })
	first := atFirst.Load()
	if first.DecodeErrors != before.DecodeErrors {
		t.Fatalf("shown again mid-GOP: %d units rejected before the first picture (want a start at a keyframe)", first.DecodeErrors-before.DecodeErrors)
	}
	// A unit dropped because the decoder fell behind (a loaded machine)
	// marks the next one damaged, keyframe or not, and that explains a
	// concealed picture; without one, concealment means a start mid-GOP.
	switch {
	case first.FramesConcealed == before.FramesConcealed:
	case first.FramesDropped == before.FramesDropped:
		t.Fatalf("shown again mid-GOP: the first picture is concealed (want a start at a keyframe)")
	default:
		t.Logf("the first picture shown again is concealed after %d units dropped behind the decoder", first.FramesDropped-before.FramesDropped)
	}
}

// waitStatus reads statuses from ch until one has state want, and fails t
// on a failure or when none comes within limit (a failure bound, not a
// timing assertion).
func waitStatus(t *testing.T, ch <-chan Status, limit time.Duration, what string, want State) Status {
	t.Helper()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for {
		select {
		case st := <-ch:
			if st.State == want {
				return st
			}
			if st.State == StateFailed || st.State == StateClosed {
				t.Fatalf("%s: %+v", what, st)
			}
		case <-deadline.C:
			t.Fatalf("%s: no %v status within %v", what, want, limit)
		}
	}
}

// TestHiddenStreamClosesItsSessionAndReopensWhenShown hides a stream until
// its session is closed (parked), then shows it: the session opens again,
// and every picture shown after that comes with the status Playing, from
// the first one on. The decoder can show pictures while the session's
// goroutine still waits for media after PLAY; the tile must not read
// "Connecting…" over them.
func TestHiddenStreamClosesItsSessionAndReopensWhenShown(t *testing.T) {
	defer func(d time.Duration) { parkAfter = d }(parkAfter)
	parkAfter = 300 * time.Millisecond
	srv := rtsptest.StartDemo(t, demo.Config{})
	// Room for every status of the test: the stream never waits on it.
	statuses := make(chan Status, 256)
	var (
		stream atomic.Pointer[Stream]
		shown  atomic.Bool
		wrong  atomic.Pointer[Status] // the status at a picture shown while not Playing
	)
	s := Start(Config{URL: srv.URL(), Transport: TransportTCP, Reconnect: true,
		OnStatus: func(st Status) { statuses <- st },
		OnFrame: func() {
			if shown.Load() {
				if st := stream.Load().Status(); st.State != StatePlaying {
					wrong.CompareAndSwap(nil, &st)
				}
			}
		},
	})
	stream.Store(s)
	defer s.Close()
	waitStatus(t, statuses, 15*time.Second, "first connect", StatePlaying)
	waitStats(t, s, 15*time.Second, "first pictures", func(st Stats) bool { return st.FramesShown >= 5 })

	s.SetHidden(true)
	waitStats(t, s, 15*time.Second, "session closed while hidden", func(x Stats) bool { return x.Parked })
	if st := s.Status(); st.State == StatePlaying || st.State == StateFailed {
		t.Fatalf("parked stream's status %+v", st)
	}
	// Closed: no packets come any more.
	p := s.Stats().PacketsReceived
	waitStats(t, s, 15*time.Second, "still parked", func(x Stats) bool { return x.Parked })
	if s.Stats().PacketsReceived != p {
		t.Fatal("packets arrive for a parked stream")
	}

	decoded := s.Stats().FramesShown
	for len(statuses) > 0 {
		<-statuses // the first session's, and the parked one's
	}
	shown.Store(true)
	s.SetHidden(false)
	waitStatus(t, statuses, 15*time.Second, "shown again", StatePlaying)
	waitStats(t, s, 15*time.Second, "pictures when shown again", func(x Stats) bool { return !x.Parked && x.FramesShown >= decoded+5 })
	if st := wrong.Load(); st != nil {
		t.Fatalf("a picture shown again under the status %+v", *st)
	}
}

// countSink counts the samples a stream plays.
type countSink struct{ n atomic.Int64 }

func (c *countSink) PlayAudio(pcm []int16, gap int) { c.n.Add(int64(len(pcm))) }
func (c *countSink) ResetAudio()                    {}

// TestHiddenStreamKeepsItsSoundPlaying: a stream whose sound is heard (a
// minimised window's tile that has the sound) decodes no pictures while
// hidden but keeps its session past parkAfter and its sound playing, as a
// minimised media player does. Once it loses the sound, it parks.
func TestHiddenStreamKeepsItsSoundPlaying(t *testing.T) {
	defer func(d time.Duration) { parkAfter = d }(parkAfter)
	parkAfter = 300 * time.Millisecond
	cam := rtsptest.StartCamera(t, rtsptest.CameraOptions{})
	sink := &countSink{}
	s := Start(Config{URL: cam.URL, Transport: TransportTCP, Reconnect: true, Audio: sink})
	defer s.Close()
	waitStats(t, s, 15*time.Second, "pictures and sound", func(st Stats) bool {
		return st.FramesShown >= 5 && st.Audio != nil && st.Audio.Decoded > 500*time.Millisecond
	})
	s.SetHidden(true)
	time.Sleep(300 * time.Millisecond) // a picture being decoded when hidden still shows
	shown, heard := s.Stats().FramesShown, sink.n.Load()
	time.Sleep(10 * parkAfter) // well past parkAfter: 3 s
	st := s.Stats()
	played := time.Duration(sink.n.Load()-heard) * time.Second / (AudioRate * AudioChannels)
	t.Logf("hidden for 3.3 s with the sound: parked %v, %d pictures shown, %v of sound played", st.Parked, st.FramesShown-shown, played)
	if st.Parked || played < 2*time.Second || st.FramesShown != shown {
		t.Fatalf("hidden with its sound: parked %v, %v of sound played in 3 s, %d pictures shown", st.Parked, played, st.FramesShown-shown)
	}
	s.SetAudio(nil) // the window gave the sound to no one
	waitStats(t, s, 15*time.Second, "parked once not heard", func(x Stats) bool { return x.Parked })
}
