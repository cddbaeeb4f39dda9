package ui

import (
	"net"
	"strings"

	"golang.org/x/net/idna"

	"github.com/rtspview/rtspview/internal/wall"
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

// tileNames are the names the tiles of cams show: a camera's own name, or
// for one without, its host, with what tells it apart from the other
// unnamed cameras on that host added: the port where their ports differ,
// the path (and query) where that is not enough. Three cameras on one
// gst-rtsp-server were all "127.0.0.1".
func tileNames(cams []wall.Camera) []string {
	type where struct{ host, port, path string }
	out := make([]string, len(cams))
	at := make([]*where, len(cams))
	byHost := map[string][]int{}
	for i, c := range cams {
		out[i] = displayName(c)
		if strings.TrimSpace(cleanText(c.Name)) != "" {
			continue
		}
		u, err := rtsp.ParseURL(c.URL)
		if err != nil {
			continue
		}
		hp := rtsp.HostPort(u)
		path := u.EscapedPath()
		if u.RawQuery != "" {
			path += "?" + u.RawQuery
		}
		at[i] = &where{host: u.Hostname(), port: hp[strings.LastIndexByte(hp, ':')+1:], path: path}
		byHost[at[i].host] = append(byHost[at[i].host], i)
	}
	for _, group := range byHost {
		ports, places := map[string]bool{}, map[where]bool{}
		for _, i := range group {
			ports[at[i].port] = true
			places[*at[i]] = true
		}
		if len(places) < 2 {
			continue // one camera (perhaps in several tiles): its host says it
		}
		for _, i := range group {
			name := at[i].host
			if len(ports) > 1 {
				name = net.JoinHostPort(name, at[i].port)
			}
			if len(ports) < len(places) {
				name += at[i].path
			}
			out[i] = cleanText(name)
		}
	}
	return out
}

// nameTiles shows each tile's name (tileNames): one camera added, renamed
// or removed may change what tells the others apart.
func (v *Viewer) nameTiles() {
	v.mu.Lock()
	tiles := append([]*tileState(nil), v.tiles...)
	v.mu.Unlock()
	cams := make([]wall.Camera, len(tiles))
	for i, ts := range tiles {
		cams[i] = ts.w.cam
	}
	for i, name := range tileNames(cams) {
		tiles[i].tile.SetName(name)
	}
}

// shownName is the name the tile shows (names.go: the camera's own, else
// what tells it from the others on its host, the port or the path), for
// what is named after the camera: its recordings' folder, its snapshots,
// the question before removing it. Two unnamed cameras of one recorder
// must not share a folder.
func (ts *tileState) shownName() string {
	if n := ts.tile.Name(); n != "" {
		return n
	}
	return displayName(ts.w.cam)
}
