package onvif

import (
	"net/url"
	"strings"
)

// ScopeInfo is what a device's scopes say about it for a person.
type ScopeInfo struct {
	Name, Location, Hardware string
}

// ParseScopes reads the onvif://www.onvif.org/name/…, /location/… and
// /hardware/… scopes (ONVIF Core 7.3.2.2), URL-decoded ("Front%20Door" →
// "Front Door"); a later scope of a kind is appended after a space, as
// cameras split a name over several ("name/Front", "name/Door").
func ParseScopes(scopes []string) ScopeInfo {
	var si ScopeInfo
	for _, s := range scopes {
		const pfx = "onvif://www.onvif.org/"
		if len(s) < len(pfx) || !strings.EqualFold(s[:len(pfx)], pfx) {
			continue
		}
		kind, val, ok := strings.Cut(s[len(pfx):], "/")
		if !ok || val == "" {
			continue
		}
		if v, err := url.PathUnescape(val); err == nil {
			val = v
		}
		val = strings.TrimSpace(strings.ReplaceAll(val, "/", " "))
		if len(val) > 256 {
			val = val[:256]
		}
		switch strings.ToLower(kind) {
		case "name":
			si.Name = join(si.Name, val)
		case "location":
			si.Location = join(si.Location, val)
		case "hardware":
			si.Hardware = join(si.Hardware, val)
		}
	}
	return si
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}
