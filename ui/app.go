// Package ui is rtspview's window: address bar, transport selector, a grid
// of video tiles and a status line. It talks to package player only; every
// change made from another goroutine goes through fyne.Do.
package ui

import (
	"fmt"
	"image"
	"image/png"
	"log"
	"os"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/driver/software"

	"github.com/rtspview/rtspview/assets"
)

// Run opens the window and blocks until it is closed (or, with
// Options.Screenshot, until the picture is written).
func Run(opts Options) error {
	log.SetOutput(&fyneLog{w: log.Writer()}) // ui/fynelog.go
	a := app.NewWithID("io.github.rtspview")
	if len(assets.Icon) > 0 {
		a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	}
	w, err := newWindow(a, "rtspview")
	if err != nil {
		return err
	}
	w.Resize(fyne.NewSize(960, 600))
	v := NewViewer(w, opts)
	// Once the app stops (the window closed, Quit, or SIGINT/SIGTERM,
	// which Fyne turns into Quit) its loop takes no more fyne.Do work and
	// Fyne runs it on the caller's goroutine instead: streams still
	// winding down must not touch widgets then.
	var stopped atomic.Bool
	a.Lifecycle().SetOnStopped(func() { stopped.Store(true) })
	do := v.do
	v.do = func(f func()) {
		if !stopped.Load() {
			do(f)
		}
	}
	var shotErr error
	if opts.Screenshot != "" {
		go func() {
			time.Sleep(opts.After)
			fyne.DoAndWait(func() {
				shotErr = writePNG(opts.Screenshot, w)
				a.Quit()
			})
		}()
	}
	w.SetOnClosed(v.Close)
	v.Start()
	w.ShowAndRun()
	v.Close()
	return shotErr
}

// writePNG renders the window, dialogs included, with Fyne's software
// painter. The GL canvas's Capture reads the back buffer after the swap,
// which is black on Mesa/Xvfb; the software painter draws the same widgets
// and the same video frame, and works on every platform. The content moves
// to the software canvas, so this is only for just before quitting (or the
// end of a test).
func writePNG(path string, w fyne.Window) error {
	img := capture(w)
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		return fmt.Errorf("screenshot: %w", err)
	}
	return f.Close()
}

// capture paints w's content and then its overlays — where dialogs and
// pop-ups live — on a software canvas of the same size and padding, so a
// dialog shows in the picture the way it shows on screen. The overlays keep
// their layout: they are sized to the window canvas, which is the same size.
func capture(w fyne.Window) image.Image {
	src := w.Canvas()
	size := src.Size()
	c := software.NewCanvas()
	c.SetPadded(w.Padded())
	c.SetContent(src.Content())
	for _, o := range src.Overlays().List() {
		c.Overlays().Add(o)
	}
	c.Resize(size)
	return c.Capture()
}

// newWindow is a.NewWindow, with the panic Fyne's GLFW driver raises when
// the system will not give it a window (no usable display; under Wine, a
// session that another process started without one a moment before) turned
// into an error a person can read instead of a stack trace.
func newWindow(a fyne.App, title string) (w fyne.Window, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("The window cannot open: the system's graphics refused (%v). Is a display available?", r)
		}
	}()
	return a.NewWindow(title), nil
}
