package player

import (
	"strconv"
	"strings"
	"time"

	"github.com/rtspview/rtspview/rtsp"
)

// ParseStart reads a start position as a person types it: a play time
// ("12s", "1m30s", "12.5", "00:01:30") or a wall-clock time for
// recordings with absolute times ("2026-11-28T22:00:00Z", RFC 3339). Its
// error is an *rtsp.InputError naming the "start".
func ParseStart(s string) (npt time.Duration, clock time.Time, err error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return 0, t.UTC(), nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return d, time.Time{}, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f < 1e9 {
		return time.Duration(f * float64(time.Second)), time.Time{}, nil
	}
	if parts := strings.Split(s, ":"); len(parts) == 3 {
		h, eh := strconv.Atoi(parts[0])
		m, em := strconv.Atoi(parts[1])
		sec, es := strconv.ParseFloat(parts[2], 64)
		if eh == nil && em == nil && es == nil && h >= 0 && h < 1e5 && m >= 0 && m < 60 && sec >= 0 && sec < 60 {
			return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec*float64(time.Second)), time.Time{}, nil
		}
	}
	return 0, time.Time{}, &rtsp.InputError{Field: "start", Problem: "write a play time such as 12s or 00:01:30, or a date and time such as 2026-11-28T22:00:00Z"}
}
