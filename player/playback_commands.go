package player

import (
	"fmt"
	"time"

	"github.com/rtspview/rtspview/rtsp"
)

type cmdKind int

const (
	cmdSeek cmdKind = iota
	cmdPause
	cmdResume
	cmdSpeed
)

// command is a playback control for the goroutine that owns the session
// (Stream.play): rtsp.Client's methods are called from one goroutine.
type command struct {
	kind  cmdKind
	to    time.Duration
	clock time.Time
	speed float64
	reply chan error
}

// Seek plays from npt to (normal play time from the start of the
// recording). The first picture from there replaces the one shown; none
// from before the seek follows it. A seek while paused plays on.
func (s *Stream) Seek(to time.Duration) error {
	return s.do(command{kind: cmdSeek, to: to})
}

// SeekClock plays an absolute (clock=) recording, an NVR's, from the
// wall-clock time t.
func (s *Stream) SeekClock(t time.Time) error {
	return s.do(command{kind: cmdSeek, clock: t})
}

// Pause freezes the picture. A recording is paused on the server (RFC
// 2326 section 10.6). A live stream keeps its session and drops pictures,
// so that Resume shows live video at once instead of waiting up to a GOP
// for the keyframe a server-side pause would cost. When Pause returns, the
// picture is held: no picture decoded before it is shown after it.
func (s *Stream) Pause() error { return s.do(command{kind: cmdPause}) }

// Resume goes on after Pause: a recording from where it paused, a live
// stream at live.
func (s *Stream) Resume() error { return s.do(command{kind: cmdResume}) }

// SetSpeed asks for playback at x (0.5, 1, 2, 4) with Scale. When the
// server refuses, the stream plays on at 1× and the error is
// ErrSpeedRefused; Stats.SpeedRefused says so too.
func (s *Stream) SetSpeed(x float64) error {
	if x <= 0 {
		return fmt.Errorf("%w: speed %v", rtsp.ErrInput, x)
	}
	return s.do(command{kind: cmdSpeed, speed: x})
}

// do hands c to the session's goroutine and waits for its outcome.
func (s *Stream) do(c command) error {
	c.reply = make(chan error, 1)
	select {
	case s.pb.cmds <- c:
	case <-s.ctx.Done():
		return ErrNotPlaying
	case <-time.After(s.cfg.Timeout):
		return ErrNotPlaying // no session took it: connecting or reconnecting
	}
	select {
	case err := <-c.reply:
		return err
	case <-s.ctx.Done():
		return ErrNotPlaying
	}
}
