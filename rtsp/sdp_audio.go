package rtsp

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// Audio codec names as they appear in SDP rtpmap, upper-cased (Track.Codec).
// G.726 comes as "G726-16", "G726-24", "G726-32" or "G726-40" (RFC 3551
// section 4.5.4), named by its bit rate in kbit/s.
const (
	CodecMPEG4Generic = "MPEG4-GENERIC" // AAC in RFC 3640 (mode=AAC-hbr or AAC-lbr)
	CodecMP4ALATM     = "MP4A-LATM"     // AAC in LATM, RFC 6416
	CodecPCMA         = "PCMA"          // G.711 A-law, RFC 3551 section 4.5.14
	CodecPCMU         = "PCMU"          // G.711 µ-law
	CodecL16          = "L16"           // 16-bit big-endian linear PCM, RFC 3551 section 4.5.11
	CodecOpus         = "OPUS"          // RFC 7587
	CodecG726Prefix   = "G726-"
)

// maxAudioChannels bounds the channel count an SDP may claim: eight is
// 7.1, more than any camera sends, and a decoder is sized by it.
const maxAudioChannels = 8

// staticAudio is RFC 3551 table 4: the audio payload types a server may
// send with no rtpmap at all. Hikvision and Dahua cameras write
// "m=audio 0 RTP/AVP 0" or "8" and often leave the rtpmap out.
var staticAudio = map[uint8]struct {
	codec    string
	rate, ch int
}{
	0:  {CodecPCMU, 8000, 1},
	3:  {"GSM", 8000, 1},
	4:  {"G723", 8000, 1},
	5:  {"DVI4", 8000, 1},
	6:  {"DVI4", 16000, 1},
	7:  {"LPC", 8000, 1},
	8:  {CodecPCMA, 8000, 1},
	9:  {"G722", 8000, 1},
	10: {CodecL16, 44100, 2},
	11: {CodecL16, 44100, 1},
	12: {"QCELP", 8000, 1},
	13: {"CN", 8000, 1},
	14: {"MPA", 90000, 0},
	15: {"G728", 8000, 1},
	16: {"DVI4", 11025, 1},
	17: {"DVI4", 22050, 1},
	18: {"G729", 8000, 1},
}

// audioDefaults fills what an audio media description left to RFC 3551:
// the codec and clock rate of a static payload type, and one channel
// where the rtpmap names none (RFC 4566 section 6: "the default is one").
func audioDefaults(t *Track) {
	if s, ok := staticAudio[t.PayloadType]; ok && t.PayloadType < 96 {
		if t.Codec == "" {
			t.Codec = s.codec
		}
		if t.ClockRate == 0 {
			t.ClockRate = s.rate
		}
		if t.Channels == 0 && s.ch > 0 && t.Codec == s.codec {
			t.Channels = s.ch
		}
	}
	if t.Channels == 0 {
		t.Channels = 1
	}
}

// AudioTrack returns the first audio track, or false.
func (d *Description) AudioTrack() (Track, bool) {
	for _, t := range d.Tracks {
		if t.Media == "audio" {
			return t, true
		}
	}
	return Track{}, false
}

// AudioName is the name a person is shown for an audio track's codec:
// "AAC" for both AAC payload formats, "G726" for every G.726 rate, "PCMA",
// "PCMU", "L16", "OPUS", and the SDP's own name for anything else.
func (t Track) AudioName() string {
	switch {
	case t.Codec == CodecMPEG4Generic || t.Codec == CodecMP4ALATM:
		return "AAC"
	case strings.HasPrefix(t.Codec, CodecG726Prefix), strings.HasPrefix(t.Codec, "AAL2-G726-"):
		return "G726"
	}
	return t.Codec
}

// G726Bits returns the bits per sample of a G.726 track (2 to 5, from
// G726-16 to G726-40), or false for another codec or an unknown rate.
func (t Track) G726Bits() (int, bool) {
	rate, ok := strings.CutPrefix(t.Codec, CodecG726Prefix)
	if !ok {
		return 0, false
	}
	switch rate {
	case "16", "24", "32", "40":
		kbps, _ := strconv.Atoi(rate)
		return kbps / 8, true
	}
	return 0, false
}

// MPEG4GenericParams are the fmtp parameters of an RFC 3640 stream
// (section 4.1), as an AAC receiver needs them.
type MPEG4GenericParams struct {
	Mode string // "AAC-hbr" or "AAC-lbr" (compared without case)
	// Config is the AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1), the
	// decoder's extradata.
	Config []byte
	// The AU header fields' widths in bits (section 3.2.1); 0 means the
	// field is absent. AAC-hbr is 13/3/3, AAC-lbr 6/2/2.
	SizeLength, IndexLength, IndexDeltaLength int
	CTSDeltaLength, DTSDeltaLength            int
	RandomAccessIndication                    bool
	StreamStateIndication                     int
	// AuxiliaryDataSizeLength is the width of the auxiliary section's
	// size field (section 3.2.2); 0 when there is no such section.
	AuxiliaryDataSizeLength int
	// ConstantDuration is the duration of every AU in clock ticks, 0 when
	// the SDP does not say (AAC then has 1024 samples per AU).
	ConstantDuration int
}

// MPEG4Generic reads t's fmtp as RFC 3640 parameters. It fails for a track
// that is not mpeg4-generic, for a mode other than AAC-hbr/AAC-lbr (CELP
// and generic streams are not AAC), for a config that is not hex, and for
// field widths a receiver cannot read (more than 32 bits, or no AU size).
func (t Track) MPEG4Generic() (MPEG4GenericParams, error) {
	var p MPEG4GenericParams
	if t.Codec != CodecMPEG4Generic {
		return p, fmt.Errorf("%v: not %s", t, CodecMPEG4Generic)
	}
	p.Mode = t.Fmtp["mode"]
	if !strings.EqualFold(p.Mode, "AAC-hbr") && !strings.EqualFold(p.Mode, "AAC-lbr") {
		return p, fmt.Errorf("%v: mode=%q is not AAC (want AAC-hbr or AAC-lbr)", t, p.Mode)
	}
	cfg, err := hexParam(t.Fmtp, "config")
	if err != nil {
		return p, fmt.Errorf("%v: %w", t, err)
	}
	if len(cfg) < 2 {
		return p, fmt.Errorf("%v: no AudioSpecificConfig (fmtp config=%q)", t, t.Fmtp["config"])
	}
	p.Config = cfg
	ints := []struct {
		key string
		dst *int
		max int
	}{
		{"sizelength", &p.SizeLength, 32},
		{"indexlength", &p.IndexLength, 32},
		{"indexdeltalength", &p.IndexDeltaLength, 32},
		{"ctsdeltalength", &p.CTSDeltaLength, 32},
		{"dtsdeltalength", &p.DTSDeltaLength, 32},
		{"streamstateindication", &p.StreamStateIndication, 32},
		{"auxiliarydatasizelength", &p.AuxiliaryDataSizeLength, 32},
		{"constantduration", &p.ConstantDuration, 1 << 20},
	}
	for _, f := range ints {
		v, err := intParam(t.Fmtp, f.key, f.max)
		if err != nil {
			return p, fmt.Errorf("%v: %w", t, err)
		}
		*f.dst = v
	}
	ra, err := intParam(t.Fmtp, "randomaccessindication", 1)
	if err != nil {
		return p, fmt.Errorf("%v: %w", t, err)
	}
	p.RandomAccessIndication = ra == 1
	if p.SizeLength == 0 {
		// Without an AU size the AUs in a packet cannot be told apart;
		// constantSize streams exist for CELP, not for AAC.
		return p, fmt.Errorf("%v: fmtp has no sizeLength", t)
	}
	return p, nil
}

// LATMParams are the fmtp parameters of an RFC 6416 MP4A-LATM stream
// (section 7.1).
type LATMParams struct {
	// CPresent is true when the StreamMuxConfig travels in each packet
	// (cpresent=1, the default) instead of in Config.
	CPresent bool
	// Config is the StreamMuxConfig (ISO/IEC 14496-3 1.7.3), hex in the
	// SDP; set when CPresent is false.
	Config []byte
	// Object is the MPEG-4 audio object type (2 for AAC LC), 0 when absent.
	Object int
	// ProfileLevelID is the MPEG-4 audio profile and level, 0 when absent.
	ProfileLevelID int
}

// LATM reads t's fmtp as RFC 6416 parameters. cpresent defaults to 1; a
// stream that says cpresent=0 must give the config.
func (t Track) LATM() (LATMParams, error) {
	p := LATMParams{CPresent: true}
	if t.Codec != CodecMP4ALATM {
		return p, fmt.Errorf("%v: not %s", t, CodecMP4ALATM)
	}
	cp, err := intParam(t.Fmtp, "cpresent", 1)
	if err != nil {
		return p, fmt.Errorf("%v: %w", t, err)
	}
	if _, ok := t.Fmtp["cpresent"]; ok {
		p.CPresent = cp == 1
	}
	if p.Config, err = hexParam(t.Fmtp, "config"); err != nil {
		return p, fmt.Errorf("%v: %w", t, err)
	}
	if !p.CPresent && len(p.Config) == 0 {
		return p, fmt.Errorf("%v: cpresent=0 without a config", t)
	}
	if p.Object, err = intParam(t.Fmtp, "object", 255); err != nil {
		return p, fmt.Errorf("%v: %w", t, err)
	}
	if p.ProfileLevelID, err = intParam(t.Fmtp, "profile-level-id", 255); err != nil {
		return p, fmt.Errorf("%v: %w", t, err)
	}
	return p, nil
}

// OpusStereo reports the sprop-stereo fmtp parameter of an Opus track
// (RFC 7587 section 7.1): whether the sender is likely to send stereo.
// The rtpmap always says 2 channels for Opus, whatever is sent.
func (t Track) OpusStereo() bool {
	return t.Codec == CodecOpus && t.Fmtp["sprop-stereo"] == "1"
}

// intParam reads a decimal fmtp parameter in [0, max]; absent is 0.
func intParam(fmtp map[string]string, key string, max int) (int, error) {
	s, ok := fmtp[key]
	if !ok || s == "" {
		return 0, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 || v > max {
		return 0, fmt.Errorf("fmtp %s=%q is not a number from 0 to %d", key, s, max)
	}
	return v, nil
}

// hexParam reads a hexadecimal fmtp parameter; absent is nil.
func hexParam(fmtp map[string]string, key string) ([]byte, error) {
	s := fmtp[key]
	if s == "" {
		return nil, nil
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("fmtp %s=%q is not hexadecimal", key, fmtp[key])
	}
	return b, nil
}
