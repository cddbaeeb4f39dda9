package player

import (
	"net"
	"strconv"

	"github.com/rtspview/rtspview/rtsp"
)

// CheckURL returns nil when raw is an rtsp:// or rtsps:// address that can
// be played, else an *rtsp.InputError; Sentence turns it into words.
//
// The UI reads addresses only through CheckURL and the functions below
// it, which use rtsp.ParseURL: one parser for every place a person's
// address is read, so the window, probe and the dial never disagree about
// what an address means.
func CheckURL(raw string) error {
	_, err := rtsp.ParseURL(raw)
	return err
}

// URLUser returns the username in the address raw, or "" when it has none
// or is not an address.
func URLUser(raw string) string {
	u, err := rtsp.ParseURL(raw)
	if err != nil {
		return ""
	}
	if u.User != nil && u.User.Username() != "" {
		return u.User.Username()
	}
	return rtsp.QueryUser(u) // ?user=admin&password=…
}

// TunnelPort returns the port the tunnel by transport t dials for the
// address raw when no tunnel port is given: the address's own port, else
// 80 (HTTP) or 443 (HTTPS). 0 when t is not a tunnel; the web default when
// raw is not (yet) a valid address.
func TunnelPort(raw string, t Transport) int {
	if t != TransportHTTP && t != TransportHTTPS {
		return 0
	}
	u, err := rtsp.ParseURL(raw)
	if err != nil {
		if t == TransportHTTPS {
			return 443
		}
		return 80
	}
	_, port, _ := net.SplitHostPort(rtsp.TunnelAddr(u, 0, t == TransportHTTPS))
	n, _ := strconv.Atoi(port)
	return n
}
