package decode

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/asticode/go-astiav"
)

// AudioCodec names a compressed audio format this package can decode.
type AudioCodec int

// The audio codecs IP cameras send (RFC 3551, RFC 3640, RFC 6416,
// RFC 7587).
const (
	// AudioAAC is raw AAC frames (no ADTS or LATM framing), with the
	// stream's AudioSpecificConfig as AudioConfig.Extradata: what RFC 3640
	// and RFC 6416 depacketizers hand over.
	AudioAAC AudioCodec = iota + 1
	// AudioPCMA is G.711 A-law.
	AudioPCMA
	// AudioPCMU is G.711 µ-law.
	AudioPCMU
	// AudioL16 is 16-bit big-endian linear PCM (RFC 3551 L16).
	AudioL16
	// AudioOpus is one Opus packet per frame (RFC 7587).
	AudioOpus
	// AudioG726 is G.726 ADPCM packed as RFC 3551 section 4.5.4 says
	// (codewords from the least significant bit: FFmpeg's adpcm_g726le).
	AudioG726
)

// String returns the codec's short name, as probe prints it.
func (c AudioCodec) String() string {
	switch c {
	case AudioAAC:
		return "AAC"
	case AudioPCMA:
		return "PCMA"
	case AudioPCMU:
		return "PCMU"
	case AudioL16:
		return "L16"
	case AudioOpus:
		return "OPUS"
	case AudioG726:
		return "G726"
	}
	return "AudioCodec(" + strconv.Itoa(int(c)) + ")"
}

func (c AudioCodec) codecID() (astiav.CodecID, bool) {
	switch c {
	case AudioAAC:
		return astiav.CodecIDAac, true
	case AudioPCMA:
		return astiav.CodecIDPcmAlaw, true
	case AudioPCMU:
		return astiav.CodecIDPcmMulaw, true
	case AudioL16:
		return astiav.CodecIDPcmS16Be, true
	case AudioOpus:
		return astiav.CodecIDOpus, true
	case AudioG726:
		return astiav.CodecIDAdpcmG726Le, true
	}
	return 0, false
}

// Output defaults: what sound devices take natively and what most
// cameras' AAC already is, so the common case is not resampled.
const (
	DefaultOutputRate     = 48000
	DefaultOutputChannels = 2
)

// maxAudioChannels is the most channels a stream may have (7.1).
const maxAudioChannels = 8

// AudioConfig describes one audio stream and the PCM wanted from it.
type AudioConfig struct {
	Codec AudioCodec
	// SampleRate and Channels are the stream's, from the SDP. PCMA, PCMU,
	// L16 and G.726 need them (they carry no header); AAC reads them from
	// Extradata and Opus always runs at 48 kHz, 1 or 2 channels.
	SampleRate, Channels int
	// Extradata is AAC's AudioSpecificConfig (RFC 3640's fmtp config, or
	// the one inside RFC 6416's StreamMuxConfig). Required for AAC.
	Extradata []byte
	// G726Bits is the G.726 codeword size, 2 to 5 (G726-16 to G726-40).
	G726Bits int
	// OutputRate and OutputChannels (1 or 2) are what Decode produces;
	// 0 means DefaultOutputRate and DefaultOutputChannels.
	OutputRate, OutputChannels int
}

// AudioDecoder decodes one audio stream's frames to interleaved signed
// 16-bit PCM at a fixed rate and channel count, resampling and remixing
// with libswresample. It is not safe for concurrent use.
type AudioDecoder struct {
	codec   AudioCodec
	cc      *astiav.CodecContext
	pkt     *astiav.Packet
	frame   *astiav.Frame
	buf     []byte // the frame plus zero padding, reused
	rs      resampler
	outRate int
	outCh   int

	srcRate, srcCh int // of the last decoded frame
}

// ErrAudioConfig is returned by NewAudio for a configuration the codec
// cannot be opened with.
var ErrAudioConfig = errors.New("invalid audio configuration")

// NewAudio opens a decoder for cfg.
func NewAudio(cfg AudioConfig) (*AudioDecoder, error) {
	id, ok := cfg.Codec.codecID()
	if !ok {
		return nil, fmt.Errorf("decode: %w: %v", ErrUnknownCodec, cfg.Codec)
	}
	if cfg.OutputRate == 0 {
		cfg.OutputRate = DefaultOutputRate
	}
	if cfg.OutputChannels == 0 {
		cfg.OutputChannels = DefaultOutputChannels
	}
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("decode %v: %w: %v", cfg.Codec, ErrAudioConfig, err)
	}
	codec := astiav.FindDecoder(id)
	if codec == nil {
		return nil, fmt.Errorf("decode %v: FFmpeg was built without this decoder: %w", cfg.Codec, astiav.ErrDecoderNotFound)
	}
	d := &AudioDecoder{codec: cfg.Codec, outRate: cfg.OutputRate, outCh: cfg.OutputChannels}
	d.cc = astiav.AllocCodecContext(codec)
	d.pkt = astiav.AllocPacket()
	d.frame = astiav.AllocFrame()
	if d.cc == nil || d.pkt == nil || d.frame == nil {
		d.Close()
		return nil, fmt.Errorf("decode %v: allocating FFmpeg objects failed", cfg.Codec)
	}
	rate, ch, bits := cfg.SampleRate, cfg.Channels, 0
	switch cfg.Codec {
	case AudioAAC:
		if err := d.cc.SetExtraData(cfg.Extradata); err != nil {
			d.Close()
			return nil, fmt.Errorf("decode %v: extradata: %w", cfg.Codec, err)
		}
		rate, ch = 0, 0 // from the AudioSpecificConfig
	case AudioOpus:
		rate = 48000
		ch = min(max(cfg.Channels, 1), 2)
	case AudioG726:
		bits = cfg.G726Bits
	}
	if !setAudioParams(d.cc, rate, ch, bits) {
		d.Close()
		return nil, fmt.Errorf("decode %v: FFmpeg binding layout not the expected one", cfg.Codec)
	}
	if err := d.cc.Open(codec, nil); err != nil {
		d.Close()
		return nil, fmt.Errorf("decode %v: opening decoder: %w: %w", cfg.Codec, ErrAudioConfig, err)
	}
	return d, nil
}

func (cfg AudioConfig) check() error {
	if cfg.OutputRate < 8000 || cfg.OutputRate > 192000 {
		return fmt.Errorf("output rate %d Hz", cfg.OutputRate)
	}
	if cfg.OutputChannels != 1 && cfg.OutputChannels != 2 {
		return fmt.Errorf("%d output channels (want 1 or 2)", cfg.OutputChannels)
	}
	switch cfg.Codec {
	case AudioAAC:
		if len(cfg.Extradata) < 2 {
			return errors.New("AAC needs its AudioSpecificConfig")
		}
	case AudioPCMA, AudioPCMU, AudioL16, AudioG726:
		if cfg.SampleRate < 1000 || cfg.SampleRate > 192000 {
			return fmt.Errorf("sample rate %d Hz", cfg.SampleRate)
		}
		if cfg.Channels < 1 || cfg.Channels > maxAudioChannels {
			return fmt.Errorf("%d channels", cfg.Channels)
		}
		if cfg.Codec == AudioG726 && (cfg.G726Bits < 2 || cfg.G726Bits > 5 || cfg.Channels != 1) {
			return fmt.Errorf("G.726 with %d bits and %d channels (want 2-5 bits, mono)", cfg.G726Bits, cfg.Channels)
		}
	}
	return nil
}

// Decode decodes one coded frame and appends its samples to dst,
// interleaved, at the output rate and channel count, and returns the
// extended slice. Passing back the previous result, emptied (dst[:0]),
// keeps the steady state free of allocations. An empty frame appends
// nothing. Rejected input returns dst unchanged and an error wrapping
// ErrCorrupt; the decoder stays usable.
func (d *AudioDecoder) Decode(frame []byte, dst []int16) ([]int16, error) {
	if d.cc == nil {
		return dst, fmt.Errorf("decode %v: %w", d.codec, ErrClosed)
	}
	if len(frame) == 0 {
		return dst, nil
	}
	need := len(frame) + paddingSize
	if cap(d.buf) < need {
		d.buf = make([]byte, need+need/2)
	}
	b := d.buf[:need]
	copy(b, frame)
	clear(b[len(frame):])
	if err := d.pkt.FromData(b); err != nil {
		return dst, fmt.Errorf("decode %v: packet: %w", d.codec, err)
	}
	d.pkt.SetSize(len(frame))
	err := d.cc.SendPacket(d.pkt)
	d.pkt.Unref()
	if err != nil {
		return dst, d.wrap("sending frame", err)
	}
	start := len(dst)
	for range maxFramesPerAU {
		err := d.cc.ReceiveFrame(d.frame)
		if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
			break
		}
		if err != nil {
			return dst[:start], d.wrap("receiving samples", err)
		}
		dst, err = d.convert(dst)
		d.frame.Unref()
		if err != nil {
			return dst[:start], err
		}
	}
	return dst, nil
}

// convert resamples d.frame and appends the result to dst.
func (d *AudioDecoder) convert(dst []int16) ([]int16, error) {
	rate, ch, n := d.frame.SampleRate(), frameChannels(d.frame), d.frame.NbSamples()
	if rate <= 0 || ch <= 0 || ch > maxAudioChannels || n <= 0 {
		return dst, fmt.Errorf("decode %v: %w: %d samples of %d channels at %d Hz", d.codec, ErrCorrupt, n, ch, rate)
	}
	d.srcRate, d.srcCh = rate, ch
	key := resampleKey{inRate: rate, inCh: ch, inFmt: int(d.frame.SampleFormat()), outRate: d.outRate, outCh: d.outCh}
	if err := d.rs.setup(key, d.frame); err != nil {
		return dst, fmt.Errorf("decode %v: resampler from %d Hz %d ch %s: %w", d.codec, rate, ch, d.frame.SampleFormat(), err)
	}
	return d.rs.convert(d.frame, dst)
}

// SourceFormat returns the sample rate and channel count of the stream as
// last decoded, 0, 0 before the first frame.
func (d *AudioDecoder) SourceFormat() (rate, channels int) { return d.srcRate, d.srcCh }

// OutputFormat returns the rate and channel count Decode produces.
func (d *AudioDecoder) OutputFormat() (rate, channels int) { return d.outRate, d.outCh }

// Codec returns the codec the decoder was opened for.
func (d *AudioDecoder) Codec() AudioCodec { return d.codec }

func (d *AudioDecoder) wrap(op string, err error) error {
	if errors.Is(err, astiav.ErrInvaliddata) {
		return fmt.Errorf("decode %v: %s: %w: %w", d.codec, op, ErrCorrupt, err)
	}
	return fmt.Errorf("decode %v: %s: %w", d.codec, op, err)
}

// Close frees the codec context, packet, frame and resampler. It is
// idempotent; Decode after Close returns ErrClosed.
func (d *AudioDecoder) Close() {
	d.rs.free()
	if d.frame != nil {
		d.frame.Free()
		d.frame = nil
	}
	if d.pkt != nil {
		d.pkt.Free()
		d.pkt = nil
	}
	if d.cc != nil {
		d.cc.Free()
		d.cc = nil
	}
	d.buf = nil
}
