package player

import (
	"bufio"
	"crypto/tls"
	"net"
	"strings"
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
		if st.State != StatePlaying || stats.FramesDecoded < 3 {
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
