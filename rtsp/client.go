package rtsp

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

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
	// TLSFor, when set, is asked for the TLS configuration of the server
	// at addr, the host:port this client is about to hand-shake with
	// (rtsps on its port, or the HTTPS tunnel's). A nil answer falls back
	// to TLSConfig. The address is the dial's own, so a trust store keyed
	// on it (a certificate the user accepted) never has to predict which
	// port Auto or the tunnel will end up on; a failed handshake names the
	// same address in its *TLSError.
	TLSFor func(addr string) *tls.Config
	// AllowBasic lets the password go in clear: Basic authentication
	// (RFC 7617) is answered on a connection without TLS. Off, a server
	// that offers only Basic there gets nothing and the request fails with
	// ErrBasicInClear. Over TLS (rtsps, the HTTPS tunnel) Basic is always
	// answered; Digest is preferred whenever it is offered.
	AllowBasic bool
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
	// gst-rtsp-server, gortsplib and MediaMTX expect (docs/QUIRKS.md #5).
	Port int
	// Proxy is an HTTP forward proxy (http://[user:pass@]host:port) for
	// the tunnel: GET/POST in absolute form for the HTTP tunnel, CONNECT
	// for HTTPS. When nil, HTTP_PROXY/HTTPS_PROXY/NO_PROXY decide, by the
	// same rules as net/http (which never proxies localhost).
	Proxy *url.URL
	// HTTP10 sends the tunnel's requests as HTTP/1.0, for the VMS that
	// accepts nothing else (docs/QUIRKS.md #3).
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
	StatePaused                       // PAUSE answered; PLAY resumes or seeks
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
	case StatePaused:
		return "paused"
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
	// secure is set by dialControl when the control connection it returns
	// completed a TLS handshake (rtsps, the HTTPS tunnel); never from the
	// URL's scheme alone.
	secure bool

	nc     net.Conn
	reader *Reader
	wmu    sync.Mutex // serialises writes of requests and RTCP frames

	log *slog.Logger

	mu      sync.Mutex
	state   ClientState // guarded by mu; StateClosed is set by fail only
	cseq    int
	pending map[int]chan *Response
	session headers.Session
	public  headers.Public
	sender  *auth.Sender
	desc    *Description
	// queryCarried is set once a SETUP succeeded only with the request's
	// query on its URL: every later control URL carries it too.
	queryCarried bool
	tracks       []*setupTrack
	routes       atomic.Pointer[routeTable] // read per packet without locks
	closeErr     error
	// keepalive is set by the first PLAY, which starts the keepalive
	// goroutine; a seek or resume must not start another.
	keepalive bool
	byes      atomic.Uint64 // RTCP BYE packets received (Goodbyes)

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	done   chan struct{} // closed when the connection is lost or closed
	once   sync.Once
	wg     sync.WaitGroup
	ssrc   uint32 // ours, for receiver reports
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
	if err := CheckTransport(u, cfg.Transport); err != nil {
		return nil, err
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

// CheckTransport refuses a transport that cannot keep u's promise: rtsps
// means nothing of the session crosses the network readable, the control
// connection and the media. Plain UDP would carry the video in clear (and
// take packets from anyone who can spoof the server), the HTTP tunnel
// everything. The error is an *InputError: the person chose both.
func CheckTransport(u *url.URL, t Transport) error {
	if u.Scheme != "rtsps" {
		return nil
	}
	switch t {
	case TransportUDP:
		return inputErrorf("transport", "rtsps:// sends video only inside TLS, and UDP would carry it unencrypted: choose TCP, the HTTPS tunnel or Auto")
	case TransportHTTP:
		return inputErrorf("transport", "rtsps:// needs TLS, and the HTTP tunnel has none: choose the HTTPS tunnel, TCP or Auto")
	}
	return nil
}

// URL returns the stream URL without credentials.
func (c *Client) URL() *url.URL { return c.url }

// Transport returns the transport in use.
func (c *Client) Transport() Transport { return c.transport }

// TLS reports whether the control connection is encrypted: it completed a
// TLS handshake (rtsps over TCP, or the HTTPS tunnel).
func (c *Client) TLS() bool { return c.secure }

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
