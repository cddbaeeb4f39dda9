package player

import (
	"fmt"
	"strings"

	"github.com/rtspview/rtspview/rtsp"
)

// Transport is what the user picks in the transport selector.
type Transport int

// Transports. The zero value is Auto.
const (
	TransportAuto Transport = iota
	TransportUDP
	TransportTCP
	TransportHTTP
	TransportHTTPS
)

// Transports lists the selector's choices in display order.
var Transports = []Transport{TransportAuto, TransportUDP, TransportTCP, TransportHTTP, TransportHTTPS}

func (t Transport) String() string {
	switch t {
	case TransportAuto:
		return "auto"
	case TransportUDP:
		return "udp"
	case TransportTCP:
		return "tcp"
	case TransportHTTP:
		return "http"
	case TransportHTTPS:
		return "https"
	}
	return fmt.Sprintf("transport(%d)", int(t))
}

// Label is the selector text.
func (t Transport) Label() string {
	switch t {
	case TransportAuto:
		return "Auto"
	case TransportUDP:
		return "UDP"
	case TransportTCP:
		return "TCP"
	case TransportHTTP:
		return "HTTP tunnel"
	case TransportHTTPS:
		return "HTTPS tunnel"
	}
	return t.String()
}

// ParseTransport reads auto|udp|tcp|http|https (or a Label). Any other
// word is the person's mistake: an *rtsp.InputError (KindInput).
func ParseTransport(s string) (Transport, error) {
	for _, t := range Transports {
		if strings.EqualFold(s, t.String()) || strings.EqualFold(s, t.Label()) {
			return t, nil
		}
	}
	if len(s) > 32 {
		s = s[:32] + "…"
	}
	return 0, &rtsp.InputError{Field: "transport", Problem: fmt.Sprintf("%q is not one of auto, udp, tcp, http or https", s)}
}

func (t Transport) rtsp() rtsp.Transport {
	switch t {
	case TransportUDP:
		return rtsp.TransportUDP
	case TransportHTTP:
		return rtsp.TransportHTTP
	case TransportHTTPS:
		return rtsp.TransportHTTPS
	}
	return rtsp.TransportTCP
}
