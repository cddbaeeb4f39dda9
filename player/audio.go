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
	// SampleRate and Channels are the stream's own, as decoded: 0 before
	// the first frame, and for a codec not decoded.
	SampleRate, Channels int
	// Decoded is how much sound has been decoded.
	Decoded time.Duration
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
	return &audioPath{name: t.AudioName(), dp: dp, dec: dec}, nil
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

// onPacket depacketizes and decodes one RTP packet of the audio track.
// Frames the decoder rejects are counted and skipped: the next one plays.
func (p *audioPath) onPacket(b []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.pkt.Unmarshal(b) != nil {
		return
	}
	frames, err := p.dp.Decode(&p.pkt)
	if err != nil {
		return
	}
	_, ch := p.dec.OutputFormat()
	for _, f := range frames {
		p.frames++
		out, err := p.dec.Decode(f.Data, p.pcm[:0])
		if err != nil {
			p.bad++
			continue
		}
		p.pcm = out
		p.samples += int64(len(out) / ch)
	}
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
