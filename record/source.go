package record

import (
	"time"

	"github.com/rtspview/rtspview/decode"
)

// AudioCodec is a sound format the recorder writes as it came.
type AudioCodec int

// Audio formats kept in a recording. AudioNone: the stream has no sound,
// or one this package does not write (see Source.AudioName).
const (
	AudioNone AudioCodec = iota
	// AudioAAC is raw AAC frames (RFC 3640 or RFC 6416 payloads, without
	// ADTS headers), described by Source.AudioConfig.
	AudioAAC
	// AudioPCMA and AudioPCMU are G.711 A-law and µ-law, one byte per
	// sample and channel.
	AudioPCMA
	AudioPCMU
)

func (c AudioCodec) String() string {
	switch c {
	case AudioNone:
		return "none"
	case AudioAAC:
		return "AAC"
	case AudioPCMA:
		return "PCMA"
	case AudioPCMU:
		return "PCMU"
	}
	return "AudioCodec(?)"
}

// Source describes what one session of a camera sends. Units carry a
// pointer to theirs; a new Source (a reconnect, where RTP timestamps
// start afresh) ends the file being written, and the next begins at the
// new session's first keyframe.
type Source struct {
	// Video is the picture's codec: H.264, H.265 or MJPEG.
	Video decode.Codec
	// VideoClock is the video track's RTP clock rate (90000).
	VideoClock int
	// Audio is the sound's codec; AudioNone records the picture only.
	Audio AudioCodec
	// AudioClock is the audio track's RTP clock rate, SampleRate and
	// Channels its sound (for AAC, RTP's clock is the sample rate).
	AudioClock, SampleRate, Channels int
	// AudioConfig is AAC's AudioSpecificConfig (the SDP's config=).
	AudioConfig []byte
	// AudioName names sound the stream has but the recording leaves out
	// ("Opus"), for the caller to say so; "" when there is none.
	AudioName string
	// Reports, when set, returns the newest RTCP sender report of the
	// video track and of the audio track (a zero NTP before the first).
	// The recorder's own goroutine calls it, about once a second of
	// sound, never the caller's packet path; with both reports in, the
	// sound is placed in the file as the sender timed it (sync.go).
	Reports func() (video, audio SenderReport)
}

// mp4 reports whether the source goes into MP4 (else Matroska).
func (s *Source) mp4() bool {
	return (s.Video == decode.CodecH264 || s.Video == decode.CodecH265) &&
		(s.Audio == AudioNone || s.Audio == AudioAAC)
}

// Ext is the file extension recordings of s get: "mp4" or "mkv".
func (s *Source) Ext() string {
	if s.mp4() {
		return "mp4"
	}
	return "mkv"
}

// Kind says which track a Unit belongs to.
type Kind uint8

// The tracks of a recording.
const (
	Video Kind = iota + 1
	Audio
)

// Unit is one access unit as received: a coded picture (Annex-B for
// H.264/H.265, a JFIF image for MJPEG) or one audio frame.
type Unit struct {
	Source *Source
	Kind   Kind
	// Data is copied by Push; the caller may reuse it at once.
	Data []byte
	// RTPTime is the RTP timestamp it came with.
	RTPTime uint32
	// Keyframe: a decoder can start at this picture.
	Keyframe bool
	// Arrived is when its last packet was received. The first unit of
	// each track anchors that track's timestamps to the wall clock.
	Arrived time.Time
}
