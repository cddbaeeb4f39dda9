package ui

import (
	"image"
	"image/color"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
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
	overlay tileOverlay // the state sentence (ui/tileoverlay.go)
	// bars are the letterbox (or pillarbox) round the picture: black
	// where the picture does not reach, rather than one black rectangle
	// under the whole tile, which a software OpenGL shades pixel by
	// pixel at every repaint (a third of the window's drawing, measured
	// under Xvfb).
	bars   [2]*canvas.Rectangle
	posted atomic.Bool // a frame refresh is queued on the UI thread
	onTap  func(*Tile)
	deco   tileDeco     // title row: name and ⋮ menu (ui/tiledeco.go)
	do     func(func()) // fyne.Do; see Viewer.do
	bar    *TransportBar
	lastW  int
	lastH  int
	paint  paintStats // pictures put on the canvas (ui/paintstats.go)
	// clock puts the wall's new pictures on the canvas together, once
	// per frame interval (ui/painttick.go); nil: each as it comes.
	clock *paintClock

	ring tileRing     // selected, or a drop target (ui/selection.go)
	info statsOverlay // figures: key I or hover (ui/statsoverlay.go)
	drag tileDrag     // drag to reorder (ui/tiledrag.go)
	ptz  tilePTZ      // pan, tilt, zoom of an ONVIF camera (ui/ptz.go)
	spk  tileSpeaker  // who has the sound (ui/speaker.go)
}

// NewTile returns an empty tile; Attach gives it a stream.
func NewTile() *Tile {
	t := &Tile{
		image:   canvas.NewImageFromImage(blankPicture()),
		overlay: newTileOverlay(),
		bars:    [2]*canvas.Rectangle{canvas.NewRectangle(color.Black), canvas.NewRectangle(color.Black)},
		do:      fyne.Do,
	}
	t.image.FillMode = canvas.ImageFillContain
	t.image.ScaleMode = canvas.ImageScaleFastest
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
	t.image.Image = blankPicture()
	t.bar.attachStream(s)
	t.Refresh()
}

// Stream returns the attached stream.
func (t *Tile) Stream() *player.Stream { return t.stream }

// SetOverlay shows text over the picture; "" hides it.
func (t *Tile) SetOverlay(text string) {
	if t.overlay.text == text {
		return
	}
	t.overlay.text = text
	t.Refresh() // laid out again: the lines it takes depend on the width
}

// Overlay returns the overlay text, whole (the tile may show it wrapped
// and cut).
func (t *Tile) Overlay() string { return t.overlay.text }

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
	resized := t.image.Image == nil || t.image.Image.Bounds() != img.Bounds()
	t.image.Image = img
	t.image.Refresh()
	if resized {
		t.layoutBars()
	}
	t.paint.count(t.stream.FrameArrival(), time.Now())
	t.bar.frameShown()
}

// blankPicture is a tile's picture before the first one: opaque black
// 16:9, so the tile is black (its bars fill the rest) until the camera's
// picture comes.
func blankPicture() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 16, 9))
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 0xff
	}
	return img
}

// layoutBars places the two black bars where the picture, kept to its
// aspect ratio in the picture's place (the tile below its title row),
// leaves that place empty: above and below it, or left and right. They
// reach one unit under the picture, so no rounding shows a seam of the
// window behind.
func (t *Tile) layoutBars() {
	pos, size := t.image.Position(), t.image.Size()
	b := t.image.Image.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 || size.Width <= 0 || size.Height <= 0 {
		t.bars[0].Move(pos)
		t.bars[0].Resize(size)
		t.bars[1].Resize(fyne.NewSize(0, 0))
		return
	}
	aspect := float32(b.Dx()) / float32(b.Dy())
	if size.Width/size.Height > aspect { // pillarbox: bars left and right
		w := (size.Width-size.Height*aspect)/2 + 1
		t.bars[0].Move(pos)
		t.bars[1].Move(pos.Add(fyne.NewPos(size.Width-w, 0)))
		t.bars[0].Resize(fyne.NewSize(w, size.Height))
		t.bars[1].Resize(fyne.NewSize(w, size.Height))
		return
	}
	h := (size.Height-size.Width/aspect)/2 + 1 // letterbox: above and below
	t.bars[0].Move(pos)
	t.bars[1].Move(pos.Add(fyne.NewPos(0, size.Height-h)))
	t.bars[0].Resize(fyne.NewSize(size.Width, h))
	t.bars[1].Resize(fyne.NewSize(size.Width, h))
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
	t.image.Resize(size)
	t.image.Move(fyne.NewPos(0, 0))
	t.deco.layout(size) // may move the picture below the title row
	t.layoutBars()
	bottom := size.Height
	if t.bar.Visible() {
		// The bar overlays the picture's bottom rather than taking a row
		// of its own, so the video keeps the whole tile.
		bh := t.bar.MinSize().Height
		t.bar.Resize(fyne.NewSize(size.Width, bh))
		t.bar.Move(fyne.NewPos(0, size.Height-bh))
		bottom -= bh
	}
	t.overlay.layout(size, t.image.Position().Y, bottom)
	t.info.layout(size)
	t.ptzLayout(size)
	t.speakerLayout(size, bottom)
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
	r.t.bars[0].Refresh()
	r.t.bars[1].Refresh()
	r.t.image.Refresh()
	r.Layout(r.t.Size()) // the bar may have come or gone
}

func (r *tileRenderer) Objects() []fyne.CanvasObject {
	objs := append(append([]fyne.CanvasObject{r.t.bars[0], r.t.bars[1], r.t.image}, r.t.overlay.objects()...), r.t.bar)
	objs = append(objs, r.t.deco.objects()...)
	return append(append(append(objs, r.t.info.objects()...), append(r.t.ptzObjects(), r.t.speakerObjects()...)...), r.t.ring.rect)
}

func (r *tileRenderer) Destroy() {}
