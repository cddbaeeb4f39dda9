package player

import (
	"sync"
	"time"
)

// Fallback records one transport that was tried and left, and why.
type Fallback struct {
	Transport string `json:"transport"`
	Reason    string `json:"reason"`
}

// Stats describes one stream: what it plays, how it got there, and its
// counters. It is a snapshot; Stream.Stats returns a fresh copy.
type Stats struct {
	URL       string // without password
	Transport string // udp|tcp|http|https actually in use ("" before connected)
	Via       string // the way in words: "UDP", "TCP", "HTTP tunnel on 8080"
	TLS       bool
	Codec     string // H264|H265|MJPEG
	Width     int    // source picture size
	Height    int
	// Audio is the stream's sound track: nil when it has none (or before
	// DESCRIBE). Its codec is known whether or not it is decoded.
	Audio *AudioInfo

	// FramesShown counts the pictures shown: decoded and handed to Frame.
	// Pictures decoded but not shown are not in it: those of a paused
	// stream, those queued before a seek, those a resume decodes on its
	// way to the paused picture. probe reports it as frames_decoded.
	FramesShown   uint64
	FramesDropped uint64 // access units skipped because decoding fell behind
	// DecodeLevel is how much the decoder skips to keep up, and
	// FramesSkipped the pictures it left out so (player/degrade.go): a
	// tile above DecodeAll shows a reduced frame rate.
	DecodeLevel   DecodeLevel
	FramesSkipped uint64
	// FramesConcealed counts decoded pictures that lost data on the way
	// (or that FFmpeg flagged as corrupt): shown with the missing parts
	// filled in from neighbouring pictures rather than dropped.
	FramesConcealed uint64
	// DecodeErrors counts access units the decoder rejected.
	DecodeErrors    uint64
	PacketsReceived uint64
	// PacketsLost over UDP counts sequence numbers that never reached the
	// depacketizer (the jitter buffer gave up on them), duplicates aside;
	// over TCP it is RFC 3550's expected minus received.
	PacketsLost uint64
	// PacketsReordered and PacketsDuplicated (UDP) count packets the
	// jitter buffer put back in order and duplicates it dropped.
	PacketsReordered  uint64
	PacketsDuplicated uint64
	FPS               float64 // pictures shown per second over the last ~2 s
	Bitrate           float64 // received RTP bits per second over the last ~2 s
	// RatesMeasured is set once FPS and Bitrate cover at least a second
	// (rateKnown). Before that, at every start and page turn, they are 0
	// or a guess from a few packets, and a status line that said "0 fps"
	// over a live picture would be wrong; after it, 0 fps is a real stall.
	RatesMeasured bool

	ConnectTime    time.Duration // start → PLAY answered (latest attempt)
	FirstFrameTime time.Duration // start → first picture shown (latest attempt)
	Fallbacks      []Fallback
	Reconnects     int
	// Parked: hidden for parkAfter, the session is closed until the
	// stream is shown again (Stream.SetHidden).
	Parked bool

	// Seekable is true for a recording: the SDP's range is finite
	// (a=range:npt=0-20) or absolute (clock=). Live is true once the
	// SDP said the stream is live (an open range, or none).
	Seekable bool
	Live     bool
	// Duration is a recording's length; 0 when live or open-ended.
	Duration time.Duration
	// ClockStart is the start of an absolute (clock=) range: the
	// picture's wall-clock time is ClockStart+Position. Zero otherwise.
	ClockStart time.Time
	// Position is the normal play time of the picture shown, from the
	// PLAY answer's Range and RTP-Info and the picture's RTP timestamp.
	Position    time.Duration
	HasPosition bool
	// StartNPT is the play time of the first picture after the latest
	// PLAY (the start, a seek, a speed change): where playing really
	// began, which a server may snap to a keyframe.
	StartNPT    time.Duration
	HasStartNPT bool
	// SeekFirstPicture is the time from the latest seek (or the first
	// PLAY) to its first picture.
	SeekFirstPicture time.Duration
	Paused           bool
	Ended            bool
	// Speed is the speed the server plays at (1 unless a Scale was
	// accepted); SpeedRefused says the last speed asked for was not.
	Speed        float64
	SpeedRefused bool
}

// rateMeter turns monotonically growing counters into per-second rates over
// a sliding window of about two seconds.
type rateMeter struct {
	mu      sync.Mutex
	samples [8]rateSample
	n, head int
}

const rateWindow = 2 * time.Second

type rateSample struct {
	at     time.Time
	frames uint64
	bytes  uint64
}

// rateKnown is how long the meter must have watched before its rates are
// measurements (Stats.RatesMeasured).
const rateKnown = time.Second

// measured reports whether the rates span at least rateKnown.
func (m *rateMeter) measured(now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.n > 0 && now.Sub(m.samples[m.head].at) >= rateKnown
}

func (m *rateMeter) add(now time.Time, frames, bytes uint64) (fps, bps float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.n > 0 {
		last := m.samples[(m.head+m.n-1)%len(m.samples)]
		if now.Sub(last.at) < 250*time.Millisecond {
			return m.rates(now, frames, bytes)
		}
	}
	// Slide: drop samples while the next one is still 2 s old, so the
	// rate reflects the last ~2 s and not, say, the wait for a keyframe.
	for m.n > 1 && now.Sub(m.samples[(m.head+1)%len(m.samples)].at) >= rateWindow {
		m.head = (m.head + 1) % len(m.samples)
		m.n--
	}
	if m.n == len(m.samples) {
		m.head = (m.head + 1) % len(m.samples)
		m.n--
	}
	m.samples[(m.head+m.n)%len(m.samples)] = rateSample{now, frames, bytes}
	m.n++
	return m.rates(now, frames, bytes)
}

func (m *rateMeter) rates(now time.Time, frames, bytes uint64) (float64, float64) {
	first := m.samples[m.head]
	dt := now.Sub(first.at).Seconds()
	if dt < 0.2 || frames < first.frames || bytes < first.bytes {
		return 0, 0
	}
	return float64(frames-first.frames) / dt, float64(bytes-first.bytes) * 8 / dt
}
