package player

import (
	"errors"
	"time"
)

// parkAfter is how long a stream stays hidden with its session open. A
// page turned back within it shows the camera at its next keyframe; past
// it, the session (and the camera's upload) is not worth keeping: it is
// torn down and opened again when shown. A variable for the tests.
var parkAfter = 30 * time.Second

// errParked ends a session that was hidden for parkAfter.
var errParked = errors.New("hidden: session closed until shown")

// SetHidden says whether the stream's picture is out of sight (a tile on
// another page of the wall, or behind a tile shown full). A hidden stream
// keeps its session and goes on receiving, but decodes nothing: decoding
// is most of what a stream costs, and the session is kept so that showing
// the tile again needs no new connection. When shown again it decodes from
// the next keyframe (up to a GOP later), since the units skipped were the
// references of everything up to it. Hidden for 30 s, the session is torn
// down (Stats.Parked) and opened again when shown; not while it records
// (StartRecording), which needs the packets, nor while its sound is heard
// (heard: the tile of a minimised window that has the sound).
func (s *Stream) SetHidden(hidden bool) {
	if hidden {
		if !s.hidden.Swap(true) {
			s.hiddenAt.Store(time.Now().UnixNano())
		}
		return
	}
	if s.hidden.Swap(false) {
		select {
		case s.shown <- struct{}{}:
		default: // a wake is pending already
		}
	}
}

// Hidden reports what SetHidden last set.
func (s *Stream) Hidden() bool { return s.hidden.Load() }

// park waits, with the session closed, until the stream is shown again;
// false when the stream was closed meanwhile.
func (s *Stream) park() bool {
	s.parked.Store(true)
	defer s.parked.Store(false)
	s.setStatus(Status{State: StateConnecting, Text: "Hidden; reconnects when shown"})
	for s.hidden.Load() && !s.recording() { // a recording wants the session
		select {
		case <-s.ctx.Done():
			return false
		case <-s.shown:
		}
	}
	return true
}

// heard says whether the stream's sound is being played: it has a sink
// (its tile has the sound) and its camera's audio track is set up. A
// hidden stream that is heard keeps its session past parkAfter, as a
// minimised media player keeps playing; its pictures are still not
// decoded.
func (s *Stream) heard() bool {
	if s.aud.sink.Load() == nil {
		return false
	}
	s.mu.Lock()
	att := s.att
	s.mu.Unlock()
	if att == nil {
		return false
	}
	at := att.audio.Load()
	return at != nil && at.setUp.Load()
}
