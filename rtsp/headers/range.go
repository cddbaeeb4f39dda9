package headers

import (
	"strconv"
	"strings"
	"time"
)

// maxNPTSeconds keeps an NPT time inside time.Duration.
const maxNPTSeconds = uint64(1<<63-1) / uint64(time.Second)

// Range is a Range header or SDP a=range in normal play time or absolute
// time (RFC 2326 sections 3.6, 3.7 and 12.29).
type Range struct {
	// Start is where playback starts; 0 for "now", for clock= ranges and
	// for the unit we ignore (smpte=).
	Start time.Duration
	// End is where playback ends; nil for an open range ("npt=5-").
	End *time.Duration
	// Live is true for "npt=now-" and "npt=0-": an open range from the
	// start, which is how servers describe a live stream.
	Live bool
	// Clock is set for an absolute range ("clock=20261128T220000Z-..."),
	// which NVRs use for recordings addressed by wall-clock time; Start
	// and End are then zero and nil.
	Clock *ClockRange
}

// ClockRange is an absolute time range (RFC 2326 section 3.7), in UTC.
type ClockRange struct {
	Start time.Time
	// End is nil for an open range ("clock=20261128T220000Z-").
	End *time.Time
}

// Unmarshal parses a Range header value. NPT times may be seconds with
// decimals ("12.5"), "hh:mm:ss.frac" or "now" (start only); "npt=-10" starts
// at 0. Parameters after ';' (";time=...") are ignored. clock= and smpte=
// ranges fill Clock; smpte= ranges are accepted and ignored (Range{}), since
// no server we know addresses recordings by SMPTE frames. An end before the
// start is an error. An error wraps ErrSyntax.
func (r *Range) Unmarshal(v string) error {
	spec, _, _ := strings.Cut(v, ";")
	unit, val, ok := strings.Cut(spec, "=")
	if !ok {
		return syntaxError("Range", "no unit in %s", snippet(v))
	}
	switch strings.ToLower(trimOWS(unit)) {
	case "npt":
	case "clock":
		return r.unmarshalClock(v, val)
	case "smpte", "smpte-30-drop", "smpte-25":
		*r = Range{}
		return nil
	default:
		return syntaxError("Range", "unknown unit in %s", snippet(v))
	}

	startStr, endStr, _ := strings.Cut(val, "-")
	startStr, endStr = trimOWS(startStr), trimOWS(endStr)
	if startStr == "" && endStr == "" {
		return syntaxError("Range", "empty npt range")
	}
	var parsed Range
	now := strings.EqualFold(startStr, "now")
	if !now && startStr != "" {
		d, err := parseNPT(startStr)
		if err != nil {
			return err
		}
		parsed.Start = d
	}
	if endStr != "" {
		d, err := parseNPT(endStr)
		if err != nil {
			return err
		}
		if d < parsed.Start {
			return syntaxError("Range", "end before start in %s", snippet(v))
		}
		parsed.End = &d
	}
	parsed.Live = parsed.End == nil && (now || parsed.Start == 0)
	*r = parsed
	return nil
}

// unmarshalClock parses the value of a clock= range. RFC 2326 requires a
// start; the end may be open.
func (r *Range) unmarshalClock(v, val string) error {
	startStr, endStr, _ := strings.Cut(val, "-")
	startStr, endStr = trimOWS(startStr), trimOWS(endStr)
	start, err := parseUTC(startStr)
	if err != nil {
		return err
	}
	cr := &ClockRange{Start: start}
	if endStr != "" {
		end, err := parseUTC(endStr)
		if err != nil {
			return err
		}
		if end.Before(start) {
			return syntaxError("Range", "end before start in %s", snippet(v))
		}
		cr.End = &end
	}
	*r = Range{Clock: cr}
	return nil
}

// parseUTC parses an RFC 2326 utc-time: "YYYYMMDDThhmmss[.fraction]Z".
// time.Parse would accept one-digit fields and signs, so the digits are
// checked here first.
func parseUTC(s string) (time.Time, error) {
	date, rest, ok := strings.Cut(s, "T")
	if !ok || len(date) != 8 || !strings.HasSuffix(rest, "Z") {
		return time.Time{}, syntaxError("Range", "bad clock time %s", snippet(s))
	}
	rest = strings.TrimSuffix(rest, "Z")
	hms, frac, hasFrac := strings.Cut(rest, ".")
	if len(hms) != 6 || !allDigits(date) || !allDigits(hms) || (hasFrac && (frac == "" || !allDigits(frac))) {
		return time.Time{}, syntaxError("Range", "bad clock time %s", snippet(s))
	}
	t, err := time.Parse("20060102T150405", date+"T"+hms)
	if err != nil {
		return time.Time{}, syntaxError("Range", "bad clock time %s", snippet(s))
	}
	var nanos int64
	for i := 0; i < 9; i++ {
		nanos *= 10
		if i < len(frac) {
			nanos += int64(frac[i] - '0')
		}
	}
	return t.Add(time.Duration(nanos)).UTC(), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// formatUTC writes t as an RFC 2326 utc-time, with a fraction only when
// t has one, so parseUTC gets the same time back.
func formatUTC(t time.Time) string {
	t = t.UTC()
	s := t.Format("20060102T150405")
	if ns := t.Nanosecond(); ns != 0 {
		frac := strings.TrimRight(strconv.FormatInt(int64(ns)+int64(time.Second), 10)[1:], "0")
		s += "." + frac
	}
	return s + "Z"
}

// parseNPT parses npt-sec ("12", "12.", ".5", "12.345") or npt-hhmmss
// ("1:02:03.5"), keeping up to nanosecond precision without floats.
func parseNPT(s string) (time.Duration, error) {
	whole, frac, hasFrac := strings.Cut(s, ".")
	var secs uint64
	if strings.Contains(whole, ":") {
		parts := strings.Split(whole, ":")
		if len(parts) != 3 {
			return 0, syntaxError("Range", "bad npt time %s", snippet(s))
		}
		h, okH := parseDecimal(parts[0], maxNPTSeconds/3600)
		m, okM := parseDecimal(parts[1], 59)
		sec, okS := parseDecimal(parts[2], 59)
		if !okH || !okM || !okS {
			return 0, syntaxError("Range", "bad npt time %s", snippet(s))
		}
		secs = h*3600 + m*60 + sec
	} else if whole != "" || !hasFrac {
		n, ok := parseDecimal(whole, maxNPTSeconds)
		if !ok {
			return 0, syntaxError("Range", "bad npt time %s", snippet(s))
		}
		secs = n
	}
	if secs > maxNPTSeconds-1 {
		return 0, syntaxError("Range", "npt time too large %s", snippet(s))
	}
	var nanos uint64
	if hasFrac {
		if frac == "" && whole == "" {
			return 0, syntaxError("Range", "bad npt time %s", snippet(s))
		}
		for i := 0; i < len(frac); i++ {
			c := frac[i]
			if c < '0' || c > '9' {
				return 0, syntaxError("Range", "bad npt fraction %s", snippet(s))
			}
			if i < 9 { // finer than a nanosecond is dropped
				nanos = nanos*10 + uint64(c-'0')
			}
		}
		for i := len(frac); i < 9; i++ {
			nanos *= 10
		}
	}
	return time.Duration(secs)*time.Second + time.Duration(nanos), nil
}

// Marshal formats r as "npt=START-[END]" with at least millisecond digits,
// e.g. "npt=0.000-" (what live555 sends) or "npt=1.5-10.000"; more digits are
// written only when the value has them, so Unmarshal gets the same Duration
// back. Live does not change the output: "npt=0.000-" already reads as live.
// A Clock range is written as "clock=START-[END]".
func (r Range) Marshal() string {
	if r.Clock != nil {
		s := "clock=" + formatUTC(r.Clock.Start) + "-"
		if r.Clock.End != nil {
			s += formatUTC(*r.Clock.End)
		}
		return s
	}
	s := "npt=" + formatNPT(r.Start) + "-"
	if r.End != nil {
		s += formatNPT(*r.End)
	}
	return s
}

func formatNPT(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	frac := strconv.FormatInt(int64(d%time.Second)+int64(time.Second), 10)[1:] // 9 digits
	frac = strings.TrimRight(frac, "0")
	for len(frac) < 3 {
		frac += "0"
	}
	return strconv.FormatInt(int64(d/time.Second), 10) + "." + frac
}
