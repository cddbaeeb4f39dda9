package rtsp

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rtspview/rtspview/rtsp/auth"
)

// tunnelConn is RTSP over HTTP (Apple's QuickTime tunnelling, as
// gst-rtsp-server, live555 and MediaMTX serve it): reads come from the
// long-lived HTTP GET "data" socket, writes go base64-encoded onto the HTTP
// POST "command" socket. To the Client it is just a net.Conn.
type tunnelConn struct {
	get  net.Conn
	getR *bufio.Reader

	dial   func(ctx context.Context) (net.Conn, error)
	header string // the POST request header, reused to reopen the socket
	// timeout bounds a redial of the POST socket (Config.Timeout); ctx
	// ends with Close, so Close never waits behind a redial.
	timeout time.Duration
	ctx     context.Context
	cancel  context.CancelFunc

	// wmu serialises Write, including its redial; it is never taken by
	// Close. mu guards the fields below and is held only briefly.
	wmu    sync.Mutex
	mu     sync.Mutex
	post   net.Conn
	dead   chan struct{} // closed when the server closes the current POST socket
	wdl    time.Time
	closed bool
	wg     sync.WaitGroup // the drain goroutine of each POST socket
}

// tunnelDial is what dialTunnel needs to open a tunnel.
type tunnelDial struct {
	url        *url.URL // the stream, without credentials
	useTLS     bool     // the HTTPS tunnel: TLS on both sockets
	cfg        TunnelConfig
	tlsConfig  *tls.Config   // for the camera's TLS; unused without useTLS
	user, pass string        // for a 401 on the GET
	timeout    time.Duration // bounds a redial of the POST socket; defaultTimeout when zero
	allowBasic bool          // answer a Basic challenge without TLS (Config.AllowBasic)
	userAgent  string
}

// addr returns the host:port of the tunnel's HTTP server.
func (d tunnelDial) addr() string { return TunnelAddr(d.url, d.cfg.Port, d.useTLS) }

// TunnelAddr is the host:port an HTTP (or, with useTLS, HTTPS) tunnel to
// the stream u dials: port when it is set, else the URL's own port (the
// tunnel on the RTSP port, docs/QUIRKS.md #5), else 80 or 443. The one
// rule the dial and the certificate-trust key both use.
func TunnelAddr(u *url.URL, port int, useTLS bool) string {
	p := u.Port()
	if port > 0 {
		p = strconv.Itoa(port)
	}
	if p == "" {
		p = "80"
		if useTLS {
			p = "443"
		}
	}
	return net.JoinHostPort(u.Hostname(), p)
}

// tunnelTarget is the request target of the GET and the POST: the stream's
// path and query, not "/" (docs/QUIRKS.md #1).
func tunnelTarget(u *url.URL) string {
	target := u.EscapedPath()
	if target == "" {
		target = "/"
	}
	if u.RawQuery != "" {
		target += "?" + u.RawQuery
	}
	return target
}

// tunnelHead holds what the GET and the POST heads share; head builds
// either, so the two never drift apart (docs/QUIRKS.md #3).
type tunnelHead struct {
	target    string // request target: a path, or an absolute URI through a plain-HTTP proxy
	version   string // "HTTP/1.1", or "HTTP/1.0" (TunnelConfig.HTTP10)
	host      string
	userAgent string
	cookie    string
	proxyAuth string // Proxy-Authorization value, or ""
}

// head returns the request head for method "GET" or "POST", with an
// Authorization line when authorization is not empty.
func (h tunnelHead) head(method, authorization string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s\r\nHost: %s\r\nUser-Agent: %s\r\nx-sessioncookie: %s\r\n", method, h.target, h.version, h.host, h.userAgent, h.cookie)
	if h.proxyAuth != "" {
		fmt.Fprintf(&b, "Proxy-Authorization: %s\r\n", h.proxyAuth)
	}
	if method == "GET" {
		b.WriteString("Accept: application/x-rtsp-tunnelled\r\n")
	} else {
		b.WriteString("Content-Type: application/x-rtsp-tunnelled\r\n")
	}
	b.WriteString("Pragma: no-cache\r\nCache-Control: no-cache\r\n")
	if method != "GET" {
		b.WriteString("Content-Length: 32767\r\nExpires: Sun, 9 Jan 1972 00:00:00 GMT\r\n")
	}
	if authorization != "" {
		fmt.Fprintf(&b, "Authorization: %s\r\n", authorization)
	}
	b.WriteString("\r\n")
	return b.String()
}

// dialTunnel opens both sockets; the cookie ties them together.
func dialTunnel(ctx context.Context, td tunnelDial) (net.Conn, error) {
	addr := td.addr()
	proxy, err := tunnelProxy(td.cfg, addr, td.useTLS)
	if err != nil {
		return nil, err
	}
	dial := func(ctx context.Context) (net.Conn, error) {
		var nc net.Conn
		var err error
		if proxy != nil {
			nc, err = dialProxy(ctx, proxy, addr, td.useTLS, td.userAgent)
		} else {
			var d net.Dialer
			nc, err = d.DialContext(ctx, "tcp", addr)
			if err != nil {
				err = classifyNetError("connect to "+addr, err)
			}
		}
		if err != nil {
			return nil, err
		}
		if td.useTLS {
			tc := tls.Client(nc, td.tlsConfig)
			if err := tc.HandshakeContext(ctx); err != nil {
				nc.Close()
				return nil, &TLSError{Addr: addr, Err: err}
			}
			return tc, nil
		}
		return nc, nil
	}
	target := tunnelTarget(td.url)
	h := tunnelHead{target: target, version: "HTTP/1.1", host: addr, userAgent: td.userAgent, cookie: newCookie()}
	if td.cfg.HTTP10 {
		h.version = "HTTP/1.0"
	}
	if proxy != nil && !td.useTLS {
		// Through a plain-HTTP forward proxy the request line carries the
		// absolute URI (RFC 9112 §3.2.2); through CONNECT it stays a path.
		h.target = "http://" + addr + target
		if proxy.User != nil {
			h.proxyAuth = basicAuth(proxy.User)
		}
	}
	var sender *auth.Sender
	for round := 0; round < 2; round++ {
		get, err := dial(ctx)
		if err != nil {
			return nil, err
		}
		if dl, ok := ctx.Deadline(); ok {
			_ = get.SetDeadline(dl)
		}
		authz := ""
		if sender != nil {
			authz = sender.Authorization("GET", target)
		}
		if _, err := get.Write([]byte(h.head("GET", authz))); err != nil {
			get.Close()
			return nil, classifyNetError("tunnel GET", err)
		}
		br := bufio.NewReaderSize(get, 64<<10)
		code, reason, hdr, err := readHTTPHead(br)
		if err != nil {
			get.Close()
			return nil, classifyNetError("tunnel GET answer", err)
		}
		if code == 401 && sender == nil && td.user != "" {
			// A 401 can come on the GET itself (docs/QUIRKS.md #4): answer it once
			// on a fresh socket, the POST then reuses the same credentials.
			get.Close()
			s, err := auth.NewSender(hdr.Values("WWW-Authenticate"), td.user, td.pass)
			if err != nil {
				return nil, &kindError{kind: ErrUnauthorized, msg: "tunnel GET: cannot answer the authentication challenge", cause: err}
			}
			if s.Scheme() == auth.SchemeBasic && !td.useTLS && !td.allowBasic {
				return nil, &kindError{kind: ErrUnauthorized, msg: "tunnel GET", cause: ErrBasicInClear}
			}
			sender = s
			continue
		}
		if code == 401 && td.user == "" {
			get.Close()
			return nil, &kindError{kind: ErrUnauthorized, msg: "tunnel GET: server asks for a username and password", cause: ErrNoCredentials}
		}
		if code == 407 {
			get.Close()
			return nil, &kindError{kind: ErrUnauthorized, msg: "tunnel: the HTTP proxy refused the credentials (407)"}
		}
		if code != 200 {
			get.Close()
			return nil, fmt.Errorf("tunnel GET: %w", &StatusError{Method: "HTTP GET", Code: code, Reason: reason})
		}
		_ = get.SetDeadline(time.Time{})
		authz = ""
		if sender != nil {
			authz = sender.Authorization("POST", target)
		}
		t := &tunnelConn{get: get, getR: br, dial: dial, header: h.head("POST", authz), timeout: td.timeout}
		if t.timeout <= 0 {
			t.timeout = defaultTimeout
		}
		post, err := t.openPost(ctx)
		if err != nil {
			get.Close()
			return nil, err
		}
		t.ctx, t.cancel = context.WithCancel(context.Background())
		t.install(post)
		return t, nil
	}
	return nil, &kindError{kind: ErrUnauthorized, msg: "tunnel GET: server refused the credentials"}
}

// newCookie returns a 22-character token: some old servers expect exactly
// the length QuickTime used (docs/QUIRKS.md #3).
func newCookie() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])[:22]
}

// openPost dials a command socket and sends its head. We never wait for an
// answer to the POST: many servers stay silent until tunnelled bytes
// arrive (docs/QUIRKS.md #2).
func (t *tunnelConn) openPost(ctx context.Context) (net.Conn, error) {
	post, err := t.dial(ctx)
	if err != nil {
		return nil, fmt.Errorf("tunnel POST: %w", err)
	}
	_ = post.SetWriteDeadline(time.Now().Add(t.timeout))
	if _, err := post.Write([]byte(t.header)); err != nil {
		post.Close()
		return nil, classifyNetError("tunnel POST", err)
	}
	return post, nil
}

// install makes post the command socket and starts its drain. Under mu, and
// only while the tunnel is open: Close waits for the drains it knows of.
func (t *tunnelConn) install(post net.Conn) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		post.Close()
		return false
	}
	t.post = post
	t.dead = make(chan struct{})
	t.wg.Add(1)
	go t.drain(post, t.dead)
	return true
}

// drain reads the POST socket until the server closes it: whatever comes
// (some servers answer the POST with 200) is discarded, as answers only
// come on the GET socket; the close is what matters. A write into a socket
// the peer closed still "succeeds" once and the bytes are lost, so the
// closing must be noticed as it happens, not at the next write.
func (t *tunnelConn) drain(post net.Conn, dead chan struct{}) {
	defer t.wg.Done()
	defer close(dead)
	var buf [512]byte
	for {
		if _, err := post.Read(buf[:]); err != nil {
			return
		}
	}
}

// commandLost returns a channel closed when the POST socket that carried
// the last write is closed by the server. A request written just before
// that may never have been read (gortsplib, for one, rejects a POST that
// arrives before it has registered the GET, and closes it).
func (t *tunnelConn) commandLost() <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.dead
}

func (t *tunnelConn) Read(p []byte) (int, error) { return t.getR.Read(p) }

// Write base64-encodes p onto the POST socket. If the server closed the
// POST socket after a command (some do), it is reopened once with the same
// cookie and the write retried (docs/QUIRKS.md #4). The redial runs outside
// mu, bounded by the configured timeout and cancelled by Close, so Close
// never waits behind a dial to a server that does not answer.
func (t *tunnelConn) Write(p []byte) (int, error) {
	enc := make([]byte, base64.StdEncoding.EncodedLen(len(p)))
	base64.StdEncoding.Encode(enc, p)
	t.wmu.Lock()
	defer t.wmu.Unlock()
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return 0, net.ErrClosed
	}
	post, dead, wdl := t.post, t.dead, t.wdl
	t.mu.Unlock()
	if post != nil && !isClosed(dead) {
		_ = post.SetWriteDeadline(wdl)
		if _, err := post.Write(enc); err == nil {
			return len(p), nil
		}
	}
	if post != nil {
		post.Close()
		t.mu.Lock()
		if t.post == post {
			t.post = nil
		}
		t.mu.Unlock()
	}
	ctx, cancel := context.WithTimeout(t.ctx, t.timeout)
	defer cancel()
	post, err := t.openPost(ctx)
	if err != nil {
		if t.ctx.Err() != nil {
			return 0, net.ErrClosed
		}
		return 0, err
	}
	if !t.install(post) {
		return 0, net.ErrClosed
	}
	t.mu.Lock()
	wdl = t.wdl
	t.mu.Unlock()
	_ = post.SetWriteDeadline(wdl)
	if _, err := post.Write(enc); err != nil {
		return 0, classifyNetError("tunnel POST", err)
	}
	return len(p), nil
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func (t *tunnelConn) Close() error {
	t.cancel() // a redial in Write ends now
	t.mu.Lock()
	t.closed = true
	if t.post != nil {
		t.post.Close()
	}
	t.mu.Unlock()
	err := t.get.Close()
	t.wg.Wait()
	return err
}

func (t *tunnelConn) LocalAddr() net.Addr               { return t.get.LocalAddr() }
func (t *tunnelConn) RemoteAddr() net.Addr              { return t.get.RemoteAddr() }
func (t *tunnelConn) SetReadDeadline(d time.Time) error { return t.get.SetReadDeadline(d) }
func (t *tunnelConn) SetDeadline(d time.Time) error {
	_ = t.SetWriteDeadline(d)
	return t.get.SetReadDeadline(d)
}
func (t *tunnelConn) SetWriteDeadline(d time.Time) error {
	t.mu.Lock()
	t.wdl = d
	t.mu.Unlock()
	return nil
}

// readHTTPHead reads an HTTP status line and header with the same hard
// limits as RTSP messages, so a 1 MiB header is an error, not memory growth.
func readHTTPHead(br *bufio.Reader) (int, string, Header, error) {
	r := &Reader{br: br}
	line, err := r.readLine()
	if err != nil {
		return 0, "", nil, err
	}
	rest, ok := strings.CutPrefix(line, "HTTP/")
	if !ok {
		return 0, "", nil, protocolErrorf("tunnel: not an HTTP answer: %q", truncate(line, 64))
	}
	_, rest, _ = strings.Cut(rest, " ")
	codeStr, reason, _ := strings.Cut(strings.TrimLeft(rest, " "), " ")
	code, err := strconv.Atoi(codeStr)
	if err != nil || code < 100 || code > 999 {
		return 0, "", nil, protocolErrorf("tunnel: bad HTTP status line %q", truncate(line, 64))
	}
	h, err := r.readHeader()
	if err != nil {
		return 0, "", nil, err
	}
	return code, strings.TrimSpace(reason), h, nil
}
