package onvif

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Services are the service addresses a device gave, resolved against the
// address it was reached at. Empty means the device has no such service.
type Services struct {
	Device string
	Media  string // media1 (ver10), what every Profile S camera has
	Media2 string // media2 (ver20), Profile T; H.265 on some cameras
	PTZ    string
}

// DeviceInfo is GetDeviceInformation's answer.
type DeviceInfo struct {
	Manufacturer, Model, Firmware, Serial, HardwareID string
}

// SystemTime asks the device's clock (GetSystemDateAndTime, which needs
// no credentials) and keeps the offset from ours for the WS-Security
// header of later calls. The offset is taken against the middle of the
// round trip.
func (c *Client) SystemTime(ctx context.Context) (time.Time, error) {
	start := time.Now()
	res, err := c.call(ctx, c.xaddr.String(), request{op: "GetSystemDateAndTime", ns: nsDevice,
		body: `<GetSystemDateAndTime xmlns="` + nsDevice + `"/>`}, true)
	if err != nil {
		return time.Time{}, err
	}
	end := time.Now()
	dt := res.child("SystemDateAndTime")
	utc := dt.child("UTCDateTime")
	if utc == nil {
		// Some cameras give only LocalDateTime and a POSIX TZ; without a
		// TZ parser, UTC offsets would be guesses: keep no offset.
		return time.Time{}, protocolf("GetSystemDateAndTime: no UTCDateTime")
	}
	num := func(path ...string) (int, bool) {
		v, err := strconv.Atoi(utc.str(path...))
		return v, err == nil
	}
	y, ok1 := num("Date", "Year")
	mo, ok2 := num("Date", "Month")
	d, ok3 := num("Date", "Day")
	h, ok4 := num("Time", "Hour")
	mi, ok5 := num("Time", "Minute")
	s, ok6 := num("Time", "Second")
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || y < 1970 || y > 9999 || mo < 1 || mo > 12 ||
		d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 60 {
		return time.Time{}, protocolf("GetSystemDateAndTime: unreadable UTCDateTime")
	}
	dev := time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC)
	mid := start.Add(end.Sub(start) / 2)
	c.mu.Lock()
	// The device gives whole seconds: an offset under a second is noise.
	c.offset = dev.Sub(mid).Truncate(time.Second)
	if c.offset > -time.Second && c.offset < time.Second {
		c.offset = 0
	}
	c.mu.Unlock()
	return dev, nil
}

// Endpoints finds the device's services: GetServices (ONVIF 2.x), and
// GetCapabilities where a device does not implement that (older
// firmware), or names no media service in it. They are kept for the
// media and PTZ calls.
func (c *Client) Endpoints(ctx context.Context) (Services, error) {
	svc, err := c.getServices(ctx)
	if k := Kind(err); k == KindUnauthorized || k == KindTimeout || k == KindRefused {
		return Services{}, err
	}
	if err != nil || (svc.Media == "" && svc.Media2 == "") {
		capSvc, cerr := c.getCapabilities(ctx)
		if cerr != nil {
			return Services{}, cerr
		}
		if capSvc.Media2 == "" {
			capSvc.Media2 = svc.Media2
		}
		svc = capSvc
	}
	if svc.Device == "" {
		svc.Device = c.xaddr.String()
	}
	c.mu.Lock()
	c.services = svc
	c.mu.Unlock()
	return svc, nil
}

func (c *Client) getServices(ctx context.Context) (Services, error) {
	res, err := c.call(ctx, c.xaddr.String(), request{op: "GetServices", ns: nsDevice,
		body: `<GetServices xmlns="` + nsDevice + `"><IncludeCapability>false</IncludeCapability></GetServices>`}, false)
	if err != nil {
		return Services{}, err
	}
	var s Services
	for _, sv := range res.children("Service") {
		addr := c.resolve(sv.str("XAddr"))
		switch strings.TrimSpace(sv.str("Namespace")) {
		case nsDevice:
			s.Device = addr
		case nsMedia:
			s.Media = addr
		case nsMedia2:
			s.Media2 = addr
		case nsPTZ:
			s.PTZ = addr
		}
	}
	return s, nil
}

func (c *Client) getCapabilities(ctx context.Context) (Services, error) {
	res, err := c.call(ctx, c.xaddr.String(), request{op: "GetCapabilities", ns: nsDevice,
		body: `<GetCapabilities xmlns="` + nsDevice + `"><Category>All</Category></GetCapabilities>`}, false)
	if err != nil {
		return Services{}, err
	}
	caps := res.child("Capabilities")
	if caps == nil {
		return Services{}, protocolf("GetCapabilities: no Capabilities")
	}
	return Services{
		Device: c.resolve(caps.str("Device", "XAddr")),
		Media:  c.resolve(caps.str("Media", "XAddr")),
		PTZ:    c.resolve(caps.str("PTZ", "XAddr")),
	}, nil
}

// DeviceInformation asks the maker, model and firmware.
func (c *Client) DeviceInformation(ctx context.Context) (DeviceInfo, error) {
	res, err := c.call(ctx, c.xaddr.String(), request{op: "GetDeviceInformation", ns: nsDevice,
		body: `<GetDeviceInformation xmlns="` + nsDevice + `"/>`}, false)
	if err != nil {
		return DeviceInfo{}, err
	}
	return DeviceInfo{
		Manufacturer: res.str("Manufacturer"),
		Model:        res.str("Model"),
		Firmware:     res.str("FirmwareVersion"),
		Serial:       res.str("SerialNumber"),
		HardwareID:   res.str("HardwareId"),
	}, nil
}

// Scopes asks the device's scope URIs (GetScopes), which carry its name
// and location (see ParseScopes) for a device not found by WS-Discovery.
func (c *Client) Scopes(ctx context.Context) ([]string, error) {
	res, err := c.call(ctx, c.xaddr.String(), request{op: "GetScopes", ns: nsDevice,
		body: `<GetScopes xmlns="` + nsDevice + `"/>`}, false)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range res.children("Scopes") {
		if item := s.str("ScopeItem"); item != "" {
			out = append(out, item)
		}
	}
	return out, nil
}

// EndpointReference asks the device's own identity (GetEndpointReference,
// ONVIF Core 8.1.2): the urn:uuid its WS-Discovery answers carry, so that
// a camera added by address is still known after it moves. Cameras answer
// the GUID with or without the "urn:uuid:" prefix, and some not at all
// (ErrNotSupported).
func (c *Client) EndpointReference(ctx context.Context) (string, error) {
	res, err := c.call(ctx, c.xaddr.String(), request{op: "GetEndpointReference", ns: nsDevice,
		body: `<GetEndpointReference xmlns="` + nsDevice + `"/>`}, false)
	if err != nil {
		return "", err
	}
	ep := normalEndpoint(res.str("GUID"))
	if ep == "" {
		return "", fmt.Errorf("GetEndpointReference: no usable GUID in the answer: %w", ErrProtocol)
	}
	return ep, nil
}

// normalEndpoint is an endpoint reference as WS-Discovery writes it: a
// bare UUID gains "urn:uuid:" (its case kept: the wall compares what was
// stored). "" for nothing usable (empty, over 256 bytes, or control
// characters).
func normalEndpoint(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 256 || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return ""
	}
	if isUUID(strings.ToLower(s)) {
		return "urn:uuid:" + s
	}
	return s
}

// isUUID reports whether s is 8-4-4-4-12 hex digits.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdef", r) {
				return false
			}
		}
	}
	return true
}

// services returns the kept services, asking the device when none are.
func (c *Client) servicesFor(ctx context.Context) (Services, error) {
	c.mu.Lock()
	s := c.services
	c.mu.Unlock()
	if s.Media != "" || s.Media2 != "" || s.PTZ != "" {
		return s, nil
	}
	return c.Endpoints(ctx)
}

// errNoService is a device without the service an operation needs.
func errNoService(op, what string) error {
	return fmt.Errorf("%s: the device has no %s service: %w (%w)", op, what, ErrNotSupported, ErrProtocol)
}
