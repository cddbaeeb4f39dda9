package rtsp

import (
	"bytes"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

const sdpHead = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=control:*\r\n" +
	"m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:stream=0\r\n"

// The audio media descriptions below are what gst-rtsp-server 1.22 wrote
// (gst-server.py --audio aac|latm|pcma|pcmu|opus, read with ffprobe -v
// debug), then what cameras write.
func TestParseDescriptionAudio(t *testing.T) {
	tests := []struct {
		name     string
		media    string
		codec    string
		pt       uint8
		rate, ch int
		audio    string // AudioName
		fmtp     map[string]string
	}{
		{"gst mpeg4-generic", "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MPEG4-GENERIC/48000/2\r\na=fmtp:97 streamtype=5;profile-level-id=2;mode=AAC-hbr;config=1190;sizelength=13;indexlength=3;indexdeltalength=3\r\na=control:stream=1\r\n",
			CodecMPEG4Generic, 97, 48000, 2, "AAC", map[string]string{"config": "1190", "sizelength": "13", "mode": "AAC-hbr"}},
		{"gst latm", "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MP4A-LATM/48000\r\na=fmtp:97 cpresent=0;config=40002320\r\na=control:stream=1\r\n",
			CodecMP4ALATM, 97, 48000, 1, "AAC", map[string]string{"cpresent": "0", "config": "40002320"}},
		{"gst pcma", "m=audio 0 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=control:stream=1\r\n", CodecPCMA, 8, 8000, 1, "PCMA", nil},
		{"gst opus", "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 OPUS/48000/2\r\na=fmtp:97 sprop-stereo=1;sprop-maxcapturerate=48000\r\na=control:stream=1\r\n",
			CodecOpus, 97, 48000, 2, "OPUS", map[string]string{"sprop-stereo": "1"}},
		{"hikvision pcmu no rtpmap", "m=audio 0 RTP/AVP 0\r\na=control:trackID=2\r\n", CodecPCMU, 0, 8000, 1, "PCMU", nil},
		{"dahua pcma no rtpmap", "m=audio 0 RTP/AVP 8\r\na=control:trackID=1\r\na=sendonly\r\n", CodecPCMA, 8, 8000, 1, "PCMA", nil},
		{"static L16 stereo", "m=audio 0 RTP/AVP 10\r\n", CodecL16, 10, 44100, 2, "L16", nil},
		{"static L16 mono", "m=audio 0 RTP/AVP 11\r\n", CodecL16, 11, 44100, 1, "L16", nil},
		{"dynamic L16", "m=audio 0 RTP/AVP 98\r\na=rtpmap:98 L16/16000/1\r\n", CodecL16, 98, 16000, 1, "L16", nil},
		{"lower-case rtpmap and keys", "m=audio 0 RTP/AVP 96\r\na=rtpmap:96 mpeg4-generic/16000/1\r\na=fmtp:96 streamtype=5; profile-level-id=15; mode=AAC-hbr; config=1408; SizeLength=13; IndexLength=3; IndexDeltaLength=3; Profile=1;\r\n",
			CodecMPEG4Generic, 96, 16000, 1, "AAC", map[string]string{"sizelength": "13", "config": "1408"}},
		{"g726-32", "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 G726-32/8000\r\n", "G726-32", 97, 8000, 1, "G726", nil},
		{"g726 static pt 2 is not assumed", "m=audio 0 RTP/AVP 2\r\n", "", 2, 0, 1, "", nil},
		{"other codec keeps its name", "m=audio 0 RTP/AVP 9\r\n", "G722", 9, 8000, 1, "G722", nil},
		{"rtpmap wins over static", "m=audio 0 RTP/AVP 8\r\na=rtpmap:8 PCMU/8000\r\n", CodecPCMU, 8, 8000, 1, "PCMU", nil},
		{"absurd channel count ignored", "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 L16/8000/300\r\n", CodecL16, 97, 8000, 1, "L16", nil},
	}
	base, _ := url.Parse("rtsp://127.0.0.1:8554/cam")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ParseDescription([]byte(sdpHead+tt.media), base)
			if err != nil {
				t.Fatal(err)
			}
			a, ok := d.AudioTrack()
			if !ok {
				t.Fatal("no audio track")
			}
			if a.Codec != tt.codec || a.PayloadType != tt.pt || a.ClockRate != tt.rate || a.Channels != tt.ch || a.AudioName() != tt.audio {
				t.Fatalf("got %s pt %d %d Hz %d ch name %q; want %s pt %d %d Hz %d ch %q",
					a.Codec, a.PayloadType, a.ClockRate, a.Channels, a.AudioName(), tt.codec, tt.pt, tt.rate, tt.ch, tt.audio)
			}
			for k, v := range tt.fmtp {
				if a.Fmtp[k] != v {
					t.Errorf("fmtp %s = %q, want %q", k, a.Fmtp[k], v)
				}
			}
			if v, _ := d.VideoTrack(); v.Channels != 0 {
				t.Errorf("video track has %d channels", v.Channels)
			}
		})
	}
	d, _ := ParseDescription([]byte(sdpGst), base)
	if _, ok := d.AudioTrack(); ok {
		t.Error("audio track in a video-only SDP")
	}
}

func audioTrack(t *testing.T, media string) Track {
	t.Helper()
	base, _ := url.Parse("rtsp://h/s")
	d, err := ParseDescription([]byte(sdpHead+media), base)
	if err != nil {
		t.Fatal(err)
	}
	a, ok := d.AudioTrack()
	if !ok {
		t.Fatal("no audio track")
	}
	return a
}

func TestTrackMPEG4Generic(t *testing.T) {
	const m = "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MPEG4-GENERIC/48000/2\r\na=fmtp:97 "
	tests := []struct {
		name string
		fmtp string
		want MPEG4GenericParams
		err  string // substring; "" for none
	}{
		{"gst hbr", "streamtype=5;profile-level-id=2;mode=AAC-hbr;config=1190;sizelength=13;indexlength=3;indexdeltalength=3",
			MPEG4GenericParams{Mode: "AAC-hbr", Config: []byte{0x11, 0x90}, SizeLength: 13, IndexLength: 3, IndexDeltaLength: 3}, ""},
		{"lbr", "mode=aac-lbr;config=1210;SizeLength=6;IndexLength=2;IndexDeltaLength=2;constantDuration=1024",
			MPEG4GenericParams{Mode: "aac-lbr", Config: []byte{0x12, 0x10}, SizeLength: 6, IndexLength: 2, IndexDeltaLength: 2, ConstantDuration: 1024}, ""},
		{"all header fields", "mode=AAC-hbr;config=1190;sizeLength=13;indexLength=3;indexDeltaLength=3;CTSDeltaLength=16;DTSDeltaLength=16;randomAccessIndication=1;streamStateIndication=4;auxiliaryDataSizeLength=8",
			MPEG4GenericParams{Mode: "AAC-hbr", Config: []byte{0x11, 0x90}, SizeLength: 13, IndexLength: 3, IndexDeltaLength: 3,
				CTSDeltaLength: 16, DTSDeltaLength: 16, RandomAccessIndication: true, StreamStateIndication: 4, AuxiliaryDataSizeLength: 8}, ""},
		{"celp mode", "mode=CELP-cbr;config=1190;sizelength=13", MPEG4GenericParams{}, "not AAC"},
		{"no mode", "config=1190;sizelength=13", MPEG4GenericParams{}, "not AAC"},
		{"no config", "mode=AAC-hbr;sizelength=13", MPEG4GenericParams{}, "no AudioSpecificConfig"},
		{"config not hex", "mode=AAC-hbr;config=11g0;sizelength=13", MPEG4GenericParams{}, "not hexadecimal"},
		{"config odd digits", "mode=AAC-hbr;config=119;sizelength=13", MPEG4GenericParams{}, "not hexadecimal"},
		{"no size length", "mode=AAC-hbr;config=1190;indexlength=3", MPEG4GenericParams{}, "no sizeLength"},
		{"size length too wide", "mode=AAC-hbr;config=1190;sizelength=33", MPEG4GenericParams{}, "sizelength"},
		{"negative", "mode=AAC-hbr;config=1190;sizelength=13;indexlength=-1", MPEG4GenericParams{}, "indexlength"},
		{"random access not a flag", "mode=AAC-hbr;config=1190;sizelength=13;randomaccessindication=2", MPEG4GenericParams{}, "randomaccessindication"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := audioTrack(t, m+tt.fmtp+"\r\n").MPEG4Generic()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Config, tt.want.Config) {
				t.Fatalf("config %x, want %x", got.Config, tt.want.Config)
			}
			got.Config, tt.want.Config = nil, nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
	if _, err := audioTrack(t, "m=audio 0 RTP/AVP 8\r\n").MPEG4Generic(); err == nil {
		t.Error("PCMA read as mpeg4-generic")
	}
}

func TestTrackLATM(t *testing.T) {
	const m = "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MP4A-LATM/48000\r\n"
	tests := []struct {
		name string
		fmtp string
		want LATMParams
		err  string
	}{
		{"gst", "a=fmtp:97 cpresent=0;config=40002320\r\n", LATMParams{Config: []byte{0x40, 0x00, 0x23, 0x20}}, ""},
		{"rfc 6416 example", "a=fmtp:97 profile-level-id=24;object=23;bitrate=64000;cpresent=0;config=400026103fc0\r\n",
			LATMParams{Config: []byte{0x40, 0x00, 0x26, 0x10, 0x3f, 0xc0}, Object: 23, ProfileLevelID: 24}, ""},
		{"cpresent defaults to 1", "", LATMParams{CPresent: true}, ""},
		{"cpresent=1", "a=fmtp:97 cpresent=1\r\n", LATMParams{CPresent: true}, ""},
		{"cpresent=0 needs config", "a=fmtp:97 cpresent=0\r\n", LATMParams{}, "without a config"},
		{"bad cpresent", "a=fmtp:97 cpresent=yes;config=40002320\r\n", LATMParams{}, "cpresent"},
		{"bad config", "a=fmtp:97 cpresent=0;config=zz\r\n", LATMParams{}, "hexadecimal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := audioTrack(t, m+tt.fmtp).LATM()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Config, tt.want.Config) || got.CPresent != tt.want.CPresent ||
				got.Object != tt.want.Object || got.ProfileLevelID != tt.want.ProfileLevelID {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestTrackG726AndOpus(t *testing.T) {
	for codec, bits := range map[string]int{"G726-16": 2, "G726-24": 3, "G726-32": 4, "G726-40": 5, "G726-48": 0, "PCMA": 0} {
		got, ok := audioTrack(t, "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 "+codec+"/8000\r\n").G726Bits()
		if got != bits || ok != (bits != 0) {
			t.Errorf("%s: G726Bits %d %v, want %d", codec, got, ok, bits)
		}
	}
	if !audioTrack(t, "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 opus/48000/2\r\na=fmtp:97 sprop-stereo=1\r\n").OpusStereo() {
		t.Error("sprop-stereo=1 not seen")
	}
	if audioTrack(t, "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 opus/48000/2\r\n").OpusStereo() {
		t.Error("stereo without sprop-stereo")
	}
}

func FuzzTrackAudio(f *testing.F) {
	f.Add(sdpHead + "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MPEG4-GENERIC/48000/2\r\na=fmtp:97 mode=AAC-hbr;config=1190;sizelength=13;indexlength=3;indexdeltalength=3\r\n")
	f.Add(sdpHead + "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MP4A-LATM/48000\r\na=fmtp:97 cpresent=0;config=40002320\r\n")
	f.Add(sdpHead + "m=audio 0 RTP/AVP 0\r\n")
	f.Add(sdpHead + "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 G726-32/8000\r\n")
	base, _ := url.Parse("rtsp://h/s")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDescription([]byte(s), base)
		if err != nil {
			return
		}
		for _, tr := range d.Tracks {
			if tr.Media == "audio" && (tr.Channels < 1 || tr.Channels > maxAudioChannels) {
				t.Fatalf("%d channels", tr.Channels)
			}
			if p, err := tr.MPEG4Generic(); err == nil && (p.SizeLength < 1 || p.SizeLength > 32 || len(p.Config) < 2) {
				t.Fatalf("accepted %+v", p)
			}
			if p, err := tr.LATM(); err == nil && !p.CPresent && len(p.Config) == 0 {
				t.Fatalf("accepted %+v", p)
			}
			if b, ok := tr.G726Bits(); ok && (b < 2 || b > 5) {
				t.Fatalf("G726 %d bits", b)
			}
			_ = tr.AudioName()
		}
	})
}
