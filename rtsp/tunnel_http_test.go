package rtsp

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// tunnelServer is a scripted RTSP-over-HTTP server: it answers the GET with
// getAnswer, reads base64 RTSP requests from POST sockets, and answers each
// on the GET socket with 200. With closePost, it closes each POST socket
// after one request, as some cameras do.
type tunnelServer struct {
	ln        net.Listener
	getAnswer string
	closePost bool
	deafPost  bool // never pairs POSTs with the GET (a cookie it does not know)
	dropFirst bool // reads the first POST's request, then closes it unanswered
	mu        sync.Mutex
	cookies   []string // x-sessioncookie of every GET and POST, in order
	posts     int
	get       net.Conn
	targets   []string
	wg        sync.WaitGroup
}

func startTunnelServer(t *testing.T, getAnswer string, closePost bool) *tunnelServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &tunnelServer{ln: ln, getAnswer: getAnswer, closePost: closePost}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() { defer s.wg.Done(); s.handle(c) }()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		s.mu.Lock()
		if s.get != nil {
			s.get.Close()
		}
		s.mu.Unlock()
		s.wg.Wait()
	})
	return s
}

func (s *tunnelServer) handle(c net.Conn) {
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	line, err := br.ReadString('\n')
	if err != nil {
		c.Close()
		return
	}
	fields := strings.Fields(line)
	cookie := ""
	for {
		h, err := br.ReadString('\n')
		if err != nil {
			c.Close()
			return
		}
		h = strings.TrimSpace(h)
		if h == "" {
			break
		}
		if k, v, ok := strings.Cut(h, ":"); ok && strings.EqualFold(k, "x-sessioncookie") {
			cookie = strings.TrimSpace(v)
		}
	}
	s.mu.Lock()
	s.cookies = append(s.cookies, cookie)
	s.targets = append(s.targets, fields[1])
	s.mu.Unlock()
	if fields[0] == "GET" {
		s.mu.Lock()
		s.get = c
		s.mu.Unlock()
		_, _ = c.Write([]byte(s.getAnswer))
		return // kept open for responses; closed by cleanup
	}
	defer c.Close()
	s.mu.Lock()
	s.posts++
	deaf := s.deafPost
	drop := s.dropFirst && s.posts == 1
	s.mu.Unlock()
	if drop {
		// As gortsplib does when the POST beats the GET's registration:
		// the request is read and the socket closed, with no answer.
		buf := make([]byte, 4096)
		_, _ = br.Read(buf)
		return
	}
	if deaf {
		_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
		return
	}
	var pending []byte
	buf := make([]byte, 4096)
	for {
		n, err := br.Read(buf)
		if err != nil {
			return
		}
		pending = append(pending, buf[:n]...)
		dec, derr := base64.StdEncoding.DecodeString(string(pending))
		if derr != nil || !strings.Contains(string(dec), "\r\n\r\n") {
			continue
		}
		pending = pending[:0]
		cseq := ""
		for _, l := range strings.Split(string(dec), "\r\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "CSeq") {
				cseq = strings.TrimSpace(v)
			}
		}
		s.mu.Lock()
		get := s.get
		s.mu.Unlock()
		if s.closePost {
			c.Close() // before answering, as the cameras that do this do
		}
		_, _ = get.Write([]byte("RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\nPublic: OPTIONS\r\n\r\n"))
		if s.closePost {
			return
		}
	}
}

const tunnelOK = "HTTP/1.0 200 OK\r\nContent-Type: application/x-rtsp-tunnelled\r\nCache-Control: no-cache\r\n\r\n"

func TestTunnelReopensClosedPost(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // runs after the servers' cleanups
	s := startTunnelServer(t, tunnelOK, true)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := Dial(ctx, "rtsp://"+s.ln.Addr().String()+"/cam/1?profile=main", Config{Transport: TransportHTTP})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 0; i < 3; i++ {
		if err := c.Options(ctx); err != nil {
			t.Fatalf("OPTIONS %d: %v", i, err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.posts < 2 {
		t.Fatalf("POST opened %d times, want a reopen", s.posts)
	}
	for _, ck := range s.cookies {
		if ck != s.cookies[0] || len(ck) != 22 {
			t.Fatalf("cookies %v: must all be the same 22-character token", s.cookies)
		}
	}
	for _, tg := range s.targets {
		if tg != "/cam/1?profile=main" {
			t.Fatalf("request target %q: must be the stream's path and query (docs/QUIRKS.md #1)", tg)
		}
	}
}

func TestTunnelHTTPFailures(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // runs after the servers' cleanups
	tests := []struct {
		name   string
		answer string
		want   error
	}{
		{"404 on GET", "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", ErrNotFound},
		{"403 on GET", "HTTP/1.1 403 Forbidden\r\n\r\n", ErrUnauthorized},
		{"401 without credentials", "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"x\"\r\n\r\n", ErrUnauthorized},
		// A 5xx names a server that is there but cannot serve now, over
		// HTTP as over RTSP.
		{"500 on GET", "HTTP/1.1 500 Internal Server Error\r\n\r\n", ErrUnavailable},
		{"megabyte header", "HTTP/1.1 200 OK\r\nX-Junk: " + strings.Repeat("j", 1<<20) + "\r\n\r\n", ErrProtocol},
		{"not HTTP", "RTSP/1.0 200 OK\r\n\r\n", ErrProtocol},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := startTunnelServer(t, tt.answer, false)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			c, err := Dial(ctx, "rtsp://"+s.ln.Addr().String()+"/s", Config{Transport: TransportHTTP, Timeout: 2 * time.Second})
			if err == nil {
				c.Close()
				t.Fatal("dial succeeded")
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("want %v, got %v", tt.want, err)
			}
		})
	}
}

func TestTunnelGetClosedMidSession(t *testing.T) {
	s := startTunnelServer(t, tunnelOK, false)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := Dial(ctx, "rtsp://"+s.ln.Addr().String()+"/s", Config{Transport: TransportHTTP})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Options(ctx); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.get.Close()
	s.mu.Unlock()
	select {
	case <-c.Done():
		if !errors.Is(c.Err(), ErrClosed) {
			t.Fatalf("want ErrClosed, got %v", c.Err())
		}
	case <-time.After(3 * time.Second):
		t.Fatal("client did not notice the GET socket closing")
	}
	if err := c.Options(ctx); err == nil {
		t.Fatal("request on a dead tunnel succeeded")
	}
}

func FuzzReadHTTPHead(f *testing.F) {
	f.Add([]byte(tunnelOK))
	f.Add([]byte("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"a\", nonce=\"b\", algorithm=SHA-256\r\n\r\n"))
	f.Add([]byte("HTTP/1.1 200\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		code, _, h, err := readHTTPHead(bufio.NewReader(strings.NewReader(string(data))))
		if err != nil {
			return
		}
		if code < 100 || code > 999 || len(h) > MaxHeaders {
			t.Fatalf("code %d headers %d", code, len(h))
		}
	})
}

// TestTunnelUnpairedCookie: the server takes the GET but does not know the
// POST's cookie (answers it 400 and closes): requests get no answer, which
// must end as a timeout within the client's bound, not a hang.
func TestTunnelUnpairedCookie(t *testing.T) {
	s := startTunnelServer(t, tunnelOK, false)
	s.mu.Lock()
	s.deafPost = true
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := Dial(ctx, "rtsp://"+s.ln.Addr().String()+"/s", Config{Transport: TransportHTTP, Timeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	err = c.Options(ctx)
	if !errors.Is(err, ErrTimeout) && !errors.Is(err, ErrClosed) {
		t.Fatalf("want a timeout, got %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v", d)
	}
}

// TestTunnelResendsRequestLostWithPost: the server swallows the request in
// the first POST socket and closes it. The request must go again, once, on
// a reopened POST with the same cookie, and get its answer.
func TestTunnelResendsRequestLostWithPost(t *testing.T) {
	s := startTunnelServer(t, tunnelOK, false)
	s.mu.Lock()
	s.dropFirst = true
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := Dial(ctx, "rtsp://"+s.ln.Addr().String()+"/s", Config{Transport: TransportHTTP, Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	if err := c.Options(ctx); err != nil {
		t.Fatalf("OPTIONS after a swallowed POST: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("took %v: resent only after the timeout?", d)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.posts != 2 || s.cookies[0] != s.cookies[2] {
		t.Fatalf("posts %d cookies %v", s.posts, s.cookies)
	}
}

// TestTunnelCloseDuringRedial: Close while Write redials the POST socket to
// a server that never answers returns at once, and the Write ends with it:
// the redial runs outside the lock Close takes, and Close cancels it.
func TestTunnelCloseDuringRedial(t *testing.T) {
	get, peer := net.Pipe()
	defer peer.Close()
	dialing := make(chan struct{})
	tc := &tunnelConn{
		get: get, getR: bufio.NewReader(get), header: "POST / HTTP/1.1\r\n\r\n",
		timeout: time.Hour, // only Close can end this dial
		dial: func(ctx context.Context) (net.Conn, error) {
			close(dialing)
			<-ctx.Done() // a black-holed port
			return nil, ctx.Err()
		},
	}
	tc.ctx, tc.cancel = context.WithCancel(context.Background())
	wrote := make(chan error, 1)
	go func() {
		_, err := tc.Write([]byte("OPTIONS * RTSP/1.0\r\n\r\n"))
		wrote <- err
	}()
	select {
	case <-dialing:
	case <-time.After(10 * time.Second):
		t.Fatal("Write never redialed")
	}
	closed := make(chan struct{})
	go func() {
		tc.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close waits behind the redial")
	}
	select {
	case err := <-wrote:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Write: %v, want net.ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Write did not end with Close")
	}
}
