package ui

import (
	"image/color"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/onvif"
)

// tilePTZ is a tile's pan, tilt and zoom: a drag on the picture moves the
// camera the way the pointer goes, faster the further it goes; the arrow
// pad that shows while the pointer is on the tile moves it while a button
// is held; the wheel zooms. The title row still drags the tile to
// another place. UI thread only.
type tilePTZ struct {
	// move asks the camera for a velocity for at most hold (zero: stop);
	// nil when the tile's camera does not move.
	move      func(vel onvif.Velocity, hold time.Duration)
	pad       []*ptzButton
	dragging  bool
	from      fyne.Position
	last      onvif.Velocity
	tileHover bool
	padHover  bool
}

// padCell is one button of the arrow pad.
const padCell = 30

// ptzEnable gives the tile its controls (move nil takes them away).
func (t *Tile) ptzEnable(move func(onvif.Velocity, time.Duration)) {
	p := &t.ptz
	if p.move != nil && move == nil && p.dragging {
		p.move(onvif.Velocity{}, 0)
		p.dragging = false
	}
	p.move = move
	if p.pad == nil {
		for _, b := range []struct {
			icon fyne.Resource
			vel  onvif.Velocity
		}{
			{theme.MoveUpIcon(), onvif.Velocity{Tilt: 0.5}},
			{theme.MoveDownIcon(), onvif.Velocity{Tilt: -0.5}},
			{theme.NavigateBackIcon(), onvif.Velocity{Pan: -0.5}},
			{theme.NavigateNextIcon(), onvif.Velocity{Pan: 0.5}},
			{theme.ZoomInIcon(), onvif.Velocity{Zoom: 0.5}},
			{theme.ZoomOutIcon(), onvif.Velocity{Zoom: -0.5}},
		} {
			p.pad = append(p.pad, newPTZButton(t, b.icon, b.vel))
		}
	}
	t.ptzShowPad()
}

// ptzShowPad shows the pad while the pointer is on the tile or the pad.
func (t *Tile) ptzShowPad() {
	p := &t.ptz
	show := p.move != nil && (p.tileHover || p.padHover)
	for _, b := range p.pad {
		if show {
			b.Show()
		} else {
			b.Hide()
		}
	}
	t.ptzLayout(t.Size())
}

// ptzHover follows the pointer on the tile (ui/statsoverlay.go).
func (t *Tile) ptzHover(in bool) {
	if t.ptz.tileHover != in {
		t.ptz.tileHover = in
		t.ptzShowPad()
	}
}

// ptzLayout puts the pad at the right of the picture, in its middle; a
// tile too small for it gets none.
func (t *Tile) ptzLayout(size fyne.Size) {
	p := &t.ptz
	if len(p.pad) == 0 {
		return
	}
	top := t.image.Position().Y
	h := size.Height - top
	if size.Width < 6*padCell || h < 4*padCell {
		for _, b := range p.pad {
			b.Hide()
		}
		return
	}
	x0 := size.Width - 3*padCell - theme.Padding()
	y0 := top + (h-3*padCell)/2
	// ↑ ↓ ← → in a cross; zoom in and out in the right corners.
	cells := [][2]float32{{1, 0}, {1, 2}, {0, 1}, {2, 1}, {2, 0}, {2, 2}}
	for i, b := range p.pad {
		b.Move(fyne.NewPos(x0+cells[i][0]*padCell, y0+cells[i][1]*padCell))
		b.Resize(fyne.NewSquareSize(padCell))
	}
}

func (t *Tile) ptzObjects() []fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, len(t.ptz.pad))
	for i, b := range t.ptz.pad {
		objs[i] = b
	}
	return objs
}

// ptzDragged moves the camera for a drag that began on the picture and
// reports whether it took the drag (ui/tiledrag.go: else the tile moves).
func (t *Tile) ptzDragged(ev *fyne.DragEvent) bool {
	p := &t.ptz
	if p.move == nil || t.drag.dragging {
		return false
	}
	if !p.dragging {
		start := ev.Position.Subtract(ev.Dragged)
		if start.Y < t.image.Position().Y {
			return false // the title row: the tile itself is dragged
		}
		p.dragging, p.from, p.last = true, start, onvif.Velocity{}
	}
	size := t.image.Size()
	reach := max(min(size.Width, size.Height)/2, 1)
	d := ev.Position.Subtract(p.from)
	vel := onvif.Velocity{Pan: stepped(d.X / reach), Tilt: stepped(-d.Y / reach)}
	if vel != p.last || vel == (onvif.Velocity{}) {
		p.last = vel
		p.move(vel, ptzHold)
	}
	return true
}

// ptzDragEnd stops the camera at the end of a PTZ drag; it reports
// whether the drag was one.
func (t *Tile) ptzDragEnd() bool {
	p := &t.ptz
	if !p.dragging {
		return false
	}
	p.dragging = false
	if p.move != nil {
		p.move(onvif.Velocity{}, 0)
	}
	return true
}

// stepped clamps a drag's share of the picture to [-1, 1] in tenths, so
// a drag sends a request per tenth, not per pixel.
func stepped(f float32) float64 {
	return math.Round(math.Max(-1, math.Min(1, float64(f)))*10) / 10
}

// Scrolled implements fyne.Scrollable: on a PTZ tile the wheel zooms, a
// short pulse per step.
func (t *Tile) Scrolled(ev *fyne.ScrollEvent) {
	if t.ptz.move == nil || ev.Scrolled.DY == 0 {
		return
	}
	z := 0.5
	if ev.Scrolled.DY < 0 {
		z = -0.5
	}
	t.ptz.move(onvif.Velocity{Zoom: z}, wheelPulse)
}

// ptzButton is one button of the pad: the camera moves while it is held
// (a widget.Button acts on release only).
type ptzButton struct {
	widget.BaseWidget
	t    *Tile
	vel  onvif.Velocity
	bg   *canvas.Circle
	icon *canvas.Image
	held bool
}

var (
	padColor     = color.NRGBA{R: 0x20, G: 0x20, B: 0x24, A: 0xb0}
	padHeldColor = color.NRGBA{R: 0x30, G: 0x70, B: 0xd0, A: 0xe0}
)

func newPTZButton(t *Tile, icon fyne.Resource, vel onvif.Velocity) *ptzButton {
	b := &ptzButton{t: t, vel: vel, bg: canvas.NewCircle(padColor), icon: canvas.NewImageFromResource(icon)}
	b.icon.FillMode = canvas.ImageFillContain
	b.ExtendBaseWidget(b)
	b.Hide()
	return b
}

// CreateRenderer implements fyne.Widget.
func (b *ptzButton) CreateRenderer() fyne.WidgetRenderer {
	return &ptzButtonRenderer{b: b}
}

type ptzButtonRenderer struct{ b *ptzButton }

func (r *ptzButtonRenderer) Layout(s fyne.Size) {
	r.b.bg.Resize(s)
	in := s.Width / 5
	r.b.icon.Move(fyne.NewPos(in, in))
	r.b.icon.Resize(fyne.NewSize(s.Width-2*in, s.Height-2*in))
}
func (r *ptzButtonRenderer) MinSize() fyne.Size { return fyne.NewSquareSize(padCell) }
func (r *ptzButtonRenderer) Refresh() {
	r.b.bg.FillColor = padColor
	if r.b.held {
		r.b.bg.FillColor = padHeldColor
	}
	r.b.bg.Refresh()
	r.b.icon.Refresh()
}
func (r *ptzButtonRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.b.bg, r.b.icon}
}
func (r *ptzButtonRenderer) Destroy() {}

// MouseDown implements desktop.Mouseable: the move starts.
func (b *ptzButton) MouseDown(ev *desktop.MouseEvent) {
	if ev.Button != desktop.MouseButtonPrimary || b.t.ptz.move == nil {
		return
	}
	b.held = true
	b.t.ptz.move(b.vel, ptzHold)
	b.Refresh()
}

// MouseUp implements desktop.Mouseable: the move stops.
func (b *ptzButton) MouseUp(*desktop.MouseEvent) { b.release() }

func (b *ptzButton) release() {
	if !b.held {
		return
	}
	b.held = false
	if b.t.ptz.move != nil {
		b.t.ptz.move(onvif.Velocity{}, 0)
	}
	b.Refresh()
}

// Tapped implements fyne.Tappable, so a click on the pad does not
// select the tile under it; the move was MouseDown's.
func (b *ptzButton) Tapped(*fyne.PointEvent) {}

// MouseIn implements desktop.Hoverable: the pad stays while the pointer
// is on it (the tile under it sees the pointer leave).
func (b *ptzButton) MouseIn(*desktop.MouseEvent) {
	b.t.ptz.padHover = true
	b.t.ptzShowPad()
}

// MouseMoved implements desktop.Hoverable.
func (b *ptzButton) MouseMoved(*desktop.MouseEvent) {}

// MouseOut implements desktop.Hoverable; a button left while held stops.
func (b *ptzButton) MouseOut() {
	b.release()
	b.t.ptz.padHover = false
	b.t.ptzShowPad()
}
