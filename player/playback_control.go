package player

import (
	"context"
	"errors"
	"time"

	"github.com/rtspview/rtspview/rtsp"
)

// control runs one playback command on the session's goroutine.
func (s *Stream) control(cl *rtsp.Client, c command) error {
	s.mu.Lock()
	a := s.att
	s.mu.Unlock()
	if a == nil {
		return ErrNotPlaying
	}
	ctx, cancel := context.WithTimeout(s.ctx, s.cfg.Timeout)
	defer cancel()
	switch c.kind {
	case cmdPause:
		return s.pause(ctx, cl)
	case cmdResume:
		return s.resume(ctx, cl, a)
	case cmdSeek, cmdSpeed:
		return s.move(ctx, cl, a, c)
	}
	return nil
}

// pause holds the picture: a recording is paused on the server, a live
// stream (or a server without PAUSE) by dropping pictures.
func (s *Stream) pause(ctx context.Context, cl *rtsp.Client) error {
	if s.pb.paused.Load() {
		return nil
	}
	seekable, _, _ := s.pb.current()
	// Frozen first: pictures in flight until PAUSE is answered are not
	// shown, so the picture held is the one shown when asked.
	s.freeze()
	if !seekable {
		return nil
	}
	if err := cl.Pause(ctx); err != nil {
		var se *rtsp.StatusError
		if !errors.As(err, &se) {
			s.pb.paused.Store(false)
			return err
		}
		// The server has no PAUSE (405, 501): drop pictures, and seek
		// back to here on resume.
		s.pb.pausedByDropping()
		return nil
	}
	s.pb.pausedOnServer()
	s.setStatus(Status{State: StatePaused, Text: "Paused"})
	return nil
}

// resume goes on after pause: a live stream at live, a recording from
// the picture held.
func (s *Stream) resume(ctx context.Context, cl *rtsp.Client, a *attempt) error {
	if !s.pb.paused.Load() {
		return nil
	}
	seekable, pos, speed := s.pb.current()
	onServer, byDropping := s.pb.takePause()
	if seekable && (onServer || byDropping) {
		// A PLAY to the picture shown, not a bare PLAY: gst-rtsp-server
		// answers a bare one with a Range and rtptime that count the
		// pause as played, and over TCP goes on a few frames before the
		// last one it sent (docs/QUIRKS.md #18). A seek maps right on
		// every server; pictures before the pause point are decoded but
		// not shown, so the picture does not step back.
		o, err := s.rangeFor(cl.Description(), pos, time.Time{})
		if err != nil {
			return err
		}
		if speed != 1 {
			o.Scale = speed
		}
		s.pb.hideNextBefore(pos)
		s.pb.paused.Store(false)
		if _, err := s.playFrom(ctx, cl, a, cl.VideoTrackIndex(), o, true, onServer); err != nil {
			return err
		}
	}
	// A live stream needs nothing more: its decoder kept up, and the next
	// picture is live.
	s.pb.paused.Store(false)
	s.setStatus(s.playingNow())
	return nil
}

// move plays from another point (a seek) or at another speed, from the
// picture shown; a seek while paused plays on.
func (s *Stream) move(ctx context.Context, cl *rtsp.Client, a *attempt, c command) error {
	seekable, pos, speed := s.pb.current()
	if !seekable {
		return ErrNotSeekable
	}
	to, clock := c.to, c.clock
	if c.kind == cmdSpeed {
		to, clock = pos, time.Time{}
		speed = c.speed
	}
	o, err := s.rangeFor(cl.Description(), to, clock)
	if err != nil {
		return err
	}
	if speed != 1 {
		o.Scale = speed
	}
	s.pb.paused.Store(false)
	res, err := s.seekPlay(ctx, cl, a, o)
	if err != nil {
		return err
	}
	if o.Scale != 0 && res.ScaleRefused {
		// gst-rtsp-server 1.22 answers a Scale of 2 with "Scale: 1" yet
		// plays the file at twice its speed (a segment rate), with RTP
		// timestamps at 1x: the pictures run ahead of every position. A
		// PLAY without Scale from the same point leaves the server truly
		// at 1x, whatever it made of the Scale; after a 4xx it costs one
		// needless PLAY.
		o.Scale = 0
		if _, err := s.seekPlay(ctx, cl, a, o); err != nil {
			return err
		}
		s.pb.refuseSpeed()
		s.setStatus(s.playingNow())
		return ErrSpeedRefused
	}
	s.setStatus(s.playingNow())
	return nil
}

// playingNow is the Playing status for the transport the session uses.
func (s *Stream) playingNow() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return playingStatus(s.stats.Transport)
}
