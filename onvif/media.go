package onvif

import (
	"context"
	"errors"
	"strconv"
	"strings"
)

// Profile is one media profile: a video encoder configuration a stream
// address can be asked for.
type Profile struct {
	Token    string
	Name     string
	Encoding string // H264, H265, JPEG, MPEG4 as the device names it (upper case)
	Width    int
	Height   int
	FPS      int
	// PTZ is true when the profile has a PTZ configuration: PTZ calls take
	// this profile's token.
	PTZ bool
	// Media2 is true when the profile came from the media2 service; its
	// stream and snapshot addresses are asked there.
	Media2 bool
}

// Profiles lists the device's media profiles: media1's GetProfiles, which
// every Profile S camera has, or media2's where the device has only that
// (or media1 says it does not implement it).
func (c *Client) Profiles(ctx context.Context) ([]Profile, error) {
	svc, err := c.servicesFor(ctx)
	if err != nil {
		return nil, err
	}
	if svc.Media != "" {
		ps, err := c.profiles1(ctx, svc.Media)
		if err == nil || svc.Media2 == "" || !errors.Is(err, ErrNotSupported) {
			return ps, err
		}
	}
	if svc.Media2 != "" {
		return c.profiles2(ctx, svc.Media2)
	}
	return nil, errNoService("GetProfiles", "media")
}

func (c *Client) profiles1(ctx context.Context, addr string) ([]Profile, error) {
	res, err := c.call(ctx, addr, request{op: "GetProfiles", ns: nsMedia,
		body: `<GetProfiles xmlns="` + nsMedia + `"/>`}, false)
	if err != nil {
		return nil, err
	}
	var out []Profile
	for _, p := range res.children("Profiles") {
		tok := p.attrValue("token")
		if tok == "" {
			continue
		}
		vec := p.child("VideoEncoderConfiguration")
		out = append(out, Profile{
			Token:    tok,
			Name:     p.str("Name"),
			Encoding: strings.ToUpper(vec.str("Encoding")),
			Width:    atoi(vec.str("Resolution", "Width")),
			Height:   atoi(vec.str("Resolution", "Height")),
			FPS:      atoi(vec.str("RateControl", "FrameRateLimit")),
			PTZ:      p.child("PTZConfiguration") != nil,
		})
	}
	return out, nil
}

func (c *Client) profiles2(ctx context.Context, addr string) ([]Profile, error) {
	res, err := c.call(ctx, addr, request{op: "GetProfiles", ns: nsMedia2,
		body: `<GetProfiles xmlns="` + nsMedia2 + `"><Type>All</Type></GetProfiles>`}, false)
	if err != nil {
		return nil, err
	}
	var out []Profile
	for _, p := range res.children("Profiles") {
		tok := p.attrValue("token")
		if tok == "" {
			continue
		}
		conf := p.child("Configurations")
		vec := conf.child("VideoEncoder")
		enc := strings.ToUpper(vec.str("Encoding"))
		if enc == "H.264" {
			enc = "H264"
		} else if enc == "H.265" {
			enc = "H265"
		}
		out = append(out, Profile{
			Token:    tok,
			Name:     p.str("Name"),
			Encoding: enc,
			Width:    atoi(vec.str("Resolution", "Width")),
			Height:   atoi(vec.str("Resolution", "Height")),
			FPS:      int(atof(vec.str("RateControl", "FrameRateLimit"))),
			PTZ:      conf.child("PTZ") != nil,
			Media2:   true,
		})
	}
	return out, nil
}

// StreamURI asks the RTSP address of a profile (RTP over RTSP, unicast).
// A user:password a camera puts in it is removed, and an unspecified host
// becomes the device's.
func (c *Client) StreamURI(ctx context.Context, p Profile) (string, error) {
	svc, err := c.servicesFor(ctx)
	if err != nil {
		return "", err
	}
	var res *node
	if p.Media2 {
		if svc.Media2 == "" {
			return "", errNoService("GetStreamUri", "media2")
		}
		res, err = c.call(ctx, svc.Media2, request{op: "GetStreamUri", ns: nsMedia2,
			body: `<GetStreamUri xmlns="` + nsMedia2 + `"><Protocol>RTSP</Protocol><ProfileToken>` +
				escape(p.Token) + `</ProfileToken></GetStreamUri>`}, false)
		if err != nil {
			return "", err
		}
		return c.mediaURI("GetStreamUri", res.str("Uri"))
	}
	if svc.Media == "" {
		return "", errNoService("GetStreamUri", "media")
	}
	res, err = c.call(ctx, svc.Media, request{op: "GetStreamUri", ns: nsMedia,
		body: `<GetStreamUri xmlns="` + nsMedia + `"><StreamSetup><Stream xmlns="` + nsSchema + `">RTP-Unicast</Stream>` +
			`<Transport xmlns="` + nsSchema + `"><Protocol>RTSP</Protocol></Transport></StreamSetup>` +
			`<ProfileToken>` + escape(p.Token) + `</ProfileToken></GetStreamUri>`}, false)
	if err != nil {
		return "", err
	}
	return c.mediaURI("GetStreamUri", res.str("MediaUri", "Uri"))
}

// SnapshotURI asks the HTTP address of a JPEG picture of a profile.
func (c *Client) SnapshotURI(ctx context.Context, p Profile) (string, error) {
	svc, err := c.servicesFor(ctx)
	if err != nil {
		return "", err
	}
	if p.Media2 {
		if svc.Media2 == "" {
			return "", errNoService("GetSnapshotUri", "media2")
		}
		res, err := c.call(ctx, svc.Media2, request{op: "GetSnapshotUri", ns: nsMedia2,
			body: `<GetSnapshotUri xmlns="` + nsMedia2 + `"><ProfileToken>` + escape(p.Token) + `</ProfileToken></GetSnapshotUri>`}, false)
		if err != nil {
			return "", err
		}
		return c.mediaURI("GetSnapshotUri", res.str("Uri"))
	}
	if svc.Media == "" {
		return "", errNoService("GetSnapshotUri", "media")
	}
	res, err := c.call(ctx, svc.Media, request{op: "GetSnapshotUri", ns: nsMedia,
		body: `<GetSnapshotUri xmlns="` + nsMedia + `"><ProfileToken>` + escape(p.Token) + `</ProfileToken></GetSnapshotUri>`}, false)
	if err != nil {
		return "", err
	}
	return c.mediaURI("GetSnapshotUri", res.str("MediaUri", "Uri"))
}

// mediaURI checks an address a device gave for a stream or picture.
func (c *Client) mediaURI(op, raw string) (string, error) {
	if raw == "" {
		return "", protocolf("%s: no Uri in the answer", op)
	}
	u, err := c.xaddr.Parse(raw)
	if err != nil || u.Host == "" {
		return "", protocolf("%s: unusable address in the answer", op)
	}
	switch strings.ToLower(u.Scheme) {
	case "rtsp", "rtsps", "http", "https":
	default:
		return "", protocolf("%s: address with scheme %q", op, u.Scheme)
	}
	u.User = nil
	fixHost(u, c.xaddr.Hostname())
	return u.String(), nil
}

func atoi(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 || n > 1<<20 {
		return 0
	}
	return n
}

func atof(s string) float64 {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 0 || f > 1e6 {
		return 0
	}
	return f
}
