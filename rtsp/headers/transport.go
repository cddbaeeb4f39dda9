package headers

import (
	"strconv"
	"strings"
)

// Protocol is the lower transport of an RTP/AVP transport spec (RFC 2326
// section 12.39).
type Protocol int

// Lower transports. ProtocolUDP is the zero value because RFC 2326 makes UDP
// the default when "RTP/AVP" names none.
const (
	ProtocolUDP Protocol = iota
	ProtocolTCP
)

// String returns "UDP" or "TCP".
func (p Protocol) String() string {
	if p == ProtocolTCP {
		return "TCP"
	}
	return "UDP"
}

// Transport is one transport-spec of a Transport header (RFC 2326 section
// 12.39): what a client asks for in SETUP and what the server chose.
type Transport struct {
	// Protocol is the lower transport: UDP for "RTP/AVP" and "RTP/AVP/UDP",
	// TCP (interleaved in the RTSP connection) for "RTP/AVP/TCP".
	Protocol Protocol
	// Multicast is true for "multicast"; "unicast" or neither gives false.
	// RFC 2326 names multicast the default, but a SETUP answer without
	// either comes from a unicast-only server, so it reads as unicast.
	Multicast bool
	// Destination is the "destination=" address, empty when not given.
	Destination string
	// Source is the "source=" address, empty when not given.
	Source string
	// Ports is the multicast RTP/RTCP port pair ("port="); nil when absent.
	Ports *[2]int
	// ClientPorts is the "client_port=" RTP/RTCP pair; nil when absent.
	ClientPorts *[2]int
	// ServerPorts is the "server_port=" RTP/RTCP pair; nil when absent.
	// Some servers omit it (docs/QUIRKS.md #11).
	ServerPorts *[2]int
	// Interleaved is the "interleaved=" RTP/RTCP channel pair; nil when
	// absent. Servers may rewrite the pair the client asked for: use theirs.
	Interleaved *[2]int
	// SSRC is the "ssrc=" value; nil when absent or unparsable.
	SSRC *uint32
	// TTL is the multicast "ttl=" value; nil when absent.
	TTL *int
	// Mode is the "mode=" value without quotes ("PLAY", "RECORD", ...), as
	// sent; empty when absent.
	Mode string
}

// Unmarshal parses a Transport header value. v may list comma-separated
// alternatives (RFC 2326 section 12.39 "1#transport-spec"); the first one
// that parses is kept. An error wraps ErrSyntax.
func (t *Transport) Unmarshal(v string) error {
	var firstErr error
	for _, spec := range splitOutsideQuotes(v, ',') {
		if trimOWS(spec) == "" {
			continue
		}
		var parsed Transport
		err := parsed.unmarshalSpec(spec)
		if err == nil {
			*t = parsed
			return nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr == nil {
		return syntaxError("Transport", "empty value")
	}
	return firstErr
}

// unmarshalSpec parses one transport-spec. Parameters may come in any order
// (the protocol token included) and in any case; unknown ones ("append",
// "layers", vendor extensions) are ignored.
func (t *Transport) unmarshalSpec(spec string) error {
	protocolFound := false
	for _, param := range splitOutsideQuotes(spec, ';') {
		param = trimOWS(param)
		if param == "" {
			continue
		}
		key, val, hasVal := strings.Cut(param, "=")
		key = strings.ToLower(trimOWS(key))
		val = unquote(trimOWS(val))

		switch key {
		case "rtp/avp", "rtp/avp/udp", "rtp/avp/tcp":
			if hasVal || protocolFound {
				return syntaxError("Transport", "bad protocol in %s", snippet(spec))
			}
			protocolFound = true
			t.Protocol = ProtocolUDP
			if key == "rtp/avp/tcp" {
				t.Protocol = ProtocolTCP
			}
		case "unicast":
			t.Multicast = false
		case "multicast":
			t.Multicast = true
		case "destination":
			// A bare "destination" means "to me" (RFC 2326): leave empty.
			if s, ok := cleanValue(val); ok {
				t.Destination = s
			}
		case "source":
			if s, ok := cleanValue(val); ok {
				t.Source = s
			}
		case "port", "client_port", "server_port":
			pair, err := parsePair(val, 65535)
			if err != nil {
				return syntaxError("Transport", "%s %s", key, err)
			}
			switch key {
			case "port":
				t.Ports = pair
			case "client_port":
				t.ClientPorts = pair
			default:
				t.ServerPorts = pair
			}
		case "interleaved":
			// RFC 2326 section 10.12: channels are one byte in the $ frame.
			pair, err := parsePair(val, 255)
			if err != nil {
				return syntaxError("Transport", "interleaved %s", err)
			}
			t.Interleaved = pair
		case "ttl":
			n, ok := parseDecimal(val, 255)
			if !ok {
				return syntaxError("Transport", "ttl %s", snippet(val))
			}
			ttl := int(n)
			t.TTL = &ttl
		case "ssrc":
			// Cameras send short (Hikvision "4317f"), space-padded (Dahua
			// "     D93FF") or decimal ssrc values; a bad ssrc only costs us
			// a check we can skip, so it is ignored rather than fatal.
			if ssrc, ok := parseSSRC(val); ok {
				t.SSRC = &ssrc
			}
		case "mode":
			if s, ok := cleanValue(val); ok {
				t.Mode = s
			}
		default:
			if strings.HasPrefix(key, "rtp/") {
				// RTP/SAVP, RTP/AVPF: a profile we cannot speak.
				return syntaxError("Transport", "unsupported protocol %s", snippet(key))
			}
		}
	}
	if !protocolFound {
		return syntaxError("Transport", "no RTP/AVP protocol in %s", snippet(spec))
	}
	return nil
}

// cleanValue accepts a parameter value that Marshal can write back: no
// double quote (RFC 2326 has no quoted-pair) and no control characters.
func cleanValue(v string) (string, bool) {
	if v == "" || strings.ContainsRune(v, '"') || hasCTL(v) {
		return "", false
	}
	return v, true
}

// parsePair parses "a-b" or "a", each at most max. A single value means the
// pair a, a+1 (RFC 2326 section 12.39: RTCP on the next port/channel), so it
// fails when a is max.
func parsePair(v string, max uint64) (*[2]int, error) {
	first, second, isRange := strings.Cut(v, "-")
	a, ok := parseDecimal(trimOWS(first), max)
	if !ok {
		return nil, syntaxError("Transport", "bad number %s", snippet(v))
	}
	b := a + 1
	if isRange {
		if b, ok = parseDecimal(trimOWS(second), max); !ok {
			return nil, syntaxError("Transport", "bad number %s", snippet(v))
		}
	} else if b > max {
		return nil, syntaxError("Transport", "%d has no successor", a)
	}
	return &[2]int{int(a), int(b)}, nil
}

// parseSSRC parses a hexadecimal ssrc of up to 8 significant digits,
// tolerating padding spaces, a "0x" prefix and leading zeros.
func parseSSRC(v string) (uint32, bool) {
	v = trimOWS(v)
	if len(v) > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X') {
		v = v[2:]
	}
	if len(v) > 8 {
		v = strings.TrimLeft(v, "0")
	}
	if v == "" || len(v) > 8 {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 16, 32)
	if err != nil {
		return 0, false
	}
	return uint32(n), true
}

// Marshal formats t as a single transport-spec, e.g.
// "RTP/AVP;unicast;client_port=5000-5001" or
// "RTP/AVP/TCP;unicast;interleaved=0-1". Delivery is always explicit since a
// missing one means multicast in RFC 2326.
func (t Transport) Marshal() string {
	var b strings.Builder
	if t.Protocol == ProtocolTCP {
		b.WriteString("RTP/AVP/TCP")
	} else {
		b.WriteString("RTP/AVP")
	}
	if t.Multicast {
		b.WriteString(";multicast")
	} else {
		b.WriteString(";unicast")
	}
	if t.Destination != "" {
		b.WriteString(";destination=")
		b.WriteString(quoteIfNeeded(t.Destination))
	}
	if t.Source != "" {
		b.WriteString(";source=")
		b.WriteString(quoteIfNeeded(t.Source))
	}
	writePair(&b, "interleaved", t.Interleaved)
	if t.TTL != nil {
		b.WriteString(";ttl=")
		b.WriteString(strconv.Itoa(*t.TTL))
	}
	writePair(&b, "port", t.Ports)
	writePair(&b, "client_port", t.ClientPorts)
	writePair(&b, "server_port", t.ServerPorts)
	if t.SSRC != nil {
		// live555 and gortsplib write eight upper-case digits.
		const hexDigits = "0123456789ABCDEF"
		b.WriteString(";ssrc=")
		for shift := 28; shift >= 0; shift -= 4 {
			b.WriteByte(hexDigits[(*t.SSRC>>shift)&0xf])
		}
	}
	if t.Mode != "" {
		b.WriteString(";mode=")
		b.WriteString(quoteIfNeeded(t.Mode))
	}
	return b.String()
}

func writePair(b *strings.Builder, key string, pair *[2]int) {
	if pair == nil {
		return
	}
	b.WriteByte(';')
	b.WriteString(key)
	b.WriteByte('=')
	b.WriteString(strconv.Itoa(pair[0]))
	b.WriteByte('-')
	b.WriteString(strconv.Itoa(pair[1]))
}

// quoteIfNeeded quotes a value holding a separator or edge whitespace, which
// would otherwise split or lose part of it on the way back.
func quoteIfNeeded(v string) string {
	if strings.ContainsAny(v, ";,") || trimOWS(v) != v {
		return `"` + v + `"`
	}
	return v
}
