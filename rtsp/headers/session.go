package headers

import (
	"strconv"
	"strings"
	"time"
)

// maxTimeoutSeconds keeps Session.Timeout inside time.Duration.
const maxTimeoutSeconds = uint64(1<<63-1) / uint64(time.Second)

// Session is a Session header (RFC 2326 section 12.37): the session
// identifier and, in responses, the keepalive timeout.
type Session struct {
	// ID is the session identifier, echoed verbatim in later requests.
	ID string
	// Timeout is the "timeout=" value; 0 means not given (RFC 2326 then
	// implies 60 seconds).
	Timeout time.Duration
}

// Unmarshal parses a Session header value such as "12345678;timeout=60".
// Spaces around the ID, the separators and "=" are tolerated ("7E6B36A1;
// timeout = 60"); an unparsable timeout is ignored rather than fatal, since
// the session still works with the default keepalive period. An error wraps
// ErrSyntax.
func (s *Session) Unmarshal(v string) error {
	params := strings.Split(v, ";")
	id := trimOWS(params[0])
	if id == "" {
		return syntaxError("Session", "empty session id")
	}
	if hasCTL(id) {
		return syntaxError("Session", "control character in session id")
	}
	parsed := Session{ID: id}
	for _, p := range params[1:] {
		key, val, _ := strings.Cut(p, "=")
		if !strings.EqualFold(trimOWS(key), "timeout") {
			continue
		}
		if n, ok := parseDecimal(unquote(trimOWS(val)), maxTimeoutSeconds); ok {
			parsed.Timeout = time.Duration(n) * time.Second
		}
	}
	*s = parsed
	return nil
}

// Marshal formats s as "ID" or "ID;timeout=N" (whole seconds; a Timeout under
// one second is left out).
func (s Session) Marshal() string {
	secs := int64(s.Timeout / time.Second)
	if secs <= 0 {
		return s.ID
	}
	return s.ID + ";timeout=" + strconv.FormatInt(secs, 10)
}
