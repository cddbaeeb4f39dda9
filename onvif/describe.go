package onvif

import (
	"context"
	"errors"
	"sort"
)

// Camera is what a viewer needs of one device: who it is, its streams
// and whether it moves. Addresses never carry credentials.
type Camera struct {
	// Endpoint is the device's urn:uuid: from WS-Discovery, or asked with
	// GetEndpointReference when the device was asked by address ("" when
	// it would not say).
	Endpoint    string
	XAddr       string // device service address
	Name        string // from the name scope
	Location    string // from the location scope
	Info        DeviceInfo
	PTZ         bool
	SnapshotURL string
	Profiles    []Stream
}

// Stream is a profile and its RTSP address ("" when the device would not
// give one for it).
type Stream struct {
	Profile
	URL string
}

// Describe asks the device at cfg.XAddr, in this order, for its clock
// (for the WS-Security digest), its services, its maker and model, its
// scopes and endpoint reference (unless the caller has them from
// WS-Discovery), its profiles
// with their RTSP addresses, and a snapshot address. It returns the
// client for later calls (PTZ), and the first error that stops it: the
// Camera then holds what was learned before it.
func Describe(ctx context.Context, cfg Config, scopes []string) (Camera, *Client, error) {
	cam := Camera{XAddr: redact(cfg.XAddr)}
	if si := ParseScopes(scopes); scopes != nil {
		cam.Name, cam.Location = si.Name, si.Location
	}
	c, err := NewClient(cfg)
	if err != nil {
		return cam, nil, err
	}
	cam.XAddr = c.XAddr()
	if _, err := c.SystemTime(ctx); err != nil {
		// A device that does not answer at all is not asked four more
		// times; one that answers without a usable clock is asked on with
		// ours (its digest may still pass).
		if k := Kind(err); k == KindTimeout || k == KindRefused {
			return cam, c, err
		}
	}
	svc, err := c.Endpoints(ctx)
	if err != nil {
		return cam, c, err
	}
	info, err := c.DeviceInformation(ctx)
	if err != nil {
		return cam, c, err
	}
	cam.Info = info
	if scopes == nil {
		// Asked by address: the identity WS-Discovery would have given.
		if ep, err := c.EndpointReference(ctx); err == nil {
			cam.Endpoint = ep
		} else if Kind(err) == KindTimeout {
			return cam, c, err
		}
		if sc, err := c.Scopes(ctx); err == nil {
			si := ParseScopes(sc)
			cam.Name, cam.Location = si.Name, si.Location
		} else if Kind(err) == KindTimeout {
			return cam, c, err
		}
	}
	profiles, err := c.Profiles(ctx)
	if err != nil {
		return cam, c, err
	}
	for _, p := range profiles {
		s := Stream{Profile: p}
		if u, err := c.StreamURI(ctx, p); err == nil {
			s.URL = u
		} else if k := Kind(err); k == KindUnauthorized || k == KindTimeout {
			return cam, c, err
		}
		cam.Profiles = append(cam.Profiles, s)
		cam.PTZ = cam.PTZ || (p.PTZ && svc.PTZ != "")
	}
	if len(profiles) > 0 {
		if u, err := c.SnapshotURI(ctx, profiles[0]); err == nil {
			cam.SnapshotURL = u
		} else if errors.Is(err, ErrTimeout) {
			return cam, c, err
		}
	}
	return cam, c, nil
}

// MainAndSub picks a wall tile's streams: the H.264/H.265 profile with the
// most pixels as main, the one with the fewest as sub (nil when there is
// only one such profile). Profiles of other codecs (JPEG, MPEG4) are used
// only when there is no H.264/H.265 one; a profile without an address is
// never picked.
func MainAndSub(streams []Stream) (main, sub *Stream) {
	var pick []*Stream
	for pass := 0; pass < 2 && len(pick) == 0; pass++ {
		for i := range streams {
			s := &streams[i]
			modern := s.Encoding == "H264" || s.Encoding == "H265"
			if s.URL != "" && (modern || pass == 1) {
				pick = append(pick, s)
			}
		}
	}
	if len(pick) == 0 {
		return nil, nil
	}
	sort.SliceStable(pick, func(i, j int) bool { return pick[i].Width*pick[i].Height > pick[j].Width*pick[j].Height })
	main = pick[0]
	if last := pick[len(pick)-1]; last != main && last.Width*last.Height < main.Width*main.Height {
		sub = last
	}
	return main, sub
}
