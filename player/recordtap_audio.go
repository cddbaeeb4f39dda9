package player

import "github.com/rtspview/rtspview/rtsp"

// recordAudioTrack is the audio track of a's session that a recording
// keeps: the one set up beside the video (audioloop.go), also when nobody
// listens to it. A codec this player cannot depacketize comes back too,
// for Source.AudioName to say it is left out.
func (a *attempt) recordAudioTrack() (rtsp.Track, bool) {
	at := a.audio.Load()
	if at == nil || at.refused.Load() {
		return rtsp.Track{}, false
	}
	return at.track, true
}
