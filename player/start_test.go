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
