package player

// SetHidden says whether the stream's picture is out of sight (a tile on
// another page of the wall, or behind a tile shown full). A hidden stream
// keeps its session and receives as before, but decodes nothing: decoding
// is most of what a stream costs, and the session is kept so that showing
// the tile again needs no new connection. When shown again it decodes from
// the next keyframe (up to a GOP later), since the units skipped were the
// references of everything up to it.
func (s *Stream) SetHidden(hidden bool) { s.hidden.Store(hidden) }

// Hidden reports what SetHidden last set.
func (s *Stream) Hidden() bool { return s.hidden.Load() }
