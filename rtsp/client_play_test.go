package rtsp

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/rtspview/rtspview/rtsp/headers"
	"go.uber.org/goleak"
)

// nvrServer is a scripted NVR: its SDP offers an absolute (clock=) range,
// it records the Range and Scale of every PLAY, refuses Scale with 456 or
// PAUSE with 405 when told, and sends an RTCP BYE after PLAY when told.
type nvrServer struct {
	ln           net.Listener
	refuseScale  bool
	refuseSpeed  bool // a 456 to a Speed header as well
	takesSpeed   bool // echoes a Speed header: plays at that speed
	refusePause  bool
	byeAfterPlay bool
	wg           sync.WaitGroup

	mu    sync.Mutex
	plays []string // "Range|Scale|URL|Speed" of each PLAY
}

const nvrSDP = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=NVR\r\nt=0 0\r\na=control:*\r\n" +
	"a=range:clock=20261128T220000Z-20261129T060000Z\r\n" +
	"m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:trackID=1\r\n"

func startNVR(t *testing.T, s *nvrServer) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.ln = ln
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() { ln.Close(); s.wg.Wait() })
	// The query is how many NVRs name the recording: it must reach PLAY.
	return "rtsp://" + ln.Addr().String() + "/playback?channel=1&starttime=20261128T220000Z"
}

func (s *nvrServer) serve() {
	defer s.wg.Done()
	c, err := s.ln.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	r := NewReader(c)
	for {
		kind, _, _, _, req, err := r.Next()
		if err != nil {
			return
		}
		if kind != KindRequest {
			continue
		}
		resp := &Response{StatusCode: 200, Reason: "OK"}
		resp.Header.Set("CSeq", req.Header.Get("CSeq"))
		resp.Header.Set("Session", "12345678;timeout=60")
		var bye bool
		switch req.Method {
		case "OPTIONS":
			resp.Header.Set("Public", "OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN")
		case "DESCRIBE":
			resp.Header.Set("Content-Type", "application/sdp")
			resp.Body = []byte(nvrSDP)
		case "SETUP":
			resp.Header.Set("Transport", "RTP/AVP/TCP;unicast;interleaved=0-1")
		case "PLAY":
			s.mu.Lock()
			s.plays = append(s.plays, req.Header.Get("Range")+"|"+req.Header.Get("Scale")+"|"+req.URL+"|"+req.Header.Get("Speed"))
			s.mu.Unlock()
			if (s.refuseScale && req.Header.Get("Scale") != "") || (s.refuseSpeed && req.Header.Get("Speed") != "") {
				resp.StatusCode, resp.Reason = 456, "Header Field Not Valid for Resource"
				break
			}
			if v := req.Header.Get("Speed"); v != "" && s.takesSpeed {
				resp.Header.Set("Speed", v)
			}
			if v := req.Header.Get("Range"); v != "" {
				resp.Header.Set("Range", v)
			}
			if v := req.Header.Get("Scale"); v != "" {
				resp.Header.Set("Scale", v)
			}
			resp.Header.Set("RTP-Info", "url=trackID=1;seq=100;rtptime=5000")
			bye = s.byeAfterPlay
		case "PAUSE":
			if s.refusePause {
				resp.StatusCode, resp.Reason = 405, "Method Not Allowed"
			}
		}
		if _, err := resp.WriteTo(c); err != nil {
			return
		}
		if bye {
			b, _ := rtcp.Marshal([]rtcp.Packet{&rtcp.Goodbye{Sources: []uint32{1}, Reason: "end of recording"}})
			frame := append([]byte{'$', 1, byte(len(b) >> 8), byte(len(b))}, b...)
			if _, err := c.Write(frame); err != nil {
				return
			}
		}
	}
}

func (s *nvrServer) lastPlay() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.plays) == 0 {
		return ""
	}
	return s.plays[len(s.plays)-1]
}

func dialNVR(t *testing.T, s *nvrServer) (*Client, context.Context) {
	t.Helper()
	url := startNVR(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	c, d := DialDescribed(ctx, t, url, Config{Transport: TransportTCP}, true)
	t.Cleanup(func() { c.Close() })
	if !d.Seekable() || d.Range.Clock == nil {
		t.Fatalf("clock range not read: %+v", d.Range)
	}
	if err := c.Setup(ctx, d.Tracks[0]); err != nil {
		t.Fatal(err)
	}
	return c, ctx
}

// TestPlayClockRange seeks an NVR recording by wall-clock time, pauses and
// resumes: the requests carry "Range: clock=…", the URL keeps its query,
// and the state machine goes playing → paused → playing.
func TestPlayClockRange(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	s := &nvrServer{}
	c, ctx := dialNVR(t, s)
	at := time.Date(2026, 11, 29, 1, 30, 0, 0, time.UTC)
	res, err := c.PlayRange(ctx, PlayOptions{Clock: at})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.lastPlay(); !strings.HasPrefix(got, "clock=20261129T013000Z-||") || !strings.Contains(got, "?channel=1&starttime=20261128T220000Z") {
		t.Fatalf("PLAY sent %q", got)
	}
	if res.Range == nil || res.Range.Clock == nil || !res.Range.Clock.Start.Equal(at) {
		t.Fatalf("answer's range %+v", res.Range)
	}
	sync, ok := res.SyncFor(0)
	if !ok || *sync.SeqNum != 100 || *sync.Timestamp != 5000 {
		t.Fatalf("RTP-Info not tied to the track: %+v", res.Sync)
	}
	if err := c.Pause(ctx); err != nil {
		t.Fatal(err)
	}
	if st := c.State(); st != StatePaused {
		t.Fatalf("state after PAUSE: %v", st)
	}
	if err := c.Options(ctx); err != nil {
		t.Fatalf("OPTIONS while paused: %v", err)
	}
	if _, err := c.PlayRange(ctx, PlayOptions{Resume: true}); err != nil {
		t.Fatal(err)
	}
	if got := s.lastPlay(); !strings.HasPrefix(got, "||") {
		t.Fatalf("resume sent %q; want no Range", got)
	}
	if st := c.State(); st != StatePlaying {
		t.Fatalf("state after resume: %v", st)
	}
	if err := c.Teardown(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestPlayScaleRefused: a 456 to a PLAY with Scale is retried without it,
// and the result says the speed was refused.
func TestPlayScaleRefused(t *testing.T) {
	s := &nvrServer{refuseScale: true}
	c, ctx := dialNVR(t, s)
	res, err := c.PlayRange(ctx, PlayOptions{Clock: time.Date(2026, 11, 28, 23, 0, 0, 0, time.UTC), Scale: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !res.ScaleRefused || res.Scale != 1 {
		t.Fatalf("scale %v refused %v", res.Scale, res.ScaleRefused)
	}
	s.mu.Lock()
	plays := append([]string(nil), s.plays...)
	s.mu.Unlock()
	// The Scale refused, the speed is asked again as Speed (RFC 2326
	// §12.35); this server ignores it (no echo): refused.
	if len(plays) != 2 || !strings.Contains(plays[0], "|4|") || strings.HasSuffix(plays[0], "|4") ||
		!strings.Contains(plays[1], "||") || !strings.HasSuffix(plays[1], "|4") {
		t.Fatalf("PLAYs %q", plays)
	}
	// Accepted: the answer's Scale is reported.
	s.mu.Lock()
	s.refuseScale = false
	s.mu.Unlock()
	if res, err = c.PlayRange(ctx, PlayOptions{Scale: 2}); err != nil || res.ScaleRefused || res.Scale != 2 {
		t.Fatalf("scale 2: %+v %v", res, err)
	}
}

// TestPlaySpeedInsteadOfScale: a recorder that refuses Scale but takes
// Speed (RFC 2326 §12.35) plays at the speed asked, through Speed; one
// that refuses both gets a PLAY with neither, and the speed is refused.
func TestPlaySpeedInsteadOfScale(t *testing.T) {
	s := &nvrServer{refuseScale: true, takesSpeed: true}
	c, ctx := dialNVR(t, s)
	res, err := c.PlayRange(ctx, PlayOptions{Clock: time.Date(2026, 11, 28, 23, 0, 0, 0, time.UTC), Scale: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.ScaleRefused || !res.BySpeed || res.Scale != 2 {
		t.Fatalf("scale %v refused %v by speed %v", res.Scale, res.ScaleRefused, res.BySpeed)
	}
	// Backwards is no delivery rate: no Speed, straight to neither.
	s.mu.Lock()
	s.plays = nil
	s.mu.Unlock()
	if res, err = c.PlayRange(ctx, PlayOptions{Scale: -2}); err != nil || !res.ScaleRefused || res.BySpeed || res.Scale != 1 {
		t.Fatalf("scale -2: %+v %v", res, err)
	}
	s.mu.Lock()
	s.refuseSpeed = true
	plays := append([]string(nil), s.plays...)
	s.plays = nil
	s.mu.Unlock()
	if len(plays) != 2 || !strings.Contains(plays[0], "|-2|") || !strings.HasSuffix(plays[1], "|") || strings.Contains(plays[1], "|-2|") {
		t.Fatalf("PLAYs for -2: %q", plays)
	}
	if res, err = c.PlayRange(ctx, PlayOptions{Scale: 2}); err != nil || !res.ScaleRefused || res.BySpeed || res.Scale != 1 {
		t.Fatalf("both refused: %+v %v", res, err)
	}
	s.mu.Lock()
	plays = append([]string(nil), s.plays...)
	s.mu.Unlock()
	if len(plays) != 3 || !strings.HasSuffix(plays[1], "|2") || !strings.HasSuffix(plays[2], "|") || strings.Contains(plays[2], "|2|") {
		t.Fatalf("PLAYs with both refused: %q", plays)
	}
}

// TestPauseRefused: a server without PAUSE answers 405; the client says so
// and stays playing.
func TestPauseRefused(t *testing.T) {
	s := &nvrServer{refusePause: true}
	c, ctx := dialNVR(t, s)
	if _, err := c.PlayRange(ctx, PlayOptions{}); err != nil {
		t.Fatal(err)
	}
	var se *StatusError
	if err := c.Pause(ctx); !errors.As(err, &se) || se.Code != 405 {
		t.Fatalf("PAUSE: %v", err)
	}
	if st := c.State(); st != StatePlaying {
		t.Fatalf("state after a refused PAUSE: %v", st)
	}
	if err := c.Pause(context.Background()); err == nil {
		t.Fatal("second PAUSE accepted")
	}
}

// TestGoodbyeCounted: an RTCP BYE is counted, not a failure.
func TestGoodbyeCounted(t *testing.T) {
	s := &nvrServer{byeAfterPlay: true}
	c, ctx := dialNVR(t, s)
	if _, err := c.PlayRange(ctx, PlayOptions{}); err != nil {
		t.Fatal(err)
	}
	for i := 0; c.Goodbyes() == 0; i++ {
		if i == 100 {
			t.Fatal("RTCP BYE not counted")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if st := c.State(); st != StatePlaying {
		t.Fatalf("state after BYE: %v", st)
	}
}

func TestMatchRTPInfo(t *testing.T) {
	u16 := func(v uint16) *uint16 { return &v }
	for _, c := range []struct {
		name, url, control string
		only, want         bool
	}{
		{"absolute", "rtsp://h/vod/stream=0", "rtsp://h/vod/stream=0", false, true},
		{"relative", "stream=0", "rtsp://h/vod/stream=0", false, true},
		{"other host form", "rtsp://10.0.0.5:554/vod/trackID=1", "rtsp://cam.local/vod/trackID=1?token=x", false, true},
		{"other track", "rtsp://h/vod/trackID=2", "rtsp://h/vod/trackID=1", false, false},
		{"single entry, single track", "rtsp://elsewhere/x", "rtsp://h/vod/trackID=1", true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, ok := matchRTPInfo(headers.RTPInfo{{URL: c.url, SeqNum: u16(1)}}, c.control, c.only)
			if ok != c.want {
				t.Fatalf("match %q to %q = %v", c.url, c.control, ok)
			}
		})
	}
}
