package ui

import (
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// darkTheme is Fyne's default theme in its dark variant, what the window
// shows on a desktop without a light preference (docs/screenshot.png).
type darkTheme struct{ fyne.Theme }

func (d darkTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return d.Theme.Color(n, theme.VariantDark)
}

// TestDocsDialogScreenshots regenerates docs/dialog-password.png,
// docs/dialog-certificate.png and docs/dialog-certificate-changed.png when
// RTSPVIEW_DOCS=1: the real dialogs,
// brought up by real servers, rendered through writePNG (the path
// --screenshot takes) at the window's default size.
func TestDocsDialogScreenshots(t *testing.T) {
	if os.Getenv("RTSPVIEW_DOCS") != "1" {
		t.Skip("set RTSPVIEW_DOCS=1 to regenerate docs/dialog-*.png")
	}
	docs := filepath.Join("..", "docs")
	shoot := func(t *testing.T, name string, open func(v *Viewer), button string) {
		test.NewTempApp(t)
		fyne.CurrentApp().Settings().SetTheme(darkTheme{theme.DefaultTheme()})
		w := test.NewWindow(nil)
		w.Resize(fyne.NewSize(960, 600))
		v := NewViewer(w, Options{Transport: player.TransportTCP})
		v.do = onUI
		t.Cleanup(func() { v.Close(); w.Close() })
		open(v)
		waitDialog(t, w, button)
		// Let the tile show its failure text under the dialog.
		time.Sleep(300 * time.Millisecond)
		var err error
		onUI(func() {
			v.refreshStatus()
			if strings.Contains(v.address.Text, "wrong") || strings.Contains(v.StatusText(), "wrong") {
				t.Error("password on screen")
			}
			err = writePNG(filepath.Join(docs, name), w)
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", filepath.Join(docs, name))
	}
	t.Run("password", func(t *testing.T) {
		srv := rtsptest.StartDemo(t, demo.Config{Username: "viewer", Password: "hunter22"})
		shoot(t, "dialog-password.png", func(v *Viewer) {
			v.address.SetText(strings.Replace(srv.URL(), "rtsp://", "rtsp://viewer:wrong@", 1))
			onUI(func() { test.Tap(v.play) })
		}, "Connect")
	})
	t.Run("certificate", func(t *testing.T) {
		_, srvTLS := cameraCert(t, "ipcam-2f91.local")
		srv := rtsptest.StartDemo(t, demo.Config{TLSConfig: srvTLS})
		shoot(t, "dialog-certificate.png", func(v *Viewer) {
			v.address.SetText(srv.URL())
			onUI(func() { test.Tap(v.play) })
		}, trustConfirm)
	})
	t.Run("certificate changed", func(t *testing.T) {
		_, srvTLS := cameraCert(t, "ipcam-2f91.local")
		old, _ := cameraCert(t, "ipcam-2f91.local")
		srv := rtsptest.StartDemo(t, demo.Config{TLSConfig: srvTLS})
		shoot(t, "dialog-certificate-changed.png", func(v *Viewer) {
			prefs().SetString(trustKey(hostPort(t, srv.URL())), player.Fingerprint(old))
			v.address.SetText(srv.URL())
			onUI(func() { test.Tap(v.play) })
		}, trustConfirm)
	})
}
