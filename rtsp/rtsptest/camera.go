package rtsptest

import (
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/base"
	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/bluenviron/gortsplib/v5/pkg/format/rtph264"
	"github.com/pion/rtp"

	"github.com/rtspview/rtspview/internal/demo"
)

// CameraOptions shape a Camera's clocks.
type CameraOptions struct {
	// Skew is how much faster the camera's clock runs than the wall
	// clock (0.001: 0.1 %). Both tracks' RTP times and the sender
	// reports follow it, as a camera with a fast crystal sends them.
	Skew float64
	// AudioLate: each sound packet leaves this long after the picture
	// made at the same instant (a camera whose sound encoder takes
	// longer); its RTP time and the sender reports still say when it
	// was made.
	AudioLate time.Duration
}

// Camera is a live camera in-process (gortsplib's server): a small H.264
// picture at 10 fps and a 1 kHz tone in PCMU at 8 kHz, 20 ms a packet,
// on one clock of its own (CameraOptions).
type Camera struct {
	// URL is the stream's address.
	URL   string
	opt   CameraOptions
	srv   *gortsplib.Server
	strm  *gortsplib.ServerStream
	video *description.Media
	audio *description.Media
	aus   [][]*rtp.Packet
	fps   int
	stop  chan struct{}
	done  chan struct{}
}

type cameraHandler struct{ c *Camera }

func (h cameraHandler) OnDescribe(*gortsplib.ServerHandlerOnDescribeCtx) (*base.Response, *gortsplib.ServerStream, error) {
	return &base.Response{StatusCode: base.StatusOK}, h.c.strm, nil
}

func (h cameraHandler) OnSetup(*gortsplib.ServerHandlerOnSetupCtx) (*base.Response, *gortsplib.ServerStream, error) {
	return &base.Response{StatusCode: base.StatusOK}, h.c.strm, nil
}

func (h cameraHandler) OnPlay(*gortsplib.ServerHandlerOnPlayCtx) (*base.Response, error) {
	return &base.Response{StatusCode: base.StatusOK}, nil
}

// ToneAmp is the Camera's tone amplitude, of full scale.
const ToneAmp = 0.5

// StartCamera starts a Camera; it stops when the test ends.
func StartCamera(t testing.TB, opt CameraOptions) *Camera {
	t.Helper()
	const fps = 10
	clip := MakeClip(t, ClipOptions{Length: 10 * time.Second, Width: 320, Height: 240, FPS: fps})
	raw := strings.TrimSuffix(clip, ".mp4") + ".h264"
	MakeAnnexB(t, clip, raw)
	b, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	h := &format.H264{PayloadTyp: 96, PacketizationMode: 1}
	enc := &rtph264.Encoder{PayloadType: 96, PacketizationMode: 1, PayloadMaxSize: 1400}
	if err := enc.Init(); err != nil {
		t.Fatal(err)
	}
	c := &Camera{fps: fps, opt: opt, stop: make(chan struct{}), done: make(chan struct{})}
	for _, au := range demo.SplitAccessUnits(b) {
		for _, n := range au {
			switch n[0] & 0x1f {
			case 7:
				h.SPS = n
			case 8:
				h.PPS = n
			}
		}
		pkts, err := enc.Encode(au)
		if err != nil {
			t.Fatal(err)
		}
		c.aus = append(c.aus, pkts)
	}
	if len(c.aus) == 0 {
		t.Fatal("the clip has no pictures")
	}
	c.video = &description.Media{Type: description.MediaTypeVideo, Formats: []format.Format{h}}
	c.audio = &description.Media{Type: description.MediaTypeAudio, Formats: []format.Format{
		&format.G711{PayloadTyp: 0, MULaw: true, SampleRate: 8000, ChannelCount: 1}}}
	c.srv = &gortsplib.Server{Handler: cameraHandler{c}, RTSPAddress: "127.0.0.1:0", WriteQueueSize: 1024}
	if err := c.srv.Start(); err != nil {
		t.Fatal(err)
	}
	c.strm = &gortsplib.ServerStream{Server: c.srv, Desc: &description.Session{Medias: []*description.Media{c.video, c.audio}}}
	if err := c.strm.Initialize(); err != nil {
		c.srv.Close()
		t.Fatal(err)
	}
	c.URL = "rtsp://" + c.srv.NetListener().Addr().String() + "/cam"
	go c.pump()
	t.Cleanup(func() {
		close(c.stop)
		<-c.done
		c.strm.Close()
		c.srv.Close()
	})
	return c
}

// pump sends audio packet k, made at the camera's time k·20 ms, at the
// wall time that camera time plus AudioLate falls on, and picture f at
// f/fps: camera time runs 1+Skew times as fast as the wall clock.
func (c *Camera) pump() {
	defer close(c.done)
	const (
		rate   = 8000
		packet = 160 // samples: 20 ms
	)
	t0 := time.Now()
	wall := func(cam time.Duration) time.Time { return t0.Add(time.Duration(float64(cam) / (1 + c.opt.Skew))) }
	var k, f int64
	aseq, vseq := uint16(1000), uint16(5000)
	pcm := make([]byte, packet)
	for {
		acam := time.Duration(k) * 20 * time.Millisecond
		vcam := time.Duration(f) * time.Second / time.Duration(c.fps)
		asend := acam + c.opt.AudioLate
		next := min(asend, vcam)
		if d := time.Until(wall(next)); d > 0 {
			select {
			case <-c.stop:
				return
			case <-time.After(d):
			}
		}
		if asend <= vcam {
			for i := range pcm {
				n := k*packet + int64(i)
				pcm[i] = ulaw(int16(ToneAmp * 32767 * math.Sin(2*math.Pi*1000*float64(n%rate)/rate)))
			}
			pkt := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 0, SequenceNumber: aseq,
				Timestamp: uint32(k * packet), SSRC: 0x5eed0001, Marker: k == 0}, Payload: pcm}
			// The camera's own wall clock, as fast as its RTP clock, at
			// the instant the sound was made.
			_ = c.strm.WritePacketRTPWithNTP(c.audio, pkt, t0.Add(acam))
			aseq++
			k++
			continue
		}
		ts := uint32(f * 90000 / int64(c.fps))
		for _, p := range c.aus[f%int64(len(c.aus))] {
			q := *p
			q.SequenceNumber, q.Timestamp, q.SSRC = vseq, ts, 0x5eed0002
			_ = c.strm.WritePacketRTPWithNTP(c.video, &q, t0.Add(vcam))
			vseq++
		}
		f++
	}
}

// ulaw encodes one sample in G.711 µ-law.
func ulaw(s int16) byte {
	const bias, clip = 0x84, 32635
	x, sign := int(s), 0
	if x < 0 {
		x, sign = -x, 0x80
	}
	x = min(x, clip) + bias
	exp := 7
	for mask := 0x4000; x&mask == 0 && exp > 0; mask >>= 1 {
		exp--
	}
	return ^byte(sign | exp<<4 | (x>>(exp+3))&0x0f)
}
