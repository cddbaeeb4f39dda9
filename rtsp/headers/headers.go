// Package headers parses and formats the RTSP 1.0 (RFC 2326) header values an
// RTSP client reads or writes: Transport, Session, Public, RTP-Info, Range and
// WWW-Authenticate.
//
// Each grammar is lenient where real cameras stray from the RFC in harmless
// ways (extra spaces, parameter names in any case, unknown parameters, an odd
// ssrc) and strict where a bad value would make the client misbehave (a port
// outside 0..65535, an interleaved channel outside 0..255).
package headers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrSyntax is wrapped by every Unmarshal error, so a caller can tell a
// malformed header from other failures with errors.Is.
var ErrSyntax = errors.New("malformed header")

// syntaxError wraps ErrSyntax with the header name and a reason.
func syntaxError(header, format string, args ...any) error {
	return fmt.Errorf("%s: %w: %s", header, ErrSyntax, fmt.Sprintf(format, args...))
}

// maxSnippet bounds how much of a hostile header ends up in an error string.
const maxSnippet = 64

// snippet quotes s for an error message, cut to maxSnippet bytes.
func snippet(s string) string {
	if len(s) > maxSnippet {
		s = s[:maxSnippet] + "..."
	}
	return strconv.Quote(s)
}

// trimOWS removes the optional whitespace (space and tab, RFC 7230 section
// 3.2.3) around s.
func trimOWS(s string) string {
	return strings.Trim(s, " \t")
}

// unquote strips one pair of surrounding double quotes, as in mode="PLAY";
// RFC 2326 grammars without quoted-pair escapes only.
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

// splitOutsideQuotes splits s at every sep that is not inside a double-quoted
// run, so mode="PLAY,RECORD" stays in one piece.
func splitOutsideQuotes(s string, sep byte) []string {
	var parts []string
	inQuote := false
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			inQuote = !inQuote
		case sep:
			if !inQuote {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

// parseDecimal parses a plain run of ASCII digits (no sign, no spaces, unlike
// strconv.Atoi which takes "+5") that is at most max.
func parseDecimal(s string, max uint64) (uint64, bool) {
	if s == "" {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if d > max || n > (max-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// hasCTL reports whether s holds a control character other than HTAB; such a
// value cannot be echoed into a header line without breaking it.
func hasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return true
		}
	}
	return false
}
