package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tileDeco is the tile's title row: the camera's name at the left and a ⋮
// button at the right that opens the tile's menu (Rename, Remove);
// right-click opens the same menu. The row sits above the picture, not on
// it: a badge over the picture was hard to read, for eyes and for OCR,
// where the picture has its own text or fine stripes under the letters
// (a test pattern, a camera's burnt-in clock).
type tileDeco struct {
	nameBg   *canvas.Rectangle
	name     *canvas.Text
	menu     *widget.Button
	onMenu   func(t *Tile, at fyne.Position) // absolute position; nil: no menu
	lastSize fyne.Size
	tile     *Tile
	rec      recBadge // a recording's dot and time (ui/recbadge.go)
	full     string   // the whole name; name shows what fits (fitLine)
}

// nameBadge is the title row's colour: a dark grey, set off from the
// black letterbox below it.
var nameBadge = color.NRGBA{R: 0x26, G: 0x26, B: 0x2a, A: 0xff}

func newTileDeco(t *Tile) tileDeco {
	d := tileDeco{
		tile:   t,
		nameBg: canvas.NewRectangle(nameBadge),
		name:   canvas.NewText("", color.White),
		rec:    newRecBadge(),
	}
	d.name.TextStyle = fyne.TextStyle{Bold: true}
	d.name.TextSize = theme.TextSize() + 2
	d.nameBg.Hide()
	d.menu = widget.NewButtonWithIcon("", theme.MoreVerticalIcon(), func() {
		if t.deco.onMenu == nil {
			return
		}
		at := fyne.CurrentApp().Driver().AbsolutePositionForObject(t.deco.menu)
		t.deco.onMenu(t, at.Add(fyne.NewPos(0, t.deco.menu.Size().Height)))
	})
	d.menu.Importance = widget.LowImportance
	d.menu.Hide() // shown once the viewer gives the tile a menu
	return d
}

// layout runs after the tile laid out its picture over the whole tile; with
// a name shown, it gives the top row to the title and the rest to the
// picture.
func (d *tileDeco) layout(size fyne.Size) {
	d.lastSize = size
	if size.Width <= 0 {
		return // not laid out yet (a name set before the tile is shown)
	}
	if !d.nameBg.Visible() {
		d.menu.Move(fyne.NewPos(size.Width-d.menu.MinSize().Width, 0))
		d.menu.Resize(d.menu.MinSize())
		d.rec.layout(size, 0, size.Width-d.menu.MinSize().Width, true)
		return
	}
	pad := theme.Padding()
	ts := fyne.MeasureText(d.full, d.name.TextSize, d.name.TextStyle)
	bs := d.menu.MinSize()
	rowH := max(ts.Height+2*pad, bs.Height)
	d.nameBg.Move(fyne.NewPos(0, 0))
	d.nameBg.Resize(fyne.NewSize(size.Width, rowH))
	// canvas.Text neither truncates nor clips: a long name ends in "…"
	// before the button (and the recording's dot and time).
	rw := d.rec.layout(size, rowH, size.Width-bs.Width, false)
	ts.Width = min(ts.Width, size.Width-bs.Width-rw-3*pad)
	if fit := fitLine(d.full, ts.Width, func(s string) float32 {
		return fyne.MeasureText(s, d.name.TextSize, d.name.TextStyle).Width
	}); fit != d.name.Text {
		d.name.Text = fit
		d.name.Refresh()
	}
	d.name.Move(fyne.NewPos(2*pad, (rowH-ts.Height)/2))
	d.name.Resize(ts)
	d.menu.Resize(bs)
	d.menu.Move(fyne.NewPos(size.Width-bs.Width, (rowH-bs.Height)/2))
	if img := d.tile.image; img.Size() == size {
		img.Move(fyne.NewPos(0, rowH))
		img.Resize(fyne.NewSize(size.Width, size.Height-rowH))
	}
}

func (d *tileDeco) objects() []fyne.CanvasObject {
	return append([]fyne.CanvasObject{d.nameBg, d.name, d.menu}, d.rec.objects()...)
}

// SetName shows name on the tile ("" hides the badge), without control
// and direction characters (cleanText).
func (t *Tile) SetName(name string) {
	d := &t.deco
	name = cleanText(name)
	d.full, d.name.Text = name, name
	if name == "" {
		d.nameBg.Hide()
	} else {
		d.nameBg.Show()
	}
	d.name.Refresh()
	d.layout(d.lastSize)
	d.nameBg.Refresh()
}

// Name returns the name shown on the tile.
func (t *Tile) Name() string { return t.deco.full }

// setMenu gives the tile its ⋮ button and right-click menu.
func (t *Tile) setMenu(f func(t *Tile, at fyne.Position)) {
	t.deco.onMenu = f
	t.deco.menu.Show()
}

// TappedSecondary opens the tile's menu where the pointer is (right-click).
func (t *Tile) TappedSecondary(e *fyne.PointEvent) {
	if t.onTap != nil {
		t.onTap(t) // the menu acts on the tile it was opened on
	}
	if t.deco.onMenu != nil {
		t.deco.onMenu(t, e.AbsolutePosition)
	}
}
