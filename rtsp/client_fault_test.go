package rtsp

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// scripted starts a loopback server that answers each request with
// answer(method, cseq, n) where n counts requests. It returns the address.
func scripted(t *testing.T, answer func(method string, cseq string, n int) string) (string, *atomic.Int32) {
	t.Helper()
	var count atomic.Int32
	addr := rtsptest.ScriptedServer(t, func(c net.Conn) {
		rtsptest.AnswerRequests(c, func(req rtsptest.RequestHead) string {
			return answer(req.Method, req.CSeq, int(count.Add(1)))
		})
	})
	return addr, &count
}

func describeOnce(t *testing.T, rawURL string, cfg Config) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, rawURL, cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Options(ctx); err != nil {
		return err
	}
	_, err = c.Describe(ctx)
	return err
}

func TestClientFaults(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // runs after the servers' cleanups

	t.Run("closed port is refused quickly", func(t *testing.T) {
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(rtsptest.ClosedPort(t)))
		start := time.Now()
		err := describeOnce(t, "rtsp://"+addr+"/s", Config{Timeout: 5 * time.Second})
		if !errors.Is(err, ErrRefused) {
			t.Fatalf("want ErrRefused, got %v", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("refused took %v, the timeout is 5s", d)
		}
	})

	t.Run("silent server times out", func(t *testing.T) {
		err := describeOnce(t, "rtsp://"+rtsptest.SilentServer(t)+"/s", Config{Timeout: 300 * time.Millisecond})
		if !errors.Is(err, ErrTimeout) {
			t.Fatalf("want ErrTimeout, got %v", err)
		}
	})

	t.Run("404 is not found", func(t *testing.T) {
		addr, _ := scripted(t, func(m, cseq string, n int) string {
			if m == "OPTIONS" {
				return "RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n"
			}
			return "RTSP/1.0 404 Stream Not Found\r\nCSeq: " + cseq + "\r\n\r\n"
		})
		err := describeOnce(t, "rtsp://"+addr+"/nope", Config{})
		if !errors.Is(err, ErrNotFound) {
			t.Fatalf("want ErrNotFound, got %v", err)
		}
	})

	t.Run("wrong password: one retry, then unauthorized", func(t *testing.T) {
		addr, count := scripted(t, func(m, cseq string, n int) string {
			return "RTSP/1.0 401 Unauthorized\r\nCSeq: " + cseq + "\r\nWWW-Authenticate: Digest realm=\"cam\", nonce=\"abc\"\r\n\r\n"
		})
		err := describeOnce(t, "rtsp://admin:wrong-secret@"+addr+"/s", Config{})
		if !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("want ErrUnauthorized, got %v", err)
		}
		if strings.Contains(err.Error(), "wrong-secret") {
			t.Fatalf("password leaked into %q", err)
		}
		if n := count.Load(); n != 2 {
			t.Fatalf("server saw %d requests, want 2 (no retry loop)", n)
		}
	})

	t.Run("no credentials", func(t *testing.T) {
		addr, _ := scripted(t, func(m, cseq string, n int) string {
			return "RTSP/1.0 401 Unauthorized\r\nCSeq: " + cseq + "\r\nWWW-Authenticate: Basic realm=\"cam\"\r\n\r\n"
		})
		if err := describeOnce(t, "rtsp://"+addr+"/s", Config{}); !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("want ErrUnauthorized, got %v", err)
		}
	})

	t.Run("stale nonce retried once", func(t *testing.T) {
		addr, count := scripted(t, func(m, cseq string, n int) string {
			switch n {
			case 1:
				return "RTSP/1.0 401 Unauthorized\r\nCSeq: " + cseq + "\r\nWWW-Authenticate: Digest realm=\"cam\", nonce=\"n1\"\r\n\r\n"
			case 2:
				return "RTSP/1.0 401 Unauthorized\r\nCSeq: " + cseq + "\r\nWWW-Authenticate: Digest realm=\"cam\", nonce=\"n2\", stale=true\r\n\r\n"
			}
			return "RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\n\r\n"
		})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, err := Dial(ctx, "rtsp://u:p@"+addr+"/s", Config{})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if err := c.Options(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count.Load(); n != 3 {
			t.Fatalf("requests = %d, want 3", n)
		}
	})

	t.Run("hostile answers are protocol errors", func(t *testing.T) {
		for name, ans := range map[string]string{
			"megabyte header": "RTSP/1.0 200 OK\r\nCSeq: 1\r\nX: " + strings.Repeat("a", 1<<20) + "\r\n\r\n",
			"huge body":       "RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 100000000\r\n\r\n",
			"html":            "HTTP/1.1 400 Bad Request\r\n\r\n<html></html>",
		} {
			ans := ans
			t.Run(name, func(t *testing.T) {
				addr, _ := scripted(t, func(m, cseq string, n int) string { return ans })
				err := describeOnce(t, "rtsp://"+addr+"/s", Config{Timeout: 2 * time.Second})
				if !errors.Is(err, ErrProtocol) {
					t.Fatalf("got %v", err)
				}
			})
		}
	})

	t.Run("describe without sdp", func(t *testing.T) {
		addr, _ := scripted(t, func(m, cseq string, n int) string {
			return "RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\n\r\n"
		})
		if err := describeOnce(t, "rtsp://"+addr+"/s", Config{}); !errors.Is(err, ErrProtocol) {
			t.Fatalf("want ErrProtocol, got %v", err)
		}
	})

	t.Run("unbuilt transport value", func(t *testing.T) {
		_, err := Dial(context.Background(), "rtsp://127.0.0.1:1/s", Config{Transport: Transport(42)})
		if !errors.Is(err, ErrTransportUnsupported) {
			t.Fatalf("want ErrTransportUnsupported, got %v", err)
		}
	})
}
