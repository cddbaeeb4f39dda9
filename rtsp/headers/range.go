package headers

import (
	"strconv"
	"strings"
	"time"
)

// maxNPTSeconds keeps an NPT time inside time.Duration.
const maxNPTSeconds = uint64(1<<63-1) / uint64(time.Second)

// Range is a Range header in normal play time (RFC 2326 sections 3.6 and
// 12.29).
type Range struct {
	// Start is where playback starts; 0 for "now" and for the units we
	// ignore (clock=, smpte=).
	Start time.Duration
	// End is where playback ends; nil for an open range ("npt=5-").
	End *time.Duration
	// Live is true for "npt=now-" and "npt=0-": an open range from the
	// start, which is how servers describe a live stream.
	Live bool
}

// Unmarshal parses a Range header value. NPT times may be seconds with
// decimals ("12.5"), "hh:mm:ss.frac" or "now" (start only); "npt=-10" starts
// at 0. Parameters after ';' (";time=...") are ignored. clock= and smpte=
// ranges are accepted and ignored (Range{}), since a viewer only needs NPT.
// An end before the start is an error. An error wraps ErrSyntax.
func (r *Range) Unmarshal(v string) error {
	spec, _, _ := strings.Cut(v, ";")
	unit, val, ok := strings.Cut(spec, "=")
	if !ok {
		return syntaxError("Range", "no unit in %s", snippet(v))
	}
	switch strings.ToLower(trimOWS(unit)) {
	case "npt":
	case "clock", "smpte", "smpte-30-drop", "smpte-25":
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
func (r Range) Marshal() string {
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
