package ui

import (
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"

	"github.com/rtspview/rtspview/internal/wall"
)

// gridSpec is one page of a wall layout: a grid of cols × rows cells whose
// first tile, when big > 1, spans big × big cells in the top-left corner
// (the "1+5" and "1+7" layouts); the other tiles fill the remaining cells
// row by row.
type gridSpec struct {
	cols, rows int
	big        int
}

// capacity is how many tiles one page holds.
func (g gridSpec) capacity() int {
	if g.big > 1 {
		return g.cols*g.rows - g.big*g.big + 1
	}
	return g.cols * g.rows
}

// maxAuto is the most tiles "auto" puts on one page, 4×4; more go to
// pages.
const maxAuto = 16

// specFor returns the grid of layout name (wall.Layouts) for count tiles.
// A name this version does not know is arranged as "auto".
func specFor(name string, count int) gridSpec {
	switch name {
	case "1x1":
		return gridSpec{1, 1, 1}
	case "2x2":
		return gridSpec{2, 2, 1}
	case "3x3":
		return gridSpec{3, 3, 1}
	case "4x4":
		return gridSpec{4, 4, 1}
	case "5x5":
		return gridSpec{5, 5, 1}
	case "1+5":
		return gridSpec{3, 3, 2}
	case "1+7":
		return gridSpec{4, 4, 3}
	}
	// Auto: square-ish by the count, as the grid always was (2 cameras side
	// by side fill the window rather than half of a 2×2), so 1, 4, 9 and 16
	// cameras get 1, 2×2, 3×3 and 4×4.
	n := min(max(count, 1), maxAuto)
	cols := int(math.Ceil(math.Sqrt(float64(n))))
	return gridSpec{cols, (n + cols - 1) / cols, 1}
}

// cell returns the i'th tile's place on the page in cells: column, row and
// span (1, or big for the first tile of a big layout).
func (g gridSpec) cell(i int) (col, row, span int) {
	if g.big <= 1 {
		return i % g.cols, i / g.cols, 1
	}
	if i == 0 {
		return 0, 0, g.big
	}
	// The cells outside the big tile, row by row: its right-hand columns
	// first, then the rows below it.
	k := 0
	for r := 0; r < g.rows; r++ {
		for c := 0; c < g.cols; c++ {
			if r < g.big && c < g.big {
				continue
			}
			k++
			if k == i {
				return c, r, 1
			}
		}
	}
	return 0, 0, 0 // past the page's capacity: not placed
}

// pageLayout is the fyne.Layout of the grid container: the tiles of one
// page, placed by spec.
type pageLayout struct{ spec gridSpec }

// Layout implements fyne.Layout.
func (l *pageLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for i, o := range objs {
		pos, sz := l.spec.place(i, size)
		o.Move(pos)
		o.Resize(sz)
	}
}

// place returns where the i'th tile of a page of size goes; past the
// page's capacity, nowhere (a zero size).
func (g gridSpec) place(i int, size fyne.Size) (fyne.Position, fyne.Size) {
	pad := theme.Padding()
	cw := (size.Width - pad*float32(g.cols-1)) / float32(g.cols)
	ch := (size.Height - pad*float32(g.rows-1)) / float32(g.rows)
	col, row, span := g.cell(i)
	if span == 0 {
		return fyne.Position{}, fyne.Size{}
	}
	s := float32(span)
	return fyne.NewPos(float32(col)*(cw+pad), float32(row)*(ch+pad)), fyne.NewSize(s*cw+(s-1)*pad, s*ch+(s-1)*pad)
}

// slotLayout places the empty slots of a page: the cells from the
// page's last tile on, so a page that is not full still shows its layout
// (the bottom row of 1+5 with three cameras, the rest of 2×2's last
// page) instead of bare background.
type slotLayout struct {
	spec gridSpec
	from int // the first empty cell's index
}

// Layout implements fyne.Layout.
func (l *slotLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for k, o := range objs {
		pos, sz := l.spec.place(l.from+k, size)
		o.Move(pos)
		o.Resize(sz)
	}
}

// MinSize implements fyne.Layout: the tiles' grid sets the size.
func (l *slotLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.Size{} }

// newSlot is one empty slot: the wall's cell outlined on a shade darker
// than the window, so it reads as a place for a camera.
func newSlot() fyne.CanvasObject {
	r := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	r.StrokeColor = theme.Color(theme.ColorNameSeparator)
	r.StrokeWidth = 1
	return r
}

// MinSize implements fyne.Layout: every cell at least a tile's minimum.
func (l *pageLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	m := fyne.NewSize(160, 90)
	for _, o := range objs {
		m = m.Max(o.MinSize())
	}
	pad := theme.Padding()
	g := l.spec
	return fyne.NewSize(float32(g.cols)*m.Width+pad*float32(g.cols-1), float32(g.rows)*m.Height+pad*float32(g.rows-1))
}

// layoutLabels are the layout selector's words for wall.Layouts, in order.
var layoutLabels = []string{"Auto", "1×1", "2×2", "3×3", "4×4", "5×5", "1+5", "1+7"}

// layoutLabel returns the selector's word for a wall layout name; one this
// version does not know shows as Auto, which is how it is arranged.
func layoutLabel(name string) string {
	for i, n := range wall.Layouts {
		if n == name {
			return layoutLabels[i]
		}
	}
	return layoutLabels[0]
}

// layoutName is layoutLabel's inverse.
func layoutName(label string) string {
	for i, l := range layoutLabels {
		if l == label {
			return wall.Layouts[i]
		}
	}
	return wall.LayoutAuto
}
