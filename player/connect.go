package player

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rtspview/rtspview/decode"
	"github.com/rtspview/rtspview/rtsp"
)

// maxRedirects bounds how many 3xx/REDIRECT hops one attempt follows.
const maxRedirects = 5

// connect opens a session by way w, following redirects (docs/QUIRKS.md #12: keep
// the credentials for the same host only, never downgrade rtsps to rtsp).
func (s *Stream) connect(w way, start time.Time, mediaWait time.Duration) (*rtsp.Client, error) {
	for hop := 0; ; hop++ {
		cl, err := s.connectOnce(w, start, mediaWait)
		var re *rtsp.RedirectError
		if !errors.As(err, &re) {
			return cl, s.withheld(err, w)
		}
		if hop == maxRedirects {
			return nil, fmt.Errorf("%w: more than %d redirects", rtsp.ErrProtocol, maxRedirects)
		}
		if err := s.follow(re.Location); err != nil {
			return nil, err
		}
	}
}

func (s *Stream) connectOnce(w way, start time.Time, mediaWait time.Duration) (*rtsp.Client, error) {
	ctx := s.ctx
	if w.lane != nil {
		ctx = w.lane.ctx // the race cancels a loser
	}
	rc := rtsp.Config{
		Transport: w.transport.rtsp(),
		Timeout:   s.cfg.Timeout,
		TLSConfig: s.cfg.TLSConfig,
		TLSFor:    s.cfg.TLSFor,
		Tunnel:    rtsp.TunnelConfig{Port: w.tunnelPort},

		AllowBasic: s.cfg.AllowBasic,
	}
	if s.cfg.Proxy != "" {
		p, err := parseProxy(s.cfg.Proxy)
		if err != nil {
			return nil, err
		}
		rc.Tunnel.Proxy = p
	}
	if rc.TLSConfig == nil && s.cfg.Insecure {
		rc.TLSConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the user asked for --insecure
	}
	a := &attempt{lane: w.lane}
	// Through the variable: a 461 fallback below replaces the attempt
	// before any packet can arrive.
	rc.OnPacket = func(track int, b []byte) { a.onPacket(track, b) }
	if s.cfg.Transport == TransportAuto && w.transport != TransportUDP && w.transport != TransportTCP {
		// Each tunnel guess gets a short dial bound so the chain ends soon.
		rc.Timeout = min(rc.Timeout, autoDialTimeout)
	}
	s.mu.Lock()
	target := s.url
	s.mu.Unlock()
	// Only to the host they were given for (or one the person allowed).
	// The address is dialed without its user part, so that credentials
	// held back here cannot ride along in it.
	var held bool
	rc.Username, rc.Password, held = s.credentials(target, w)
	target = withoutUser(target)
	target = queryPassword(target, rc.Password, held)
	dctx := ctx
	if s.cfg.Transport == TransportAuto {
		// Auto is guessing: a port behind a firewall that drops SYNs must
		// cost one short bound, not the full request Timeout, or the chain
		// (RTSP port, 80, 8080, 443) outlasts probe's 20 s. Only the dial
		// is bounded; a slow camera keeps Timeout for each request.
		var cancel context.CancelFunc
		dctx, cancel = context.WithTimeout(ctx, min(s.cfg.Timeout, autoDialTimeout))
		defer cancel()
	}
	cl, err := rtsp.Dial(dctx, target, rc)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			s.unpublish(cl)
			s.teardown(cl)
			a.stop()
		}
	}()
	if err := cl.Options(ctx); err != nil {
		return nil, err
	}
	desc, err := cl.Describe(ctx)
	if err != nil {
		return nil, err
	}
	track, codec, err := pickVideo(desc)
	if err != nil {
		return nil, err
	}
	dp, err := newDepacketizer(track, codec)
	if err != nil {
		return nil, err
	}
	// Only UDP reorders; interleaved TCP arrives in order. Set up before
	// SETUP: the client delivers no packet of a track before it is set up.
	a.init(s, track.PayloadType, codec, dp, w.transport == TransportUDP)
	if err := cl.Setup(ctx, track); err != nil {
		if s.cfg.Transport != TransportAuto || w.transport != TransportUDP ||
			!errors.Is(err, rtsp.ErrTransportUnsupported) || cl.UseTCP() != nil {
			return nil, err
		}
		// 461: the server does not do UDP. Ask for TCP on this same
		// connection, as FFmpeg does; see rtsp.Client.UseTCP for why not
		// a new one.
		s.note(w, "server refused UDP")
		if w.lane != nil {
			w.lane.tcp.Store(true)
		}
		w.transport = TransportTCP
		mediaWait = max(mediaWait, s.cfg.MediaTimeout) // UDP's shorter wait no longer applies
		a.stop()
		a = &attempt{lane: w.lane}
		a.init(s, track.PayloadType, codec, dp, false)
		if err := cl.Setup(ctx, track); err != nil {
			return nil, err
		}
	}
	// The sound on the same session, after the picture: a refusal leaves
	// the video playing (audioloop.go).
	s.setupAudio(ctx, cl, desc, a)
	if w.lane != nil {
		// A lane is published by the race when it wins (race.claim).
		w.lane.ready(cl, track.Index, a)
	} else {
		// Published before PLAY, not after the first packet: the decoder may
		// show a picture before this goroutine sees that packet, and Stats
		// must never count a frame without the packets it came from.
		s.mu.Lock()
		s.client, s.att = cl, a
		s.mu.Unlock()
	}
	s.pb.describe(desc, track.ClockRate)
	opts, err := s.firstPlay(desc)
	if err != nil {
		return nil, err
	}
	// Not a flush: in Auto's race two lanes PLAY at once, and a new
	// generation from one would drop the other's pictures.
	if _, err := s.playFrom(ctx, cl, a, track.Index, opts, false, false); err != nil {
		return nil, err
	}
	connectTime := time.Since(start)
	if w.lane != nil {
		if err := w.lane.await(ctx, cl, track.Index, mediaWait); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	s.stats.ConnectTime = connectTime
	s.stats.Transport = w.transport.String()
	s.stats.Via = w.label()
	s.stats.TLS = cl.TLS()
	s.stats.Codec = codec.String()
	s.mu.Unlock()
	// Wait for the first RTP packet: without it this way does not work.
	deadline := time.NewTimer(mediaWait)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for cl.Stats(track.Index).PacketsReceived == 0 {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-cl.Done():
			return nil, cl.Err()
		case <-deadline.C:
			return nil, errNoMedia
		case <-tick.C:
		}
	}
	ok = true
	return cl, nil
}

// unpublish takes a failed attempt's client out of Stats, keeping the
// packets it received in the totals (frames decoded from them stay
// counted too).
func (s *Stream) unpublish(cl *rtsp.Client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client != cl {
		return
	}
	s.att.addCounts(&s.stats, cl.Stats(cl.VideoTrackIndex()))
	s.client, s.att = nil, nil
}

// play watches a playing session until it ends: the server closes it, media
// stops for MediaTimeout, or the stream is closed.
func (s *Stream) play(cl *rtsp.Client) error {
	defer func() {
		s.mu.Lock()
		att := s.att
		att.addCounts(&s.stats, cl.Stats(cl.VideoTrackIndex()))
		s.client, s.att = nil, nil
		s.mu.Unlock()
		s.teardown(cl)
		att.stop()
	}()
	s.setStatus(s.playingNow())
	idx := cl.VideoTrackIndex()
	last := cl.Stats(idx).PacketsReceived
	lastAt := time.Now()
	playStart := lastAt
	byes := cl.Goodbyes()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return s.ctx.Err()
		case <-cl.Done():
			return cl.Err()
		case err := <-s.decErr:
			return err
		case c := <-s.pb.cmds:
			c.reply <- s.control(cl, c)
			// A seek or resume starts media afresh: its wait for the
			// first packet starts now, and an earlier BYE is history.
			lastAt, byes = time.Now(), cl.Goodbyes()
		case now := <-tick.C:
			n := cl.Stats(idx).PacketsReceived
			switch {
			case n != last:
				last, lastAt = n, now
			case s.pb.quiet():
				lastAt = now // paused on the server, or ended: silence is expected
			case cl.Goodbyes() != byes || (now.Sub(lastAt) > time.Second && s.pb.nearEnd(2*time.Second)):
				// RTCP BYE, or silence at the end of the range: the
				// recording is over, which is no failure (RFC 3550 6.6).
				if s.pb.end() {
					s.setStatus(Status{State: StateEnded, Text: "Ended"})
				}
				lastAt = now
			case now.Sub(lastAt) > s.cfg.MediaTimeout:
				return errNoMedia
			}
			if s.hidden.Load() {
				// A hidden stream decodes nothing, so no picture is no
				// fault; the wait for one starts when it is shown.
				playStart = now
				if now.UnixNano()-s.hiddenAt.Load() > int64(parkAfter) && !s.recording() && !s.heard() {
					return errParked
				}
			}
			if s.firstFrameDur.Load() == 0 && now.Sub(playStart) > noPictureTimeout {
				return ErrNoPicture
			}
		}
	}
}

func (s *Stream) teardown(cl *rtsp.Client) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	select {
	case <-cl.Done():
	default:
		_ = cl.Teardown(ctx)
	}
	cl.Close()
}

func pickVideo(d *rtsp.Description) (rtsp.Track, decode.Codec, error) {
	for _, t := range d.Tracks {
		if t.Media != "video" {
			continue
		}
		switch t.Codec {
		case rtsp.CodecH264:
			return t, decode.CodecH264, nil
		case rtsp.CodecH265:
			return t, decode.CodecH265, nil
		case rtsp.CodecMJPEG:
			return t, decode.CodecMJPEG, nil
		}
	}
	var found []string
	for _, t := range d.Tracks {
		found = append(found, t.Media+"/"+t.Codec)
	}
	return rtsp.Track{}, 0, fmt.Errorf("%w (stream has %v)", ErrNoVideo, found)
}

// credentials returns the username and password to send to target by way
// w: the configured ones (Config.Username/Password, else those in
// Config.URL) when target may have them (credentialsGoTo); none
// otherwise, and then withheld reports whether there were some to hold
// back.
func (s *Stream) credentials(target string, w way) (user, pass string, withheld bool) {
	if orig, err := rtsp.ParseURL(s.cfg.URL); err == nil {
		if orig.User != nil {
			user = orig.User.Username()
			pass, _ = orig.User.Password()
		}
		if user == "" {
			user = rtsp.QueryUser(orig)
		}
		if pass == "" {
			pass = rtsp.QueryPassword(orig)
		}
	}
	if s.cfg.Username != "" {
		user = s.cfg.Username
	}
	if s.cfg.Password != "" {
		pass = s.cfg.Password
	}
	if user == "" && pass == "" {
		return "", "", false
	}
	if s.credentialsGoTo(target, w) == credOK {
		return user, pass, false
	}
	return "", "", true
}

// credVerdict is credentialsGoTo's answer, and why not.
type credVerdict int

const (
	credOK           credVerdict = iota
	credOtherHost                // another host: a redirect, a sub-stream elsewhere
	credGuessedPort              // the given host, on a tunnel port Auto guessed
	credWeakerScheme             // rtsp:// where they were given for rtsps://
	credBadAddress
)

// credentialsGoTo says whether credentials may go to target by way w. A
// credential goes only where it was given: the host of Config.CredentialURL
// (else Config.URL), at any port it names and over rtsp or rtsps (a
// camera's RTSP and RTSPS ports differ), never from rtsps down to rtsp,
// and never to a tunnel port Auto guessed (80, 8080, 443 answer for
// whatever web server is there, not necessarily the camera). Hosts and
// host:ports in Config.CredentialHosts are ones the person allowed.
//
// A server that redirects to a host of its choosing, or a wall file whose
// sub-stream names another host, would otherwise collect the camera's
// password: in clear with Basic, or a Digest answer it can attack offline.
// curl (without --location-trusted) and browsers hold the same rule.
func (s *Stream) credentialsGoTo(target string, w way) credVerdict {
	t, err := rtsp.ParseURL(target)
	if err != nil {
		return credBadAddress
	}
	given := s.cfg.CredentialURL
	if given == "" {
		given = s.cfg.URL
	}
	orig, err := rtsp.ParseURL(given)
	if err != nil {
		return credBadAddress
	}
	if orig.Scheme == "rtsps" && t.Scheme != "rtsps" {
		return credWeakerScheme
	}
	allowed := func(entry string) bool {
		return slices.ContainsFunc(s.cfg.CredentialHosts, func(h string) bool { return strings.EqualFold(h, entry) })
	}
	if !strings.EqualFold(t.Hostname(), orig.Hostname()) && !allowed(t.Hostname()) && !allowed("["+t.Hostname()+"]") {
		return credOtherHost
	}
	if p := s.guessedPort(t, w); p != "" && !allowed(p) {
		return credGuessedPort
	}
	return credOK
}

// guessedPort returns the host:port that way w reaches for target when it
// is a tunnel port Auto chose on its own (not the address's port, not
// one the person set), else "".
func (s *Stream) guessedPort(t *url.URL, w way) string {
	if s.cfg.Transport != TransportAuto || w.tunnelPort == 0 {
		return ""
	}
	if p := t.Port(); p != "" && p == strconv.Itoa(w.tunnelPort) {
		return ""
	}
	return net.JoinHostPort(t.Hostname(), strconv.Itoa(w.tunnelPort))
}

// queryPassword puts the password into the ?password= (?pwd=, …) that a
// camera taking it in the query has, when the wall left it empty
// (rtsp.WithoutQueryPassword) and the password may go to this place; it
// empties it when the credentials are held back, so a guessed tunnel port
// or another host does not get it in the request line either.
func queryPassword(rawURL, pass string, held bool) string {
	u, err := rtsp.ParseURL(rawURL)
	if err != nil {
		return rawURL
	}
	switch {
	case held:
		return rtsp.WithoutQueryPassword(u).String()
	case pass != "":
		return rtsp.FillQueryPassword(u, pass).String()
	}
	return rawURL
}

// withoutUser returns rawURL without its user part; rawURL itself when it
// does not parse (Dial then says why).
func withoutUser(rawURL string) string {
	u, err := rtsp.ParseURL(rawURL)
	if err != nil || u.User == nil {
		return rawURL
	}
	u.User = nil
	return u.String()
}

// withheld turns a request for a password into a *CredentialsWithheldError
// when this stream held its credentials back from the place that asked,
// so the person learns why, and the UI can ask.
func (s *Stream) withheld(err error, w way) error {
	if !errors.Is(err, rtsp.ErrNoCredentials) {
		return err
	}
	s.mu.Lock()
	target := s.url
	s.mu.Unlock()
	if _, _, held := s.credentials(target, w); !held {
		return err
	}
	t, terr := rtsp.ParseURL(target)
	given := s.cfg.CredentialURL
	if given == "" {
		given = s.cfg.URL
	}
	orig, oerr := rtsp.ParseURL(given)
	if terr != nil || oerr != nil {
		return err
	}
	cw := &CredentialsWithheldError{From: rtsp.HostPort(orig), To: rtsp.HostPort(t), ToHost: t.Hostname(), Err: err}
	if s.credentialsGoTo(target, w) == credGuessedPort {
		cw.To = s.guessedPort(t, w)
		cw.ToHost, cw.Guessed = cw.To, true
	}
	return cw
}

// follow makes location, from a 3xx answer or a REDIRECT, the stream's
// address. It never downgrades rtsps to rtsp. The address is kept without
// credentials: connectOnce picks them per host (see credentials).
func (s *Stream) follow(location string) error {
	next, err := rtsp.ParseURL(location)
	if err != nil {
		// The server wrote it: a bad one is the server's fault, not an
		// input the person can fix.
		return fmt.Errorf("%w: redirect to an unusable address", rtsp.ErrProtocol)
	}
	next.User = nil
	s.mu.Lock()
	cur, err := rtsp.ParseURL(s.url)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if cur.Scheme == "rtsps" && next.Scheme != "rtsps" {
		return fmt.Errorf("%w: refusing a redirect from rtsps to unencrypted %s", rtsp.ErrTLS, rtsp.Redact(next))
	}
	shown := *next
	user, _, held := s.credentials(next.String(), way{})
	if user != "" {
		shown.User = url.User(user) // the name, as the address bar shows it; never the password
	}
	slog.Debug("player: redirect", "from", rtsp.Redact(cur), "to", rtsp.Redact(next), "credentials_withheld", held)
	s.mu.Lock()
	s.url = next.String()
	s.stats.URL = rtsp.Redact(&shown)
	s.mu.Unlock()
	return nil
}
