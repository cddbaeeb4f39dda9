package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// CreateRenderer implements fyne.Widget.
func (b *TransportBar) CreateRenderer() fyne.WidgetRenderer {
	return &barRenderer{b: b}
}

type barRenderer struct{ b *TransportBar }

func (r *barRenderer) Layout(size fyne.Size) {
	b := r.b
	b.themed.Resize(size)
	b.themed.Move(fyne.NewPos(0, 0))
	b.row.Resize(size) // the override does not pass on a same-size resize
	w := size.Width
	if b.mode == barLive {
		// Live needs two controls, not a band across the picture.
		p := theme.Padding()
		w = p + b.play.MinSize().Width + p + b.status.MinSize().Width + 3*p
	}
	b.bg.Resize(fyne.NewSize(w, size.Height))
	b.bg.Move(fyne.NewPos(0, 0))
}

func (r *barRenderer) MinSize() fyne.Size { return r.b.row.MinSize() }

func (r *barRenderer) Refresh() {
	r.Layout(r.b.Size())
	r.b.bg.Refresh()
	r.b.themed.Refresh()
}

func (r *barRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.b.bg, r.b.themed}
}

func (r *barRenderer) Destroy() {}

// barLayout places the bar's row: play, −10 s, +10 s, the clock, a note,
// the slider taking what is left, speed. A narrow tile drops speed, then
// the jumps, then the note, so that play, the clock and a slider wide
// enough to aim at always remain.
type barLayout struct{ b *TransportBar }

// minSliderWidth keeps the slider long enough to aim at a place in a
// short recording; below it the jumps and speed give way.
const minSliderWidth = 100

func (l *barLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	b := l.b
	p := theme.Padding()
	h := size.Height
	place := func(o fyne.CanvasObject, x, w float32) float32 {
		ms := o.MinSize()
		o.Resize(fyne.NewSize(w, ms.Height))
		o.Move(fyne.NewPos(x, (h-ms.Height)/2))
		if !o.Visible() {
			o.Show()
		}
		return x + w + p
	}
	hide := func(objs ...fyne.CanvasObject) {
		for _, o := range objs {
			if o.Visible() {
				o.Hide()
			}
		}
	}
	x := p
	x = place(b.play, x, b.play.MinSize().Width)
	if b.mode == barLive {
		hide(b.back, b.fwd, b.clock, b.slider, b.speed)
		place(b.status, x, b.status.MinSize().Width)
		return
	}
	rest := size.Width - x - b.clock.MinSize().Width - 2*p
	jumps := b.back.MinSize().Width + b.fwd.MinSize().Width + 2*p
	note := float32(0)
	if b.status.Text != "" {
		note = b.status.MinSize().Width + p + noteGap
	}
	speed := b.speed.MinSize().Width + p
	showJumps, showNote, showSpeed := false, false, false
	for _, o := range []struct {
		on *bool
		w  float32
	}{{&showNote, note}, {&showJumps, jumps}, {&showSpeed, speed}} {
		if o.w > 0 && rest-o.w >= minSliderWidth {
			*o.on = true
			rest -= o.w
		}
	}
	if showJumps {
		x = place(b.back, x, b.back.MinSize().Width)
		x = place(b.fwd, x, b.fwd.MinSize().Width)
	} else {
		hide(b.back, b.fwd)
	}
	x = place(b.clock, x, b.clock.MinSize().Width)
	if showNote {
		x = place(b.status, x+noteGap, b.status.MinSize().Width)
	} else {
		hide(b.status)
	}
	right := size.Width - p
	if showSpeed {
		sw := b.speed.MinSize().Width
		right -= sw
		place(b.speed, right, sw)
		right -= p
	} else {
		hide(b.speed)
	}
	if b.dur > 0 && right-x >= minSliderWidth*2/5 {
		place(b.slider, x, right-x)
	} else {
		hide(b.slider) // open-ended: nothing to slide along
	}
}

// noteGap sets "Ended" (or a control's note) off from the time before it:
// at one padding it read "00:20 / 00:20Ended".
const noteGap = 8

func (l *barLayout) MinSize(_ []fyne.CanvasObject) fyne.Size {
	b := l.b
	p := theme.Padding()
	h := max(b.play.MinSize().Height, b.speed.MinSize().Height, b.slider.MinSize().Height)
	w := p + b.play.MinSize().Width + p + b.clock.MinSize().Width + p
	if b.mode == barLive {
		w = p + b.play.MinSize().Width + p + b.status.MinSize().Width + p
	}
	return fyne.NewSize(w, h)
}
