package player

import (
	"fmt"
	"time"

	"github.com/rtspview/rtspview/rtsp"
)

// firstPlay says where the session's first PLAY starts: Config.Start (or
// StartClock), or after a reconnect the position reached, on a seekable
// stream; from the start ("npt=0-", which live servers read as now)
// otherwise.
func (s *Stream) firstPlay(d *rtsp.Description) (rtsp.PlayOptions, error) {
	var o rtsp.PlayOptions
	if !d.Seekable() {
		return o, nil
	}
	start, clock := s.cfg.Start, s.cfg.StartClock
	pos, reconnect, speed := s.pb.reached()
	if reconnect { // go on where the picture was
		start, clock = pos, time.Time{}
	}
	o, err := s.rangeFor(d, start, clock)
	if speed != 1 && speed != 0 {
		o.Scale = speed
	}
	return o, err
}

// rangeFor turns a position (npt, or wall-clock time for a clock= range)
// into PLAY options, refusing one past the end.
func (s *Stream) rangeFor(d *rtsp.Description, start time.Duration, clock time.Time) (rtsp.PlayOptions, error) {
	var o rtsp.PlayOptions
	dur, finite := d.Duration()
	if c := d.Range.Clock; c != nil {
		if clock.IsZero() {
			clock = c.Start.Add(start)
		}
		if clock.Before(c.Start) {
			clock = c.Start
		}
		if c.End != nil && !clock.Before(*c.End) {
			return o, &BeyondEndError{At: clock.UTC().Format(time.RFC3339), End: c.End.UTC().Format(time.RFC3339)}
		}
		o.Clock = clock
		return o, nil
	}
	if !clock.IsZero() {
		return o, fmt.Errorf("%w: a wall-clock start needs a recording with clock times; this one has play times from 0 to %v", rtsp.ErrInput, dur)
	}
	if start < 0 {
		start = 0
	}
	if finite && start >= d.Range.Start+dur {
		return o, &BeyondEndError{At: fmtNPT(start), End: fmtNPT(d.Range.Start + dur)}
	}
	o.Start = start
	return o, nil
}
