package ui

import (
	"image"
	"image/color"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/player"
)

// Tile shows one stream: the newest picture, letterboxed to keep its aspect
// ratio, with a one-line overlay for state ("Connecting…", errors).
type Tile struct {
	widget.BaseWidget

	// onDoubleTap shows the tile full or back (ui/fullview.go).
	onDoubleTap func(*Tile)

	stream  *player.Stream
	image   *canvas.Image
	overlay *canvas.Text
	bg      *canvas.Rectangle
	posted  atomic.Bool // a frame refresh is queued on the UI thread
	onTap   func(*Tile)
	deco    tileDeco     // title row: name and ⋮ menu (ui/tiledeco.go)
	do      func(func()) // fyne.Do; see Viewer.do
	bar     *TransportBar
	lastW   int
	lastH   int
	paint   paintStats // pictures put on the canvas (ui/paintstats.go)
	// clock puts the wall's new pictures on the canvas together, once
	// per frame interval (ui/painttick.go); nil: each as it comes.
	clock *paintClock

	ring tileRing     // selected, or a drop target (ui/selection.go)
	info statsOverlay // figures: key I or hover (ui/statsoverlay.go)
	drag tileDrag     // drag to reorder (ui/tiledrag.go)
}

// NewTile returns an empty tile; Attach gives it a stream.
func NewTile() *Tile {
	t := &Tile{
		image:   canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, 16, 9))),
		overlay: canvas.NewText("", color.White),
		bg:      canvas.NewRectangle(color.Black),
		do:      fyne.Do,
	}
	t.image.FillMode = canvas.ImageFillContain
	t.image.ScaleMode = canvas.ImageScaleFastest
	t.overlay.TextSize = theme.TextSize()
	t.overlay.Alignment = fyne.TextAlignCenter
	t.bar = newTileBar(t)
	t.deco = newTileDeco(t)
	t.ring = newTileRing()
	t.info = newStatsOverlay(t)
	t.ExtendBaseWidget(t)
	return t
}

// Attach makes the tile show s (nil to detach). It does not close the old
// stream; the owner does.
func (t *Tile) Attach(s *player.Stream) {
	t.stream = s
	t.lastW, t.lastH = 0, 0
	t.image.Image = image.NewRGBA(image.Rect(0, 0, 16, 9))
	t.bar.attachStream(s)
	t.Refresh()
}

// Stream returns the attached stream.
func (t *Tile) Stream() *player.Stream { return t.stream }

// SetOverlay shows text over the picture; "" hides it.
func (t *Tile) SetOverlay(text string) {
	t.overlay.Text = text
	t.overlay.Refresh()
}

// Overlay returns the overlay text.
func (t *Tile) Overlay() string { return t.overlay.Text }

// FrameReady is called from the decoder goroutine. It posts at most one
// refresh at a time to the UI thread, so a slow UI skips frames instead of
// queueing them.
func (t *Tile) FrameReady() {
	if t.clock != nil {
		t.clock.frameReady(t)
		return
	}
	if t.posted.Swap(true) {
		return
	}
	t.do(t.showFrame)
}

// showFrame runs on the UI thread.
func (t *Tile) showFrame() {
	t.posted.Store(false)
	if t.stream == nil {
		return
	}
	img, _, changed := t.stream.Frame()
	if !changed || img == nil {
		return
	}
	t.image.Image = img
	t.image.Refresh()
	t.paint.count(t.stream.FrameArrival(), time.Now())
	t.bar.frameShown()
}

// Image returns the picture currently shown (for tests and screenshots).
func (t *Tile) Image() image.Image { return t.image.Image }

// Tapped selects the tile.
func (t *Tile) Tapped(*fyne.PointEvent) {
	if t.onTap != nil {
		t.onTap(t)
	}
}

// CreateRenderer implements fyne.Widget.
func (t *Tile) CreateRenderer() fyne.WidgetRenderer {
	return &tileRenderer{t: t}
}

type tileRenderer struct{ t *Tile }

func (r *tileRenderer) Layout(size fyne.Size) {
	t := r.t
	t.bg.Resize(size)
	t.image.Resize(size)
	t.image.Move(fyne.NewPos(0, 0))
	t.deco.layout(size)
	th := t.overlay.MinSize().Height
	bottom := size.Height
	if t.bar.Visible() {
		// The bar overlays the picture's bottom rather than taking a row
		// of its own, so the video keeps the whole tile.
		bh := t.bar.MinSize().Height
		t.bar.Resize(fyne.NewSize(size.Width, bh))
		t.bar.Move(fyne.NewPos(0, size.Height-bh))
		bottom -= bh
	}
	t.overlay.Resize(fyne.NewSize(size.Width, th))
	t.overlay.Move(fyne.NewPos(0, bottom-th-theme.Padding()))
	t.info.layout(size)
	t.ring.rect.Resize(size)
	// Ask the decoder for pictures the size of the tile in device pixels:
	// scaling down in FFmpeg is cheaper than moving full frames to the GPU,
	// which is what lets a wall of cameras run on a laptop.
	if t.stream != nil {
		scale := float32(1)
		if c := fyne.CurrentApp().Driver().CanvasForObject(t); c != nil {
			scale = c.Scale()
		}
		w, h := int(size.Width*scale), int(size.Height*scale)
		if w != t.lastW || h != t.lastH {
			t.lastW, t.lastH = w, h
			t.stream.SetSize(w, h)
		}
	}
}

func (r *tileRenderer) MinSize() fyne.Size { return fyne.NewSize(160, 90) }

func (r *tileRenderer) Refresh() {
	r.t.bg.Refresh()
	r.t.image.Refresh()
	r.t.overlay.Refresh()
	r.Layout(r.t.Size()) // the bar may have come or gone
}

func (r *tileRenderer) Objects() []fyne.CanvasObject {
	objs := append([]fyne.CanvasObject{r.t.bg, r.t.image, r.t.overlay, r.t.bar}, r.t.deco.objects()...)
	return append(append(objs, r.t.info.objects()...), r.t.ring.rect)
}

func (r *tileRenderer) Destroy() {}
