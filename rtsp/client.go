package rtsp

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"

	"github.com/rtspview/rtspview/rtsp/auth"
	"github.com/rtspview/rtspview/rtsp/headers"
)

// Config configures a Client. The zero value is usable: TCP interleaved,
// 10 s per request, credentials from the URL.
type Config struct {
	// Transport carries the media; TransportTCP when zero.
	Transport Transport
	// Username and Password override credentials in the URL.
	Username, Password string
	// Timeout bounds dialing and each request/response round trip. 10 s
	// when zero.
	Timeout time.Duration
	// TLSConfig is used for rtsps:// and the HTTPS tunnel. nil means
	// verification against the system roots with the URL's host as SNI.
	TLSConfig *tls.Config
	// UserAgent is sent on every request; "rtspview" when empty.
	UserAgent string
	// OnPacket receives every RTP packet of a set-up track, tagged with the
	// track's Index. pkt is only valid during the call. It is called from the
	// connection's reader goroutine (interleaved) or one goroutine per track
	// (UDP), never concurrently for the same track.
	OnPacket func(track int, pkt []byte)
	// Tunnel configures the HTTP/HTTPS tunnel transports.
	Tunnel TunnelConfig
	// Logger receives debug records (requests, answers, errors that do not
	// end the session). slog.Default() when nil. Records carry URLs without
	// credentials and never an Authorization header.
	Logger *slog.Logger
}

// TunnelConfig configures RTSP over HTTP (Apple's QuickTime tunnelling).
type TunnelConfig struct {
	// Port of the HTTP server; the RTSP URL's port when zero, which is what
	// gst-rtsp-server, gortsplib and MediaMTX expect (QUIRKS #5).
	Port int
	// Proxy is an HTTP forward proxy (http://[user:pass@]host:port) for
	// the tunnel: GET/POST in absolute form for the HTTP tunnel, CONNECT
	// for HTTPS. When nil, HTTP_PROXY/HTTPS_PROXY/NO_PROXY decide, by the
	// same rules as net/http (which never proxies localhost).
	Proxy *url.URL
	// HTTP10 sends the tunnel's requests as HTTP/1.0, for the VMS that
	// accepts nothing else (QUIRKS #3).
	HTTP10 bool
}

const (
	defaultTimeout    = 10 * time.Second
	rtcpInterval      = 5 * time.Second
	defaultSessionTTL = 60 * time.Second
	userAgent         = "rtspview/0.1"
)

// ClientState is where a Client is in RFC 2326's order of requests. Each
// method checks it, so a call out of order gets a *StateError instead of
// a second keepalive goroutine or a track set up on a dead connection.
type ClientState int

// Client states, in the order a session passes them. StateClosed is final:
// the connection failed or Close was called.
const (
	StateInitial   ClientState = iota // connected; OPTIONS and DESCRIBE allowed
	StateDescribed                    // DESCRIBE answered; SETUP allowed
	StateSetUp                        // at least one track set up; more SETUPs or PLAY
	StatePlaying                      // PLAY answered; keepalives running
	StateClosed                       // the connection is gone
)

func (s ClientState) String() string {
	switch s {
	case StateInitial:
		return "initial"
	case StateDescribed:
		return "described"
	case StateSetUp:
		return "set up"
	case StatePlaying:
		return "playing"
	case StateClosed:
		return "closed"
	}
	return fmt.Sprintf("ClientState(%d)", int(s))
}

// Client is one RTSP session with one server: a control connection, the
// tracks set up on it and their media. Its methods (Options, Describe,
// Setup, Play, Teardown) must be called from one goroutine, in that order
// (State says where the client is); Stats, State, Done, Err and Close are
// safe from any.
type Client struct {
	cfg        Config
	url        *url.URL // without credentials
	user, pass string
	transport  Transport

	nc     net.Conn
	reader *Reader
	wmu    sync.Mutex // serialises writes of requests and RTCP frames

	log *slog.Logger

	mu       sync.Mutex
	state    ClientState // guarded by mu; StateClosed is set by fail only
	cseq     int
	pending  map[int]chan *Response
	session  headers.Session
	public   headers.Public
	sender   *auth.Sender
	desc     *Description
	tracks   []*setupTrack
	routes   atomic.Pointer[routeTable] // read per packet without locks
	closeErr error

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	done   chan struct{} // closed when the connection is lost or closed
	once   sync.Once
	wg     sync.WaitGroup
	ssrc   uint32 // ours, for receiver reports
}

// routeTable maps interleaved channels to tracks. Setup publishes a new
// copy; the reader loads it per frame, lock-free and allocation-free.
type routeTable struct {
	byChan [256]int16 // channel → track index*2 (+1 for RTCP), -1 none
	tracks []*setupTrack
}

type setupTrack struct {
	Track
	rtpChan, rtcpChan int // interleaved channels
	udp               *udpPair
	stats             receiverStats
	rtcpErrors        atomic.Uint64 // malformed RTCP packets, for the debug log
}

// Dial opens the control connection to the server in rawURL. It does not
// send any request; call Describe next.
func Dial(ctx context.Context, rawURL string, cfg Config) (*Client, error) {
	u, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = defaultTimeout
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = userAgent
	}
	c := &Client{cfg: cfg, transport: cfg.Transport, pending: map[int]chan *Response{}, done: make(chan struct{}), log: cfg.Logger}
	if c.log == nil {
		c.log = slog.Default()
	}
	if u.User != nil {
		c.user = u.User.Username()
		c.pass, _ = u.User.Password()
	}
	if cfg.Username != "" {
		c.user = cfg.Username
	}
	if cfg.Password != "" {
		c.pass = cfg.Password
	}
	c.url = withoutCredentials(u)
	rt := &routeTable{}
	for i := range rt.byChan {
		rt.byChan[i] = -1
	}
	c.routes.Store(rt)
	var b [4]byte
	_, _ = rand.Read(b[:])
	c.ssrc = binary.BigEndian.Uint32(b[:])

	dctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	c.log.Debug("rtsp: dial", "url", c.url.String(), "transport", c.transport.String())
	nc, err := c.dialControl(dctx)
	if err != nil {
		c.log.Debug("rtsp: dial failed", "url", c.url.String(), "err", err)
		return nil, err
	}
	c.nc = nc
	c.reader = NewReader(nc)
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.wg.Add(1)
	go c.readLoop()
	return c, nil
}

func (c *Client) dialControl(ctx context.Context) (net.Conn, error) {
	addr := HostPort(c.url)
	switch c.transport {
	case TransportTCP, TransportUDP:
		var d net.Dialer
		nc, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return nil, classifyNetError("connect to "+addr, err)
		}
		if c.url.Scheme == "rtsps" {
			tc := tls.Client(nc, c.tlsConfig())
			if err := tc.HandshakeContext(ctx); err != nil {
				nc.Close()
				return nil, &kindError{kind: ErrTLS, msg: "TLS handshake with " + addr, cause: err}
			}
			return tc, nil
		}
		return nc, nil
	case TransportHTTP, TransportHTTPS:
		return dialTunnel(ctx, c.url, c.transport == TransportHTTPS, c.cfg.Tunnel, c.tlsConfig(), c.user, c.pass, c.cfg.UserAgent)
	}
	return nil, fmt.Errorf("%w: %v", ErrTransportUnsupported, c.transport)
}

func (c *Client) tlsConfig() *tls.Config {
	if c.cfg.TLSConfig != nil {
		cfg := c.cfg.TLSConfig.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = c.url.Hostname()
		}
		return cfg
	}
	return &tls.Config{ServerName: c.url.Hostname(), MinVersion: tls.VersionTLS12}
}

// URL returns the stream URL without credentials.
func (c *Client) URL() *url.URL { return c.url }

// Transport returns the transport in use.
func (c *Client) Transport() Transport { return c.transport }

// TLS reports whether the control connection is encrypted.
func (c *Client) TLS() bool {
	return c.url.Scheme == "rtsps" || c.transport == TransportHTTPS
}

// Done is closed when the connection ends, by Close or by a failure.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err returns why the connection ended, once Done is closed.
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closeErr
}

// State returns where the client is in its session.
func (c *Client) State() ClientState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// checkState returns a *StateError unless the client is in one of the
// allowed states; after a failure it returns why the connection ended.
func (c *Client) checkState(method string, allowed ...ClientState) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state == StateClosed {
		return fmt.Errorf("%s: %w", method, c.closeErr)
	}
	for _, a := range allowed {
		if c.state == a {
			return nil
		}
	}
	return &StateError{Method: method, State: c.state}
}

// advance moves the client to state next unless it closed meanwhile: a
// server may answer a request and close at once, and the answer still
// reaches the caller (see roundTrip).
func (c *Client) advance(method string, next ClientState) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state == StateClosed {
		return fmt.Errorf("%s: %w", method, c.closeErr)
	}
	c.state = next
	return nil
}

func (c *Client) fail(err error) {
	c.once.Do(func() {
		// The state turns closed and the tracks are taken under one lock:
		// Setup adds a track (and starts its UDP loops) only under the same
		// lock and only while not closed, so every socket is either closed
		// here or never handed to a goroutine.
		c.mu.Lock()
		c.closeErr = err
		c.state = StateClosed
		tracks := c.tracks
		c.mu.Unlock()
		c.log.Debug("rtsp: session ended", "url", c.url.String(), "err", err)
		close(c.done)
		if c.cancel != nil {
			c.cancel()
		}
		if c.nc != nil {
			c.nc.Close()
		}
		for _, t := range tracks {
			if t.udp != nil {
				t.udp.close()
			}
		}
	})
}

// Close ends the session without TEARDOWN and waits for every goroutine the
// client started. It is idempotent.
func (c *Client) Close() error {
	c.fail(fmt.Errorf("client: %w", ErrClosed))
	c.wg.Wait()
	return nil
}

// readLoop owns the control connection's read side for the client's life:
// responses go to whoever waits on their CSeq, frames to OnPacket, server
// requests get an answer.
func (c *Client) readLoop() {
	defer c.wg.Done()
	for {
		kind, ch, payload, resp, req, err := c.reader.Next()
		if err != nil {
			c.fail(classifyNetError("read from server", err))
			return
		}
		switch kind {
		case KindFrame:
			c.handleFrame(ch, payload)
		case KindResponse:
			c.deliver(resp)
		case KindRequest:
			c.answer(req)
		}
	}
}

func (c *Client) deliver(resp *Response) {
	cseq := resp.CSeq()
	c.mu.Lock()
	ch, ok := c.pending[cseq]
	if !ok && cseq < 0 && len(c.pending) == 1 {
		// A response without CSeq: if exactly one request waits, it is its.
		for _, v := range c.pending {
			ch, ok = v, true
		}
	}
	c.mu.Unlock()
	if ok {
		select {
		case ch <- resp:
		default:
		}
	}
}

// redirect builds the RedirectError for a Location, resolved against the
// stream URL; a Location that is not an rtsp(s) URL is a protocol error.
func (c *Client) redirect(method string, code int, loc string) error {
	u, err := c.url.Parse(loc)
	if err != nil || (u.Scheme != "rtsp" && u.Scheme != "rtsps") || u.Host == "" {
		return protocolErrorf("%s: redirect to an unusable location %q", method, truncate(loc, 80))
	}
	u.User = nil
	return &RedirectError{Method: method, Code: code, Location: u.String()}
}

// answer replies to requests a server sends us (RFC 2326 §10: OPTIONS,
// GET_PARAMETER and SET_PARAMETER may flow server→client).
func (c *Client) answer(req *Request) {
	resp := &Response{StatusCode: 501, Reason: "Not Implemented"}
	var redirect error
	switch strings.ToUpper(req.Method) {
	case "OPTIONS", "GET_PARAMETER":
		resp.StatusCode, resp.Reason = 200, "OK"
	case "REDIRECT":
		// RFC 2326 §10.10: the server moves us elsewhere; the session
		// here ends and the caller reconnects to Location.
		if loc := strings.TrimSpace(req.Header.Get("Location")); loc != "" {
			resp.StatusCode, resp.Reason = 200, "OK"
			redirect = c.redirect("REDIRECT", 0, loc)
		}
	}
	defer func() {
		if redirect != nil {
			c.fail(redirect) // after the answer is written; fail never blocks
		}
	}()
	resp.Header.Set("CSeq", strings.TrimSpace(req.Header.Get("CSeq")))
	c.log.Debug("rtsp: server request", "method", truncate(req.Method, 32), "answer", resp.StatusCode)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.nc.SetWriteDeadline(time.Now().Add(c.cfg.Timeout))
	if _, err := resp.WriteTo(c.nc); err != nil {
		// The read loop sees the broken connection and ends the session.
		c.log.Debug("rtsp: answering a server request failed", "method", truncate(req.Method, 32), "err", err)
	}
}

func (c *Client) handleFrame(ch uint8, payload []byte) {
	rt := c.routes.Load()
	idx := rt.byChan[ch]
	if idx < 0 {
		return // a channel we did not set up: ignore, as RFC 2326 allows
	}
	t := rt.tracks[idx/2]
	if idx%2 == 0 {
		if t.stats.updateRTP(payload, time.Now()) && c.cfg.OnPacket != nil {
			c.cfg.OnPacket(t.Index, payload)
		}
		return
	}
	c.handleRTCP(t, payload)
}

func (c *Client) handleRTCP(t *setupTrack, payload []byte) {
	// Some cameras send invalid RTCP: skip it, never fail (QUIRKS #14).
	pkts, err := rtcp.Unmarshal(payload)
	if err != nil {
		// Logged at 1, 2, 4, 8, … so a camera that sends nothing else
		// cannot flood the log.
		if n := t.rtcpErrors.Add(1); n&(n-1) == 0 {
			c.log.Debug("rtsp: ignoring malformed RTCP", "track", t.Index, "bytes", len(payload), "count", n, "err", err)
		}
		return
	}
	for _, p := range pkts {
		if sr, ok := p.(*rtcp.SenderReport); ok {
			t.stats.updateSR(sr, time.Now())
		}
	}
}

// do sends req and waits for its response, answering one authentication
// challenge (and one stale-nonce retry) on the way. A non-2xx answer is
// returned as *StatusError.
func (c *Client) do(ctx context.Context, req *Request) (*Response, error) {
	staleRetried := false
	for attempt := 0; attempt < 3; attempt++ {
		resp, err := c.roundTrip(ctx, req)
		if err != nil {
			c.log.Debug("rtsp: request failed", "method", req.Method, "url", RedactString(req.URL), "err", err)
			return nil, err
		}
		// The Authorization header itself is never logged, only whether
		// one was sent.
		c.log.Debug("rtsp: answer", "method", req.Method, "url", RedactString(req.URL),
			"status", resp.StatusCode, "reason", truncate(resp.Reason, 64), "authorized", req.Header.Get("Authorization") != "")
		if resp.StatusCode == 401 {
			if c.user == "" {
				return resp, &kindError{kind: ErrUnauthorized, msg: req.Method + ": server asks for a username and password", cause: ErrNoCredentials}
			}
			s, err := auth.NewSender(resp.Header.Values("WWW-Authenticate"), c.user, c.pass)
			if err != nil {
				return resp, &kindError{kind: ErrUnauthorized, msg: req.Method + ": cannot answer the server's authentication challenge", cause: err}
			}
			c.mu.Lock()
			had := c.sender != nil
			c.mu.Unlock()
			if had {
				// Already answered a challenge: only a stale nonce earns
				// another try (RFC 7616 §3.3), once.
				if !s.Stale() || staleRetried {
					return resp, &StatusError{Method: req.Method, Code: 401, Reason: resp.Reason}
				}
				staleRetried = true
			}
			c.mu.Lock()
			c.sender = s
			c.mu.Unlock()
			continue
		}
		if loc := strings.TrimSpace(resp.Header.Get("Location")); resp.StatusCode/100 == 3 && loc != "" {
			return resp, c.redirect(req.Method, resp.StatusCode, loc)
		}
		if resp.StatusCode >= 300 {
			return resp, &StatusError{Method: req.Method, Code: resp.StatusCode, Reason: resp.Reason}
		}
		return resp, nil
	}
	return nil, &StatusError{Method: req.Method, Code: 401}
}

// prepare stamps CSeq, session, authorization and user agent on req and
// registers a waiter for its response (nil wait: fire and forget).
func (c *Client) prepare(req *Request, wait bool) (int, chan *Response) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cseq++
	cseq := c.cseq
	req.Header.Set("CSeq", fmt.Sprint(cseq))
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	if c.session.ID != "" {
		req.Header.Set("Session", c.session.ID)
	}
	if c.sender != nil {
		req.Header.Set("Authorization", c.sender.Authorization(req.Method, req.URL))
	}
	var ch chan *Response
	if wait {
		ch = make(chan *Response, 1)
		c.pending[cseq] = ch
	}
	return cseq, ch
}

func (c *Client) roundTrip(ctx context.Context, req *Request) (*Response, error) {
	cseq, ch := c.prepare(req, true)
	defer func() {
		c.mu.Lock()
		delete(c.pending, cseq)
		c.mu.Unlock()
	}()
	if err := c.write(req); err != nil {
		return nil, err
	}
	timer := time.NewTimer(c.cfg.Timeout)
	defer timer.Stop()
	lost, resent := c.commandLost(), false
	for {
		select {
		case resp := <-ch:
			return resp, nil
		case <-lost:
			// The tunnel's POST socket closed under this request. Give an
			// answer a moment (a server may answer, then close), then send
			// the request again, once, on a reopened socket.
			lost = nil
			if resent {
				continue
			}
			select {
			case resp := <-ch:
				return resp, nil
			case <-time.After(200 * time.Millisecond):
			}
			resent = true
			if err := c.write(req); err != nil {
				return nil, err
			}
			lost = c.commandLost()
			continue
		case <-timer.C:
			return nil, &kindError{kind: ErrTimeout, msg: fmt.Sprintf("%s: no answer within %v", req.Method, c.cfg.Timeout)}
		case <-ctx.Done():
			return nil, classifyNetError(req.Method, ctx.Err())
		case <-c.done:
			// A server may answer and close at once (gortsplib does after a
			// refused password): the answer, if it arrived, wins.
			select {
			case resp := <-ch:
				return resp, nil
			default:
			}
			return nil, fmt.Errorf("%s: %w", req.Method, c.Err())
		}
	}
}

// commandLost is the tunnel's signal that the socket carrying requests was
// closed by the server (nil, never ready, for the other transports).
func (c *Client) commandLost() <-chan struct{} {
	if t, ok := c.nc.(*tunnelConn); ok {
		return t.commandLost()
	}
	return nil
}

func (c *Client) write(req *Request) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.nc.SetWriteDeadline(time.Now().Add(c.cfg.Timeout))
	if _, err := req.WriteTo(c.nc); err != nil {
		return classifyNetError("send "+req.Method, err)
	}
	return nil
}

func (c *Client) newRequest(method, u string) *Request {
	return &Request{Method: method, URL: u}
}

// Options sends OPTIONS and records which methods the server supports.
func (c *Client) Options(ctx context.Context) error {
	if err := c.checkState("OPTIONS", StateInitial, StateDescribed, StateSetUp, StatePlaying); err != nil {
		return err
	}
	resp, err := c.do(ctx, c.newRequest("OPTIONS", c.url.String()))
	if err != nil {
		// Some servers answer OPTIONS with 404/501 yet stream fine; only
		// authentication and transport failures matter here.
		if resp != nil && !errors.Is(err, ErrUnauthorized) {
			return nil
		}
		return err
	}
	var p headers.Public
	if p.Unmarshal(resp.Header.Get("Public")) == nil {
		c.mu.Lock()
		c.public = p
		c.mu.Unlock()
	}
	return nil
}

// Describe asks for the session description and parses it into tracks.
func (c *Client) Describe(ctx context.Context) (*Description, error) {
	if err := c.checkState("DESCRIBE", StateInitial, StateDescribed); err != nil {
		return nil, err
	}
	req := c.newRequest("DESCRIBE", c.url.String())
	// Without Accept some cameras answer 406 (QUIRKS #8).
	req.Header.Set("Accept", "application/sdp")
	resp, err := c.do(ctx, req)
	if err != nil {
		return nil, err
	}
	if len(resp.Body) == 0 {
		return nil, fmt.Errorf("%w: DESCRIBE answer has no session description", ErrProtocol)
	}
	base := c.url
	for _, h := range []string{"Content-Base", "Content-Location"} {
		if v := strings.TrimSpace(resp.Header.Get(h)); v != "" {
			if u, err := c.url.Parse(v); err == nil && (u.Scheme == "rtsp" || u.Scheme == "rtsps") {
				base = u
				break
			}
		}
	}
	d, err := ParseDescription(resp.Body, base)
	if err != nil {
		return nil, fmt.Errorf("DESCRIBE: %w", err)
	}
	c.mu.Lock()
	c.desc = d
	c.mu.Unlock()
	if err := c.advance("DESCRIBE", StateDescribed); err != nil {
		return nil, err
	}
	return d, nil
}

// Setup sets up one track on the client's transport. It may be called for
// several tracks after Describe and before Play.
func (c *Client) Setup(ctx context.Context, t Track) error {
	if err := c.checkState("SETUP", StateDescribed, StateSetUp); err != nil {
		return err
	}
	st := &setupTrack{Track: t}
	st.stats.clockRate = float64(t.ClockRate)
	idx := len(c.tracks)
	var th headers.Transport
	th.Protocol = headers.ProtocolTCP
	if c.transport.interleaved() {
		st.rtpChan, st.rtcpChan = idx*2, idx*2+1
		th.Interleaved = &[2]int{st.rtpChan, st.rtcpChan}
	} else {
		serverIP := remoteIP(c.nc)
		pair, err := listenUDPPair(serverIP)
		if err != nil {
			return fmt.Errorf("SETUP %s: %w", t, err)
		}
		st.udp = pair
		th.Protocol = headers.ProtocolUDP
		th.ClientPorts = &[2]int{pair.rtpPort, pair.rtpPort + 1}
	}
	req := c.newRequest("SETUP", t.Control)
	req.Header.Set("Transport", th.Marshal())
	resp, err := c.do(ctx, req)
	if err != nil {
		if st.udp != nil {
			st.udp.close()
		}
		return fmt.Errorf("SETUP %s: %w", t, err)
	}
	var sess headers.Session
	if err := sess.Unmarshal(resp.Header.Get("Session")); err != nil && c.session.ID == "" {
		if st.udp != nil {
			st.udp.close()
		}
		return fmt.Errorf("SETUP %s: %w: no usable Session header", t, ErrProtocol)
	}
	var got headers.Transport
	if err := got.Unmarshal(resp.Header.Get("Transport")); err != nil {
		if st.udp != nil {
			st.udp.close()
		}
		return fmt.Errorf("SETUP %s: %w: bad Transport answer: %v", t, ErrProtocol, err)
	}
	if c.transport.interleaved() {
		if got.Protocol != headers.ProtocolTCP {
			return fmt.Errorf("SETUP %s: %w: asked for TCP, server chose UDP", t, ErrTransportUnsupported)
		}
		// Servers may renumber channels: use theirs (QUIRKS #11).
		if got.Interleaved != nil {
			st.rtpChan, st.rtcpChan = got.Interleaved[0], got.Interleaved[1]
		}
		if st.rtpChan < 0 || st.rtpChan > 255 || st.rtcpChan < 0 || st.rtcpChan > 255 {
			return fmt.Errorf("SETUP %s: %w: bad interleaved channels", t, ErrProtocol)
		}
	} else {
		if got.Protocol != headers.ProtocolUDP {
			st.udp.close()
			return fmt.Errorf("SETUP %s: %w: asked for UDP, server chose TCP", t, ErrTransportUnsupported)
		}
		if got.ServerPorts != nil {
			st.udp.setServerPorts(got.ServerPorts[0], got.ServerPorts[1])
		}
	}
	c.mu.Lock()
	if c.state == StateClosed {
		// The server answered SETUP and then the connection died (or Close
		// ran) while this goroutine was on its way here. fail has already
		// closed the tracks it knew of; this one it never saw, so its
		// sockets are closed here and its read loops never start, or
		// Close would wait for them for ever.
		err := c.closeErr
		c.mu.Unlock()
		if st.udp != nil {
			st.udp.close()
		}
		return fmt.Errorf("SETUP %s: %w", t, err)
	}
	if sess.ID != "" {
		c.session = sess
	}
	c.state = StateSetUp
	c.tracks = append(c.tracks, st)
	if c.transport.interleaved() {
		rt := *c.routes.Load()
		rt.tracks = append([]*setupTrack(nil), c.tracks...)
		rt.byChan[st.rtpChan] = int16(idx * 2)
		if st.rtcpChan != st.rtpChan {
			rt.byChan[st.rtcpChan] = int16(idx*2 + 1)
		}
		c.routes.Store(&rt)
	}
	if st.udp != nil {
		// Added under mu while not closed: Close calls fail (which takes mu)
		// before wg.Wait, so this Add always happens before that Wait.
		c.wg.Add(2)
	}
	c.mu.Unlock()
	if st.udp != nil {
		// Open NAT holes towards the server's ports right away (QUIRKS #15)
		// and start reading before PLAY so no early packet is lost.
		if err := st.udp.punch(); err != nil {
			c.log.Debug("rtsp: UDP hole punch failed", "track", t.Index, "err", err)
		}
		go c.udpRTPLoop(st)
		go c.udpRTCPLoop(st)
	}
	return nil
}

// Play starts the media of every set-up track and the keepalive and RTCP
// goroutine.
func (c *Client) Play(ctx context.Context) error {
	// A second PLAY would start a second keepalive loop; one before SETUP
	// has nothing to play.
	if err := c.checkState("PLAY", StateSetUp); err != nil {
		return err
	}
	c.mu.Lock()
	d := c.desc
	c.mu.Unlock()
	targets := []string{d.Control}
	if !d.Aggregate {
		// Non-aggregate control: one PLAY per media (QUIRKS #10).
		targets = targets[:0]
		for _, t := range c.tracks {
			targets = append(targets, t.Control)
		}
	}
	for _, u := range targets {
		req := c.newRequest("PLAY", u)
		req.Header.Set("Range", "npt=0.000-")
		if _, err := c.do(ctx, req); err != nil {
			return err
		}
	}
	c.mu.Lock()
	if c.state == StateClosed {
		err := c.closeErr
		c.mu.Unlock()
		return fmt.Errorf("PLAY: %w", err)
	}
	c.state = StatePlaying
	c.wg.Add(1) // under mu while not closed, as in Setup
	c.mu.Unlock()
	go c.keepaliveLoop()
	return nil
}

// Teardown ends the session on the server. It waits for the answer at most
// for the client's Timeout or ctx, whichever is first; the answer's content
// does not matter.
func (c *Client) Teardown(ctx context.Context) error {
	c.mu.Lock()
	d, state := c.desc, c.state
	c.mu.Unlock()
	if d == nil || state == StateInitial || state == StateDescribed {
		return nil // no session on the server yet
	}
	if state == StateClosed {
		return fmt.Errorf("TEARDOWN: %w", c.Err())
	}
	_, err := c.do(ctx, c.newRequest("TEARDOWN", d.Control))
	return err
}

// Stats returns the reception counters of the set-up track with the given
// Track.Index.
func (c *Client) Stats(track int) TrackStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range c.tracks {
		if t.Index == track {
			return t.stats.snapshot()
		}
	}
	return TrackStats{}
}

// SessionTimeout returns the server's session timeout (60 s if not given).
func (c *Client) SessionTimeout() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session.Timeout > 0 {
		return c.session.Timeout
	}
	return defaultSessionTTL
}

// keepaliveLoop keeps the session alive and sends RTCP receiver reports.
// Keepalives go out at half the session timeout (QUIRKS #13) without waiting
// for an answer: some cameras never answer them.
func (c *Client) keepaliveLoop() {
	defer c.wg.Done()
	interval := c.SessionTimeout() / 2
	if interval < time.Second {
		interval = time.Second
	}
	keep := time.NewTicker(interval)
	defer keep.Stop()
	// Reports every 5 s (RFC 3550's minimum), more often when the session
	// timeout is short: some servers treat RRs as the sign of life.
	rr := time.NewTicker(min(rtcpInterval, interval))
	defer rr.Stop()
	c.sendReceiverReports() // some cameras want an RR before any SR (QUIRKS #14)
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-keep.C:
			c.sendKeepalive()
		case <-rr.C:
			c.sendReceiverReports()
		}
	}
}

func (c *Client) sendKeepalive() {
	c.mu.Lock()
	method := "OPTIONS"
	if c.public.Has("GET_PARAMETER") {
		method = "GET_PARAMETER"
	}
	target := c.url.String()
	if c.desc != nil {
		target = c.desc.Control
	}
	c.mu.Unlock()
	req := c.newRequest(method, target)
	c.prepare(req, false)
	if err := c.write(req); err != nil {
		// A broken connection ends the session through the read loop;
		// a slow one just misses this keepalive.
		c.log.Debug("rtsp: keepalive not sent", "method", method, "err", err)
	}
}

func (c *Client) sendReceiverReports() {
	now := time.Now()
	c.mu.Lock()
	tracks := append([]*setupTrack(nil), c.tracks...)
	c.mu.Unlock()
	for _, t := range tracks {
		rr := &rtcp.ReceiverReport{SSRC: c.ssrc}
		if rep, ok := t.stats.report(now); ok {
			rr.Reports = []rtcp.ReceptionReport{rep}
		}
		buf, err := rr.Marshal()
		if err != nil {
			continue
		}
		if t.udp != nil {
			if err := t.udp.sendRTCP(buf); err != nil {
				c.log.Debug("rtsp: UDP receiver report not sent", "track", t.Index, "err", err)
			}
			continue
		}
		c.writeFrame(uint8(t.rtcpChan), buf)
	}
}

func (c *Client) writeFrame(ch uint8, payload []byte) {
	if len(payload) > 0xffff {
		return
	}
	frame := make([]byte, 4+len(payload))
	frame[0], frame[1] = '$', ch
	binary.BigEndian.PutUint16(frame[2:], uint16(len(payload)))
	copy(frame[4:], payload)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.nc.SetWriteDeadline(time.Now().Add(c.cfg.Timeout))
	if _, err := c.nc.Write(frame); err != nil {
		c.log.Debug("rtsp: interleaved RTCP not sent", "channel", ch, "err", err)
	}
}

func (c *Client) udpRTPLoop(t *setupTrack) {
	defer c.wg.Done()
	buf := make([]byte, 65536)
	for {
		n, ok, err := t.udp.readRTP(buf)
		if err != nil {
			return
		}
		if !ok {
			continue
		}
		pkt := buf[:n]
		if t.stats.updateRTP(pkt, time.Now()) && c.cfg.OnPacket != nil {
			c.cfg.OnPacket(t.Index, pkt)
		}
	}
}

func (c *Client) udpRTCPLoop(t *setupTrack) {
	defer c.wg.Done()
	buf := make([]byte, 8192)
	for {
		n, ok, err := t.udp.readRTCP(buf)
		if err != nil {
			return
		}
		if ok {
			c.handleRTCP(t, buf[:n])
		}
	}
}

// VideoTrackIndex returns the Track.Index of the first set-up video track,
// or -1.
func (c *Client) VideoTrackIndex() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range c.tracks {
		if t.Media == "video" {
			return t.Index
		}
	}
	return -1
}

// UseTCP switches a UDP client whose SETUP the server refused (461
// Unsupported Transport, ErrTransportUnsupported) to TCP interleaved on the
// same connection; the next Setup asks for interleaved channels. FFmpeg
// falls back the same way. A second connection would cost another
// DESCRIBE, and a server that built the media for the first connection
// may still be tearing it down when the second asks: gst-rtsp-server then
// answers 503. Like Setup, call it from the goroutine that calls the
// methods, before any track is set up.
func (c *Client) UseTCP() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.transport != TransportUDP || len(c.tracks) > 0 {
		return fmt.Errorf("%w: UseTCP on a %v client with %d tracks set up", ErrInvalidState, c.transport, len(c.tracks))
	}
	c.transport = TransportTCP
	return nil
}

// RequestKeyframe asks the server for a keyframe on a set-up track: a
// receiver report, a Picture Loss Indication (RFC 4585 section 6.3.1) and
// a Full Intra Request (RFC 5104 section 4.3.1) in one compound RTCP packet
// (RFC 3550 section 6.1). A viewer that joins a live stream between
// keyframes would otherwise wait up to a GOP for its first picture.
// gst-rtsp-server passes the request to its encoder; a server without
// feedback support ignores it. It needs the sender's SSRC, learnt from the
// first RTP packet, and reports false before that.
func (c *Client) RequestKeyframe(track int) bool {
	c.mu.Lock()
	var t *setupTrack
	for _, st := range c.tracks {
		if st.Index == track {
			t = st
		}
	}
	c.mu.Unlock()
	if t == nil {
		return false
	}
	t.stats.mu.Lock()
	media, started := t.stats.ssrc, t.stats.started
	t.stats.mu.Unlock()
	if !started {
		return false
	}
	buf, err := rtcp.Marshal([]rtcp.Packet{
		&rtcp.ReceiverReport{SSRC: c.ssrc},
		&rtcp.PictureLossIndication{SenderSSRC: c.ssrc, MediaSSRC: media},
		&rtcp.FullIntraRequest{SenderSSRC: c.ssrc, MediaSSRC: media, FIR: []rtcp.FIREntry{{SSRC: media, SequenceNumber: 1}}},
	})
	if err != nil {
		return false
	}
	if t.udp != nil {
		if err := t.udp.sendRTCP(buf); err != nil {
			c.log.Debug("rtsp: keyframe request not sent", "track", track, "err", err)
			return false
		}
		return true
	}
	c.writeFrame(uint8(t.rtcpChan), buf)
	return true
}
