package rtsp

import (
	"net/url"
	"testing"
	"time"
)

const sdpGst = "v=0\r\no=- 1188340656180883 1 IN IP4 127.0.0.1\r\ns=Session streamed with GStreamer\r\ni=rtsp-server\r\nt=0 0\r\na=tool:GStreamer\r\na=type:broadcast\r\na=control:*\r\na=range:npt=now-\r\nm=video 0 RTP/AVP 96\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:96 H264/90000\r\na=framerate:25\r\na=fmtp:96 packetization-mode=1;profile-level-id=42c01f;sprop-parameter-sets=Z0LAH9kAUAW7ARAAAAMAEAAAAwMo8YMkgA==,aMuDyyA=\r\na=control:stream=0\r\na=ts-refclk:local\r\na=mediaclk:sender\r\n"

const sdpHik = "v=0\r\no=- 1109162014219182 1109162014219192 IN IP4 x.y.z.w\r\ns=Media Presentation\r\ne=NONE\r\nb=AS:5050\r\nt=0 0\r\na=control:rtsp://192.168.1.64:554/Streaming/Channels/101/?transportmode=unicast\r\nm=video 0 RTP/AVP 96\r\nc=IN IP4 0.0.0.0\r\nb=AS:5000\r\na=recvonly\r\na=x-dimensions:1920,1080\r\na=control:rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=1?transportmode=unicast\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 profile-level-id=420029; packetization-mode=1; sprop-parameter-sets=Z00AKp2oHgCJ+WbgICAgQA==,aO48gA==\r\nm=audio 0 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=control:rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=2?transportmode=unicast\r\n"

const sdpMJPEG = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 0 RTP/AVP 26\r\na=control:track1\r\n"

const sdpHEVCNoControl = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 0 RTP/AVP 97\r\na=rtpmap:97 H265/90000\r\n"

func TestParseDescription(t *testing.T) {
	tests := []struct {
		name      string
		sdp       string
		base      string
		control   string
		tracks    int
		codec     string
		pt        uint8
		trackCtl  string
		aggregate bool
	}{
		{"gstreamer relative", sdpGst, "rtsp://127.0.0.1:8554/test/", "rtsp://127.0.0.1:8554/test/", 1, CodecH264, 96, "rtsp://127.0.0.1:8554/test/stream=0", true},
		{"base without slash", sdpGst, "rtsp://127.0.0.1:8554/test", "rtsp://127.0.0.1:8554/test", 1, CodecH264, 96, "rtsp://127.0.0.1:8554/test/stream=0", true},
		{"base with query", sdpGst, "rtsp://h/live?ch=1", "rtsp://h/live?ch=1", 1, CodecH264, 96, "rtsp://h/live?ch=1/stream=0", true},
		{"hikvision absolute", sdpHik, "rtsp://192.168.1.64:554/Streaming/Channels/101", "rtsp://192.168.1.64:554/Streaming/Channels/101/?transportmode=unicast", 2, CodecH264, 96, "rtsp://192.168.1.64:554/Streaming/Channels/101/trackID=1?transportmode=unicast", true},
		{"mjpeg static pt", sdpMJPEG, "rtsp://h/m", "rtsp://h/m", 1, CodecMJPEG, 26, "rtsp://h/m/track1", true},
		{"no control at all", sdpHEVCNoControl, "rtsp://h/x", "rtsp://h/x", 1, CodecH265, 97, "rtsp://h/x", true},
		{"credentials stripped", sdpGst, "rtsp://u:p@h/test", "rtsp://h/test", 1, CodecH264, 96, "rtsp://h/test/stream=0", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, _ := url.Parse(tt.base)
			d, err := ParseDescription([]byte(tt.sdp), base)
			if err != nil {
				t.Fatal(err)
			}
			if d.Control != tt.control || len(d.Tracks) != tt.tracks || d.Aggregate != tt.aggregate {
				t.Fatalf("control %q tracks %d aggregate %v", d.Control, len(d.Tracks), d.Aggregate)
			}
			v, ok := d.VideoTrack()
			if !ok || v.Codec != tt.codec || v.PayloadType != tt.pt || v.Control != tt.trackCtl || v.ClockRate != 90000 {
				t.Fatalf("video %+v", v)
			}
		})
	}
	base, _ := url.Parse("rtsp://h/test")
	d, _ := ParseDescription([]byte(sdpGst), base)
	v, _ := d.VideoTrack()
	if v.Fmtp["packetization-mode"] != "1" || v.Fmtp["sprop-parameter-sets"] == "" {
		t.Fatalf("fmtp %v", v.Fmtp)
	}
}

func TestParseDescriptionErrors(t *testing.T) {
	base, _ := url.Parse("rtsp://h/s")
	for _, in := range []string{"", "garbage", "v=0\r\no=- 0 0 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n", "v=0\r\no=- 0 0 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\nm=video 0 RTP/AVP 300\r\n"} {
		if _, err := ParseDescription([]byte(in), base); err == nil {
			t.Errorf("%q: want error", in)
		}
	}
}

func FuzzParseDescription(f *testing.F) {
	f.Add([]byte(sdpGst))
	f.Add([]byte(sdpHik))
	f.Add([]byte(sdpMJPEG))
	f.Add([]byte(sdpHEVCNoControl))
	base, _ := url.Parse("rtsp://h/s?q=1")
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := ParseDescription(data, base)
		if err != nil {
			return
		}
		if len(d.Tracks) == 0 {
			t.Fatal("no tracks without error")
		}
	})
}

func TestDescriptionRange(t *testing.T) {
	const head = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
	const media = "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:stream=0\r\n"
	tests := []struct {
		name     string
		sdp      string
		seekable bool
		duration time.Duration // 0: none
		clock    string        // Range.Clock.Start, "" when not absolute
	}{
		{"gst live", sdpGst, false, 0, ""},
		{"no range", head + media, false, 0, ""},
		{"gst file", head + "a=range:npt=0-20\r\n" + media, true, 20 * time.Second, ""},
		{"gst file with decimals", head + "a=range:npt=0-20.040000\r\n" + media, true, 20040 * time.Millisecond, ""},
		{"live555 media-level", head + media + "a=range:npt=0-12.5\r\n", true, 12500 * time.Millisecond, ""},
		{"open npt", head + "a=range:npt=0-\r\n" + media, false, 0, ""},
		{"nvr clock", head + "a=range:clock=20261128T220000Z-20261129T060000Z\r\n" + media, true, 8 * time.Hour, "2026-11-28T22:00:00Z"},
		{"nvr clock open", head + "a=range:clock=20261128T220000Z-\r\n" + media, true, 0, "2026-11-28T22:00:00Z"},
		{"bad range plays live", head + "a=range:npt=abc-\r\n" + media, false, 0, ""},
		{"smpte ignored", head + "a=range:smpte=10:07:00-10:07:33:05.01\r\n" + media, false, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base, _ := url.Parse("rtsp://h/vod?start=1")
			d, err := ParseDescription([]byte(tt.sdp), base)
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Seekable(); got != tt.seekable {
				t.Errorf("Seekable = %v, want %v (range %+v)", got, tt.seekable, d.Range)
			}
			dur, ok := d.Duration()
			if ok != (tt.duration != 0) || dur != tt.duration {
				t.Errorf("Duration = %v, %v; want %v", dur, ok, tt.duration)
			}
			clock := ""
			if d.Range != nil && d.Range.Clock != nil {
				clock = d.Range.Clock.Start.Format(time.RFC3339)
			}
			if clock != tt.clock {
				t.Errorf("clock start = %q, want %q", clock, tt.clock)
			}
			if d.Control != "rtsp://h/vod?start=1" {
				t.Errorf("Control = %q: the query string must stay", d.Control)
			}
		})
	}
}
