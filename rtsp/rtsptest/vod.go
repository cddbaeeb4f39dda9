package rtsptest

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/base"
	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/bluenviron/gortsplib/v5/pkg/format/rtph264"
	"github.com/pion/rtp"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/peer"
)

// VOD is a recorded H.264 clip served by gortsplib's server (TCP
// interleaved only), a second implementation beside gst-rtsp-server for
// seek tests. Its SDP says a=range:npt=0-<length>; a PLAY with
// "Range: npt=X-" plays from the last keyframe at or before X and answers
// with that point as its Range. RTP-Info is what gortsplib makes of it:
// gortsplib replaces the handler's RTP-Info on the first PLAY and on a
// PLAY after PAUSE (with one without seq or rtptime, since this server
// writes to its sessions, not to a ServerStream), and keeps it on a PLAY
// while playing. RTP timestamps follow the clip's frames, so a picture's
// play time is what it shows.
type VOD struct {
	URL string

	srv    *gortsplib.Server
	stream *gortsplib.ServerStream
	media  *description.Media
	aus    [][]*rtp.Packet
	key    []bool
	fps    int
	length time.Duration

	mu     sync.Mutex
	seq    uint16
	feeds  map[*gortsplib.ServerSession]*feed
	wg     sync.WaitGroup
	pauses int
}

type feed struct{ stop chan struct{} }

const vodTSBase = 1_000_000 // RTP timestamp of frame 0

// StartVOD serves clip, an H.264 MP4 (MakeClip), at /vod. It stops when
// the test ends.
func StartVOD(t testing.TB, clip string, fps int) *VOD {
	t.Helper()
	raw := strings.TrimSuffix(clip, ".mp4") + ".h264"
	MakeAnnexB(t, clip, raw)
	b, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	aus := demo.SplitAccessUnits(b)
	if len(aus) == 0 {
		t.Fatal("vod: clip has no pictures")
	}
	h := &format.H264{PayloadTyp: 96, PacketizationMode: 1}
	enc := &rtph264.Encoder{PayloadType: 96, PacketizationMode: 1, PayloadMaxSize: 1400}
	if err := enc.Init(); err != nil {
		t.Fatal(err)
	}
	v := &VOD{fps: fps, feeds: map[*gortsplib.ServerSession]*feed{}, length: time.Duration(len(aus)) * time.Second / time.Duration(fps)}
	for _, au := range aus {
		key := false
		for _, n := range au {
			switch n[0] & 0x1f {
			case 7:
				if h.SPS == nil {
					h.SPS = n
				}
			case 8:
				if h.PPS == nil {
					h.PPS = n
				}
			case 5:
				key = true
			}
		}
		pkts, err := enc.Encode(au)
		if err != nil {
			t.Fatal(err)
		}
		v.aus = append(v.aus, pkts)
		v.key = append(v.key, key)
	}
	v.media = &description.Media{Type: description.MediaTypeVideo, Formats: []format.Format{h}}
	v.srv = &gortsplib.Server{Handler: (*vodHandler)(v), RTSPAddress: "127.0.0.1:0", WriteQueueSize: 4096}
	if err := v.srv.Start(); err != nil {
		t.Fatal(err)
	}
	v.stream = &gortsplib.ServerStream{Server: v.srv, Desc: &description.Session{Medias: []*description.Media{v.media}}}
	if err := v.stream.Initialize(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		v.srv.Close()
		v.mu.Lock()
		for ss, f := range v.feeds {
			close(f.stop)
			delete(v.feeds, ss)
		}
		v.mu.Unlock()
		v.wg.Wait()
		v.stream.Close()
	})
	v.URL = "rtsp://" + v.srv.NetListener().Addr().String() + "/vod"
	return v
}

// MakeAnnexB copies an MP4's H.264 into a raw Annex-B file.
func MakeAnnexB(t testing.TB, mp4, out string) {
	t.Helper()
	ffmpeg := peer.Command(t, "ffmpeg")
	if b, err := exec.Command(ffmpeg, "-v", "error", "-i", mp4, "-c:v", "copy", "-bsf:v", "h264_mp4toannexb", "-f", "h264", "-y", out).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg could not copy the clip to Annex B: %v: %s", err, b)
	}
}

// Pauses counts the PAUSE requests answered.
func (v *VOD) Pauses() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.pauses
}

func (v *VOD) sdp() []byte {
	h := v.media.Formats[0].(*format.H264)
	fmtp := h.FMTP()
	var f []string
	for k, val := range fmtp {
		f = append(f, k+"="+val)
	}
	return []byte("v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=vod\r\nt=0 0\r\n" +
		"a=range:npt=0-" + strconv.FormatFloat(v.length.Seconds(), 'f', 3, 64) + "\r\n" +
		"m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 " + strings.Join(f, ";") + "\r\n" +
		"a=control:trackID=0\r\n")
}

// play starts (or moves) ss's feed at the keyframe at or before from and
// returns that keyframe's index and the first sequence number.
func (v *VOD) play(ss *gortsplib.ServerSession, from time.Duration) (int, uint16) {
	i := int(from * time.Duration(v.fps) / time.Second)
	i = min(max(i, 0), len(v.aus)-1)
	for i > 0 && !v.key[i] {
		i--
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if f := v.feeds[ss]; f != nil {
		close(f.stop)
	}
	f := &feed{stop: make(chan struct{})}
	v.feeds[ss] = f
	seq := v.seq
	v.wg.Add(1)
	go v.run(ss, f, i)
	return i, seq
}

// run writes frames from index i at the clip's rate until the end, a new
// PLAY or PAUSE.
func (v *VOD) run(ss *gortsplib.ServerSession, f *feed, i int) {
	defer v.wg.Done()
	tick := time.NewTicker(time.Second / time.Duration(v.fps))
	defer tick.Stop()
	for ; i < len(v.aus); i++ {
		v.mu.Lock()
		select {
		case <-f.stop:
			v.mu.Unlock()
			return
		default:
		}
		for _, p := range v.aus[i] {
			pkt := *p
			pkt.SequenceNumber = v.seq
			pkt.Timestamp = vodTSBase + uint32(i*90000/v.fps)
			v.seq++
			_ = ss.WritePacketRTP(v.media, &pkt)
		}
		v.mu.Unlock()
		select {
		case <-f.stop:
			return
		case <-tick.C:
		}
	}
}

func (v *VOD) stop(ss *gortsplib.ServerSession) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if f := v.feeds[ss]; f != nil {
		close(f.stop)
		delete(v.feeds, ss)
	}
}

type vodHandler VOD

func (h *vodHandler) OnDescribe(ctx *gortsplib.ServerHandlerOnDescribeCtx) (*base.Response, *gortsplib.ServerStream, error) {
	if ctx.Path != "/vod" {
		return &base.Response{StatusCode: base.StatusNotFound}, nil, nil
	}
	return &base.Response{StatusCode: base.StatusOK, Header: base.Header{"Content-Type": {"application/sdp"}}, Body: (*VOD)(h).sdp()}, nil, nil
}

func (h *vodHandler) OnSetup(ctx *gortsplib.ServerHandlerOnSetupCtx) (*base.Response, *gortsplib.ServerStream, error) {
	if ctx.Path != "/vod" {
		return &base.Response{StatusCode: base.StatusNotFound}, nil, nil
	}
	return &base.Response{StatusCode: base.StatusOK}, h.stream, nil
}

func (h *vodHandler) OnPlay(ctx *gortsplib.ServerHandlerOnPlayCtx) (*base.Response, error) {
	v := (*VOD)(h)
	var from time.Duration
	if r := ctx.Request.Header["Range"]; len(r) == 1 {
		spec := strings.TrimPrefix(strings.TrimSpace(r[0]), "npt=")
		start, _, _ := strings.Cut(spec, "-")
		if f, err := strconv.ParseFloat(start, 64); err == nil {
			from = time.Duration(f * float64(time.Second))
		}
	}
	i, seq := v.play(ctx.Session, from)
	at := float64(i) / float64(v.fps)
	return &base.Response{StatusCode: base.StatusOK, Header: base.Header{
		"Range":    {fmt.Sprintf("npt=%.3f-%.3f", at, v.length.Seconds())},
		"RTP-Info": {fmt.Sprintf("url=%s/trackID=0;seq=%d;rtptime=%d", v.URL, seq, vodTSBase+uint32(i*90000/v.fps))},
	}}, nil
}

func (h *vodHandler) OnPause(ctx *gortsplib.ServerHandlerOnPauseCtx) (*base.Response, error) {
	v := (*VOD)(h)
	v.stop(ctx.Session)
	v.mu.Lock()
	v.pauses++
	v.mu.Unlock()
	return &base.Response{StatusCode: base.StatusOK}, nil
}

func (h *vodHandler) OnSessionClose(ctx *gortsplib.ServerHandlerOnSessionCloseCtx) {
	(*VOD)(h).stop(ctx.Session)
}
