package headers

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func dur(d time.Duration) *time.Duration { return &d }

func utc(s string) time.Time {
	t, err := time.Parse("20060102T150405", s)
	if err != nil {
		panic(err)
	}
	return t
}

func utcp(s string) *time.Time { t := utc(s); return &t }

var rangeCases = []unmarshalCase[Range]{
	{"live555 live", "npt=0.000-", Range{Live: true}, "npt=0.000-"},
	{"live555 file", "npt=0.000-10.000", Range{End: dur(10 * time.Second)}, "npt=0.000-10.000"},
	{"gst-rtsp-server live", "npt=now-", Range{Live: true}, "npt=0.000-"},
	{"gortsplib", "npt=0-", Range{Live: true}, "npt=0.000-"},
	{"six decimals", "npt=0.000000-", Range{Live: true}, "npt=0.000-"},
	{"seek with open end is not live", "npt=12.5-", Range{Start: 12500 * time.Millisecond}, "npt=12.500-"},
	{
		"hh:mm:ss",
		"npt=00:00:05.5-01:02:03",
		Range{Start: 5500 * time.Millisecond, End: dur(time.Hour + 2*time.Minute + 3*time.Second)},
		"npt=5.500-3723.000",
	},
	{"nanosecond precision kept", "npt=1.123456789-", Range{Start: 1123456789}, "npt=1.123456789-"},
	{"finer than ns dropped", "npt=1.1234567899-", Range{Start: 1123456789}, "npt=1.123456789-"},
	{"no start", "npt=-10", Range{End: dur(10 * time.Second)}, "npt=0.000-10.000"},
	{"leading dot, trailing dot", "npt=.5-2.", Range{Start: 500 * time.Millisecond, End: dur(2 * time.Second)}, "npt=0.500-2.000"},
	{"time parameter ignored", "npt=5-;time=19970123T143720Z", Range{Start: 5 * time.Second}, "npt=5.000-"},
	{"spaces and case", " NPT = 12.5 - 20 ", Range{Start: 12500 * time.Millisecond, End: dur(20 * time.Second)}, "npt=12.500-20.000"},
	{"no dash", "npt=7", Range{Start: 7 * time.Second}, "npt=7.000-"},
	{
		"clock closed", "clock=19961108T142300Z-19961108T143520Z",
		Range{Clock: &ClockRange{Start: utc("19961108T142300"), End: utcp("19961108T143520")}},
		"clock=19961108T142300Z-19961108T143520Z",
	},
	{
		"clock open, NVR playback", "clock=20261128T220000Z-",
		Range{Clock: &ClockRange{Start: utc("20261128T220000")}}, "clock=20261128T220000Z-",
	},
	{
		"clock fraction and spaces", "Clock = 20261128T220000.25Z - 20261129T060000Z ",
		Range{Clock: &ClockRange{Start: utc("20261128T220000").Add(250 * time.Millisecond), End: utcp("20261129T060000")}},
		"clock=20261128T220000.25Z-20261129T060000Z",
	},
	{"clock time parameter ignored", "clock=20261128T220000Z-;time=19970123T143720Z", Range{Clock: &ClockRange{Start: utc("20261128T220000")}}, "clock=20261128T220000Z-"},
	{"smpte ignored", "smpte=10:07:00-10:07:33:05.01", Range{}, "npt=0.000-"},
	{"empty range", "npt=0-0", Range{End: dur(0)}, "npt=0.000-0.000"},
}

func TestRangeUnmarshal(t *testing.T) { testUnmarshal(t, rangeCases) }

func TestRangeUnmarshalErrors(t *testing.T) {
	testRejects[Range](t, []string{
		"",
		"0-",
		"foo=1-2",
		"npt=",
		"npt=-",
		"npt=10-5",
		"npt=abc-",
		"npt=1:2-",
		"npt=00:60:00-",
		"npt=00:00:60-",
		"npt=now-now",
		"npt=1-2-3",
		"npt=.-",
		"npt=1.2.3-",
		"npt=1.x-",
		"npt=+1-",
		"npt=99999999999-",
		"npt=9223372036-",
		"npt=2562048:00:00-",
		"clock=",
		"clock=-20261128T220000Z",
		"clock=20261128T220000-",
		"clock=2026112T220000Z-",
		"clock=20261128T22000Z-",
		"clock=20261328T220000Z-",
		"clock=20261128T250000Z-",
		"clock=20261128T220000.Z-",
		"clock=20261128T220000.5xZ-",
		"clock=+0261128T220000Z-",
		"clock=20261129T000000Z-20261128T000000Z",
	})
}

func TestRangeLargestValue(t *testing.T) {
	var r Range
	if err := r.Unmarshal("npt=9223372035.999999999-"); err != nil {
		t.Fatal(err)
	}
	if r.Start != 9223372035999999999 {
		t.Fatalf("got %d", r.Start)
	}
}

func FuzzRange(f *testing.F) {
	for _, c := range rangeCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, v string) {
		var r Range
		if err := r.Unmarshal(v); err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("error %v does not wrap ErrSyntax", err)
			}
			return
		}
		if r.Start < 0 || (r.End != nil && *r.End < r.Start) || (r.Clock != nil && r.Clock.End != nil && r.Clock.End.Before(r.Clock.Start)) {
			t.Fatalf("Unmarshal(%q) = %+v: negative or inverted", v, r)
		}
		m := r.Marshal()
		var back Range
		if err := back.Unmarshal(m); err != nil {
			t.Fatalf("Unmarshal(Marshal) of %q (%q): %v", v, m, err)
		}
		// Marshal cannot tell "npt=0-" (live) from an smpte= range we
		// ignored (Range{}), so that one case may come back Live.
		ignoredUnit := r.Start == 0 && r.End == nil && !r.Live
		if r.Clock != nil {
			if back.Clock == nil || !back.Clock.Start.Equal(r.Clock.Start) ||
				(back.Clock.End == nil) != (r.Clock.End == nil) ||
				(r.Clock.End != nil && !back.Clock.End.Equal(*r.Clock.End)) || back.Marshal() != m {
				t.Fatalf("round trip of %q via %q: got %+v, want %+v", v, m, back, r)
			}
			return
		}
		if back.Start != r.Start || !reflect.DeepEqual(back.End, r.End) ||
			(back.Live != r.Live && !ignoredUnit) || back.Marshal() != m {
			t.Fatalf("round trip of %q via %q: got %+v, want %+v", v, m, back, r)
		}
	})
}
