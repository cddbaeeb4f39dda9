package rtsp

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Default ports of RFC 2326 §3.2 (rtsp) and IANA's rtsps registration.
const (
	DefaultPort    = "554"
	DefaultTLSPort = "322"
)

// ParseURL parses an rtsp:// or rtsps:// URL as people paste it from camera
// manuals. Its errors are *InputError (field "address"): the person typed
// it, so the person fixes it. It accepts IPv6 literals and query strings, and tolerates
// passwords containing '@', '#', '?' or '/' that were not percent-encoded,
// which url.Parse would misread as the host, fragment, query or path.
func ParseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return nil, inputErrorf("address", "%q does not start with rtsp:// or rtsps://", truncate(redactRaw(raw), 80))
	}
	scheme = strings.ToLower(scheme)
	if scheme != "rtsp" && scheme != "rtsps" {
		return nil, inputErrorf("address", "it starts with %q, not rtsp:// or rtsps://", truncate(scheme, 20)+"://")
	}
	var user *url.Userinfo
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		// The authority ends at the first '/' after the last '@'. A camera
		// path almost never holds '@'; a pasted password often does.
		info := rest[:at]
		rest = rest[at+1:]
		name, pass, hasPass := strings.Cut(info, ":")
		name = unescapeLoose(name)
		if hasPass {
			user = url.UserPassword(name, unescapeLoose(pass))
		} else {
			user = url.User(name)
		}
	}
	u, err := url.Parse(scheme + "://" + rest)
	if err != nil {
		return nil, inputErrorf("address", "it is malformed (%v)", stripURLError(err))
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, inputErrorf("address", "it names no camera host")
	}
	if p := u.Port(); p != "" {
		var n int
		if _, err := fmt.Sscanf(p, "%d", &n); err != nil || n <= 0 || n > 65535 {
			return nil, inputErrorf("address", "port %q is not a number from 1 to 65535", truncate(p, 20))
		}
	}
	u.User = user
	u.Fragment = ""
	return u, nil
}

// unescapeLoose percent-decodes s when it is valid escaping and otherwise
// keeps it literally (a password of "50%off" stays as typed).
func unescapeLoose(s string) string {
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}

// HostPort returns host:port for dialing u, with the scheme's default port.
func HostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = DefaultPort
		if u.Scheme == "rtsps" {
			port = DefaultTLSPort
		}
	}
	return net.JoinHostPort(u.Hostname(), port)
}

// Redact returns u as text with any password removed, for logs, errors,
// titles and probe output.
func Redact(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		c.User = url.User(c.User.Username())
	}
	c.RawQuery = redactQuery(c.RawQuery)
	return c.String()
}

// queryPasswordKeys are the query parameters cameras take a password in
// (Dahua's and Foscam's old firmware: ?user=admin&password=…, ?usr=&pwd=).
// The value stays on the wire, where the camera needs it; everywhere a URL
// is shown or written it is masked like a password in the user part.
var queryPasswordKeys = []string{"password", "pwd", "pass", "passwd"}

// redactQuery masks the values of queryPasswordKeys in a raw query,
// keeping every other byte (order, encoding, separators) as it was.
func redactQuery(q string) string {
	return mapQueryPasswords(q, func(string) string { return "xxxxx" })
}

// mapQueryPasswords replaces the value of each queryPasswordKeys parameter
// in the raw query q with f(its raw value), keeping every other byte.
func mapQueryPasswords(q string, f func(raw string) string) string {
	if q == "" {
		return q
	}
	parts := strings.Split(q, "&")
	changed := false
	for i, p := range parts {
		k, v, ok := strings.Cut(p, "=")
		if !ok || !isQueryPasswordKey(k) {
			continue
		}
		if nv := f(v); nv != v {
			parts[i] = k + "=" + nv
			changed = true
		}
	}
	if !changed {
		return q
	}
	return strings.Join(parts, "&")
}

func isQueryPasswordKey(rawKey string) bool {
	if k, err := url.QueryUnescape(rawKey); err == nil {
		rawKey = k
	}
	for _, pk := range queryPasswordKeys {
		if strings.EqualFold(rawKey, pk) {
			return true
		}
	}
	return false
}

// QueryPassword returns the password in u's query (?password=…, ?pwd=…),
// unescaped, or "" when there is none.
func QueryPassword(u *url.URL) string {
	var found string
	mapQueryPasswords(u.RawQuery, func(raw string) string {
		if found == "" {
			if v, err := url.QueryUnescape(raw); err == nil {
				found = v
			} else {
				found = raw
			}
		}
		return raw
	})
	return found
}

// QueryUser returns the user name in u's query (?user=…, ?usr=…,
// ?username=…), or "".
func QueryUser(u *url.URL) string {
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return ""
	}
	for _, k := range []string{"user", "usr", "username"} {
		for qk, v := range q {
			if strings.EqualFold(qk, k) && len(v) > 0 && v[0] != "" {
				return v[0]
			}
		}
	}
	return ""
}

// WithoutQueryPassword returns u with the values of its query passwords
// emptied (?user=admin&password=): the form a file keeps, the password
// itself going to the keyring. FillQueryPassword puts it back to dial.
func WithoutQueryPassword(u *url.URL) *url.URL {
	c := *u
	c.RawQuery = mapQueryPasswords(c.RawQuery, func(string) string { return "" })
	return &c
}

// FillQueryPassword returns u with pass in every query password whose
// value is empty, as WithoutQueryPassword left it.
func FillQueryPassword(u *url.URL, pass string) *url.URL {
	c := *u
	c.RawQuery = mapQueryPasswords(c.RawQuery, func(raw string) string {
		if raw != "" {
			return raw
		}
		return url.QueryEscape(pass)
	})
	return &c
}

// RedactString is Redact for a URL that may not parse.
func RedactString(raw string) string {
	if u, err := ParseURL(raw); err == nil {
		return Redact(u)
	}
	return redactRaw(raw)
}

func redactRaw(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	if base, q, ok := strings.Cut(rest, "?"); ok {
		rest = base + "?" + redactQuery(q)
	}
	if at := strings.LastIndex(rest, "@"); at >= 0 {
		info := rest[:at]
		if name, _, hasPass := strings.Cut(info, ":"); hasPass {
			return scheme + "://" + name + ":xxxxx@" + rest[at+1:]
		}
	}
	return scheme + "://" + rest
}

// withoutCredentials is the form of u that goes on the wire in a request
// line: RFC 2326 request URIs carry no userinfo.
func withoutCredentials(u *url.URL) *url.URL {
	c := *u
	c.User = nil
	return &c
}

func stripURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
