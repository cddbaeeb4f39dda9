package rtsp

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/rtspview/rtspview/rtsp/auth"
)

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
			tc := tls.Client(nc, c.tlsConfigFor(addr))
			if err := tc.HandshakeContext(ctx); err != nil {
				nc.Close()
				return nil, &TLSError{Addr: addr, Err: err}
			}
			c.secure = true
			return tc, nil
		}
		return nc, nil
	case TransportHTTP, TransportHTTPS:
		td := tunnelDial{
			url: c.url, useTLS: c.transport == TransportHTTPS, cfg: c.cfg.Tunnel,
			user: c.user, pass: c.pass, userAgent: c.cfg.UserAgent, allowBasic: c.cfg.AllowBasic,
			timeout: c.cfg.Timeout,
		}
		td.tlsConfig = c.tlsConfigFor(td.addr())
		nc, err := dialTunnel(ctx, td)
		if err == nil {
			c.secure = td.useTLS // dialTunnel hand-shakes TLS itself or fails
		}
		return nc, err
	}
	return nil, fmt.Errorf("%w: %v", ErrTransportUnsupported, c.transport)
}

// tlsConfigFor is the TLS configuration for the server at addr: the
// caller's answer for that address (Config.TLSFor), else Config.TLSConfig,
// else the system roots; SNI is the URL's host unless set.
func (c *Client) tlsConfigFor(addr string) *tls.Config {
	if c.cfg.TLSFor != nil {
		if cfg := c.cfg.TLSFor(addr); cfg != nil {
			cfg = cfg.Clone()
			if cfg.ServerName == "" {
				cfg.ServerName = c.url.Hostname()
			}
			return cfg
		}
	}
	return c.tlsConfig()
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
			if s.Scheme() == auth.SchemeBasic && !c.secure && !c.cfg.AllowBasic {
				return resp, &kindError{kind: ErrUnauthorized, msg: req.Method, cause: ErrBasicInClear}
			}
			c.mu.Lock()
			had := c.sender != nil
			c.mu.Unlock()
			if had {
				// Already answered a challenge: only a stale nonce earns
				// another try (RFC 7616 §3.3), once.
				if !s.Stale() || staleRetried {
					if c.pass == "" {
						// A user name alone (a wall whose keyring has no
						// password for it): no password was tried, so
						// none was refused.
						return resp, &kindError{kind: ErrUnauthorized, msg: req.Method + ": server asks for a password", cause: ErrNoCredentials}
					}
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
