package player

import (
	"errors"
	"testing"
	"time"

	"github.com/rtspview/rtspview/rtsp"
)

func TestParseStart(t *testing.T) {
	clock := time.Date(2026, 11, 28, 22, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in    string
		npt   time.Duration
		clock time.Time
	}{
		{"", 0, time.Time{}},
		{"12s", 12 * time.Second, time.Time{}},
		{"1m30s", 90 * time.Second, time.Time{}},
		{"12.5", 12500 * time.Millisecond, time.Time{}},
		{"00:01:30.5", 90500 * time.Millisecond, time.Time{}},
		{"2026-11-28T22:00:00Z", 0, clock},
		{"2026-11-28T23:00:00+01:00", 0, clock},
	} {
		npt, ck, err := ParseStart(c.in)
		if err != nil || npt != c.npt || !ck.Equal(c.clock) {
			t.Errorf("ParseStart(%q) = %v, %v, %v; want %v, %v", c.in, npt, ck, err, c.npt, c.clock)
		}
	}
	for _, in := range []string{"-3s", "soon", "1:2", "00:61:00", "NaN", "1e300"} {
		var ie *rtsp.InputError
		if _, _, err := ParseStart(in); !errors.As(err, &ie) || ie.Field != "start" || Classify(err) != KindInput {
			t.Errorf("ParseStart(%q): %v; want an input error about the start", in, err)
		}
	}
}

// TestRangeFor turns positions into PLAY ranges: play times on an npt
// recording, wall-clock times (or offsets from the start) on an NVR's
// clock= recording, and refuses points past the end.
func TestRangeFor(t *testing.T) {
	const head = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
	const media = "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
	desc := func(rng string) *rtsp.Description {
		u, _ := rtsp.ParseURL("rtsp://h/rec")
		d, err := rtsp.ParseDescription([]byte(head+"a=range:"+rng+"\r\n"+media), u)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	s := &Stream{}
	vod := desc("npt=0-20")
	if o, err := s.rangeFor(vod, 12*time.Second, time.Time{}); err != nil || o.Start != 12*time.Second || !o.Clock.IsZero() {
		t.Fatalf("npt 12 s: %+v %v", o, err)
	}
	var be *BeyondEndError
	if _, err := s.rangeFor(vod, 20*time.Second, time.Time{}); !errors.As(err, &be) || be.At != "20s" || be.End != "20s" {
		t.Fatalf("npt 20 s: %v", err)
	}
	if _, err := s.rangeFor(vod, 0, time.Now()); Classify(err) != KindInput {
		t.Fatalf("wall-clock start on an npt recording: %v", err)
	}
	nvr := desc("clock=20261128T220000Z-20261129T060000Z")
	start := time.Date(2026, 11, 28, 22, 0, 0, 0, time.UTC)
	if o, err := s.rangeFor(nvr, 90*time.Minute, time.Time{}); err != nil || !o.Clock.Equal(start.Add(90*time.Minute)) {
		t.Fatalf("offset on a clock recording: %+v %v", o, err)
	}
	at := time.Date(2026, 11, 29, 5, 0, 0, 0, time.UTC)
	if o, err := s.rangeFor(nvr, 0, at); err != nil || !o.Clock.Equal(at) {
		t.Fatalf("wall-clock time: %+v %v", o, err)
	}
	if o, err := s.rangeFor(nvr, 0, start.Add(-time.Hour)); err != nil || !o.Clock.Equal(start) {
		t.Fatalf("before the start: %+v %v", o, err)
	}
	if _, err := s.rangeFor(nvr, 0, time.Date(2026, 11, 29, 7, 0, 0, 0, time.UTC)); !errors.Is(err, ErrBeyondEnd) || Classify(err) != KindOutOfRange {
		t.Fatalf("after the end: %v", err)
	}
}
