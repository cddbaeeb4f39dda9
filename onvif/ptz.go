package onvif

import (
	"context"
	"errors"
	"math"
	"strconv"
	"time"
)

// Velocity is a continuous move in ONVIF's generic space: each part from
// -1 to 1 (values outside are clamped). Pan is right positive, Tilt up
// positive, Zoom in positive. A zero part is left out of the request.
type Velocity struct {
	Pan, Tilt, Zoom float64
}

// Preset is a stored PTZ position.
type Preset struct {
	Token, Name string
}

// ContinuousMove starts moving at v until Stop (or the camera's own
// timeout). timeout > 0 sends ONVIF's Timeout; zero leaves it out,
// because some cameras (Bosch) refuse the field: the caller then bounds
// the move with its own Stop.
func (c *Client) ContinuousMove(ctx context.Context, profileToken string, v Velocity, timeout time.Duration) error {
	addr, err := c.ptzService(ctx, "ContinuousMove")
	if err != nil {
		return err
	}
	_, err = c.call(ctx, addr, request{op: "ContinuousMove", ns: nsPTZ, body: continuousMoveBody(profileToken, v, timeout)}, false)
	return err
}

func continuousMoveBody(profileToken string, v Velocity, timeout time.Duration) string {
	vel := ""
	pan, tilt, zoom := clampUnit(v.Pan), clampUnit(v.Tilt), clampUnit(v.Zoom)
	if pan != 0 || tilt != 0 || zoom == 0 {
		vel += `<PanTilt xmlns="` + nsSchema + `" x="` + fmtUnit(pan) + `" y="` + fmtUnit(tilt) + `"/>`
	}
	if zoom != 0 {
		vel += `<Zoom xmlns="` + nsSchema + `" x="` + fmtUnit(zoom) + `"/>`
	}
	body := `<ContinuousMove xmlns="` + nsPTZ + `"><ProfileToken>` + escape(profileToken) + `</ProfileToken>` +
		`<Velocity>` + vel + `</Velocity>`
	if timeout > 0 {
		body += `<Timeout>` + isoDuration(timeout) + `</Timeout>`
	}
	return body + `</ContinuousMove>`
}

// Stop ends any move of the profile's PTZ node. It asks for pan/tilt and
// zoom to stop (PanTilt and Zoom true: a Stop with either false or
// absent fails on some Hikvision models with InvalidArgVal); when the
// camera refuses that with a fault, it sends the bare Stop the spec
// says stops everything, and when that fails too, a zero-velocity
// ContinuousMove, which stops cameras whose Stop does nothing.
func (c *Client) Stop(ctx context.Context, profileToken string) error {
	addr, err := c.ptzService(ctx, "Stop")
	if err != nil {
		return err
	}
	tok := `<ProfileToken>` + escape(profileToken) + `</ProfileToken>`
	_, err = c.call(ctx, addr, request{op: "Stop", ns: nsPTZ,
		body: `<Stop xmlns="` + nsPTZ + `">` + tok + `<PanTilt>true</PanTilt><Zoom>true</Zoom></Stop>`}, false)
	var f *Fault
	if !errors.As(err, &f) || Kind(err) == KindUnauthorized {
		return err
	}
	_, err = c.call(ctx, addr, request{op: "Stop", ns: nsPTZ, body: `<Stop xmlns="` + nsPTZ + `">` + tok + `</Stop>`}, false)
	if !errors.As(err, &f) || Kind(err) == KindUnauthorized {
		return err
	}
	_, err2 := c.call(ctx, addr, request{op: "ContinuousMove", ns: nsPTZ, body: continuousMoveBody(profileToken, Velocity{}, 0)}, false)
	if err2 != nil {
		return err
	}
	return nil
}

// Presets lists the stored positions of the profile's PTZ node.
func (c *Client) Presets(ctx context.Context, profileToken string) ([]Preset, error) {
	addr, err := c.ptzService(ctx, "GetPresets")
	if err != nil {
		return nil, err
	}
	res, err := c.call(ctx, addr, request{op: "GetPresets", ns: nsPTZ,
		body: `<GetPresets xmlns="` + nsPTZ + `"><ProfileToken>` + escape(profileToken) + `</ProfileToken></GetPresets>`}, false)
	if err != nil {
		return nil, err
	}
	var out []Preset
	for _, p := range res.children("Preset") {
		if tok := p.attrValue("token"); tok != "" {
			out = append(out, Preset{Token: tok, Name: p.str("Name")})
		}
	}
	return out, nil
}

// GotoPreset moves to a stored position at the camera's default speed.
func (c *Client) GotoPreset(ctx context.Context, profileToken, presetToken string) error {
	addr, err := c.ptzService(ctx, "GotoPreset")
	if err != nil {
		return err
	}
	_, err = c.call(ctx, addr, request{op: "GotoPreset", ns: nsPTZ,
		body: `<GotoPreset xmlns="` + nsPTZ + `"><ProfileToken>` + escape(profileToken) + `</ProfileToken>` +
			`<PresetToken>` + escape(presetToken) + `</PresetToken></GotoPreset>`}, false)
	return err
}

func (c *Client) ptzService(ctx context.Context, op string) (string, error) {
	svc, err := c.servicesFor(ctx)
	if err != nil {
		return "", err
	}
	if svc.PTZ == "" {
		return "", errNoService(op, "PTZ")
	}
	return svc.PTZ, nil
}

func clampUnit(f float64) float64 {
	if math.IsNaN(f) {
		return 0
	}
	return math.Max(-1, math.Min(1, f))
}

func fmtUnit(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// isoDuration is d as an xs:duration in whole seconds, at least PT1S.
func isoDuration(d time.Duration) string {
	s := int64(math.Ceil(d.Seconds()))
	if s < 1 {
		s = 1
	}
	return "PT" + strconv.FormatInt(s, 10) + "S"
}
