package ui

import (
	"fmt"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
)

// recBadge is what a tile says about its recording: a red dot and the
// running time while it records, or why it stopped by itself. In the
// title row when the tile has one (left of the ⋮ button, the name cut
// shorter); over the picture's top-left corner when not. A tile too
// narrow for the time shows the dot alone; a reason too long for the tile
// is cut with an ellipsis (the tile's menu has it whole).
type recBadge struct {
	bg   *canvas.Rectangle
	dot  *canvas.Circle
	text *canvas.Text
	on   bool   // recording
	why  string // why it stopped by itself; "" when it did not
}

// recRed is the dot: the red every recorder's REC lamp has.
var recRed = color.NRGBA{R: 0xe5, G: 0x1c, B: 0x23, A: 0xff}

// recBadgeBg sets the badge off from the picture under it.
var recBadgeBg = color.NRGBA{R: 0x10, G: 0x10, B: 0x12, A: 0xd0}

func newRecBadge() recBadge {
	b := recBadge{
		bg:   canvas.NewRectangle(recBadgeBg),
		dot:  canvas.NewCircle(recRed),
		text: canvas.NewText("", color.White),
	}
	b.text.TextSize = theme.TextSize()
	b.text.TextStyle = fyne.TextStyle{Monospace: true} // digits of one width: the time does not jitter
	b.bg.Hide()
	b.dot.Hide()
	b.text.Hide()
	return b
}

func (b *recBadge) objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{b.bg, b.dot, b.text}
}

// recClock is a recording's running time as a clock reads: 0:42, 12:05,
// 1:02:03.
func recClock(d time.Duration) string {
	s := int(max(d, 0) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// layout places the badge in a row of height rowH at the top of the tile,
// ending at x = right, and returns the width it takes there. over: the
// tile has no title row, so the badge sits on the picture with its own
// background, from the left.
func (b *recBadge) layout(size fyne.Size, rowH, right float32, over bool) float32 {
	if !b.on && b.why == "" {
		b.bg.Hide()
		b.dot.Hide()
		b.text.Hide()
		return 0
	}
	pad := theme.Padding()
	th := fyne.MeasureText("0", b.text.TextSize, b.text.TextStyle).Height
	if rowH <= 0 {
		rowH = th + 2*pad
	}
	d := th * 0.6 // the dot, a little smaller than a capital
	if b.why != "" {
		// The reason goes over the picture's top, under the title row,
		// across the tile: it is longer than a row's corner.
		top := float32(0)
		if !over {
			top = rowH
		}
		b.dot.Hide()
		b.text.Color = color.White
		b.text.Text = fitText("Not recording: "+b.why, size.Width-4*pad, b.text.TextSize, b.text.TextStyle)
		b.text.Move(fyne.NewPos(2*pad, top+pad))
		b.text.Resize(fyne.NewSize(size.Width-4*pad, th))
		b.bg.FillColor = color.NRGBA{R: 0x8a, G: 0x12, B: 0x18, A: 0xe0}
		b.bg.Move(fyne.NewPos(0, top))
		b.bg.Resize(fyne.NewSize(size.Width, th+2*pad))
		b.bg.Show()
		b.text.Show()
		b.bg.Refresh()
		b.text.Refresh()
		return 0
	}
	tw := fyne.MeasureText(b.text.Text, b.text.TextSize, b.text.TextStyle).Width
	w := d + 3*pad + tw
	showText := true
	// The time only when it leaves the tile room for its ⋮ and a little
	// of the name (or picture): a 160 px tile shows the dot alone.
	if right-w < size.Width*0.4 {
		showText = false
		w = d + 2*pad
	}
	x := right - w
	if over {
		x = pad
	}
	b.bg.FillColor = recBadgeBg
	b.bg.Move(fyne.NewPos(x, (rowH-(th+2*pad))/2))
	b.bg.Resize(fyne.NewSize(w, th+2*pad))
	b.bg.Hidden = !over // the title row is the badge's background
	b.dot.Move(fyne.NewPos(x+pad, (rowH-d)/2))
	b.dot.Resize(fyne.NewSize(d, d))
	b.dot.Show()
	b.text.Color = color.White
	b.text.Move(fyne.NewPos(x+d+2*pad, (rowH-th)/2))
	b.text.Resize(fyne.NewSize(tw, th))
	b.text.Hidden = !showText
	b.bg.Refresh()
	b.dot.Refresh()
	b.text.Refresh()
	if over {
		return 0
	}
	return w
}

// fitText cuts s with an ellipsis to fit width (runes off the end, a
// bounded number of measurements).
func fitText(s string, width, size float32, style fyne.TextStyle) string {
	if fyne.MeasureText(s, size, style).Width <= width {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r) // the longest prefix that fits is in [lo, hi)
	for lo < hi-1 {
		mid := (lo + hi) / 2
		if fyne.MeasureText(string(r[:mid])+"…", size, style).Width <= width {
			lo = mid
		} else {
			hi = mid
		}
	}
	return string(r[:lo]) + "…"
}

// setRecording shows the dot and running time (on), or why recording
// stopped by itself (why != ""), or nothing. UI thread.
func (t *Tile) setRecording(on bool, elapsed time.Duration, why string) {
	b := &t.deco.rec
	b.on, b.why = on, why
	if on {
		b.why = ""
		b.text.Text = recClock(elapsed)
	}
	t.deco.layout(t.deco.lastSize)
}

// RecordingText returns what the tile says about its recording: the
// running time, "Not recording: …", or "" (for tests).
func (t *Tile) RecordingText() string {
	b := &t.deco.rec
	if !b.on && b.why == "" {
		return ""
	}
	return b.text.Text
}

// RecordingDot reports whether the red dot is shown (for tests).
func (t *Tile) RecordingDot() bool { return t.deco.rec.on && t.deco.rec.dot.Visible() }
