// Package auth computes the Authorization header an RTSP client sends after
// a 401: Basic (RFC 7617) and Digest (RFC 7616, RFC 2617, RFC 2069) with MD5,
// SHA-256 or SHA-512-256.
package auth

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/icholy/digest"

	"github.com/rtspview/rtspview/rtsp/headers"
)

// ErrNoUser is returned by NewSender for an empty user name: an empty user
// cannot be told apart from "no credentials" by servers (gortsplib refuses it).
var ErrNoUser = errors.New("auth: user name is empty")

// ErrBadCredentials is returned by NewSender when the user name or password
// holds a control character, which would break the request header.
var ErrBadCredentials = errors.New("auth: control character in user name or password")

// ErrNoUsableChallenge is returned by NewSender when no offered challenge is
// one we can answer (e.g. only NTLM, MD5-sess or qop=auth-int).
var ErrNoUsableChallenge = errors.New("auth: no usable challenge")

// Scheme and algorithm names reported by Sender.
const (
	SchemeBasic  = headers.SchemeBasic
	SchemeDigest = headers.SchemeDigest

	AlgorithmMD5       = "MD5"
	AlgorithmSHA256    = "SHA-256"
	AlgorithmSHA512256 = "SHA-512-256"
)

// Sender computes Authorization headers for requests after a 401. It answers
// one challenge; build a new Sender from the next 401 (a stale nonce, a new
// connection, a redirect). It is safe for concurrent use.
type Sender struct {
	user, pass string
	scheme     string
	algorithm  string // canonical, Digest only
	stale      bool
	chal       digest.Challenge // Digest only

	// cnonce, when set, replaces the random client nonce (tests only).
	cnonce string

	mu sync.Mutex
	nc int // requests answered with qop=auth so far
}

// strength orders the challenges we can answer; 0 means we cannot.
func strength(a headers.Authenticate) (rank int, algorithm string) {
	if a.Scheme == headers.SchemeBasic {
		return 1, ""
	}
	// RFC 7616 section 3.3: without qop the RFC 2069 response is used; with
	// qop we need "auth", since "auth-int" hashes a body this API never sees.
	if len(a.QOP) > 0 && !offersAuth(a.QOP) {
		return 0, ""
	}
	// An absent algorithm means MD5 (RFC 7616 section 3.3). The -sess
	// variants and anything unknown are skipped for another challenge.
	switch strings.ToUpper(a.Algorithm) {
	case "", AlgorithmMD5:
		return 2, AlgorithmMD5
	case AlgorithmSHA256:
		return 3, AlgorithmSHA256
	case AlgorithmSHA512256:
		return 4, AlgorithmSHA512256
	}
	return 0, ""
}

func offersAuth(qop []string) bool {
	for _, q := range qop {
		if strings.EqualFold(q, "auth") {
			return true
		}
	}
	return false
}

// NewSender picks the strongest challenge among the WWW-Authenticate values
// (Digest SHA-512-256 > SHA-256 > MD5 > Basic; the first wins a tie) and
// returns a Sender for it. It fails when user is empty, when a credential
// holds a control character, or when no challenge is usable; the error never
// contains the credentials.
func NewSender(wwwAuthenticate []string, user, pass string) (*Sender, error) {
	if user == "" {
		return nil, ErrNoUser
	}
	if hasCTL(user) || hasCTL(pass) {
		return nil, ErrBadCredentials
	}
	challenges, err := headers.ParseAuthenticates(wwwAuthenticate)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoUsableChallenge, err)
	}
	best, bestRank, bestAlg := -1, 0, ""
	for i, c := range challenges {
		rank, alg := strength(c)
		// RFC 7617 section 2: a user-id with a colon cannot be sent in Basic.
		if c.Scheme == headers.SchemeBasic && strings.Contains(user, ":") {
			rank = 0
		}
		if rank > bestRank {
			best, bestRank, bestAlg = i, rank, alg
		}
	}
	if best < 0 {
		return nil, fmt.Errorf("%w among %s", ErrNoUsableChallenge, describe(challenges))
	}
	c := challenges[best]
	s := &Sender{user: user, pass: pass, scheme: c.Scheme, algorithm: bestAlg, stale: c.Stale}
	if c.Scheme == headers.SchemeDigest {
		s.chal = digest.Challenge{
			Realm:     c.Realm,
			Nonce:     c.Nonce,
			Opaque:    c.Opaque,
			Algorithm: c.Algorithm, // echoed as the server spelt it
			Userhash:  c.Userhash,
		}
		if len(c.QOP) > 0 {
			s.chal.QOP = []string{"auth"}
		}
	}
	return s, nil
}

// describe lists the offered challenges for an error message (no secrets:
// only what the server sent).
func describe(challenges []headers.Authenticate) string {
	parts := make([]string, len(challenges))
	for i, c := range challenges {
		parts[i] = c.Scheme
		if c.Algorithm != "" {
			parts[i] += " algorithm=" + strconv.Quote(c.Algorithm)
		}
		if len(c.QOP) > 0 {
			parts[i] += " qop=" + strconv.Quote(strings.Join(c.QOP, ","))
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// Scheme returns "Basic" or "Digest".
func (s *Sender) Scheme() string { return s.scheme }

// Algorithm returns the digest algorithm in canonical case ("MD5",
// "SHA-256", "SHA-512-256"), or "" for Basic.
func (s *Sender) Algorithm() string { return s.algorithm }

// Stale reports whether the chosen challenge had stale=true: the server
// refused an old nonce, not the password, so the caller retries once with
// the new challenge (docs/QUIRKS.md #12).
func (s *Sender) Stale() bool { return s.stale }

// Authorization returns the Authorization header value for a request with
// method and uri, where uri is the request URL exactly as written on the
// request line, without credentials (the server hashes what it received).
// With qop=auth each call uses the next nonce count (RFC 7616 section 3.4).
// method and uri must not hold control characters; they are written as is.
func (s *Sender) Authorization(method, uri string) string {
	if s.scheme == headers.SchemeBasic {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(s.user+":"+s.pass))
	}
	opts := digest.Options{Method: method, URI: uri, Username: s.user, Password: s.pass, Cnonce: s.cnonce}
	if len(s.chal.QOP) > 0 {
		s.mu.Lock()
		s.nc++
		opts.Count = s.nc
		s.mu.Unlock()
	}
	cred, err := digest.Digest(&s.chal, opts)
	if err != nil {
		// Unreachable: NewSender only keeps algorithms and qop values the
		// library implements, and qop=auth never reads a body.
		return ""
	}
	return formatCredentials(cred)
}

// formatCredentials writes the Digest Authorization value. It replaces
// digest.Credentials.String, which quotes with Go's %q: that escapes non-ASCII
// user names and odd realm bytes as \u and \x sequences, which servers read
// literally, while RFC 7230 quoted-string only escapes '"' and '\'. The field
// order is the library's (response last, which some servers expect).
func formatCredentials(c *digest.Credentials) string {
	var b strings.Builder
	b.WriteString("Digest username=")
	b.WriteString(headers.QuoteString(c.Username))
	b.WriteString(", realm=")
	b.WriteString(headers.QuoteString(c.Realm))
	b.WriteString(", nonce=")
	b.WriteString(headers.QuoteString(c.Nonce))
	b.WriteString(", uri=")
	b.WriteString(headers.QuoteString(c.URI))
	if c.Algorithm != "" {
		b.WriteString(", algorithm=")
		b.WriteString(c.Algorithm)
	}
	if c.QOP != "" {
		b.WriteString(", cnonce=")
		b.WriteString(headers.QuoteString(c.Cnonce))
	}
	if c.Opaque != "" {
		b.WriteString(", opaque=")
		b.WriteString(headers.QuoteString(c.Opaque))
	}
	if c.QOP != "" {
		b.WriteString(", qop=")
		b.WriteString(c.QOP)
		b.WriteString(", nc=")
		fmt.Fprintf(&b, "%08x", c.Nc)
	}
	if c.Userhash {
		b.WriteString(", userhash=true")
	}
	b.WriteString(", response=")
	b.WriteString(headers.QuoteString(c.Response))
	return b.String()
}

// hasCTL reports a control character (HTAB included: it has no place in a
// user name or password and would be mangled by header whitespace rules).
func hasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}
