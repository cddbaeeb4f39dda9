package headers

import (
	"strconv"
	"strings"
)

// RTPInfoEntry is one stream of an RTP-Info header (RFC 2326 section 12.33).
type RTPInfoEntry struct {
	// URL is the stream's URL as the server wrote it: absolute, or relative
	// such as "trackID=1" (seen from several cameras).
	URL string
	// SeqNum is the "seq=" value: the first RTP sequence number after PLAY;
	// nil when absent.
	SeqNum *uint16
	// Timestamp is the "rtptime=" value: the RTP timestamp that maps to the
	// Range start; nil when absent.
	Timestamp *uint32
}

// RTPInfo is an RTP-Info header: one entry per stream, in the server's order.
type RTPInfo []RTPInfoEntry

// Unmarshal parses an RTP-Info header value such as
// "url=rtsp://cam/track1;seq=1;rtptime=2, url=rtsp://cam/track2;seq=3".
//
// Entries are split only at a comma followed by optional spaces and "url=",
// because a URL may itself hold a comma. Parameter names are matched in any
// case; unknown parameters (the RTSP 2.0 "ssrc=" among them) are ignored; an
// empty seq or rtptime counts as absent. The URL ends at the first ';' since
// RFC 2326 gives no way to tell a ';' in a URL from a parameter separator.
// An error wraps ErrSyntax.
func (r *RTPInfo) Unmarshal(v string) error {
	if trimOWS(v) == "" {
		return syntaxError("RTP-Info", "empty value")
	}
	var entries RTPInfo
	for _, raw := range splitRTPInfo(v) {
		var e RTPInfoEntry
		for _, p := range strings.Split(raw, ";") {
			key, val, _ := strings.Cut(p, "=")
			val = trimOWS(val)
			switch strings.ToLower(trimOWS(key)) {
			case "url":
				u := unquote(val)
				if hasCTL(u) {
					return syntaxError("RTP-Info", "control character in url")
				}
				e.URL = u
			case "seq":
				if val == "" {
					continue
				}
				n, ok := parseDecimal(val, 1<<16-1)
				if !ok {
					return syntaxError("RTP-Info", "seq %s", snippet(val))
				}
				seq := uint16(n)
				e.SeqNum = &seq
			case "rtptime":
				if val == "" {
					continue
				}
				n, ok := parseDecimal(val, 1<<32-1)
				if !ok {
					return syntaxError("RTP-Info", "rtptime %s", snippet(val))
				}
				ts := uint32(n)
				e.Timestamp = &ts
			}
		}
		entries = append(entries, e)
	}
	*r = entries
	return nil
}

// splitRTPInfo cuts v before every "url=" (any case) that follows a comma and
// optional whitespace; the first piece keeps everything before that.
func splitRTPInfo(v string) []string {
	var parts []string
	start := 0
	for i := 0; i < len(v); i++ {
		if v[i] != ',' {
			continue
		}
		j := i + 1
		for j < len(v) && (v[j] == ' ' || v[j] == '\t') {
			j++
		}
		if len(v)-j >= 4 && strings.EqualFold(v[j:j+4], "url=") {
			parts = append(parts, v[start:i])
			start = j
			i = j - 1
		}
	}
	return append(parts, v[start:])
}

// Marshal formats r as "url=U;seq=N;rtptime=T,url=...".
func (r RTPInfo) Marshal() string {
	var b strings.Builder
	for i, e := range r {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("url=")
		if len(e.URL) >= 2 && e.URL[0] == '"' && e.URL[len(e.URL)-1] == '"' {
			// Unmarshal strips one pair of quotes (RFC 7826 quotes URLs),
			// so a URL that is itself quoted needs another pair.
			b.WriteString(`"` + e.URL + `"`)
		} else {
			b.WriteString(e.URL)
		}
		if e.SeqNum != nil {
			b.WriteString(";seq=")
			b.WriteString(strconv.FormatUint(uint64(*e.SeqNum), 10))
		}
		if e.Timestamp != nil {
			b.WriteString(";rtptime=")
			b.WriteString(strconv.FormatUint(uint64(*e.Timestamp), 10))
		}
	}
	return b.String()
}
