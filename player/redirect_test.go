package player

import (
	"bufio"
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
// requests, and records the Authorization headers it saw.
func redirector(t *testing.T, wrap func(net.Conn) net.Conn, location func(n int) string) string {
	n := 0
	return rtsptest.ScriptedServer(t, func(c net.Conn) {
		if wrap != nil {
			c = wrap(c)
		}
		br := bufio.NewReader(c)
		for {
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := br.ReadString('\n'); err != nil {
				return
			}
			cseq := ""
			for {
				l, err := br.ReadString('\n')
				if err != nil {
					return
				}
				l = strings.TrimSpace(l)
				if l == "" {
					break
				}
				if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "CSeq") {
					cseq = strings.TrimSpace(v)
				}
			}
			n++
			_, _ = c.Write([]byte("RTSP/1.0 302 Moved Temporarily\r\nCSeq: " + cseq + "\r\nLocation: " + location(n) + "\r\n\r\n"))
		}
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

// askingServer answers every request with 401 and a Basic challenge, and
// counts the requests that carried an Authorization header.
func askingServer(t *testing.T, addr string) (string, *atomic.Int32, *atomic.Int32) {
	var seen, withAuth atomic.Int32
	a := rtsptest.ScriptedServerOn(t, addr, func(c net.Conn) {
		br := bufio.NewReader(c)
		for i := 0; i < 20; i++ {
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := br.ReadString('\n'); err != nil {
				return
			}
			cseq, auth := "", false
			for {
				l, err := br.ReadString('\n')
				if err != nil {
					return
				}
				if l = strings.TrimSpace(l); l == "" {
					break
				}
				k, v, _ := strings.Cut(l, ":")
				switch strings.ToLower(k) {
				case "cseq":
					cseq = strings.TrimSpace(v)
				case "authorization":
					auth = true
				}
			}
			seen.Add(1)
			if auth {
				withAuth.Add(1)
			}
			_, _ = c.Write([]byte("RTSP/1.0 401 Unauthorized\r\nCSeq: " + cseq + "\r\nWWW-Authenticate: Basic realm=\"other\"\r\n\r\n"))
		}
	})
	return a, &seen, &withAuth
}

// TestRedirectToAnotherHostKeepsCredentials: 127.0.0.1 redirects to
// 127.0.0.2, which asks for a password. The camera's credentials go there
// only once the person allows that host.
func TestRedirectToAnotherHostKeepsCredentials(t *testing.T) {
	other, seen, withAuth := askingServer(t, "127.0.0.2:0")
	first := redirector(t, nil, func(int) string { return "rtsp://" + other + "/cam" })
	const secret = "s3cret-pass"

	t.Run("not sent by default", func(t *testing.T) {
		for _, cfg := range []Config{
			{URL: "rtsp://admin:" + secret + "@" + first + "/cam", Transport: TransportTCP},
			{URL: "rtsp://" + first + "/cam", Username: "admin", Password: secret, Transport: TransportTCP},
		} {
			seen.Store(0)
			withAuth.Store(0)
			_, st, _ := playFrames(t, cfg, 1, 10*time.Second)
			var cw *CredentialsWithheldError
			if st.State != StateFailed || st.Kind != KindUnauthorized || !errors.As(st.Err, &cw) {
				t.Fatalf("status %+v, want failed/unauthorized with the credentials withheld", st)
			}
			if seen.Load() == 0 || withAuth.Load() != 0 {
				t.Fatalf("the other host saw %d requests, %d with Authorization", seen.Load(), withAuth.Load())
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
		seen.Store(0)
		withAuth.Store(0)
		// The other host offers only Basic on plain TCP, so the person
		// allowed that too (TestBasicInClearNeedsConsent).
		_, st, _ := playFrames(t, Config{URL: "rtsp://admin:" + secret + "@" + first + "/cam", Transport: TransportTCP,
			CredentialHosts: []string{"127.0.0.2"}, AllowBasic: true}, 1, 10*time.Second)
		var cw *CredentialsWithheldError
		if st.State != StateFailed || st.Kind != KindUnauthorized || errors.As(st.Err, &cw) {
			t.Fatalf("status %+v, want a refused password", st)
		}
		if withAuth.Load() == 0 {
			t.Fatal("the allowed host never received the credentials")
		}
	})
}
