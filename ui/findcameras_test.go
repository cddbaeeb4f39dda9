package ui

import (
	"context"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/secrets"
	"github.com/rtspview/rtspview/onvif"
	"github.com/rtspview/rtspview/onvif/onviftest"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// simulatedCamera is an onviftest device whose two profiles play from
// real RTSP servers: main (1920×1080) and sub (640×360).
func simulatedCamera(t *testing.T, o onviftest.Options, mainURL, subURL string) *onviftest.Device {
	t.Helper()
	o.Profiles = []onviftest.Profile{
		{Token: "Profile_1", Name: "mainStream", Width: 1920, Height: 1080, URL: mainURL},
		{Token: "Profile_2", Name: "subStream", Width: 640, Height: 360, URL: subURL},
	}
	return onviftest.Start(t, o)
}

func hostPortOf(t *testing.T, xaddr string) string {
	u, err := url.Parse(xaddr)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

// Find cameras → Add by address (a camera on another subnet, which
// multicast does not reach: the probe runs for real, and finds none here)
// → the login once → Add all: a tile per camera, named from the device,
// playing its sub-stream in the small tiles, the password in the keyring,
// the device's address, endpoint reference (asked with
// GetEndpointReference, so a camera added by address is found again after
// it moves) and profile tokens in the wall file.
func TestFindCamerasAddAllPlaysSubStreams(t *testing.T) {
	mainA := rtsptest.StartDemo(t, demo.Config{Path: "/main"})
	mainB := rtsptest.StartDemo(t, demo.Config{Path: "/main"})
	// A sub-stream server for each camera, as real cameras have: two
	// sessions set up over UDP at once on one gortsplib stream race
	// inside gortsplib v5.6.4 (ServerStream.readerAdd reads another
	// session's medias while it writes them), which -race reports.
	subs := []*demo.Server{rtsptest.StartDemo(t, demo.Config{Path: "/sub"}), rtsptest.StartDemo(t, demo.Config{Path: "/sub"})}
	mains := []string{mainA.URL(), mainB.URL()}
	devs := []*onviftest.Device{
		simulatedCamera(t, onviftest.Options{Username: "admin", Password: "k9&pw", Auth: "digest", Name: "Front Door", Location: "Porch",
			Manufacturer: "Bars Camera Co", Model: "BC-2042", Prefixes: "hik"}, mains[0], subs[0].URL()),
		simulatedCamera(t, onviftest.Options{Username: "admin", Password: "k9&pw", Name: "Garage", Manufacturer: "Acme", Model: "Dome 5",
			PTZ: true, Skew: 3 * time.Minute}, mains[1], subs[1].URL()),
	}
	path := filepath.Join(t.TempDir(), "wall.json")
	kr := &memKeyring{items: map[string]string{}}
	v, w := newTestViewer(t, Options{WallPath: path, Secrets: secrets.NewWithBackend(kr)})
	w.Resize(fyne.NewSize(900, 700))
	onUI(v.Start) // the status ticks switch small tiles to sub-streams

	onUI(v.showFindCameras)
	fd := v.cams.open
	if fd == nil {
		t.Fatal("no dialog")
	}
	onUI(func() {
		fd.pass.SetText("k9&pw")
		for _, d := range devs {
			fd.addr.SetText(hostPortOf(t, d.XAddr))
			fd.askAddress()
		}
	})
	listed := time.Now()
	waitFor(t, 15*time.Second, "both cameras read, with thumbnails", func() bool {
		return len(fd.rows) == 2 && fd.rows[0].addable() && fd.rows[1].addable() && fd.rows[0].picture && fd.rows[1].picture
	})
	t.Logf("address typed → rows read with thumbnails: %v", time.Since(listed).Round(10*time.Millisecond))
	onUI(func() {
		r := fd.rows[0]
		if r.title.Text != "Front Door" || !strings.Contains(r.detail.Text, "Porch · Bars Camera Co BC-2042 · 127.0.0.1:") ||
			r.streams.Text != "Streams: 1920×1080 H264 (main), 640×360 H264 (sub)" || r.note.Text != "Ready to add" {
			t.Errorf("row %q / %q / %q / %q", r.title.Text, r.detail.Text, r.streams.Text, r.note.Text)
		}
		if n := fd.rows[1].note.Text; n != "Ready to add · pans, tilts and zooms" {
			t.Errorf("PTZ row %q", n)
		}
	})
	waitFor(t, 5*time.Second, "the probe's answer", func() bool { return strings.Contains(fd.status.Text, " in ") })

	_, buttons := dialogParts(w)
	if buttons[findAddAll] == nil || buttons[findAddAll].Disabled() {
		t.Fatal("Add all is not offered")
	}
	added := time.Now()
	onUI(func() { test.Tap(buttons[findAddAll]) })
	tiles := v.Tiles()
	if len(tiles) != 2 {
		t.Fatalf("%d tiles after Add all", len(tiles))
	}
	for _, tile := range tiles {
		waitPicture(t, tile)
	}
	t.Logf("Add all → both tiles playing: %v", time.Since(added).Round(10*time.Millisecond))
	waitFor(t, 10*time.Second, "the small tiles on the sub-stream", func() bool {
		v.mu.Lock()
		defer v.mu.Unlock()
		for _, ts := range v.tiles {
			if (ts.dial != subs[0].URL() && ts.dial != subs[1].URL()) || !hasPicture(ts.tile) {
				return false
			}
		}
		return true
	})
	onUI(func() {
		if tiles[0].Name() != "Front Door" || tiles[1].Name() != "Garage" {
			t.Errorf("names %q %q", tiles[0].Name(), tiles[1].Name())
		}
		if fd.rows[0].note.Text != findAdded || !fd.addAll.Disabled() {
			t.Errorf("after Add all: %q, Add all enabled %v", fd.rows[0].note.Text, !fd.addAll.Disabled())
		}
		if tiles[0].ptz.move != nil || tiles[1].ptz.move == nil {
			t.Errorf("PTZ controls on the wrong tiles")
		}
	})
	saved := loadWall(t, path)
	if len(saved.Cameras) != 2 {
		t.Fatalf("%d cameras saved", len(saved.Cameras))
	}
	for i, c := range saved.Cameras {
		o := c.ONVIF
		if c.URL != mains[i] || c.SubURL != subs[i].URL() || c.User != "admin" || c.PasswordRef != "keyring" ||
			o == nil || o.XAddr != devs[i].XAddr || o.Endpoint != devs[i].Endpoint() || o.Profile != "Profile_1" || o.SubProfile != "Profile_2" || o.PTZ != (i == 1) {
			t.Errorf("camera %d saved as %+v onvif %+v", i, c, o)
		}
	}
	if kr.items[secrets.Service+"/"+secrets.Key(mains[1], "admin")] != "k9&pw" {
		t.Errorf("the password is not in the keyring: %v", kr.items)
	}

	// Found again: listed as on the wall, and not added twice.
	onUI(func() { fd.d.Hide() })
	onUI(v.showFindCameras)
	fd = v.cams.open
	onUI(func() {
		fd.pass.SetText("k9&pw")
		fd.addr.SetText(hostPortOf(t, devs[0].XAddr))
		fd.askAddress()
	})
	waitFor(t, 10*time.Second, "the camera marked as on the wall", func() bool {
		return len(fd.rows) == 1 && fd.rows[0].note.Text == findOnWall && fd.rows[0].add.Disabled()
	})
}

// Without the password the row says what it needs; a wrong one says the
// camera refused it; the typed address that is not one says so.
func TestFindCamerasAsksForThePassword(t *testing.T) {
	dev := simulatedCamera(t, onviftest.Options{Username: "admin", Password: "right", Name: "Yard"}, "rtsp://127.0.0.1:1/a", "")
	v, _ := newTestViewer(t, Options{Secrets: secrets.NewWithBackend(nil)})
	onUI(v.showFindCameras)
	fd := v.cams.open
	onUI(func() {
		fd.user.SetText("")
		fd.addr.SetText(hostPortOf(t, dev.XAddr))
		fd.askAddress()
	})
	waitFor(t, 10*time.Second, "the row asking for a password", func() bool {
		return len(fd.rows) == 1 && fd.rows[0].note.Text == findNeedsPw && fd.rows[0].add.Disabled()
	})
	onUI(func() {
		fd.user.SetText("admin")
		fd.pass.SetText("wrong")
		fd.signIn()
	})
	waitFor(t, 10*time.Second, "the refusal", func() bool {
		return strings.Contains(fd.rows[0].note.Text, "password") && fd.rows[0].note.Text != findNeedsPw && !fd.rows[0].ready
	})
	onUI(func() {
		fd.addr.SetText("http://[::1")
		fd.askAddress()
	})
	if !strings.Contains(fd.status.Text, "is not an address") {
		t.Fatalf("status %q", fd.status.Text)
	}
}

// A camera typed in after the probe has answered: the status line says
// "Asking HOST…" while it is asked and what came of it once it has, not
// "Asking" for ever (seen driving the window under Xvfb).
func TestFindCamerasStatusSaysTheAnswer(t *testing.T) {
	dev := simulatedCamera(t, onviftest.Options{Username: "admin", Password: "right", Name: "Yard"}, "rtsp://127.0.0.1:1/a", "")
	v, _ := newTestViewer(t, Options{Secrets: secrets.NewWithBackend(nil)})
	onUI(v.showFindCameras)
	fd := v.cams.open
	waitFor(t, 10*time.Second, "the probe's answer", func() bool { return strings.Contains(fd.status.Text, " in ") })
	host := hostPortOf(t, dev.XAddr)
	onUI(func() {
		fd.pass.SetText("right")
		fd.addr.SetText(host)
		fd.askAddress()
	})
	waitFor(t, 10*time.Second, "the row read", func() bool { return len(fd.rows) == 1 && fd.rows[0].ready })
	onUI(func() {
		if want := host + " answered: Yard."; fd.status.Text != want {
			t.Errorf("status %q, want %q", fd.status.Text, want)
		}
		// Typed again: listed already, answered at once.
		fd.addr.SetText(host)
		fd.askAddress()
		if want := host + " answered: Yard."; fd.status.Text != want {
			t.Errorf("asked again: status %q, want %q", fd.status.Text, want)
		}
	})
}

// A PTZ camera's tile: a drag on the picture sends ContinuousMove the way
// the pointer went, then Stop at the release; Ctrl+← does the same while
// held (a plain ← moves the selection); a wheel step zooms and stops by
// itself; a button of the pad moves while held; a preset from the tile
// menu is gone to.
func TestPTZDragKeysWheelAndPresets(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{})
	dev := onviftest.Start(t, onviftest.Options{Username: "admin", Password: "pw", PTZ: true, Name: "Mast",
		Profiles: []onviftest.Profile{{Token: "Profile_1", Width: 1280, Height: 720, URL: srv.URL()}}})
	v, _ := newTestViewer(t, Options{Secrets: secrets.NewWithBackend(nil)})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cam, _, err := onvif.Describe(ctx, onvif.Config{XAddr: dev.XAddr, Username: "admin", Password: "pw"}, nil)
	if err != nil || !cam.PTZ {
		t.Fatalf("describe: %v, ptz %v", err, cam.PTZ)
	}
	onUI(func() { v.addONVIFCamera(cam, dev.Endpoint(), "admin", "pw") })
	tile := v.Tiles()[0]
	waitPicture(t, tile)
	onUI(func() {
		if tile.ptz.move == nil {
			t.Fatalf("no PTZ on the tile: %+v", v.tiles[0].w.cam.ONVIF)
		}
	})
	moves := func(from int) []string { return dev.Moves()[from:] }
	waitMoves := func(what string, from int, want ...string) {
		t.Helper()
		waitFor(t, 10*time.Second, what, func() bool {
			got := moves(from)
			if len(got) < len(want) {
				return false
			}
			for i, w := range want {
				if !strings.Contains(got[len(got)-len(want)+i], w) {
					return false
				}
			}
			return true
		})
	}

	// Drag right and up on the picture.
	onUI(func() {
		top := tile.image.Position().Y
		start := fyne.NewPos(tile.Size().Width/2, top+100)
		for _, d := range []fyne.Delta{{DX: 20, DY: 0}, {DX: 30, DY: -40}} {
			start = start.Add(fyne.NewPos(d.DX, d.DY))
			tile.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: start}, Dragged: d})
		}
		tile.DragEnd()
	})
	waitMoves("drag: move then stop", 0, "ContinuousMove Profile_1 pan=0.", "Stop Profile_1")
	got := moves(0)
	if strings.Contains(got[0], "pan=0 ") || strings.Contains(got[len(got)-2], "tilt=0 ") || strings.Contains(got[len(got)-2], "tilt=-") {
		t.Errorf("a drag right and up moved %v", got)
	}
	if len(v.Tiles()) != 1 || tile.drag.dragging {
		t.Errorf("the PTZ drag moved the tile")
	}

	// Ctrl+← while held; a plain ← is the wall's.
	n := len(dev.Moves())
	v.keys.mods = func() fyne.KeyModifier { return 0 }
	if onUIBool(func() bool { return v.ptzKey(&fyne.KeyEvent{Name: fyne.KeyLeft}, true) }) {
		t.Fatal("a plain arrow moved the camera")
	}
	v.keys.mods = func() fyne.KeyModifier { return fyne.KeyModifierControl }
	onUI(func() { v.ptzKey(&fyne.KeyEvent{Name: fyne.KeyLeft}, true) })
	waitMoves("Ctrl+← down", n, "ContinuousMove Profile_1 pan=-0.5 tilt=0 ")
	onUI(func() { v.ptzKey(&fyne.KeyEvent{Name: fyne.KeyLeft}, false) })
	waitMoves("Ctrl+← up", n, "ContinuousMove Profile_1 pan=-0.5", "Stop Profile_1")

	// One wheel step: a zoom that stops with no release to wait for.
	n = len(dev.Moves())
	onUI(func() { tile.Scrolled(&fyne.ScrollEvent{Scrolled: fyne.Delta{DY: 1}}) })
	waitMoves("wheel: zoom, then stop by itself", n, "ContinuousMove Profile_1 pan= tilt= zoom=0.5", "Stop Profile_1")

	// The pad's ↓ while held.
	n = len(dev.Moves())
	onUI(func() {
		tile.ptzHover(true)
		down := tile.ptz.pad[1]
		if !down.Visible() {
			t.Error("the pad is not shown on hover")
		}
		down.MouseDown(&desktop.MouseEvent{Button: desktop.MouseButtonPrimary})
	})
	waitMoves("pad ↓ held", n, "ContinuousMove Profile_1 pan=0 tilt=-0.5 ")
	onUI(func() { tile.ptz.pad[1].MouseUp(&desktop.MouseEvent{Button: desktop.MouseButtonPrimary}) })
	waitMoves("pad ↓ let go", n, "ContinuousMove Profile_1 pan=0 tilt=-0.5 ", "Stop Profile_1")

	// Presets in the tile menu.
	var presets *fyne.MenuItem
	waitFor(t, 10*time.Second, "presets in the tile menu", func() bool {
		v.mu.Lock()
		ts := v.tiles[0]
		v.mu.Unlock()
		i := slices.IndexFunc(v.tileMenu(ts).Items, func(it *fyne.MenuItem) bool { return it.ChildMenu != nil })
		if i < 0 {
			return false
		}
		presets = v.tileMenu(ts).Items[i]
		return true
	})
	if presets.Label != "Go to preset" || len(presets.ChildMenu.Items) != 2 || presets.ChildMenu.Items[1].Label != "Yard" {
		t.Fatalf("presets item %q %v", presets.Label, presets.ChildMenu.Items)
	}
	onUI(presets.ChildMenu.Items[1].Action)
	waitMoves("GotoPreset", n, "GotoPreset Profile_1 2")
}

func onUIBool(f func() bool) bool {
	var b bool
	onUI(func() { b = f() })
	return b
}
