package rtsp

import (
	"fmt"
	"strings"
)

// Transport is the way media and control travel.
type Transport int

// Transports. The zero value means TransportTCP: it works through the most
// NATs and firewalls of the two plain transports.
const (
	TransportTCP   Transport = iota // RTP interleaved on the RTSP connection (RFC 2326 §10.12)
	TransportUDP                    // RTP/RTCP on a UDP port pair per track
	TransportHTTP                   // RTSP and interleaved RTP tunnelled in HTTP GET/POST
	TransportHTTPS                  // the HTTP tunnel over TLS
)

func (t Transport) String() string {
	switch t {
	case TransportTCP:
		return "tcp"
	case TransportUDP:
		return "udp"
	case TransportHTTP:
		return "http"
	case TransportHTTPS:
		return "https"
	}
	return fmt.Sprintf("transport(%d)", int(t))
}

// ParseTransport reads "tcp", "udp", "http" or "https". Any other word is
// the caller's mistake: an *InputError.
func ParseTransport(s string) (Transport, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "tcp":
		return TransportTCP, nil
	case "udp":
		return TransportUDP, nil
	case "http":
		return TransportHTTP, nil
	case "https":
		return TransportHTTPS, nil
	}
	return 0, inputErrorf("transport", "%q is not one of tcp, udp, http or https", truncate(s, 32))
}

// interleaved reports whether media rides on the control connection.
func (t Transport) interleaved() bool { return t != TransportUDP }
