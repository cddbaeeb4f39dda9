package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// overlayMaxLines is the most lines a tile's state sentence takes: enough
// for "Reconnecting (5)… Nothing is listening at 127.0.0.1:8654." on a
// 3×3 tile, few enough to leave the picture to look at.
const overlayMaxLines = 4

// tileOverlay is a tile's state sentence ("Connecting…", an error) over the
// bottom of its picture. canvas.Text neither wraps nor clips: a centred
// sentence wider than its tile spilled over both neighbours, and off the
// window's edge. So the sentence is wrapped at the tile's width into at
// most overlayMaxLines lines, the last ending in "…" when even that is too
// little; the whole sentence stays in the status line.
type tileOverlay struct {
	text  string
	bg    *canvas.Rectangle
	lines [overlayMaxLines]*canvas.Text
	// width and room are what the last layout fitted the text to.
	width, room float32
}

func newTileOverlay() tileOverlay {
	o := tileOverlay{bg: canvas.NewRectangle(statsBackdrop)}
	o.bg.Hide()
	for i := range o.lines {
		o.lines[i] = canvas.NewText("", color.White)
		o.lines[i].TextSize = theme.TextSize()
		o.lines[i].Alignment = fyne.TextAlignCenter
		o.lines[i].Hide()
	}
	return o
}

func (o *tileOverlay) objects() []fyne.CanvasObject {
	out := []fyne.CanvasObject{o.bg}
	for _, l := range o.lines {
		out = append(out, l)
	}
	return out
}

// measure is the width line takes on the canvas.
func (o *tileOverlay) measure(line string) float32 {
	l := o.lines[0]
	return fyne.MeasureText(line, l.TextSize, l.TextStyle).Width
}

// layout fits the text to a tile of size whose picture ends at bottom
// (above the transport bar) and starts at top (below the title row).
func (o *tileOverlay) layout(size fyne.Size, top, bottom float32) {
	pad := theme.Padding()
	o.width, o.room = size.Width-4*pad, bottom-top-2*pad
	lineH := fyne.MeasureText("Ag", o.lines[0].TextSize, o.lines[0].TextStyle).Height
	maxLines := 0
	if lineH > 0 {
		maxLines = min(int(o.room/lineH), overlayMaxLines)
	}
	var lines []string
	if o.text != "" && o.width > 0 && maxLines > 0 {
		lines = wrapText(o.text, o.width, maxLines, o.measure)
	}
	h := float32(len(lines)) * lineH
	y := bottom - pad - h
	var w float32
	for i, l := range o.lines {
		if i >= len(lines) {
			l.Hide()
			continue
		}
		l.Text = lines[i]
		w = max(w, o.measure(lines[i]))
		l.Move(fyne.NewPos(0, y+float32(i)*lineH))
		l.Resize(fyne.NewSize(size.Width, lineH))
		l.Show()
		l.Refresh()
	}
	if len(lines) == 0 {
		o.bg.Hide()
		return
	}
	// A backdrop as wide as the longest line: the sentence reads on a
	// bright picture too.
	bw := min(w+2*pad, size.Width)
	o.bg.Move(fyne.NewPos((size.Width-bw)/2, y))
	o.bg.Resize(fyne.NewSize(bw, h))
	o.bg.Show()
	o.bg.Refresh()
}

// wrapText breaks text at spaces into lines no wider than width (measured
// by measure), at most maxLines of them. A word wider than a line is cut
// with "…", and so is the last line when the text goes on past it.
func wrapText(text string, width float32, maxLines int, measure func(string) float32) []string {
	words := strings.Fields(text)
	var lines []string
	cur := ""
	for i, w := range words {
		next := w
		if cur != "" {
			next = cur + " " + w
		}
		if measure(next) <= width {
			cur = next
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
		}
		cur = w
		if len(lines) == maxLines-1 {
			// The last line: the rest of the sentence, cut to fit.
			return append(lines, fitLine(strings.Join(words[i:], " "), width, measure))
		}
		if measure(cur) > width {
			cur = fitLine(cur, width, measure)
		}
	}
	if cur != "" {
		lines = append(lines, fitLine(cur, width, measure))
	}
	return lines
}

// fitLine is line, or as much of it as fits width followed by "…".
func fitLine(line string, width float32, measure func(string) float32) string {
	if measure(line) <= width {
		return line
	}
	r := []rune(strings.TrimRight(line, "…"))
	// Binary search for the longest prefix that fits with the ellipsis.
	lo, hi := 0, len(r)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if measure(strings.TrimRight(string(r[:mid]), " ")+"…") <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 {
		if measure("…") <= width {
			return "…"
		}
		return ""
	}
	return strings.TrimRight(string(r[:lo]), " ") + "…"
}
