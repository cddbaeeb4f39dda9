package ui

import (
	"context"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"github.com/rtspview/rtspview/onvif"
)

// ptzAttach gives a tile of a camera that moves its PTZ controls, and
// takes them from one that does not (another camera in the tile). It
// runs whenever the tile's wall entry changes (ui/wall.go wallChanged).
func (v *Viewer) ptzAttach(ts *tileState) {
	f := v.finder()
	o := ts.w.cam.ONVIF
	if o == nil || !o.PTZ || o.XAddr == "" || o.Profile == "" {
		if d := f.ptz[ts]; d != nil {
			d.cancel()
			delete(f.ptz, ts)
		}
		ts.tile.ptzEnable(nil)
		return
	}
	ts.tile.ptzEnable(func(vel onvif.Velocity, hold time.Duration) { v.ptzDriverFor(ts).set(vel, hold) })
	v.ptzDriverFor(ts).readPresets(nil) // for the tile menu, before it opens
}

// ptzDriverFor is the tile's PTZ driver, started for the camera's
// device, profile and login; a new one replaces it when those change.
func (v *Viewer) ptzDriverFor(ts *tileState) *ptzDriver {
	f := v.finder()
	o := ts.w.cam.ONVIF
	v.mu.Lock()
	cfg := onvif.Config{XAddr: o.XAddr, Username: ts.user, Password: ts.pass, Timeout: 3 * time.Second}
	v.mu.Unlock()
	if d := f.ptz[ts]; d != nil && d.cfg == cfg && d.profile == o.Profile {
		return d
	} else if d != nil {
		d.cancel()
	}
	d := newPTZDriver(cfg, o.Profile)
	d.report = func(err error) { v.do(func() { v.ptzReport(ts, err) }) }
	ctx, cancel := context.WithCancel(stopContext{v.stop})
	d.cancel = cancel
	f.ptz[ts] = d
	v.goBackground(ctx, d.run)
	return d
}

// ptzFailed starts the words a tile shows when its camera did not take a
// PTZ request.
const ptzFailed = "Camera control: "

// ptzReport shows a failed PTZ request on the tile, and takes the words
// away once the camera answers again.
func (v *Viewer) ptzReport(ts *tileState, err error) {
	switch {
	case err != nil:
		ts.tile.SetOverlay(ptzFailed + onvif.Sentence(err))
	case strings.HasPrefix(ts.tile.Overlay(), ptzFailed):
		ts.tile.SetOverlay("")
	}
}

// addPTZMenu puts the camera's presets into a PTZ tile's menu, after
// Snapshot: a preset moves the camera there.
func (v *Viewer) addPTZMenu(menu *fyne.Menu, ts *tileState) {
	if ts.tile.ptz.move == nil {
		return
	}
	d := v.ptzDriverFor(ts)
	presets, read, err := d.readPresets(nil)
	item := fyne.NewMenuItem("Go to preset", nil)
	switch {
	case !read:
		item.Label, item.Disabled = "Presets: asking the camera…", true
	case err != nil:
		item.Label, item.Disabled = "Presets: "+onvif.Sentence(err), true
	case len(presets) == 0:
		item.Label, item.Disabled = "No presets on this camera", true
	default:
		var items []*fyne.MenuItem
		for _, p := range presets {
			name := strings.TrimSpace(cleanText(p.Name))
			if name == "" {
				name = cleanText(p.Token)
			}
			items = append(items, fyne.NewMenuItem(name, func() { d.gotoPreset(p.Token) }))
		}
		item.ChildMenu = fyne.NewMenu("", items...)
	}
	at := slices.IndexFunc(menu.Items, func(it *fyne.MenuItem) bool { return it.Label == "Snapshot" }) + 1
	menu.Items = slices.Insert(menu.Items, at, item)
}

// ptzKeys is a PTZ move by the keyboard in progress: Ctrl with an arrow
// pans and tilts the selected tile's camera, Ctrl with Page Up or Page
// Down zooms, while held. The plain arrows keep their wall meaning (ui/
// selection.go); with Ctrl, Fyne sends them as a shortcut rather than a
// typed key, so they never reach it.
type ptzKeys struct {
	held fyne.KeyName
	tile *Tile
}

var ptzKeyVelocity = map[fyne.KeyName]onvif.Velocity{
	fyne.KeyUp:       {Tilt: 0.5},
	fyne.KeyDown:     {Tilt: -0.5},
	fyne.KeyLeft:     {Pan: -0.5},
	fyne.KeyRight:    {Pan: 0.5},
	fyne.KeyPageUp:   {Zoom: 0.5},
	fyne.KeyPageDown: {Zoom: -0.5},
}

// ptzKey takes a key going down or up; it reports whether it was a PTZ
// key.
func (v *Viewer) ptzKey(ev *fyne.KeyEvent, down bool) bool {
	k := &v.finder().keys
	if !down {
		if k.held == "" || (ev.Name != k.held && !isControlKey(ev.Name)) {
			return false
		}
		if k.tile.ptz.move != nil {
			k.tile.ptz.move(onvif.Velocity{}, 0)
		}
		k.held, k.tile = "", nil
		return true
	}
	vel, ok := ptzKeyVelocity[ev.Name]
	if !ok || v.keys.mods()&fyne.KeyModifierControl == 0 || v.win.Canvas().Overlays().Top() != nil {
		return false
	}
	v.mu.Lock()
	var t *Tile
	if len(v.tiles) > 0 {
		t = v.tiles[v.selected].tile
	}
	v.mu.Unlock()
	if t == nil || t.ptz.move == nil {
		return false
	}
	if k.tile != nil && k.tile != t && k.tile.ptz.move != nil {
		k.tile.ptz.move(onvif.Velocity{}, 0)
	}
	k.held, k.tile = ev.Name, t
	t.ptz.move(vel, ptzHold)
	return true
}

func isControlKey(k fyne.KeyName) bool {
	return k == desktop.KeyControlLeft || k == desktop.KeyControlRight
}

// KeyDown implements desktop.Keyable: the wall, once it has the keys,
// sees them go down and up (PTZ moves while a key is held).
func (a *wallArea) KeyDown(ev *fyne.KeyEvent) { a.v.ptzKey(ev, true) }

// KeyUp implements desktop.Keyable.
func (a *wallArea) KeyUp(ev *fyne.KeyEvent) { a.v.ptzKey(ev, false) }
