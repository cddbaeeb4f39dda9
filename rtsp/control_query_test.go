package rtsp_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/rtsp"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// tokenCamera is a scripted camera that takes its access token in the URL's
// query (rtsp://cam/stream?token=abc) and checks it on every request, but
// answers DESCRIBE with a Content-Base that has lost the query. It records
// each request line's method and URL.
type tokenCamera struct {
	contentBase string // "" sends none; "{addr}" is replaced by host:port
	control     string // the media's a=control
	mu          sync.Mutex
	requests    []string // "METHOD URL"
}

func (tc *tokenCamera) serve(c net.Conn) {
	br := bufio.NewReader(c)
	addr := c.LocalAddr().String()
	for i := 0; i < 16; i++ { // OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN: bounded anyway
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		req, err := rtsptest.ReadRequestHead(br)
		if err != nil {
			return
		}
		method, target, cseq := req.Method, req.Target, req.CSeq
		tc.mu.Lock()
		tc.requests = append(tc.requests, method+" "+target)
		tc.mu.Unlock()
		var resp string
		switch {
		case method == "TEARDOWN" || method == "OPTIONS":
			// Cameras of this kind take OPTIONS and TEARDOWN on any URL.
			resp = "RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n"
		case !strings.Contains(target, "token=abc") && !strings.Contains(target, "/elsewhere/"):
			// /elsewhere/ is another resource, open without a token.
			resp = "RTSP/1.0 403 Forbidden\r\nCSeq: " + cseq + "\r\n\r\n"
		case method == "DESCRIBE":
			sdp := "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:" +
				strings.ReplaceAll(tc.control, "{addr}", addr) + "\r\n"
			base := ""
			if tc.contentBase != "" {
				base = "Content-Base: " + strings.ReplaceAll(tc.contentBase, "{addr}", addr) + "\r\n"
			}
			resp = fmt.Sprintf("RTSP/1.0 200 OK\r\nCSeq: %s\r\n%sContent-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s", cseq, base, len(sdp), sdp)
		case method == "SETUP":
			resp = "RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\nSession: 77;timeout=60\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n"
		default:
			resp = "RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\nSession: 77\r\n\r\n"
		}
		_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.Write([]byte(resp)); err != nil {
			return
		}
	}
}

// sent is the URL of the last request of method, "" when none was sent.
func (tc *tokenCamera) sent(method string) string {
	tc.mu.Lock()
	defer tc.mu.Unlock()
	last := ""
	for _, r := range tc.requests {
		if m, u, _ := strings.Cut(r, " "); m == method {
			last = u
		}
	}
	return last
}

// TestControlKeepsTheQuery plays from cameras that put the access token in
// the URL's query and drop it from Content-Base: SETUP goes first to the
// control URL as the camera wrote it, and when that is refused, again with
// the request's query, which PLAY then carries too. Where the base kept the
// query, or the control has a query or points elsewhere, the control URL is
// left as the camera wrote it.
func TestControlKeepsTheQuery(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	tests := []struct {
		name, contentBase, control string
		setup                      string // the SETUP URL wanted, {addr} replaced
		playHasToken               bool
	}{
		{"base without query, with slash", "rtsp://{addr}/stream/", "trackID=1", "rtsp://{addr}/stream/trackID=1?token=abc", true},
		{"base without query or slash", "rtsp://{addr}/stream", "trackID=1", "rtsp://{addr}/stream/trackID=1?token=abc", true},
		{"base without query, control *", "rtsp://{addr}/stream/", "*", "rtsp://{addr}/stream?token=abc", true},
		{"absolute control without query", "rtsp://{addr}/stream/", "rtsp://{addr}/stream/trackID=1", "rtsp://{addr}/stream/trackID=1?token=abc", true},
		{"no Content-Base: the request URL is the base", "", "trackID=1", "rtsp://{addr}/stream?token=abc/trackID=1", true},
		{"base kept the query", "rtsp://{addr}/stream?token=abc", "trackID=1", "rtsp://{addr}/stream?token=abc/trackID=1", true},
		{"absolute control on another path", "rtsp://{addr}/stream/", "rtsp://{addr}/elsewhere/track1", "rtsp://{addr}/elsewhere/track1", true},
		{"control with its own query", "rtsp://{addr}/stream/", "trackID=1?token=abc&ch=2", "rtsp://{addr}/stream/trackID=1?token=abc&ch=2", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cam := &tokenCamera{contentBase: tt.contentBase, control: tt.control}
			addr := rtsptest.ScriptedServer(t, cam.serve)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, d := rtsp.DialDescribed(ctx, t, "rtsp://"+addr+"/stream?token=abc", rtsp.Config{Transport: rtsp.TransportTCP, Timeout: 5 * time.Second}, true)
			defer c.Close()
			want := strings.ReplaceAll(tt.setup, "{addr}", addr)
			if err := c.Setup(ctx, d.Tracks[0]); err != nil {
				t.Fatalf("SETUP %s: %v", cam.sent("SETUP"), err)
			}
			if err := c.Play(ctx); err != nil {
				t.Fatalf("PLAY %s: %v", cam.sent("PLAY"), err)
			}
			if got := cam.sent("SETUP"); got != want {
				t.Fatalf("SETUP went to %q, want %q", got, want)
			}
			if play := cam.sent("PLAY"); strings.Contains(play, "token=abc") != tt.playHasToken {
				t.Fatalf("PLAY went to %q", play)
			}
			tctx, tcancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer tcancel()
			_ = c.Teardown(tctx)
		})
	}
}

// TestQueryNotForcedOnGst: gst-rtsp-server 1.22 takes a query on the
// DESCRIBE URL and answers 404 to SETUP or PLAY URLs that carry it after
// its Content-Base, so the control URLs must go as the server wrote them.
func TestQueryNotForcedOnGst(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // after the server's own cleanup
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Codec: "h264", Width: 320, Height: 240, FPS: 25}) + "?x=1"
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, d := rtsp.DialDescribed(ctx, t, url, rtsp.Config{Transport: rtsp.TransportTCP, Timeout: 10 * time.Second}, false)
	defer c.Close()
	if err := c.Setup(ctx, d.Tracks[0]); err != nil {
		t.Fatal(err)
	}
	if err := c.Play(ctx); err != nil {
		t.Fatalf("PLAY %s: %v", d.Control, err)
	}
	tctx, tcancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer tcancel()
	_ = c.Teardown(tctx)
}
