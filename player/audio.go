package player

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pion/rtp"
	"github.com/rtspview/rtspview/decode"
	"github.com/rtspview/rtspview/player/depack"
	"github.com/rtspview/rtspview/rtsp"
)

// ErrAudioUnsupported means the stream's audio is in a codec or payload
// format this player does not decode (the tile says "Audio (G.723.1) not
// supported" and the video plays on).
var ErrAudioUnsupported = errors.New("audio codec not supported")

// AudioInfo describes a stream's sound for Stats and probe.
type AudioInfo struct {
	// Codec is the name a person is shown: AAC, PCMA, PCMU, L16, OPUS,
	// G726, or the SDP's own name for a codec not decoded.
	Codec string
	// SampleRate and Channels are the stream's own: as decoded once a
	// frame was, the SDP's before (and for a codec not decoded).
	SampleRate, Channels int
	// Decoded is how much sound has been decoded.
	Decoded time.Duration
	// Supported is false for a codec or payload format this player does
	// not decode (AudioSentence says so); such a track is not SET UP.
	Supported bool
	// SetUp: the server accepted the track's SETUP. Refused: it did not,
	// and the video plays without sound.
	SetUp, Refused bool
	// PacketsReceived counts the track's RTP packets; Dropped those the
	// audio decoder was too far behind to take.
	PacketsReceived, Dropped uint64
	// Synced is set once both tracks have an RTCP sender report and the
	// sound's offset from the picture is measured (audiosync.go), on a
	// sink that reports when it plays (AudioSyncSink, the sound device).
	// SyncOffset is that offset as seen and heard now: how much later the
	// sound is heard than the picture of the same moment is shown
	// (negative: earlier), the median over about two seconds. SyncDelay
	// is what the sound is held back by to bring it to 0 (it was early),
	// PictureHold what the picture is (the sound was late); one of them
	// is 0.
	Synced      bool
	SyncOffset  time.Duration
	SyncDelay   time.Duration
	PictureHold time.Duration
}

// audioPath turns one audio track's RTP packets into PCM: the
// depacketizer for its payload format, then the decoder. The packet
// goroutine calls onPacket; Stats reads info from others.
type audioPath struct {
	mu      sync.Mutex
	name    string
	dp      depack.AudioDepacketizer
	dec     *decode.AudioDecoder
	pkt     rtp.Packet
	pcm     []int16
	samples int64 // output samples per channel so far
	frames  uint64
	bad     uint64 // frames the decoder rejected
	closed  bool

	// clock is the track's RTP clock rate; next is the RTP time the
	// frame after the last one decoded starts at (haveNext once known),
	// which a frame after a loss is measured against (gapBefore).
	clock    int
	next     uint32
	haveNext bool
}

// pickAudio returns the first audio track, or false when there is none.
func pickAudio(d *rtsp.Description) (rtsp.Track, bool) { return d.AudioTrack() }

// newAudioPath opens the depacketizer and decoder for t. A codec or
// payload format not decoded gives an error wrapping ErrAudioUnsupported;
// a decodable codec whose SDP parameters are broken gives another.
func newAudioPath(t rtsp.Track) (*audioPath, error) {
	dp, cfg, err := audioCodec(t)
	if err != nil {
		return nil, err
	}
	dec, err := decode.NewAudio(cfg)
	if err != nil {
		return nil, fmt.Errorf("%v: %w", t, err)
	}
	clock := t.ClockRate
	if clock <= 0 {
		clock = cfg.SampleRate
	}
	return &audioPath{name: t.AudioName(), dp: dp, dec: dec, clock: clock}, nil
}

// audioCodec chooses the depacketizer and decoder configuration for t.
func audioCodec(t rtsp.Track) (depack.AudioDepacketizer, decode.AudioConfig, error) {
	cfg := decode.AudioConfig{SampleRate: t.ClockRate, Channels: t.Channels}
	switch t.Codec {
	case rtsp.CodecMPEG4Generic:
		p, err := t.MPEG4Generic()
		if err != nil {
			return nil, cfg, err
		}
		dp, err := depack.NewAAC(depack.AUHeaderConfig{
			SizeLength: p.SizeLength, IndexLength: p.IndexLength, IndexDeltaLength: p.IndexDeltaLength,
			CTSDeltaLength: p.CTSDeltaLength, DTSDeltaLength: p.DTSDeltaLength,
			RandomAccessIndication: p.RandomAccessIndication, StreamStateIndication: p.StreamStateIndication,
			AuxiliaryDataSizeLength: p.AuxiliaryDataSizeLength, FrameDuration: uint32(p.ConstantDuration),
		})
		if err != nil {
			return nil, cfg, fmt.Errorf("%v: %w", t, err)
		}
		cfg.Codec, cfg.Extradata = decode.AudioAAC, p.Config
		return dp, cfg, nil
	case rtsp.CodecMP4ALATM:
		p, err := t.LATM()
		if err != nil {
			return nil, cfg, err
		}
		dp, err := depack.NewLATM(p.CPresent, p.Config, 0)
		if err != nil {
			if errors.Is(err, depack.ErrUnsupported) {
				return nil, cfg, fmt.Errorf("%v: %w: %w", t, ErrAudioUnsupported, err)
			}
			return nil, cfg, fmt.Errorf("%v: %w", t, err)
		}
		cfg.Codec, cfg.Extradata = decode.AudioAAC, dp.Config().AudioSpecificConfig
		return dp, cfg, nil
	case rtsp.CodecPCMA, rtsp.CodecPCMU:
		dp, err := depack.NewPCM(t.Channels)
		cfg.Codec = decode.AudioPCMA
		if t.Codec == rtsp.CodecPCMU {
			cfg.Codec = decode.AudioPCMU
		}
		return dp, cfg, err
	case rtsp.CodecL16:
		dp, err := depack.NewPCM(2 * t.Channels)
		cfg.Codec = decode.AudioL16
		return dp, cfg, err
	case rtsp.CodecOpus:
		// The rtpmap says 2 channels for every Opus stream (RFC 7587
		// section 7); sprop-stereo says whether the sender means it.
		cfg.Codec, cfg.Channels = decode.AudioOpus, 1
		if t.OpusStereo() {
			cfg.Channels = 2
		}
		return depack.NewOpus(), cfg, nil
	}
	if bits, ok := t.G726Bits(); ok {
		dp, err := depack.NewPCM(0)
		cfg.Codec, cfg.G726Bits = decode.AudioG726, bits
		return dp, cfg, err
	}
	return nil, cfg, fmt.Errorf("%v: %w: %s", t, ErrAudioUnsupported, t.AudioName())
}

// maxGap is the longest loss filled with silence of its length: a
// longer one (a stream that stopped and restarted, a timestamp jump) starts
// the sound afresh instead of playing seconds of silence.
const maxGap = time.Second

// onPacket depacketizes and decodes one RTP packet of the audio track and
// hands each decoded frame to emit (nil: only count), with the silence to
// play before it. Frames the decoder rejects are counted and skipped: the
// next one plays.
func (p *audioPath) onPacket(b []byte, emit func(pcm []int16, gap int)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.pkt.Unmarshal(b) != nil {
		return
	}
	frames, err := p.dp.Decode(&p.pkt)
	if err != nil {
		return
	}
	rate, ch := p.dec.OutputFormat()
	for _, f := range frames {
		p.frames++
		gap := 0
		if f.Discontinuity {
			gap = p.gapBefore(f.Timestamp, rate)
		}
		out, err := p.dec.Decode(f.Data, p.pcm[:0])
		if err != nil {
			p.bad++
			// The frame's own length is unknown: the next frame is
			// measured from its timestamp.
			p.haveNext = false
			continue
		}
		p.pcm = out
		n := len(out) / ch
		p.samples += int64(n)
		// The frame's length in RTP ticks, from what it decoded to: AAC's
		// 1024 samples, a G.711 packet's payload, an Opus packet's 20 ms.
		p.next = f.Timestamp + uint32((int64(n)*int64(p.clock)+int64(rate)/2)/int64(rate))
		p.haveNext = true
		if emit != nil && (n > 0 || gap > 0) {
			emit(out, gap)
		}
	}
}

// gapBefore returns how many samples (per channel, at the output rate) of
// silence stand for the packets lost before a frame at RTP time ts: the
// time between where the last decoded frame ended and ts (RFC 3550 section
// 5.1: the timestamp advances with the sampling clock, sent or not). 0
// when that is unknown, negative or longer than maxGap.
func (p *audioPath) gapBefore(ts uint32, rate int) int {
	if !p.haveNext || p.clock <= 0 {
		return 0
	}
	d := int64(int32(ts - p.next))
	if d <= 0 || d > int64(p.clock)*int64(maxGap/time.Second) {
		return 0
	}
	return int(d * int64(rate) / int64(p.clock))
}

// reset forgets the frame in progress and where the last one ended: what
// comes next does not continue it (a seek).
func (p *audioPath) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.dp.Reset()
	p.haveNext = false
}

// info reports what has been decoded so far.
func (p *audioPath) info() AudioInfo {
	p.mu.Lock()
	defer p.mu.Unlock()
	ai := AudioInfo{Codec: p.name}
	if p.dec == nil {
		return ai
	}
	ai.SampleRate, ai.Channels = p.dec.SourceFormat()
	rate, _ := p.dec.OutputFormat()
	ai.Decoded = time.Duration(p.samples) * time.Second / time.Duration(rate)
	return ai
}

// close frees the decoder; packets after it are ignored. Idempotent.
func (p *audioPath) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.closed {
		p.closed = true
		p.dec.Close()
	}
}
