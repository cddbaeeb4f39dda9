package player

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Errors of the playback controls. Each is a sentence a person can read.
var (
	// ErrNotSeekable: the stream is live (its SDP range is open), so it
	// has no other point to play from and no speed but 1×.
	ErrNotSeekable = errors.New("this stream is live: it cannot be sought or sped up")
	// ErrBeyondEnd: the start or seek point lies past the recording's end.
	ErrBeyondEnd = errors.New("the position is past the end of the recording")
	// ErrNotPlaying: a control was used while no session plays (still
	// connecting, reconnecting, failed or closed).
	ErrNotPlaying = errors.New("the stream is not playing")
	// ErrSpeedRefused: the server does not play at the asked speed
	// (RFC 2326 section 12.34, Scale); it goes on at 1×.
	ErrSpeedRefused = errors.New("the server does not play at this speed")
)

// BeyondEndError is a start or seek point at or past a recording's end.
// It wraps ErrBeyondEnd; At and End are written for a person ("30s",
// "2026-11-29T06:00:00Z").
type BeyondEndError struct{ At, End string }

func (e *BeyondEndError) Error() string {
	return fmt.Sprintf("cannot play from %s: the recording ends at %s", e.At, e.End)
}

// Unwrap returns ErrBeyondEnd.
func (e *BeyondEndError) Unwrap() error { return ErrBeyondEnd }

// fmtNPT writes a play time as seconds, "12s" or "12.5s".
func fmtNPT(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"
}
