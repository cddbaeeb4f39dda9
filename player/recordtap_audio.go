package player

import (
	"github.com/rtspview/rtspview/record"
	"github.com/rtspview/rtspview/rtsp"
)

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

// senderReports returns Source.Reports for a's session: the newest sender
// report of its video and audio tracks, read from the session's client
// by the recorder's goroutine. Once a is no longer the stream's session
// (a reconnect), it answers none: the next session's reports belong to
// other RTP clocks, and its units to another Source.
func (a *attempt) senderReports() func() (video, audio record.SenderReport) {
	s := a.s
	return func() (video, audio record.SenderReport) {
		at := a.audio.Load()
		s.mu.Lock()
		cl := s.client
		if s.att != a {
			cl = nil
		}
		s.mu.Unlock()
		if cl == nil || at == nil {
			return
		}
		v, au := cl.Stats(cl.VideoTrackIndex()).LastSenderReport, cl.Stats(at.track.Index).LastSenderReport
		return record.SenderReport{NTP: v.NTP, RTPTime: v.RTPTime}, record.SenderReport{NTP: au.NTP, RTPTime: au.RTPTime}
	}
}
