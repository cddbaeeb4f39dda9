package rtsp

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pion/sdp/v3"
	"github.com/rtspview/rtspview/rtsp/headers"
)

// Codec names as they appear in SDP rtpmap (upper-cased), plus MJPEG for
// the static payload type 26 of RFC 3551.
const (
	CodecH264  = "H264"
	CodecH265  = "H265"
	CodecMJPEG = "MJPEG"
)

// Track is one media section of a session description: what SDP said, and
// where to SETUP it.
type Track struct {
	Index       int    // position among the m= lines
	Media       string // "video", "audio", "application"
	Codec       string // CodecH264, CodecH265, CodecMJPEG, or the rtpmap encoding name upper-cased
	PayloadType uint8
	ClockRate   int
	Channels    int               // audio channels: the rtpmap's third field, else 1 (sdp_audio.go); 0 for video
	Fmtp        map[string]string // fmtp parameters, keys lower-cased
	Control     string            // absolute control URL for SETUP
}

func (t Track) String() string {
	return fmt.Sprintf("track %d (%s %s)", t.Index, t.Media, t.Codec)
}

// Description is the parsed answer to DESCRIBE.
type Description struct {
	Tracks []Track
	// Control is the aggregate control URL for PLAY/TEARDOWN: the
	// session-level a=control resolved against the base, or the base.
	Control string
	// Aggregate is false when the SDP has no session-level control and the
	// tracks' controls are absolute and unrelated (docs/QUIRKS.md #10): then PLAY is
	// sent per track.
	Aggregate bool
	// Range is the session's a=range (RFC 2326 C.1.5), else the first
	// media's; nil when the SDP has none or it does not parse, which a
	// viewer treats as live.
	Range *headers.Range
}

// Seekable reports whether the session can be played from another point:
// its range is finite ("npt=0-20") or absolute ("clock=…", an NVR's
// recording). "npt=now-" and "npt=0-" describe live streams.
func (d *Description) Seekable() bool {
	if d == nil || d.Range == nil {
		return false
	}
	if d.Range.Clock != nil {
		return true
	}
	return d.Range.End != nil && *d.Range.End > d.Range.Start
}

// Duration returns the length of a finite range; false for live streams
// and open ranges.
func (d *Description) Duration() (time.Duration, bool) {
	if d == nil || d.Range == nil {
		return 0, false
	}
	if c := d.Range.Clock; c != nil {
		if c.End == nil {
			return 0, false
		}
		return c.End.Sub(c.Start), true
	}
	if d.Range.End == nil || *d.Range.End <= d.Range.Start {
		return 0, false
	}
	return *d.Range.End - d.Range.Start, true
}

// ParseDescription turns an SDP body into tracks whose control URLs are
// resolved against base (RFC 2326 C.1.1: Content-Base, else
// Content-Location, else the request URL).
func ParseDescription(body []byte, base *url.URL) (*Description, error) {
	var sd sdp.SessionDescription
	if err := sd.UnmarshalString(string(body)); err != nil {
		return nil, fmt.Errorf("%w: invalid SDP: %v", ErrProtocol, err)
	}
	if len(sd.MediaDescriptions) == 0 {
		return nil, fmt.Errorf("%w: SDP has no media", ErrProtocol)
	}
	d := &Description{Aggregate: true}
	baseStr := withoutCredentials(base).String()
	sessionControl, hasSession := sd.Attribute("control")
	if hasSession && strings.TrimSpace(sessionControl) != "" && strings.TrimSpace(sessionControl) != "*" {
		// The base can hide in a session-level a=control (docs/QUIRKS.md #9).
		baseStr = resolveControl(baseStr, strings.TrimSpace(sessionControl))
	}
	d.Control = baseStr
	if v, ok := sd.Attribute("range"); ok {
		d.Range = parseSDPRange(v)
	}
	for i, md := range sd.MediaDescriptions {
		t := Track{Index: i, Media: md.MediaName.Media, Fmtp: map[string]string{}}
		if len(md.MediaName.Formats) == 0 {
			return nil, fmt.Errorf("%w: media %d has no payload type", ErrProtocol, i)
		}
		pt, err := strconv.Atoi(md.MediaName.Formats[0])
		if err != nil || pt < 0 || pt > 127 {
			return nil, fmt.Errorf("%w: media %d has bad payload type %q", ErrProtocol, i, md.MediaName.Formats[0])
		}
		t.PayloadType = uint8(pt)
		for _, a := range md.Attributes {
			switch strings.ToLower(a.Key) {
			case "rtpmap":
				ptStr, rest, _ := strings.Cut(strings.TrimSpace(a.Value), " ")
				if ptStr != md.MediaName.Formats[0] {
					continue
				}
				enc := strings.Split(strings.TrimSpace(rest), "/")
				t.Codec = strings.ToUpper(strings.TrimSpace(enc[0]))
				if len(enc) > 1 {
					if cr, err := strconv.Atoi(strings.TrimSpace(enc[1])); err == nil && cr > 0 {
						t.ClockRate = cr
					}
				}
				if len(enc) > 2 {
					if ch, err := strconv.Atoi(strings.TrimSpace(enc[2])); err == nil && ch > 0 && ch <= maxAudioChannels {
						t.Channels = ch
					}
				}
			case "fmtp":
				ptStr, rest, _ := strings.Cut(strings.TrimSpace(a.Value), " ")
				if ptStr != md.MediaName.Formats[0] {
					continue
				}
				for _, kv := range strings.Split(rest, ";") {
					k, v, _ := strings.Cut(strings.TrimSpace(kv), "=")
					if k != "" {
						t.Fmtp[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
					}
				}
			case "control":
				t.Control = strings.TrimSpace(a.Value)
			case "range":
				// Servers such as live555 put a=range only on the media
				// (RFC 2326 C.1.5 allows both levels).
				if d.Range == nil {
					d.Range = parseSDPRange(a.Value)
				}
			}
		}
		switch {
		case t.Codec == "HEVC":
			t.Codec = CodecH265
		case t.Codec == "JPEG" || (t.Codec == "" && t.PayloadType == 26):
			t.Codec = CodecMJPEG
		}
		if t.ClockRate == 0 && t.Media == "video" {
			t.ClockRate = 90000 // RFC 3551 video payloads all use 90 kHz
		}
		if t.Media == "audio" {
			audioDefaults(&t)
		}
		switch t.Control {
		case "", "*":
			t.Control = baseStr
		default:
			if isAbsolute(t.Control) && !hasSession && len(sd.MediaDescriptions) > 1 {
				d.Aggregate = false
			}
			t.Control = resolveControl(baseStr, t.Control)
		}
		d.Tracks = append(d.Tracks, t)
	}
	return d, nil
}

// parseSDPRange reads an a=range value; one that does not parse is
// dropped, so a camera with an odd range still plays as live.
func parseSDPRange(v string) *headers.Range {
	var r headers.Range
	if err := r.Unmarshal(v); err != nil {
		return nil
	}
	if r.Clock == nil && r.Start == 0 && r.End == nil && !r.Live {
		return nil // smpte= or another unit we do not use
	}
	return &r
}

// VideoTrack returns the first video track, or false.
func (d *Description) VideoTrack() (Track, bool) {
	for _, t := range d.Tracks {
		if t.Media == "video" {
			return t, true
		}
	}
	return Track{}, false
}

func isAbsolute(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "rtsp://") || strings.HasPrefix(l, "rtsps://") || strings.HasPrefix(l, "rtspu://")
}

// resolveControl joins a relative control to base the way ffmpeg, live555
// and gortsplib do, not by RFC 3986 reference resolution: "trackID=1"
// against "rtsp://h/live/ch1?x=1" gives "rtsp://h/live/ch1?x=1/trackID=1".
// Cameras rely on that: strict resolution would drop "ch1" and the query.
func resolveControl(base, control string) string {
	if isAbsolute(control) {
		if u, err := url.Parse(control); err == nil {
			u.User = nil
			return u.String()
		}
		return control
	}
	if strings.HasPrefix(control, "/") {
		if u, err := url.Parse(base); err == nil {
			u.RawQuery = ""
			u.Path = ""
			u.RawPath = ""
			return strings.TrimSuffix(u.String(), "/") + control
		}
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return base + control
}

// queryCarried is control with the request URL's query appended, for
// cameras that take an access token in the query (rtsp://cam/stream?token=abc),
// answer DESCRIBE with a Content-Base without it (rtsp://cam/stream/), and
// then refuse a SETUP or PLAY that lacks it (docs/QUIRKS.md #9). Only a
// control with no query of its own, on the request's host:port and at or
// under its path, gets it (rtsp://cam/stream/trackID=1?token=abc, the shape
// Hikvision firmware writes itself): the token was given for this resource
// only. Otherwise control comes back as it is.
func queryCarried(control string, request *url.URL) string {
	if request.RawQuery == "" || strings.ContainsAny(control, "?#") {
		return control
	}
	u, err := url.Parse(control)
	if err != nil || !strings.EqualFold(HostPort(u), HostPort(request)) {
		return control
	}
	reqPath := strings.TrimSuffix(request.Path, "/")
	if p := strings.TrimSuffix(u.Path, "/"); p != reqPath && !strings.HasPrefix(p, reqPath+"/") {
		return control
	}
	// The aggregate URL for the request's own resource is the request
	// itself, the one address the camera has accepted with its query, not
	// the base's "rtsp://cam/stream/?token=abc".
	if strings.TrimSuffix(u.Path, "/") == reqPath {
		return request.String()
	}
	// Appended as text, not through url.URL.String, which could re-escape
	// a path the camera expects byte for byte.
	return control + "?" + request.RawQuery
}

// carryQuery applies queryCarried to the aggregate and every track control.
func carryQuery(d *Description, request *url.URL) {
	d.Control = queryCarried(d.Control, request)
	for i := range d.Tracks {
		d.Tracks[i].Control = queryCarried(d.Tracks[i].Control, request)
	}
}
