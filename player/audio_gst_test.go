package player

import (
	"context"
	"encoding/binary"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/internal/tone"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// recordSink keeps what a stream plays, lost packets as the silence it is
// told to play, up to want samples per channel.
type recordSink struct {
	mu     sync.Mutex
	pcm    []int16
	gaps   int
	resets int
	want   int
	full   chan struct{}
	once   sync.Once
}

func newRecordSink(d time.Duration) *recordSink {
	return &recordSink{want: int(d * AudioRate / time.Second), full: make(chan struct{})}
}

func (r *recordSink) PlayAudio(pcm []int16, gap int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if gap > 0 {
		r.gaps++
		r.pcm = append(r.pcm, make([]int16, gap*AudioChannels)...)
	}
	r.pcm = append(r.pcm, pcm...)
	if len(r.pcm) >= r.want*AudioChannels {
		r.pcm = r.pcm[:r.want*AudioChannels]
		r.once.Do(func() { close(r.full) })
	}
}

func (r *recordSink) ResetAudio() {
	r.mu.Lock()
	r.resets++
	r.mu.Unlock()
}

// waitFull waits for the sink to fill, for at most limit.
func (r *recordSink) waitFull(t *testing.T, s *Stream, limit time.Duration) {
	t.Helper()
	select {
	case <-r.full:
	case <-time.After(limit):
		t.Fatalf("no %v of sound within %v; status %+v, audio %+v", time.Duration(r.want)*time.Second/AudioRate, limit, s.Status(), s.Stats().Audio)
	}
}

// checkTone asserts that pcm (48 kHz stereo) is a steady tone of freq Hz,
// from its 200th millisecond on (the decoders' start).
func checkTone(t *testing.T, who string, pcm []int16, channels, rate, freq int) tone.Result {
	t.Helper()
	skip := rate / 5 * channels
	if len(pcm) <= skip {
		t.Fatalf("%s: %d samples", who, len(pcm))
	}
	r := tone.Analyze(pcm[skip:], channels, rate)
	if r.PeakHz < freq-2 || r.PeakHz > freq+2 || r.Share < 0.8 || r.RMS < 1000 || r.LongestGap > 25*time.Millisecond {
		t.Errorf("%s: %v, want a steady %d Hz tone", who, r, freq)
	}
	return r
}

// TestAudioGst plays gst-rtsp-server's H.264 with a 1 kHz tone in each
// codec cameras send, over each transport, and checks what the sink
// heard: 1 kHz, steady, from the track SET UP on the video's session.
func TestAudioGst(t *testing.T) {
	for _, tc := range []struct {
		audio, codec string
		transport    Transport
		rate, ch     int
		tls          bool
	}{
		{"aac", "AAC", TransportTCP, 48000, 2, false},
		{"latm", "AAC", TransportUDP, 48000, 2, false},
		{"pcma", "PCMA", TransportUDP, 8000, 1, false},
		{"pcmu", "PCMU", TransportTCP, 8000, 1, false},
		{"opus", "OPUS", TransportHTTP, 48000, 2, false},
		{"aac", "AAC", TransportTCP, 48000, 2, true}, // RTSPS
	} {
		name := tc.audio + "-" + tc.transport.String()
		if tc.tls {
			name += "-rtsps"
		}
		t.Run(name, func(t *testing.T) {
			o := rtsptest.GstOptions{Width: 320, Height: 240, Audio: tc.audio}
			cfg := Config{Transport: tc.transport}
			if tc.tls {
				cert := rtsptest.NewCert(t, "127.0.0.1")
				o.TLSCertKeyPEM, cfg.TLSConfig = cert.PEMFile, cert.ClientConfig()
			}
			cfg.URL = rtsptest.StartGst(t, o)
			ignore := goleak.IgnoreCurrent()
			t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
			rec := newRecordSink(1500 * time.Millisecond)
			cfg.Audio = rec
			s := Start(cfg)
			defer s.Close()
			rec.waitFull(t, s, 15*time.Second)
			rec.mu.Lock()
			r := checkTone(t, "player", rec.pcm, AudioChannels, AudioRate, 1000)
			gaps := rec.gaps
			rec.mu.Unlock()
			st := s.Stats()
			a := st.Audio
			if a == nil || a.Codec != tc.codec || a.SampleRate != tc.rate || a.Channels != tc.ch ||
				!a.Supported || !a.SetUp || a.Refused || a.PacketsReceived == 0 || a.Decoded < time.Second {
				t.Fatalf("Stats.Audio %+v", a)
			}
			if st.Transport != tc.transport.String() || st.Codec != "H264" || st.TLS != tc.tls {
				t.Errorf("video: %s over %s (TLS %v)", st.Codec, st.Transport, st.TLS)
			}
			if gaps != 0 {
				t.Errorf("%d losses filled on loopback", gaps)
			}
			t.Logf("%s over %s: %v; %d packets", a.Codec, st.Transport, r, a.PacketsReceived)
		})
	}
}

// TestAudioGstFFmpegAgrees decodes the AAC track with ffmpeg as a second
// client of the same server: both hear the same tone.
func TestAudioGstFFmpegAgrees(t *testing.T) {
	ff := peer.Command(t, "ffmpeg")
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240, Audio: "aac", AudioFreq: 700})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, ff, "-nostdin", "-v", "error", "-rtsp_transport", "tcp", "-i", url,
		"-map", "0:a", "-t", "1.5", "-f", "s16le", "-ar", "48000", "-ac", "2", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg: %v", err)
	}
	checkTone(t, "ffmpeg", out16(out), 2, 48000, 700)

	rec := newRecordSink(1500 * time.Millisecond)
	s := Start(Config{URL: url, Transport: TransportTCP, Audio: rec})
	defer s.Close()
	rec.waitFull(t, s, 15*time.Second)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	checkTone(t, "player", rec.pcm, AudioChannels, AudioRate, 700)
}

func out16(b []byte) []int16 {
	pcm := make([]int16, len(b)/2)
	for i := range pcm {
		pcm[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return pcm
}

// TestAudioNotDecodedWithoutSink: a tile without the sound decodes no
// audio. The track is SET UP and its packets counted; SetAudio turns
// decoding on and off.
func TestAudioNotDecodedWithoutSink(t *testing.T) {
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240, Audio: "pcmu"})
	var frames atomic.Int64
	framed := make(chan struct{}, 1)
	s := Start(Config{URL: url, Transport: TransportTCP, OnFrame: func() {
		frames.Add(1)
		select {
		case framed <- struct{}{}:
		default:
		}
	}})
	defer s.Close()
	waitFrames := func(n int64) {
		t.Helper()
		until := frames.Load() + n
		deadline := time.After(10 * time.Second)
		for frames.Load() < until {
			select {
			case <-framed:
			case <-deadline:
				t.Fatalf("no %d pictures; status %+v", n, s.Status())
			}
		}
	}
	waitFrames(25)
	if a := s.Stats().Audio; a == nil || !a.SetUp || a.PacketsReceived == 0 || a.Decoded != 0 {
		t.Fatalf("without a sink: %+v", a)
	}
	rec := newRecordSink(500 * time.Millisecond)
	s.SetAudio(rec)
	rec.waitFull(t, s, 10*time.Second)
	s.SetAudio(nil)
	waitFrames(10) // the queue drains meanwhile
	d1 := s.Stats().Audio.Decoded
	waitFrames(15)
	if d2 := s.Stats().Audio.Decoded; d2 != d1 {
		t.Fatalf("decoded %v after the sink went, then %v", d1, d2)
	}
}

// TestAudioSetupRefused: a server that refuses the audio track's SETUP
// still plays the video, and Stats says the sound was refused.
func TestAudioSetupRefused(t *testing.T) {
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240})
	front := rtsptest.StartAudioProxy(t, url, aacSection)
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	got := make(chan struct{}, 1)
	var n atomic.Int64
	rec := newRecordSink(time.Second)
	s := Start(Config{URL: front, Transport: TransportTCP, Audio: rec, OnFrame: func() {
		if n.Add(1) == 25 {
			got <- struct{}{}
		}
	}})
	defer s.Close()
	select {
	case <-got:
	case <-time.After(15 * time.Second):
		t.Fatalf("no video; status %+v", s.Status())
	}
	a := s.Stats().Audio
	if a == nil || a.SetUp || !a.Refused || a.Decoded != 0 {
		t.Fatalf("Stats.Audio %+v", a)
	}
	if got := AudioSentence(a); got != "The camera refused to send its audio" {
		t.Errorf("sentence %q", got)
	}
}

// aacSection is an AAC track as gst-rtsp-server's rtpmp4gpay describes
// 48 kHz stereo.
const aacSection = "m=audio 0 RTP/AVP 97\n" +
	"a=rtpmap:97 MPEG4-GENERIC/48000/2\n" +
	"a=fmtp:97 streamtype=5;profile-level-id=2;mode=AAC-hbr;config=1190;sizelength=13;indexlength=3;indexdeltalength=3"
