package ui

import (
	"image"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

func newTestViewer(t *testing.T, opts Options) (*Viewer, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	var v *Viewer
	var w fyne.Window
	// Built on the UI thread as Run builds it: measuring the widgets'
	// text shapes with the fonts' shared caches, which another viewer's
	// stream callbacks (a test with two windows) use on the UI thread.
	onUI(func() {
		w = test.NewWindow(nil)
		w.Resize(fyne.NewSize(800, 500))
		v = NewViewer(w, opts)
		v.do = onUI
		// Never the machine's speakers: a silent device, the same on
		// every machine (a missing one puts "No sound device" on the
		// tile). Sound tests put their own in its place.
		v.snd.open = func() (soundOutput, error) { return &fakeSound{}, nil }
	})
	// Close outside the UI thread: it waits for goroutines that end
	// with work on it.
	t.Cleanup(func() { v.Close(); onUI(w.Close) })
	return v, w
}

// selectedIndex is the selected tile's index, read under v.mu.
func selectedIndex(v *Viewer) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.selected
}

// uiMu stands in for the UI thread: Fyne's test driver runs fyne.Do on the
// calling goroutine, so without it two streams' callbacks (or a callback
// and the test) change the same widgets at once.
var uiMu sync.Mutex

// onUI runs f as the only UI work in progress.
func onUI(f func()) {
	uiMu.Lock()
	defer uiMu.Unlock()
	f()
}

// statusText reads the status line as UI work: once Start runs, its
// status tick rewrites the line (found by -race). Not from inside onUI.
func statusText(v *Viewer) string {
	var s string
	onUI(func() { s = v.StatusText() })
	return s
}

func TestTransportSelectorOffersEveryTransport(t *testing.T) {
	v, _ := newTestViewer(t, Options{Transport: player.TransportTCP})
	want := []string{"Auto", "UDP", "TCP", "HTTP tunnel", "HTTPS tunnel"}
	if strings.Join(v.transport.Options, ",") != strings.Join(want, ",") {
		t.Fatalf("options %v", v.transport.Options)
	}
	if v.transport.Selected != "TCP" || v.selectedTransport() != player.TransportTCP {
		t.Fatalf("selected %q", v.transport.Selected)
	}
}

func TestAddressBarRejectsNonRTSP(t *testing.T) {
	v, _ := newTestViewer(t, Options{})
	test.Type(v.address, "http://example.com/video")
	v.address.OnSubmitted(v.address.Text)
	if !strings.Contains(v.StatusText(), "not rtsp:// or rtsps://") || len(v.Tiles()) != 0 {
		t.Fatalf("status %q tiles %d", v.StatusText(), len(v.Tiles()))
	}
	test.Tap(v.play) // empty-ish: still not rtsp
	if len(v.Tiles()) != 0 {
		t.Fatal("a tile was opened for a bad address")
	}
}

// waitFor polls cond on the UI thread until it holds or limit passes.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		ok := false
		fyne.DoAndWait(func() { onUI(func() { ok = cond() }) })
		if ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestViewerPlaysAndHidesPassword(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{Username: "viewer", Password: "hunter22"})
	v, w := newTestViewer(t, Options{Transport: player.TransportTCP})
	url := strings.Replace(srv.URL(), "rtsp://", "rtsp://viewer:hunter22@", 1)
	onUI(func() {
		test.Type(v.address, url)
		v.address.OnSubmitted(v.address.Text)
	})
	if strings.Contains(v.address.Text, "hunter22") {
		t.Fatalf("password still in the address bar: %q", v.address.Text)
	}
	tiles := v.Tiles()
	if len(tiles) != 1 {
		t.Fatalf("%d tiles", len(tiles))
	}
	waitFor(t, 15*time.Second, "a picture", func() bool {
		img, ok := tiles[0].Image().(*image.RGBA)
		return ok && img.Rect.Dx() > 16
	})
	waitFor(t, 5*time.Second, "status line", func() bool {
		v.refreshStatus()
		return strings.HasPrefix(v.StatusText(), "Playing · TCP · 1280×720")
	})
	if strings.Contains(v.StatusText(), "hunter22") || strings.Contains(w.Title(), "hunter22") {
		t.Fatal("password on screen")
	}
	// Add a second camera: the grid becomes two columns.
	onUI(func() {
		test.Type(v.address, "")
		v.address.SetText(url)
		test.Tap(v.add)
	})
	if len(v.Tiles()) != 2 {
		t.Fatalf("%d tiles after Add", len(v.Tiles()))
	}
}

func TestWrongPasswordAsksForOne(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{Username: "viewer", Password: "hunter22"})
	v, w := newTestViewer(t, Options{Transport: player.TransportTCP})
	v.address.SetText(strings.Replace(srv.URL(), "rtsp://", "rtsp://viewer:wrong@", 1))
	onUI(func() { test.Tap(v.play) })
	waitFor(t, 10*time.Second, "password dialog", func() bool {
		return len(w.Canvas().Overlays().List()) > 0
	})
	waitFor(t, 2*time.Second, "refusal text", func() bool {
		return strings.Contains(v.Tiles()[0].Overlay(), "refused the password")
	})
}

func TestStatusLine(t *testing.T) {
	st := player.Status{State: player.StatePlaying}
	stats := player.Stats{Transport: "tcp", Width: 1280, Height: 720, FPS: 25, Bitrate: 2.1e6, RatesMeasured: true}
	if got := statusLine(st, stats, 1); got != "Playing · TCP · 1280×720 · 25 fps · 2.1 Mb/s" {
		t.Fatalf("%q", got)
	}
	// The first moments of a stream, before a second of it was measured:
	// nothing of the frame rate (it read "0 fps" over a live picture).
	early := stats
	early.FPS, early.RatesMeasured = 0, false
	if got := statusLine(st, early, 1); got != "Playing · TCP · 1280×720 · 2.1 Mb/s" {
		t.Fatalf("before the rate is measured: %q", got)
	}
	stats.Fallbacks = []player.Fallback{{Transport: "udp", Reason: "UDP blocked (no video arrived over UDP)"}}
	if got := statusLine(st, stats, 3); !strings.Contains(got, "UDP blocked, using TCP") || !strings.HasSuffix(got, "3 cameras") {
		t.Fatalf("%q", got)
	}
	tunnel := player.Stats{Transport: "http", Via: "HTTP tunnel on 80", Width: 640, Height: 360, FPS: 25, RatesMeasured: true,
		Fallbacks: []player.Fallback{{Transport: "udp", Reason: "port 554 closed"}}}
	if got := statusLine(st, tunnel, 1); got != "Playing · HTTP tunnel on 80 · 640×360 · 25 fps · port 554 closed, using HTTP tunnel on 80" {
		t.Fatalf("%q", got)
	}
	secure := player.Stats{Transport: "https", Via: "HTTPS tunnel", TLS: true, FPS: 25}
	if got := statusLine(st, secure, 1); !strings.HasPrefix(got, "Playing · HTTPS tunnel + TLS") {
		t.Fatalf("%q", got)
	}
	if got := statusLine(player.Status{State: player.StateFailed, Text: "No such stream on this server."}, player.Stats{}, 1); got != "No such stream on this server." {
		t.Fatalf("%q", got)
	}
}

func TestTunnelRowFollowsTransport(t *testing.T) {
	v, _ := newTestViewer(t, Options{})
	if v.tunnelRow.Visible() {
		t.Fatal("tunnel row shown for Auto")
	}
	v.transport.SetSelected("HTTP tunnel")
	if !v.tunnelRow.Visible() || v.tunnelPort.PlaceHolder != "80" {
		t.Fatalf("HTTP tunnel: visible %v placeholder %q", v.tunnelRow.Visible(), v.tunnelPort.PlaceHolder)
	}
	v.transport.SetSelected("HTTPS tunnel")
	if v.tunnelPort.PlaceHolder != "443" {
		t.Fatalf("HTTPS placeholder %q", v.tunnelPort.PlaceHolder)
	}
	test.Type(v.tunnelPort, "8080")
	if v.tunnelPortValue() != 8080 || v.tunnelPort.Validate() != nil {
		t.Fatalf("port %d", v.tunnelPortValue())
	}
	v.tunnelPort.SetText("99999")
	if v.tunnelPortValue() != 0 || v.tunnelPort.Validate() == nil {
		t.Fatal("a bad port was accepted")
	}
	v.address.SetText("rtsp://admin:p:w@cam:8554/live")
	if v.tunnelPort.PlaceHolder != "8554" {
		t.Fatalf("placeholder %q, want the address's port", v.tunnelPort.PlaceHolder)
	}
	v.transport.SetSelected("UDP")
	if v.tunnelRow.Visible() {
		t.Fatal("tunnel row shown for UDP")
	}
}

// TestTunnelFromTheWindow plays the demo over the HTTP tunnel chosen in the
// selector, with the port typed in the tunnel row.
func TestTunnelFromTheWindow(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{})
	v, _ := newTestViewer(t, Options{})
	v.transport.SetSelected("HTTP tunnel")
	port := strings.Split(strings.TrimPrefix(srv.URL(), "rtsp://127.0.0.1:"), "/")[0]
	v.tunnelPort.SetText(port)
	v.address.SetText("rtsp://127.0.0.1/demo") // no port: the tunnel row's is used
	onUI(func() { test.Tap(v.play) })
	waitFor(t, 15*time.Second, "playing over the tunnel", func() bool {
		v.refreshStatus()
		return strings.HasPrefix(v.StatusText(), "Playing · HTTP tunnel on "+port)
	})
}

// TestFullscreenOption: --fullscreen starts the window fullscreen, and F
// leaves it as it would any fullscreen.
func TestFullscreenOption(t *testing.T) {
	_, w := newTestViewer(t, Options{Fullscreen: true})
	if !w.FullScreen() {
		t.Fatal("not fullscreen")
	}
	key(w, fyne.KeyF)
	if w.FullScreen() {
		t.Fatal("F left it fullscreen")
	}
}
