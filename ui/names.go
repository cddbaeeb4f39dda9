package ui

import (
	"strings"

	"golang.org/x/net/idna"

	"github.com/rtspview/rtspview/rtsp"
)

// cleanText is s as the window paints it: without C0 and C1 control
// characters and without the Unicode direction controls (LRM/RLM, the
// embeddings and overrides U+202A–U+202E, the isolates U+2066–U+2069,
// ALM U+061C). A camera name comes from a wall file, perhaps someone
// else's: "\u202Egnp.exe" would paint reversed, a newline would push the
// next line over the picture, an escape would reach a terminal through a
// snapshot's file name.
func cleanText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r < 0x20, r >= 0x7f && r <= 0x9f: // C0, DEL, C1
			return -1
		case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return -1
		case r == 0x2028, r == 0x2029: // line and paragraph separators
			return -1
		}
		return r
	}, s)
}

// addressHost is the host:port rawURL dials (the scheme's default port
// when none is written), read as the player reads it; "" when it does not
// parse. It never holds credentials.
func addressHost(rawURL string) string {
	u, err := rtsp.ParseURL(rawURL)
	if err != nil {
		return ""
	}
	return rtsp.HostPort(u)
}

// hostLabel is a host or host:port for a dialog. A host name that is not
// plain ASCII is followed by its ASCII (punycode) form, the name DNS is
// asked for: "аpple.com" with a Cyrillic "а" reads like apple.com, but
// its "xn--pple-43d.com" does not. Names are cleaned as cleanText does.
func hostLabel(hostport string) string {
	hostport = cleanText(hostport)
	host, port := hostport, ""
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 && !strings.Contains(hostport[i:], "]") {
		host, port = hostport[:i], hostport[i:]
	}
	if isASCII(host) {
		return hostport
	}
	// The Punycode profile converts without the lookup checks: a name
	// those checks refuse is still shown in the form DNS would be asked.
	ascii, err := idna.Punycode.ToASCII(host)
	if err != nil || ascii == host {
		return hostport + " (not a valid host name)"
	}
	return hostport + " (" + ascii + port + ")"
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
