package ui

import (
	"context"
	"net"
	"net/url"
	"slices"
	"time"

	"github.com/rtspview/rtspview/internal/wall"
	"github.com/rtspview/rtspview/onvif"
	"github.com/rtspview/rtspview/player"
)

// movedEvery bounds the probes for one camera that stopped answering: a
// camera that is off, not moved, is not looked for more than this often.
const movedEvery = 30 * time.Second

// movedState is the search for cameras that stopped answering (a new
// DHCP address). UI thread only.
type movedState struct {
	probing bool
	last    map[string]time.Time // endpoint → last searched
	waiting []*tileState
}

// movedCamera is what the search needs of one tile, taken on the UI
// thread.
type movedCamera struct {
	ts         *tileState
	o          wall.ONVIF
	user, pass string
}

// movedResult is a tile's camera found at a new address: its entry with
// the new addresses.
type movedResult struct {
	ts  *tileState
	cam wall.Camera
}

// cameraMoved runs for each state of a tile's stream (ui/viewer.go
// onStatus). When a camera added by ONVIF cannot be reached (refused,
// timed out), a WS-Discovery probe looks for its endpoint; found at
// another address, the tile's addresses (and the wall file) follow.
func (v *Viewer) cameraMoved(ts *tileState, st player.Status) {
	o := ts.w.cam.ONVIF
	if o == nil || o.Endpoint == "" || (st.State != player.StateReconnecting && st.State != player.StateFailed) ||
		(st.Kind != player.KindRefused && st.Kind != player.KindTimeout) {
		return
	}
	m := &v.finder().moved
	if m.last == nil {
		m.last = map[string]time.Time{}
	}
	if t, ok := m.last[o.Endpoint]; ok && time.Since(t) < movedEvery {
		return
	}
	m.last[o.Endpoint] = time.Now()
	if !slices.Contains(m.waiting, ts) {
		m.waiting = append(m.waiting, ts)
	}
	v.searchMoved()
}

// searchMoved probes for the waiting tiles' cameras, one probe at a time.
func (v *Viewer) searchMoved() {
	f := v.finder()
	m := &f.moved
	if m.probing || len(m.waiting) == 0 {
		return
	}
	var cams []movedCamera
	v.mu.Lock()
	for _, ts := range m.waiting {
		if o := ts.w.cam.ONVIF; o != nil && slices.Contains(v.tiles, ts) {
			cams = append(cams, movedCamera{ts: ts, o: *o, user: ts.user, pass: ts.pass})
		}
	}
	v.mu.Unlock()
	m.waiting = nil
	if len(cams) == 0 {
		return
	}
	m.probing = true
	probe, probeTime := f.probe, f.probeTime
	ok := v.goBackground(stopContext{v.stop}, func(ctx context.Context) {
		pctx, cancel := context.WithTimeout(ctx, probeTime)
		found, _ := probe(pctx)
		cancel()
		var moved []movedResult
		for _, c := range cams {
			if cam, ok := findMoved(ctx, c, found); ok {
				moved = append(moved, movedResult{c.ts, cam})
			}
		}
		v.do(func() {
			m.probing = false
			for _, r := range moved {
				v.moveCameraTile(r.ts, r.cam)
			}
			v.searchMoved() // tiles that failed while this probe ran
		})
	})
	if !ok {
		m.probing = false
	}
}

// findMoved looks for c's endpoint among the devices found at another
// address, and asks it there for the stream addresses of the same
// profiles. A device that does not answer that keeps its paths, on the
// new host.
func findMoved(ctx context.Context, c movedCamera, found []onvif.Discovered) (wall.Camera, bool) {
	i := slices.IndexFunc(found, func(d onvif.Discovered) bool { return d.Endpoint == c.o.Endpoint && d.XAddr() != "" })
	if i < 0 || sameHost(found[i].XAddr(), c.o.XAddr) {
		return wall.Camera{}, false // not found, or not moved: it is off
	}
	d := found[i]
	cam := c.ts.w.cam // read-only here: the UI thread replaces it, never edits it
	o := *cam.ONVIF
	o.XAddr = d.XAddr()
	cam.ONVIF = &o
	host := hostOnly(d.XAddr())
	cam.URL, cam.SubURL = withHost(cam.URL, host), withHost(cam.SubURL, host)
	dctx, cancel := context.WithTimeout(ctx, describeTime)
	defer cancel()
	if got, _, err := onvif.Describe(dctx, onvif.Config{XAddr: o.XAddr, Username: c.user, Password: c.pass, Timeout: 4 * time.Second}, d.Scopes); err == nil {
		for _, s := range got.Profiles {
			switch {
			case s.URL == "":
			case s.Token == o.Profile:
				cam.URL = s.URL
			case s.Token == o.SubProfile:
				cam.SubURL = s.URL
			}
		}
	}
	return cam, true
}

// moveCameraTile plays the tile's camera at its new addresses; the wall file is
// saved with them (wallChanged).
func (v *Viewer) moveCameraTile(ts *tileState, cam wall.Camera) {
	v.mu.Lock()
	i := slices.Index(v.tiles, ts)
	if i < 0 || ts.w.cam.ONVIF == nil || ts.w.cam.ONVIF.Endpoint != cam.ONVIF.Endpoint {
		v.mu.Unlock()
		return // removed, or another camera now, while the probe ran
	}
	v.selected = i
	user, pass, tr, port := ts.user, ts.pass, ts.transport, ts.tunnelPort
	v.mu.Unlock()
	v.walls().pending = &cam
	v.openWith(cam.URL, user, pass, false, tr, port)
	v.status.SetText(displayName(cam) + " answered at " + hostLabel(hostOfXAddr(cam.ONVIF.XAddr)) + ": its addresses were updated")
}

func hostOnly(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

func sameHost(a, b string) bool { return hostOnly(a) == hostOnly(b) }

// withHost is raw with its host replaced, its port and path kept; "" and
// an address that does not parse stay as they are.
func withHost(raw, host string) string {
	u, err := url.Parse(raw)
	if raw == "" || host == "" || err != nil || u.Host == "" {
		return raw
	}
	if p := u.Port(); p != "" {
		u.Host = net.JoinHostPort(host, p)
	} else if net.ParseIP(host) != nil && net.ParseIP(host).To4() == nil {
		u.Host = "[" + host + "]"
	} else {
		u.Host = host
	}
	return u.String()
}
