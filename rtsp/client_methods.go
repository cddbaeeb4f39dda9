package rtsp

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rtspview/rtspview/rtsp/headers"
)

// Options sends OPTIONS and records which methods the server supports.
func (c *Client) Options(ctx context.Context) error {
	if err := c.checkState("OPTIONS", StateInitial, StateDescribed, StateSetUp, StatePlaying, StatePaused); err != nil {
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
	// Without Accept some cameras answer 406 (docs/QUIRKS.md #8).
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
	// The UDP pair is the track's once it is in c.tracks (fail and Close
	// close it from there); every earlier exit closes it here.
	kept := false
	defer func() {
		if !kept && st.udp != nil {
			st.udp.close()
		}
	}()
	// The control URLs are used as the server wrote them first: most
	// servers (gst-rtsp-server among them) answer 404 to a track URL that
	// carries the request's query. A camera whose Content-Base dropped its
	// access token refuses that SETUP instead; then the query goes on this
	// and every later control URL, the aggregate's too (docs/QUIRKS.md #9).
	c.mu.Lock()
	carrying := c.queryCarried
	c.mu.Unlock()
	if carrying {
		t.Control = queryCarried(t.Control, c.url)
	}
	req := c.newRequest("SETUP", t.Control)
	req.Header.Set("Transport", th.Marshal())
	resp, err := c.do(ctx, req)
	if alt := queryCarried(t.Control, c.url); err != nil && alt != t.Control && refusedWithoutQuery(err) {
		req = c.newRequest("SETUP", alt)
		req.Header.Set("Transport", th.Marshal())
		if resp, err = c.do(ctx, req); err == nil {
			t.Control = alt
			st.Track = t
			c.mu.Lock()
			c.queryCarried = true
			carryQuery(c.desc, c.url)
			c.mu.Unlock()
		}
	}
	if err != nil {
		return fmt.Errorf("SETUP %s: %w", t, err)
	}
	var sess headers.Session
	if err := sess.Unmarshal(resp.Header.Get("Session")); err != nil && c.session.ID == "" {
		return fmt.Errorf("SETUP %s: %w: no usable Session header", t, ErrProtocol)
	}
	var got headers.Transport
	if err := got.Unmarshal(resp.Header.Get("Transport")); err != nil {
		return fmt.Errorf("SETUP %s: %w: bad Transport answer: %v", t, ErrProtocol, err)
	}
	if c.transport.interleaved() {
		if got.Protocol != headers.ProtocolTCP {
			return fmt.Errorf("SETUP %s: %w: asked for TCP, server chose UDP", t, ErrTransportUnsupported)
		}
		// Servers may renumber channels: use theirs (docs/QUIRKS.md #11).
		if got.Interleaved != nil {
			st.rtpChan, st.rtcpChan = got.Interleaved[0], got.Interleaved[1]
		}
		if st.rtpChan < 0 || st.rtpChan > 255 || st.rtcpChan < 0 || st.rtcpChan > 255 {
			return fmt.Errorf("SETUP %s: %w: bad interleaved channels", t, ErrProtocol)
		}
	} else {
		if got.Protocol != headers.ProtocolUDP {
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
		return fmt.Errorf("SETUP %s: %w", t, err)
	}
	if sess.ID != "" {
		c.session = sess
	}
	c.state = StateSetUp
	c.tracks = append(c.tracks, st)
	kept = true
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
		// Open NAT holes towards the server's ports right away (docs/QUIRKS.md #15)
		// and start reading before PLAY so no early packet is lost.
		if err := st.udp.punch(); err != nil {
			c.log.Debug("rtsp: UDP hole punch failed", "track", t.Index, "err", err)
		}
		go c.udpRTPLoop(st)
		go c.udpRTCPLoop(st)
	}
	return nil
}

// Play starts the media of every set-up track from the start
// ("Range: npt=0.000-", which live servers read as "now") and the
// keepalive and RTCP goroutine. A seek, a resume after Pause and a PLAY
// with Scale go through PlayRange.
func (c *Client) Play(ctx context.Context) error {
	// A second PLAY while playing is a caller's mistake here; PlayRange
	// is the way to move a playing session.
	if err := c.checkState("PLAY", StateSetUp); err != nil {
		return err
	}
	_, err := c.PlayRange(ctx, PlayOptions{})
	return err
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

// SessionTimeout returns the server's session timeout (60 s if not given).
func (c *Client) SessionTimeout() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session.Timeout > 0 {
		return c.session.Timeout
	}
	return defaultSessionTTL
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

// refusedWithoutQuery says whether a SETUP answer is what a camera whose
// access token is missing from the URL sends: 400, 403 or 404.
func refusedWithoutQuery(err error) bool {
	var se *StatusError
	if !errors.As(err, &se) {
		return false
	}
	return se.Code == 400 || se.Code == 403 || se.Code == 404
}
