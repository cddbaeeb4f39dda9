package player

import "github.com/rtspview/rtspview/rtsp"

// recordAudioTrack is the audio track of a's session that a recording
// keeps. The hook for the audio wiring (audioloop.go): until the attempt
// carries its audio track, recordings hold the picture only.
func (a *attempt) recordAudioTrack() (rtsp.Track, bool) { return rtsp.Track{}, false }
