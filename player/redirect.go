package player

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"

	"github.com/rtspview/rtspview/rtsp"
)

// credentials returns the username and password to send to target: the
// configured ones (Config.Username/Password, else those in Config.URL) when
// target is on the host they were given for, at any port and over rtsp or
// rtsps, or on a host listed in Config.CredentialHosts; none for any other
// host, and then withheld reports whether there were some to hold back.
//
// A server that redirects to a host of its choosing would otherwise collect
// the camera's password: in clear with Basic, or a Digest answer it can
// attack offline. curl (without --location-trusted) and browsers drop
// credentials across hosts for the same reason.
func (s *Stream) credentials(target string) (user, pass string, withheld bool) {
	if orig, err := rtsp.ParseURL(s.cfg.URL); err == nil && orig.User != nil {
		user = orig.User.Username()
		pass, _ = orig.User.Password()
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
	if s.credentialsGoTo(target) {
		return user, pass, false
	}
	return "", "", true
}

// credentialsGoTo reports whether credentials may be sent to target's host.
func (s *Stream) credentialsGoTo(target string) bool {
	t, err := rtsp.ParseURL(target)
	if err != nil {
		return false
	}
	orig, err := rtsp.ParseURL(s.cfg.URL)
	if err != nil {
		return false
	}
	// Host names compare without case; ports do not matter (a camera's
	// RTSP and RTSPS ports differ), and follow has already refused a
	// downgrade from rtsps to rtsp.
	if strings.EqualFold(t.Hostname(), orig.Hostname()) {
		return true
	}
	return slices.ContainsFunc(s.cfg.CredentialHosts, func(h string) bool {
		return strings.EqualFold(strings.Trim(h, "[]"), t.Hostname())
	})
}

// withheld turns the other host's request for a password into a
// *CredentialsWithheldError when this stream held its credentials back from
// that host, so the person learns why, and the UI can ask.
func (s *Stream) withheld(err error) error {
	if !errors.Is(err, rtsp.ErrNoCredentials) {
		return err
	}
	s.mu.Lock()
	target := s.url
	s.mu.Unlock()
	if _, _, held := s.credentials(target); !held {
		return err
	}
	t, terr := rtsp.ParseURL(target)
	orig, oerr := rtsp.ParseURL(s.cfg.URL)
	if terr != nil || oerr != nil {
		return err
	}
	return &CredentialsWithheldError{From: rtsp.HostPort(orig), To: rtsp.HostPort(t), ToHost: t.Hostname(), Err: err}
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
	user, _, held := s.credentials(next.String())
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
