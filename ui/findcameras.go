package ui

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/internal/wall"
	"github.com/rtspview/rtspview/onvif"
	"github.com/rtspview/rtspview/player"
)

// cameraFinder is the window's ONVIF side: the Find cameras dialog, the
// PTZ of tiles that move (ui/ptz.go) and the search for cameras that got
// a new address (ui/cameramoved.go). UI thread only.
type cameraFinder struct {
	// probe runs WS-Discovery; nil means onvif.Probe on every interface.
	// Tests that cannot send multicast (it needs network namespaces:
	// onvif's own test does that) give one that answers with their
	// simulated devices.
	probe func(ctx context.Context) ([]onvif.Discovered, error)
	// probeTime bounds a probe: cameras answer within a second, and the
	// list is wanted within three.
	probeTime time.Duration
	open      *findDialog // the dialog on screen, nil when none
	ptz       map[*tileState]*ptzDriver
	keys      ptzKeys // a PTZ key held (ui/tileptz.go)
	moved     movedState
}

// findProbeTime is how long Find cameras listens for answers.
const findProbeTime = 2 * time.Second

func (v *Viewer) finder() *cameraFinder {
	f := &v.cams
	if f.probe == nil {
		f.probe = func(ctx context.Context) ([]onvif.Discovered, error) {
			return onvif.Probe(ctx, onvif.ProbeOptions{})
		}
	}
	if f.probeTime == 0 {
		f.probeTime = findProbeTime
	}
	if f.ptz == nil {
		f.ptz = map[*tileState]*ptzDriver{}
	}
	return f
}

// stopContext is a context that ends when the viewer closes: the ONVIF
// calls of the window run under it, on goroutines the viewer owns.
type stopContext struct{ stop <-chan struct{} }

func (c stopContext) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c stopContext) Done() <-chan struct{}       { return c.stop }
func (c stopContext) Value(any) any               { return nil }
func (c stopContext) Err() error {
	select {
	case <-c.stop:
		return context.Canceled
	default:
		return nil
	}
}

// goBackground runs f on a goroutine the viewer owns: Close cancels ctx's
// parent and waits for f to return. It reports false, running nothing,
// once the viewer is closing.
func (v *Viewer) goBackground(ctx context.Context, f func(ctx context.Context)) bool {
	select {
	case <-v.stop:
		return false
	default:
	}
	v.wg.Add(1)
	go func() {
		defer v.wg.Done()
		f(ctx)
	}()
	return true
}

// Words of the dialog (tests press its buttons by them).
const (
	findTitle   = "Find cameras"
	findAdd     = "Add"
	findAddAll  = "Add all"
	findSignIn  = "Sign in"
	findAsk     = "Ask"
	findClose   = "Close"
	findOnWall  = "On the wall"
	findAdded   = "Added to the wall"
	findNeedsPw = "Give the username and password above to read its streams"
)

// findDialog is the Find cameras dialog: the devices found, each on a
// row; a login for all of them; an address for one that multicast does
// not reach. UI thread only, but for the goroutines it starts, which
// bring their results back through v.do.
type findDialog struct {
	v      *Viewer
	ctx    context.Context
	cancel context.CancelFunc
	d      *dialog.CustomDialog
	status *widget.Label
	user   *widget.Entry
	pass   *widget.Entry
	addr   *widget.Entry
	list   *fyne.Container
	addAll *widget.Button
	// asking is the row of the address typed last while "Asking HOST…"
	// is on the status line.
	asking *foundRow
	rows   []*foundRow
	// opened is when the dialog opened, listed when the probe's devices
	// were on screen (the status line and tests say how long it took).
	opened, listed time.Time
}

// showFindCameras opens the Find cameras dialog and starts a probe.
func (v *Viewer) showFindCameras() {
	f := v.finder()
	if f.open != nil {
		f.open.d.Show()
		return
	}
	fd := &findDialog{v: v, opened: time.Now()}
	fd.ctx, fd.cancel = context.WithCancel(stopContext{v.stop})
	fd.status = widget.NewLabel("Looking for cameras on the local networks…")
	fd.user = widget.NewEntry()
	fd.user.SetPlaceHolder("Username")
	fd.user.SetText("admin")
	fd.pass = widget.NewPasswordEntry()
	fd.pass.SetPlaceHolder("Password")
	signIn := widget.NewButton(findSignIn, fd.signIn)
	fd.pass.OnSubmitted = func(string) { fd.signIn() }
	fd.addr = widget.NewEntry()
	fd.addr.SetPlaceHolder("192.168.2.40 or camera.lan:8080")
	ask := widget.NewButton(findAsk, fd.askAddress)
	fd.addr.OnSubmitted = func(string) { fd.askAddress() }
	fd.list = container.NewVBox()
	fd.addAll = widget.NewButton(findAddAll, fd.addAllRows)
	fd.addAll.Importance = widget.HighImportance
	fd.addAll.Disable()
	closeB := widget.NewButton(findClose, func() { fd.d.Hide() })
	login := container.NewBorder(nil, nil, widget.NewLabel("Login for these cameras"), signIn,
		container.NewGridWithColumns(2, fd.user, fd.pass))
	byAddr := container.NewBorder(nil, nil, widget.NewLabel("Add by address"), ask, fd.addr)
	top := container.NewVBox(fd.status, login, byAddr, widget.NewSeparator())
	scroll := container.NewVScroll(fd.list)
	scroll.SetMinSize(fyne.NewSize(0, 300))
	content := container.NewBorder(top, nil, nil, nil, scroll)
	d := dialog.NewCustomWithoutButtons(findTitle, content, v.win)
	d.SetButtons([]fyne.CanvasObject{closeB, fd.addAll})
	fd.d = d
	fd.d.SetOnClosed(func() {
		fd.cancel()
		if f.open == fd {
			f.open = nil
		}
	})
	f.open = fd
	fd.d.Resize(fyne.NewSize(780, 580))
	fd.d.Show()
	fd.probe()
}

// probe asks the local networks for cameras and lists them.
func (fd *findDialog) probe() {
	v, f := fd.v, fd.v.finder()
	fd.v.goBackground(fd.ctx, func(ctx context.Context) {
		pctx, cancel := context.WithTimeout(ctx, f.probeTime)
		found, err := f.probe(pctx)
		cancel()
		v.do(func() { fd.listed = time.Now(); fd.probed(found, err) })
	})
}

// probed lists what the probe found (after the rows added by address).
func (fd *findDialog) probed(found []onvif.Discovered, err error) {
	if fd.ctx.Err() != nil {
		return
	}
	for _, d := range found {
		fd.addRow(d)
	}
	n := 0
	for _, r := range fd.rows {
		if r.disc.Endpoint != "" {
			n++
		}
	}
	took := fd.listed.Sub(fd.opened).Round(100 * time.Millisecond)
	switch {
	case err != nil && n == 0:
		fd.status.SetText("No network to look on: " + onvif.Sentence(err) + " Add a camera by its address below.")
	case n == 0:
		fd.status.SetText(fmt.Sprintf("No camera answered in %v. A camera on another network can be added by its address.", took))
	case n == 1:
		fd.status.SetText(fmt.Sprintf("1 camera found in %v.", took))
	default:
		fd.status.SetText(fmt.Sprintf("%d cameras found in %v.", n, took))
	}
}

// addRow lists a device (once: a device already listed under the same
// endpoint or address is not listed again) and asks it for its streams.
func (fd *findDialog) addRow(d onvif.Discovered) *foundRow {
	for _, r := range fd.rows {
		if (d.Endpoint != "" && r.disc.Endpoint == d.Endpoint) || (r.xaddr != "" && r.xaddr == d.XAddr()) {
			return r
		}
	}
	r := newFoundRow(fd, d)
	fd.rows = append(fd.rows, r)
	fd.list.Add(r.box)
	fd.list.Add(widget.NewSeparator())
	r.describe(fd.login())
	return r
}

// login is the username and password typed; none before a password is
// typed (the username field starts filled in), so a camera's row says it
// needs one rather than that it refused an empty one.
func (fd *findDialog) login() (user, pass string) {
	if fd.pass.Text == "" {
		return "", ""
	}
	return strings.TrimSpace(fd.user.Text), fd.pass.Text
}

// signIn asks every listed camera again with the login typed.
func (fd *findDialog) signIn() {
	user, pass := fd.login()
	for _, r := range fd.rows {
		if !r.added {
			r.describe(user, pass)
		}
	}
}

// askAddress lists the camera at the address typed (another subnet).
func (fd *findDialog) askAddress() {
	text := strings.TrimSpace(fd.addr.Text)
	if text == "" {
		return
	}
	xaddr, err := onvif.DeviceServiceURL(text)
	if err != nil {
		fd.status.SetText(fmt.Sprintf("%q is not an address: type an IP or host name, with a port if it is not 80.", cleanText(text)))
		return
	}
	fd.addr.SetText("")
	fd.asking = fd.addRow(onvif.Discovered{XAddrs: []string{xaddr}})
	fd.status.SetText("Asking " + hostLabel(hostOfXAddr(xaddr)) + "…")
	if fd.asking.ready || fd.asking.err != nil {
		fd.answered(fd.asking) // listed and read before
	}
}

// answered replaces "Asking HOST…" once the camera typed last has been
// read: the status line must not say it is still asking.
func (fd *findDialog) answered(r *foundRow) {
	if r != fd.asking {
		return
	}
	fd.asking = nil
	host := hostLabel(hostOfXAddr(r.xaddr))
	if r.err != nil {
		fd.status.SetText(host + ": " + onvif.Sentence(r.err))
		return
	}
	fd.status.SetText(host + " answered: " + cleanText(r.title.Text) + ".")
}

// refreshAddAll enables Add all while some row can be added.
func (fd *findDialog) refreshAddAll() {
	for _, r := range fd.rows {
		if r.addable() {
			fd.addAll.Enable()
			return
		}
	}
	fd.addAll.Disable()
}

// addAllRows adds every camera that has streams and is not on the wall.
// Every row is shown again after: one added may put another's streams on
// the wall (an NVR's channels share addresses), and that row then says
// so rather than "Ready to add".
func (fd *findDialog) addAllRows() {
	for _, r := range fd.rows {
		if r.addable() {
			r.addToWall()
		}
	}
	for _, r := range fd.rows {
		r.show()
	}
	fd.refreshAddAll()
}

// hostOfXAddr is the host:port of a device service address.
func hostOfXAddr(xaddr string) string {
	u, err := url.Parse(xaddr)
	if err != nil {
		return ""
	}
	if u.Port() == "" {
		return u.Hostname()
	}
	return u.Host
}

// onWall reports whether a camera is on the wall already: the same
// device (endpoint), device service or main stream address.
func (v *Viewer) onWall(cam onvif.Camera, endpoint string) bool {
	main, _ := onvif.MainAndSub(cam.Profiles)
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, ts := range v.tiles {
		o := ts.w.cam.ONVIF
		switch {
		case o != nil && endpoint != "" && o.Endpoint == endpoint,
			o != nil && cam.XAddr != "" && o.XAddr == cam.XAddr,
			main != nil && wall.StripPassword(ts.url) == main.URL:
			return true
		}
	}
	return false
}

// addONVIFCamera opens a tile for a camera read by ONVIF: named from the
// device, its largest H.264/H.265 profile as url, its smallest as
// sub_url, the login given (kept in the keyring once the camera plays,
// as a typed RTSP password is) and the device's identity in the wall
// entry. It reports false when the camera has no stream to play.
func (v *Viewer) addONVIFCamera(cam onvif.Camera, endpoint, user, pass string) bool {
	main, sub := onvif.MainAndSub(cam.Profiles)
	if main == nil {
		return false
	}
	if len(v.Tiles()) >= wall.MaxCameras {
		v.status.SetText(fmt.Sprintf("A wall holds at most %d cameras.", wall.MaxCameras))
		return false
	}
	entry := wall.Camera{
		Name:      cameraName(cam),
		URL:       main.URL,
		Transport: player.TransportAuto.String(),
		User:      user,
		ONVIF:     &wall.ONVIF{Endpoint: endpoint, XAddr: cam.XAddr, Profile: main.Token, PTZ: cam.PTZ && main.PTZ},
	}
	if sub != nil {
		entry.SubURL, entry.ONVIF.SubProfile = sub.URL, sub.Token
	}
	v.walls().pending = &entry
	v.openWith(entry.URL, user, pass, true, player.TransportAuto, 0)
	return true
}

// cameraName is what a tile of the camera is called: its name scope, else
// its maker and model, else its host.
func cameraName(cam onvif.Camera) string {
	if n := strings.TrimSpace(cam.Name); n != "" {
		return n
	}
	if mm := strings.TrimSpace(cam.Info.Manufacturer + " " + cam.Info.Model); mm != "" {
		return mm
	}
	return hostOfXAddr(cam.XAddr)
}

// newFindMenuItem is the Wall menu's entry.
func (v *Viewer) newFindMenuItem() *fyne.MenuItem {
	return fyne.NewMenuItem("Find cameras…", v.showFindCameras)
}
