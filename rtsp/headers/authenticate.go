package headers

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNoChallenge is returned by ParseAuthenticates when no WWW-Authenticate
// value holds a Basic or Digest challenge we can parse.
var ErrNoChallenge = errors.New("no Basic or Digest challenge")

// Authenticate is one Basic (RFC 7617) or Digest (RFC 7616, RFC 2617)
// challenge of a WWW-Authenticate header.
type Authenticate struct {
	// Scheme is "Basic" or "Digest", in that case whatever the server sent.
	Scheme string
	// Realm is the protection space; it goes into the digest hash.
	Realm string
	// Nonce is the server nonce (Digest only; required there).
	Nonce string
	// Opaque must be echoed unchanged (Digest only).
	Opaque string
	// Algorithm is the digest algorithm as sent ("MD5", "SHA-256",
	// "MD5-sess", ...); empty means MD5.
	Algorithm string
	// QOP lists the offered qop values ("auth", "auth-int"); empty means an
	// RFC 2069 style challenge without qop.
	QOP []string
	// Stale is true when the server rejected an old nonce rather than the
	// credentials: retry once with the new nonce.
	Stale bool
	// Userhash asks for the hashed user name of RFC 7616 section 3.4.4.
	Userhash bool
}

// Scheme names in canonical case.
const (
	SchemeBasic  = "Basic"
	SchemeDigest = "Digest"
)

// Unmarshal parses the first challenge of a WWW-Authenticate value. It takes
// quoted strings with \-escapes, unquoted values (RFC 7616 leaves algorithm
// unquoted, cameras send stale=FALSE, and an unquoted base64 nonce is kept
// whole up to the next ','), parameter names in any case, spaces or none
// around ',' and '=', and ignores unknown parameters. A scheme other than
// Basic or Digest, or a Digest challenge without nonce, is an error. An error
// wraps ErrSyntax.
func (a *Authenticate) Unmarshal(v string) error {
	challenges, err := splitChallenges(v)
	if err != nil {
		return err
	}
	if len(challenges) == 0 {
		return syntaxError("WWW-Authenticate", "empty value")
	}
	return a.fromRaw(challenges[0])
}

// ParseAuthenticates parses every challenge of the given WWW-Authenticate
// header values (a response may carry several lines, and RFC 7235 section
// 4.1 lets one line carry several challenges). Challenges with an unknown
// scheme (NTLM, Bearer, ...) or a malformed one are skipped; the error,
// wrapping ErrNoChallenge, comes only when nothing usable is left.
func ParseAuthenticates(values []string) ([]Authenticate, error) {
	var out []Authenticate
	var firstErr error
	for _, v := range values {
		challenges, err := splitChallenges(v)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			// The line may still start with a good challenge.
		}
		for _, c := range challenges {
			var a Authenticate
			if err := a.fromRaw(c); err != nil {
				if firstErr == nil {
					firstErr = err
				}
				continue
			}
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		if firstErr != nil {
			return nil, fmt.Errorf("%w (first problem: %w)", ErrNoChallenge, firstErr)
		}
		return nil, ErrNoChallenge
	}
	return out, nil
}

// rawChallenge is a challenge as split from a header line.
type rawChallenge struct {
	scheme string
	params []authParam
}

type authParam struct {
	key   string // lower case
	value string
}

func (a *Authenticate) fromRaw(c rawChallenge) error {
	var parsed Authenticate
	switch {
	case strings.EqualFold(c.scheme, SchemeBasic):
		parsed.Scheme = SchemeBasic
	case strings.EqualFold(c.scheme, SchemeDigest):
		parsed.Scheme = SchemeDigest
	default:
		return syntaxError("WWW-Authenticate", "unsupported scheme %s", snippet(c.scheme))
	}
	seen := map[string]bool{}
	for _, p := range c.params {
		// RFC 7235 section 2.2: each parameter at most once; keep the first.
		if seen[p.key] {
			continue
		}
		seen[p.key] = true
		if p.key == "realm" {
			parsed.Realm = p.value
			continue
		}
		if parsed.Scheme == SchemeBasic {
			continue // only realm (and charset, unused) apply to Basic
		}
		switch p.key {
		case "nonce":
			parsed.Nonce = p.value
		case "opaque":
			parsed.Opaque = p.value
		case "algorithm":
			parsed.Algorithm = trimOWS(p.value)
		case "qop":
			for _, q := range strings.Split(p.value, ",") {
				if q = trimOWS(q); q != "" {
					parsed.QOP = append(parsed.QOP, q)
				}
			}
		case "stale":
			parsed.Stale = strings.EqualFold(trimOWS(p.value), "true")
		case "userhash":
			parsed.Userhash = strings.EqualFold(trimOWS(p.value), "true")
		}
	}
	if parsed.Scheme == SchemeDigest && !seen["nonce"] {
		return syntaxError("WWW-Authenticate", "digest challenge without nonce")
	}
	*a = parsed
	return nil
}

// splitChallenges tokenizes a WWW-Authenticate line into challenges (RFC 7235
// section 4.1: challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]).
// A token not followed by '=' starts a new challenge; otherwise it names a
// parameter of the current one. Unquoted values run to the next ',' so
// base64 nonces with '/' and '=' survive. On a syntax error the challenges
// completed before it are returned with the error.
func splitChallenges(v string) ([]rawChallenge, error) {
	var out []rawChallenge
	var cur *rawChallenge
	flush := func() {
		if cur != nil {
			out = append(out, *cur)
			cur = nil
		}
	}
	i := 0
	for {
		i = skipListSeparators(v, i)
		if i >= len(v) {
			break
		}
		start := i
		for i < len(v) && isTokenChar(v[i]) {
			i++
		}
		if i == start {
			flush()
			return out, syntaxError("WWW-Authenticate", "unexpected %s", snippet(v[i:]))
		}
		token := v[start:i]
		j := skipOWS(v, i)
		if j < len(v) && v[j] == '=' && cur != nil {
			value, next, err := readAuthValue(v, skipOWS(v, j+1))
			if err != nil {
				cur = nil // drop the broken challenge
				return out, err
			}
			cur.params = append(cur.params, authParam{key: strings.ToLower(token), value: value})
			i = next
			continue
		}
		flush()
		cur = &rawChallenge{scheme: token}
		i = j
		// A token68 (RFC 7235 section 2.1) after the scheme, as in
		// "Negotiate abc==": no '=' follows its first token char run with
		// a value, so skip it up to the next ','. Basic and Digest never
		// carry one in a challenge.
		k := i
		for k < len(v) && isToken68Char(v[k]) {
			k++
		}
		if k > i && !isParamStart(v, i) {
			i = k
		}
	}
	flush()
	return out, nil
}

// isParamStart reports whether v[i:] begins with "token OWS =" followed by
// something other than '=', ',' or the end (which would make it a token68
// ending in '=' padding).
func isParamStart(v string, i int) bool {
	k := i
	for k < len(v) && isTokenChar(v[k]) {
		k++
	}
	if k == i {
		return false
	}
	k = skipOWS(v, k)
	if k >= len(v) || v[k] != '=' {
		return false
	}
	k = skipOWS(v, k+1)
	return k < len(v) && v[k] != '=' && v[k] != ','
}

// readAuthValue reads a quoted-string (with quoted-pair escapes) or an
// unquoted value running to the next ','. Control characters other than HTAB
// are refused: they could not be echoed back into a request header.
func readAuthValue(v string, i int) (string, int, error) {
	if i < len(v) && v[i] == '"' {
		var b strings.Builder
		for i++; i < len(v); i++ {
			c := v[i]
			switch {
			case c == '"':
				return b.String(), i + 1, nil
			case c == '\\' && i+1 < len(v):
				i++
				c = v[i]
			}
			if (c < 0x20 && c != '\t') || c == 0x7f {
				return "", 0, syntaxError("WWW-Authenticate", "control character in quoted value")
			}
			b.WriteByte(c)
		}
		return "", 0, syntaxError("WWW-Authenticate", "unterminated quoted value")
	}
	end := strings.IndexByte(v[i:], ',')
	if end < 0 {
		end = len(v) - i
	}
	value := trimOWS(v[i : i+end])
	if hasCTL(value) || strings.ContainsRune(value, '"') {
		return "", 0, syntaxError("WWW-Authenticate", "bad unquoted value %s", snippet(value))
	}
	return value, i + end, nil
}

func skipOWS(v string, i int) int {
	for i < len(v) && (v[i] == ' ' || v[i] == '\t') {
		i++
	}
	return i
}

func skipListSeparators(v string, i int) int {
	for i < len(v) && (v[i] == ' ' || v[i] == '\t' || v[i] == ',') {
		i++
	}
	return i
}

// isTokenChar reports RFC 7230 section 3.2.6 tchar.
func isTokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// isToken68Char reports RFC 7235 section 2.1 token68 characters.
func isToken68Char(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("-._~+/=", c) >= 0
}

// Marshal formats a as a WWW-Authenticate value, e.g. `Basic realm="cam"` or
// `Digest realm="cam", nonce="abc", algorithm=MD5, qop="auth"`.
func (a Authenticate) Marshal() string {
	var b strings.Builder
	if strings.EqualFold(a.Scheme, SchemeDigest) {
		b.WriteString(SchemeDigest)
	} else {
		b.WriteString(SchemeBasic)
	}
	b.WriteString(" realm=")
	b.WriteString(QuoteString(a.Realm))
	if !strings.EqualFold(a.Scheme, SchemeDigest) {
		return b.String()
	}
	b.WriteString(", nonce=")
	b.WriteString(QuoteString(a.Nonce))
	if a.Opaque != "" {
		b.WriteString(", opaque=")
		b.WriteString(QuoteString(a.Opaque))
	}
	if a.Algorithm != "" {
		b.WriteString(", algorithm=")
		if isToken(a.Algorithm) {
			b.WriteString(a.Algorithm)
		} else {
			b.WriteString(QuoteString(a.Algorithm))
		}
	}
	if len(a.QOP) > 0 {
		b.WriteString(", qop=")
		b.WriteString(QuoteString(strings.Join(a.QOP, ",")))
	}
	if a.Stale {
		b.WriteString(", stale=true")
	}
	if a.Userhash {
		b.WriteString(", userhash=true")
	}
	return b.String()
}

// QuoteString writes s as an RFC 7230 section 3.2.6 quoted-string, escaping
// '"' and '\'. Unlike Go's %q it leaves other bytes alone, which is what a
// server's parser expects.
func QuoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTokenChar(s[i]) {
			return false
		}
	}
	return true
}
