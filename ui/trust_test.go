package ui

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"image"
	"image/color"
	"image/png"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// cameraCert makes a self-signed certificate the way cameras ship them, and
// the server side config presenting it.
func cameraCert(t testing.TB, name string) (*x509.Certificate, *tls.Config) {
	t.Helper()
	c := rtsptest.NewCert(t, name)
	return c.Leaf, c.ServerConfig()
}

// dialogParts collects the label texts and buttons in the window's overlays
// (where dialogs live). Runs on the UI thread.
func dialogParts(w fyne.Window) (texts []string, buttons map[string]*widget.Button) {
	buttons = map[string]*widget.Button{}
	for _, o := range w.Canvas().Overlays().List() {
		for _, obj := range test.LaidOutObjects(o) {
			switch x := obj.(type) {
			case *widget.Label:
				texts = append(texts, x.Text)
			case *widget.Button:
				buttons[x.Text] = x
			}
		}
	}
	return texts, buttons
}

// waitDialog waits for a dialog with button and returns its texts and
// buttons.
func waitDialog(t *testing.T, w fyne.Window, button string) ([]string, map[string]*widget.Button) {
	t.Helper()
	var texts []string
	var buttons map[string]*widget.Button
	waitFor(t, 10*time.Second, "a dialog with "+button, func() bool {
		texts, buttons = dialogParts(w)
		return buttons[button] != nil
	})
	return texts, buttons
}

func hasPicture(tile *Tile) bool {
	img, ok := tile.Image().(*image.RGBA)
	return ok && img.Rect.Dx() > 16
}

// hostPort is the demo server's address, the key a trust is stored under.
func hostPort(t *testing.T, rawURL string) string {
	t.Helper()
	rest := strings.TrimPrefix(rawURL, "rtsps://")
	hp, _, _ := strings.Cut(rest, "/")
	if _, _, err := net.SplitHostPort(hp); err != nil {
		t.Fatalf("no host:port in %q", rawURL)
	}
	return hp
}

func TestUntrustedCameraAsksOnceThenPlays(t *testing.T) {
	cert, srvTLS := cameraCert(t, "127.0.0.1")
	srv := rtsptest.StartDemo(t, demo.Config{TLSConfig: srvTLS, Username: "viewer", Password: "hunter22"})
	v, w := newTestViewer(t, Options{Transport: player.TransportTCP})
	addr := hostPort(t, srv.URL())
	url := strings.Replace(srv.URL(), "rtsps://", "rtsps://viewer:hunter22@", 1)
	v.address.SetText(url)
	onUI(func() { test.Tap(v.play) })

	texts, buttons := waitDialog(t, w, trustConfirm)
	all := strings.Join(texts, "\n")
	fp := player.Fingerprint(cert)
	if !strings.Contains(all, trustTitle) {
		t.Errorf("no title %q in %q", trustTitle, all)
	}
	if !strings.Contains(all, addr) {
		t.Errorf("dialog does not name %s: %q", addr, all)
	}
	shown := false
	for _, s := range texts {
		if strings.ReplaceAll(s, "\n", ":") == fp {
			shown = true
		}
	}
	if !shown {
		t.Errorf("fingerprint %s not shown whole in %q", fp, all)
	}
	for _, want := range []string{"127.0.0.1 (IPCAM Vendor)", "itself (self-signed)", cert.NotAfter.UTC().Format("2006-01-02")} {
		if !strings.Contains(all, want) {
			t.Errorf("dialog lacks %q: %q", want, all)
		}
	}
	if strings.Contains(all, "CHANGED") || strings.Contains(all, "hunter22") || strings.Contains(all, "viewer") {
		t.Errorf("dialog says too much: %q", all)
	}
	if buttons[trustCancel] == nil {
		t.Error("no Cancel button")
	}
	tiles := v.Tiles()
	if o := tiles[0].Overlay(); !strings.Contains(o, "certificate") {
		t.Errorf("tile overlay %q", o)
	}

	onUI(func() { test.Tap(buttons[trustConfirm]) })
	waitFor(t, 15*time.Second, "a picture after trusting", func() bool { return hasPicture(tiles[0]) })
	if got := prefs().String(trustKey(addr)); got != fp {
		t.Fatalf("stored trust %q, want %q", got, fp)
	}
	onUI(func() {
		if strings.Contains(v.StatusText(), "hunter22") || strings.Contains(v.address.Text, "hunter22") {
			t.Error("password on screen")
		}
	})

	// The same camera again, in a new tile: no question this time.
	onUI(func() {
		v.address.SetText(url)
		test.Tap(v.add)
	})
	tiles = v.Tiles()
	if len(tiles) != 2 {
		t.Fatalf("%d tiles", len(tiles))
	}
	asked := false
	waitFor(t, 15*time.Second, "a picture in the second tile", func() bool {
		asked = len(w.Canvas().Overlays().List()) > 0
		return asked || hasPicture(tiles[1])
	})
	if asked {
		t.Fatal("asked again about a trusted camera")
	}
}

func TestCancelLeavesTileFailed(t *testing.T) {
	_, srvTLS := cameraCert(t, "127.0.0.1")
	srv := rtsptest.StartDemo(t, demo.Config{TLSConfig: srvTLS})
	v, w := newTestViewer(t, Options{Transport: player.TransportTCP})
	v.address.SetText(srv.URL())
	onUI(func() { test.Tap(v.play) })
	_, buttons := waitDialog(t, w, trustCancel)
	onUI(func() { test.Tap(buttons[trustCancel]) })
	waitFor(t, 2*time.Second, "the dialog to close", func() bool { return len(w.Canvas().Overlays().List()) == 0 })
	// Give a wrongly reopened stream time to show itself.
	time.Sleep(time.Second)
	tiles := v.Tiles()
	key := trustKey(hostPort(t, srv.URL()))
	onUI(func() {
		if st := tiles[0].Stream().Status(); st.State != player.StateFailed || st.Kind != player.KindTLS {
			t.Errorf("status %+v", st)
		}
		if o := tiles[0].Overlay(); !strings.Contains(o, "certificate was not accepted") {
			t.Errorf("tile overlay %q", o)
		}
		if hasPicture(tiles[0]) {
			t.Error("a picture without trust")
		}
		if got := prefs().String(key); got != "" {
			t.Errorf("a cancelled certificate was stored: %q", got)
		}
	})
}

func TestChangedCertificateWarns(t *testing.T) {
	cert, srvTLS := cameraCert(t, "camera.example")
	old, _ := cameraCert(t, "camera.example")
	srv := rtsptest.StartDemo(t, demo.Config{TLSConfig: srvTLS})
	v, w := newTestViewer(t, Options{Transport: player.TransportAuto})
	addr := hostPort(t, srv.URL())
	prefs().SetString(trustKey(addr), player.Fingerprint(old))
	v.address.SetText(srv.URL())
	onUI(func() { test.Tap(v.play) })
	texts, buttons := waitDialog(t, w, trustConfirm)
	all := strings.Join(texts, "\n")
	fp := player.Fingerprint(cert)
	for _, want := range []string{trustChangedTitle, "CHANGED", fingerprintLines(fp), "camera.example"} {
		if !strings.Contains(all, want) {
			t.Errorf("dialog lacks %q: %q", want, all)
		}
	}
	if buttons[trustConfirm].Importance != widget.DangerImportance {
		t.Error("trusting a changed certificate is not marked dangerous")
	}
	onUI(func() { test.Tap(buttons[trustConfirm]) })
	waitFor(t, 15*time.Second, "a picture after trusting the new certificate", func() bool { return hasPicture(v.Tiles()[0]) })
	if got := prefs().String(trustKey(addr)); got != fp {
		t.Fatalf("stored %q, want the new %q", got, fp)
	}
}

func TestInsecureNeverAsks(t *testing.T) {
	_, srvTLS := cameraCert(t, "127.0.0.1")
	srv := rtsptest.StartDemo(t, demo.Config{TLSConfig: srvTLS})
	v, w := newTestViewer(t, Options{Transport: player.TransportTCP, Insecure: true})
	v.address.SetText(srv.URL())
	onUI(func() { test.Tap(v.play) })
	asked := false
	waitFor(t, 15*time.Second, "a picture", func() bool {
		asked = len(w.Canvas().Overlays().List()) > 0
		return asked || hasPicture(v.Tiles()[0])
	})
	if asked {
		t.Fatal("--insecure asked about the certificate")
	}
}

// TestInsecureStillChecksAPinnedCertificate: --insecure accepts cameras
// nobody vouched for, but a camera whose certificate the person pinned
// and which now presents another is still the changed-certificate warning.
func TestInsecureStillChecksAPinnedCertificate(t *testing.T) {
	_, srvTLS := cameraCert(t, "127.0.0.1")
	old, _ := cameraCert(t, "127.0.0.1")
	srv := rtsptest.StartDemo(t, demo.Config{TLSConfig: srvTLS})
	v, w := newTestViewer(t, Options{Transport: player.TransportTCP, Insecure: true})
	prefs().SetString(trustKey(hostPort(t, srv.URL())), player.Fingerprint(old))
	v.address.SetText(srv.URL())
	onUI(func() { test.Tap(v.play) })
	texts, _ := waitDialog(t, w, trustConfirm)
	if all := strings.Join(texts, "\n"); !strings.Contains(all, trustChangedTitle) {
		t.Fatalf("dialog %q is not the changed-certificate warning", all)
	}
	if hasPicture(v.Tiles()[0]) {
		t.Fatal("a picture from a camera whose pinned certificate changed")
	}
}

func TestTrustContentDates(t *testing.T) {
	cert, _ := cameraCert(t, "127.0.0.1")
	if got := validity(cert, cert.NotAfter.Add(time.Hour)); !strings.HasSuffix(got, "(expired)") {
		t.Errorf("%q", got)
	}
	if got := validity(cert, cert.NotBefore.Add(-time.Hour)); !strings.HasSuffix(got, "(not yet valid)") {
		t.Errorf("%q", got)
	}
	if got := validity(cert, time.Now()); strings.Contains(got, "(") {
		t.Errorf("%q", got)
	}
	for _, tc := range []struct {
		n    pkix.Name
		want string
	}{
		{pkix.Name{CommonName: "cam", Organization: []string{"Acme"}}, "cam (Acme)"},
		{pkix.Name{CommonName: "cam"}, "cam"},
		{pkix.Name{Organization: []string{"Acme"}}, "Acme"},
		{pkix.Name{Country: []string{"DE"}}, "C=DE"},
		{pkix.Name{}, "(no name)"},
	} {
		if got := certName(tc.n); got != tc.want {
			t.Errorf("certName(%v) = %q, want %q", tc.n, got, tc.want)
		}
	}
	if got := fingerprintLines("AB"); got != "AB" {
		t.Errorf("%q", got)
	}
}

// TestCaptureIncludesDialogs: the screenshot path paints overlays, so a
// dialog is in the picture the way it is on screen.
func TestCaptureIncludesDialogs(t *testing.T) {
	test.NewTempApp(t)
	red := color.NRGBA{R: 255, A: 255}
	shot := func(withDialog bool) image.Image {
		w := test.NewWindow(canvas.NewRectangle(red))
		defer w.Close()
		w.Resize(fyne.NewSize(400, 300))
		if withDialog {
			d := dialog.NewInformation("Hello", "A dialog over red", w)
			d.Show()
		}
		path := filepath.Join(t.TempDir(), "shot.png")
		if err := writePNG(path, w); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	isRed := func(c color.Color) bool {
		r, g, b, _ := c.RGBA()
		return r > 0xf000 && g < 0x1000 && b < 0x1000
	}
	plain := shot(false)
	b := plain.Bounds()
	if !isRed(plain.At(b.Dx()/2, b.Dy()/2)) {
		t.Fatalf("plain window centre is %v", plain.At(b.Dx()/2, b.Dy()/2))
	}
	with := shot(true)
	if with.Bounds() != b {
		t.Fatalf("size %v, want %v", with.Bounds(), b)
	}
	if c := with.At(b.Dx()/2, b.Dy()/2); isRed(c) {
		t.Fatalf("the dialog is not in the picture: centre is %v", c)
	}
}
