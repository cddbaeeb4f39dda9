package player

import (
	"errors"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v5/pkg/format/rtpmpeg4audio"
	"github.com/pion/rtp"
	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/rtsp"
)

// audioSDPTrack parses one audio media description as DESCRIBE would.
func audioSDPTrack(t *testing.T, media string) rtsp.Track {
	t.Helper()
	base, _ := url.Parse("rtsp://127.0.0.1/cam")
	d, err := rtsp.ParseDescription([]byte("v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"+media), base)
	if err != nil {
		t.Fatal(err)
	}
	tr, ok := pickAudio(d)
	if !ok {
		t.Fatal("no audio track")
	}
	return tr
}

// adtsAAC returns the raw frames of the depack tests' AAC clip (48 kHz
// stereo, half a second).
func adtsAAC(t *testing.T) [][]byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("depack", "testdata", "aac_48k_stereo.adts"))
	if err != nil {
		t.Fatal(err)
	}
	var frames [][]byte
	for len(b) >= 7 {
		n := int(b[3]&3)<<11 | int(b[4])<<3 | int(b[5])>>5
		if n < 7 || n > len(b) {
			t.Fatalf("ADTS frame of %d bytes", n)
		}
		frames = append(frames, b[7:n])
		b = b[n:]
	}
	return frames
}

func marshalAll(t *testing.T, pkts []*rtp.Packet) [][]byte {
	t.Helper()
	var out [][]byte
	for _, p := range pkts {
		b, err := p.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// TestAudioPathAAC plays the clip through the path as gst-rtsp-server's
// SDP describes it (mpeg4-generic, config=1190), packets as gortsplib
// sends them, and checks what probe will report.
func TestAudioPathAAC(t *testing.T) {
	frames := adtsAAC(t)
	tr := audioSDPTrack(t, "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MPEG4-GENERIC/48000/2\r\n"+
		"a=fmtp:97 streamtype=5;profile-level-id=2;mode=AAC-hbr;config=1190;sizelength=13;indexlength=3;indexdeltalength=3\r\n")
	p, err := newAudioPath(tr)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	seq := uint16(65000)
	enc := &rtpmpeg4audio.Encoder{PayloadType: 97, SizeLength: 13, IndexLength: 3, IndexDeltaLength: 3, InitialSequenceNumber: &seq, PayloadMaxSize: 300}
	if err := enc.Init(); err != nil {
		t.Fatal(err)
	}
	pkts, err := enc.Encode(frames)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range marshalAll(t, pkts) {
		p.onPacket(b, nil)
	}
	ai := p.info()
	if ai.Codec != "AAC" || ai.SampleRate != 48000 || ai.Channels != 2 {
		t.Fatalf("info %+v", ai)
	}
	// 25 frames of 1024 samples at 48 kHz: 533 ms; the decoder's first
	// frame is its priming delay, which it may hold back.
	want := time.Duration(len(frames)) * 1024 * time.Second / 48000
	if ai.Decoded < want-25*time.Millisecond || ai.Decoded > want {
		t.Fatalf("decoded %v, want about %v", ai.Decoded, want)
	}
	if p.bad != 0 {
		t.Fatalf("%d frames rejected", p.bad)
	}
	p.close()
	p.onPacket(marshalAll(t, pkts[:1])[0], nil) // after close: ignored, no crash
}

// TestAudioPathLATM reads the same clip as gst's rtpmp4apay describes it:
// MP4A-LATM with no channel count and the config out of band.
func TestAudioPathLATM(t *testing.T) {
	frames := adtsAAC(t)
	tr := audioSDPTrack(t, "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MP4A-LATM/48000\r\na=fmtp:97 cpresent=0;config=40002320\r\n")
	p, err := newAudioPath(tr)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	for i, f := range frames {
		var pay []byte
		n := len(f)
		for ; n >= 255; n -= 255 {
			pay = append(pay, 255)
		}
		pay = append(append(pay, byte(n)), f...)
		b, _ := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 97, SequenceNumber: uint16(i), Timestamp: uint32(i) * 1024, Marker: true}, Payload: pay}).Marshal()
		p.onPacket(b, nil)
	}
	// The SDP said nothing of channels; the decoder found two.
	if ai := p.info(); ai.Codec != "AAC" || ai.SampleRate != 48000 || ai.Channels != 2 || ai.Decoded < 400*time.Millisecond {
		t.Fatalf("info %+v", ai)
	}
}

// TestAudioPathPCMA plays one second of ffmpeg's A-law in 20 ms packets,
// as Hikvision's "m=audio 0 RTP/AVP 8" with no rtpmap describes it.
func TestAudioPathPCMA(t *testing.T) {
	ff := peer.Command(t, "ffmpeg")
	path := filepath.Join(t.TempDir(), "tone.alaw")
	if out, err := exec.Command(ff, "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=8000",
		"-t", "1", "-f", "alaw", path).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	alaw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := newAudioPath(audioSDPTrack(t, "m=audio 0 RTP/AVP 8\r\na=control:trackID=2\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	for i := 0; i*160 < len(alaw); i++ {
		b, _ := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 8, SequenceNumber: uint16(i), Timestamp: uint32(i) * 160},
			Payload: alaw[i*160 : min(len(alaw), (i+1)*160)]}).Marshal()
		p.onPacket(b, nil)
	}
	ai := p.info()
	if ai.Codec != "PCMA" || ai.SampleRate != 8000 || ai.Channels != 1 || ai.Decoded < 990*time.Millisecond || ai.Decoded > 1010*time.Millisecond {
		t.Fatalf("info %+v", ai)
	}
}

func TestAudioPathUnsupported(t *testing.T) {
	for _, tt := range []struct {
		media string
		name  string
		err   error // nil: any error but unsupported
	}{
		{"m=audio 0 RTP/AVP 4\r\n", "G723", ErrAudioUnsupported},
		{"m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MP4A-LATM/48000\r\na=fmtp:97 cpresent=1\r\n", "AAC", ErrAudioUnsupported},
		{"m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MPEG4-GENERIC/48000/2\r\na=fmtp:97 mode=AAC-hbr;sizelength=13\r\n", "AAC", nil},
		{"m=audio 0 RTP/AVP 97\r\na=rtpmap:97 MPEG4-GENERIC/48000/2\r\na=fmtp:97 mode=AAC-hbr;config=fff8;sizelength=13\r\n", "AAC", nil},
	} {
		tr := audioSDPTrack(t, tt.media)
		if tr.AudioName() != tt.name {
			t.Errorf("%q: name %q, want %q", tt.media, tr.AudioName(), tt.name)
		}
		p, err := newAudioPath(tr)
		if err == nil {
			p.close()
			t.Errorf("%q: accepted", tt.media)
			continue
		}
		if tt.err != nil && !errors.Is(err, tt.err) || tt.err == nil && errors.Is(err, ErrAudioUnsupported) {
			t.Errorf("%q: %v", tt.media, err)
		}
	}
}

// TestAudioPathLossIsSilenceOfItsLength drops G.711 packets of 20 ms and
// of 60 ms (3 packets): the frame after each loss comes with exactly that
// much silence, at the output rate, from the RTP timestamps.
func TestAudioPathLossIsSilenceOfItsLength(t *testing.T) {
	p, err := newAudioPath(audioSDPTrack(t, "m=audio 0 RTP/AVP 0\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	var gaps []int
	samples := 0
	emit := func(pcm []int16, gap int) {
		if gap > 0 {
			gaps = append(gaps, gap)
		}
		samples += len(pcm)/2 + gap
	}
	payload := make([]byte, 160)
	for i := range payload {
		payload[i] = byte(i * 7) // any mu-law bytes
	}
	lost := map[int]bool{10: true, 20: true, 21: true, 22: true}
	const n = 50
	for i := range n {
		if lost[i] {
			continue
		}
		seq := uint16(65530 + i) // across the wrap
		b, _ := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 0, SequenceNumber: seq, Timestamp: 4000000000 + uint32(i)*160},
			Payload: payload}).Marshal()
		p.onPacket(b, emit)
	}
	if len(gaps) != 2 || gaps[0] != 960 || gaps[1] != 3*960 {
		t.Fatalf("silence %v, want [960 2880] (20 and 60 ms at 48 kHz)", gaps)
	}
	// What was played with the silence lasts as long as what was sent,
	// within the resampler's start-up delay (2 ms from 8 to 48 kHz).
	if want := n * 960; samples < want-150 || samples > want {
		t.Fatalf("%d samples played, want about %d", samples, want)
	}
}
