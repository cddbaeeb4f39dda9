package player

import (
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// redirector answers every request with 302 to location(n), n counting
// requests.
func redirector(t *testing.T, wrap func(net.Conn) net.Conn, location func(n int) string) string {
	var n atomic.Int32
	return rtsptest.ScriptedServer(t, func(c net.Conn) {
		if wrap != nil {
			c = wrap(c)
		}
		rtsptest.AnswerRequests(c, func(req rtsptest.RequestHead) string {
			return "RTSP/1.0 302 Moved Temporarily\r\nCSeq: " + req.CSeq + "\r\nLocation: " + location(int(n.Add(1))) + "\r\n\r\n"
		})
	})
}

func TestRedirects(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{Username: "u", Password: "secret"})
	t.Run("followed with credentials kept", func(t *testing.T) {
		addr := redirector(t, nil, func(int) string { return srv.URL() })
		stats, st, _ := playFrames(t, Config{URL: "rtsp://u:secret@" + addr + "/old", Transport: TransportTCP}, 3, 15*time.Second)
		if st.State != StatePlaying || stats.FramesShown < 3 {
			t.Fatalf("%+v %+v", st, stats)
		}
		if stats.URL != strings.Replace(srv.URL(), "rtsp://", "rtsp://u@", 1) {
			t.Fatalf("stats URL %q", stats.URL)
		}
	})
	t.Run("loop is bounded", func(t *testing.T) {
		var addr string
		addr = redirector(t, nil, func(n int) string { return "rtsp://" + addr + "/hop" })
		start := time.Now()
		_, st, _ := playFrames(t, Config{URL: "rtsp://" + addr + "/s", Transport: TransportTCP}, 1, 10*time.Second)
		if st.State != StateFailed || st.Kind != KindProtocol {
			t.Fatalf("%+v", st)
		}
		if time.Since(start) > 5*time.Second {
			t.Fatal("redirect loop took too long")
		}
	})
	t.Run("rtsps never downgraded", func(t *testing.T) {
		cert := rtsptest.NewCert(t, "127.0.0.1")
		addr := redirector(t, func(c net.Conn) net.Conn { return tls.Server(c, cert.ServerConfig()) },
			func(int) string { return srv.URL() })
		_, st, _ := playFrames(t, Config{URL: "rtsps://" + addr + "/s", Transport: TransportTCP, TLSConfig: cert.ClientConfig()}, 1, 10*time.Second)
		if st.State != StateFailed || st.Kind != KindTLS {
			t.Fatalf("%+v", st)
		}
	})
}

// requestsSince counts the requests c received after its first mark
// bytes, and reports whether any of them carried Authorization.
func requestsSince(c *rtsptest.Challenger, mark int) (n int, withAuth bool) {
	got := c.Received()[mark:]
	return strings.Count(got, " RTSP/1.0\r\n"), strings.Contains(strings.ToLower(got), "\nauthorization:")
}

// TestRedirectToAnotherHostKeepsCredentials: 127.0.0.1 redirects to
// 127.0.0.2, which asks for a password. The camera's credentials go there
// only once the person allows that host.
func TestRedirectToAnotherHostKeepsCredentials(t *testing.T) {
	asker := rtsptest.StartChallenger(t, "127.0.0.2:0", `Basic realm="other"`)
	other := asker.Addr
	first := redirector(t, nil, func(int) string { return "rtsp://" + other + "/cam" })
	const secret = "s3cret-pass"

	t.Run("not sent by default", func(t *testing.T) {
		for _, cfg := range []Config{
			{URL: "rtsp://admin:" + secret + "@" + first + "/cam", Transport: TransportTCP},
			{URL: "rtsp://" + first + "/cam", Username: "admin", Password: secret, Transport: TransportTCP},
		} {
			mark := len(asker.Received())
			_, st, _ := playFrames(t, cfg, 1, 10*time.Second)
			var cw *CredentialsWithheldError
			if st.State != StateFailed || st.Kind != KindUnauthorized || !errors.As(st.Err, &cw) {
				t.Fatalf("status %+v, want failed/unauthorized with the credentials withheld", st)
			}
			if seen, withAuth := requestsSince(asker, mark); seen == 0 || withAuth {
				t.Fatalf("the other host saw %d requests, Authorization among them: %v", seen, withAuth)
			}
			if cw.To != other || cw.ToHost != "127.0.0.2" || !strings.Contains(st.Text, other) || !strings.Contains(st.Text, "not sent") {
				t.Fatalf("error %+v, sentence %q", cw, st.Text)
			}
			if strings.Contains(st.Text, secret) || strings.Contains(st.Err.Error(), secret) {
				t.Fatal("the password is in the error")
			}
		}
	})
	t.Run("sent once the host is allowed", func(t *testing.T) {
		mark := len(asker.Received())
		// The other host offers only Basic on plain TCP, so the person
		// allowed that too (TestBasicInClearNeedsConsent).
		_, st, _ := playFrames(t, Config{URL: "rtsp://admin:" + secret + "@" + first + "/cam", Transport: TransportTCP,
			CredentialHosts: []string{"127.0.0.2"}, AllowBasic: true}, 1, 10*time.Second)
		var cw *CredentialsWithheldError
		if st.State != StateFailed || st.Kind != KindUnauthorized || errors.As(st.Err, &cw) {
			t.Fatalf("status %+v, want a refused password", st)
		}
		if _, withAuth := requestsSince(asker, mark); !withAuth {
			t.Fatal("the allowed host never received the credentials")
		}
	})
}
