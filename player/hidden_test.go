package player

import (
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

func TestHiddenStreamDecodesNothingAndComesBackAtAKeyframe(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{})
	s := Start(Config{URL: srv.URL(), Transport: TransportTCP})
	defer s.Close()
	waitStats(t, s, 15*time.Second, "first pictures", func(st Stats) bool { return st.FramesDecoded >= 5 })

	s.SetHidden(true)
	// A unit may be in the decoder when hiding: let packets flow on, then
	// count from there.
	st := s.Stats()
	st = waitStats(t, s, 15*time.Second, "packets while hidden", func(x Stats) bool { return x.PacketsReceived > st.PacketsReceived+50 })
	decoded := st.FramesDecoded
	waitStats(t, s, 15*time.Second, "more packets while hidden", func(x Stats) bool { return x.PacketsReceived > st.PacketsReceived+200 })
	if got := s.Stats().FramesDecoded; got != decoded {
		t.Fatalf("hidden stream decoded %d pictures", got-decoded)
	}
	if s.Status().State != StatePlaying {
		t.Fatalf("hidden stream's session: %+v", s.Status())
	}

	s.SetHidden(false)
	waitStats(t, s, 15*time.Second, "pictures when shown again", func(x Stats) bool { return x.FramesDecoded >= decoded+5 })
	if x := s.Stats(); x.DecodeErrors != 0 || x.FramesConcealed != 0 {
		t.Fatalf("shown again mid-GOP: %d decode errors, %d concealed (want a start at a keyframe)", x.DecodeErrors, x.FramesConcealed)
	}
}

func TestHiddenStreamClosesItsSessionAndReopensWhenShown(t *testing.T) {
	defer func(d time.Duration) { parkAfter = d }(parkAfter)
	parkAfter = 300 * time.Millisecond
	srv := rtsptest.StartDemo(t, demo.Config{})
	s := Start(Config{URL: srv.URL(), Transport: TransportTCP, Reconnect: true})
	defer s.Close()
	waitStats(t, s, 15*time.Second, "first pictures", func(st Stats) bool { return st.FramesDecoded >= 5 })

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

	decoded := s.Stats().FramesDecoded
	s.SetHidden(false)
	waitStats(t, s, 15*time.Second, "pictures when shown again", func(x Stats) bool { return !x.Parked && x.FramesDecoded >= decoded+5 })
	if st := s.Status(); st.State != StatePlaying {
		t.Fatalf("shown again: %+v", st)
	}
}
