package ui

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"

	"github.com/rtspview/rtspview/player"
)

// statsOverlay is the block of figures in a tile's top-left corner, under
// the title row: transport, decoded resolution, fps, bitrate and loss.
// Key I shows it on every tile; the pointer on a tile shows it there while
// it stays. The text follows the viewer's once-a-second tick, not the
// frames: numbers that change 25 times a second cannot be read anyway.
type statsOverlay struct {
	tile  *Tile
	bg    *canvas.Rectangle
	lines [3]*canvas.Text
	full  [3]string // the figures; lines show what fits the tile (fitLine)
	all   bool      // key I
	hover bool      // the pointer moved on the tile and is there
	// pointerIn and inAt: the pointer came onto the tile, where.
	pointerIn bool
	inAt      fyne.Position
	lastSize  fyne.Size
}

// statsBackdrop darkens the picture under the figures so they read on a
// bright scene too.
var statsBackdrop = color.NRGBA{A: 0xd8}

func newStatsOverlay(t *Tile) statsOverlay {
	o := statsOverlay{tile: t, bg: canvas.NewRectangle(statsBackdrop)}
	o.bg.Hide()
	for i := range o.lines {
		o.lines[i] = canvas.NewText("", color.White)
		o.lines[i].TextSize = theme.TextSize() - 1
		o.lines[i].Hide()
	}
	return o
}

func (o *statsOverlay) objects() []fyne.CanvasObject {
	out := []fyne.CanvasObject{o.bg}
	for _, l := range o.lines {
		out = append(out, l)
	}
	return out
}

// shown reports whether the overlay is up.
func (o *statsOverlay) shown() bool { return o.all || o.hover }

func (o *statsOverlay) setAll(on bool) {
	if o.all != on {
		o.all = on
		o.show()
	}
}

func (o *statsOverlay) setHover(on bool) {
	if o.hover != on {
		o.hover = on
		o.show()
	}
}

// show puts the overlay up with fresh figures, or takes it down.
func (o *statsOverlay) show() {
	if !o.shown() {
		o.bg.Hide()
		for _, l := range o.lines {
			l.Hide()
		}
		o.bg.Refresh()
		return
	}
	o.bg.Show()
	for _, l := range o.lines {
		l.Show()
	}
	o.update()
}

// update writes the tile's current figures when the overlay is up.
func (o *statsOverlay) update() {
	if !o.shown() {
		return
	}
	var st player.Stats
	if s := o.tile.stream; s != nil {
		st = s.Stats()
	}
	o.full = statsLines(st)
	o.layout(o.lastSize)
	o.bg.Refresh()
}

// layout places the block below the title row (the tile's renderer calls
// it after the title row is laid out).
func (o *statsOverlay) layout(size fyne.Size) {
	o.lastSize = size
	pad := theme.Padding()
	top := pad
	if d := &o.tile.deco; d.nameBg.Visible() {
		top += d.nameBg.Size().Height
	}
	var w, h float32
	measure := func(s string) float32 {
		return fyne.MeasureText(s, o.lines[0].TextSize, o.lines[0].TextStyle).Width
	}
	for i, l := range o.lines {
		w = max(w, measure(o.full[i]))
		h += l.MinSize().Height
	}
	// Cut at the tile's edge with "…": a small tile shows what fits
	// (canvas.Text does not clip; the figures ran into the next tile).
	w = min(w+2*pad, size.Width-2*pad)
	for i, l := range o.lines {
		if fit := fitLine(o.full[i], w-2*pad, measure); fit != l.Text {
			l.Text = fit
			l.Refresh()
		}
	}
	h = min(h+2*pad, size.Height-top-pad)
	o.bg.Move(fyne.NewPos(pad, top))
	o.bg.Resize(fyne.NewSize(max(w, 0), max(h, 0)))
	y := top + pad
	for _, l := range o.lines {
		s := l.MinSize()
		l.Move(fyne.NewPos(2*pad, y))
		l.Resize(fyne.NewSize(max(w-2*pad, 0), s.Height))
		y += s.Height
	}
}

// statsLines is the overlay's text: "TCP", "1280×720 · 25 fps",
// "2.1 Mb/s · loss 0.3 % (12)", the last with the sound's codec when the
// camera sends one ("· AAC"), and the A/V offset on the tile heard.
func statsLines(st player.Stats) [3]string {
	via := st.Via
	if via == "" {
		via = strings.ToUpper(st.Transport)
	}
	if via == "" {
		via = "not connected"
	} else if st.TLS {
		via += " + TLS"
	}
	res := "no picture yet"
	if st.Width > 0 {
		res = fmt.Sprintf("%d×%d", st.Width, st.Height)
	}
	loss := "no loss"
	if st.PacketsLost > 0 {
		// Of the packets sent: received plus those that never came.
		pct := 100 * float64(st.PacketsLost) / float64(st.PacketsReceived+st.PacketsLost)
		loss = fmt.Sprintf("loss %.1f %% (%d)", pct, st.PacketsLost)
	}
	// No rate before it is measured, and none without a picture: "0 fps"
	// beside "no picture yet" says nothing the first words do not.
	line := res
	switch {
	case st.Width == 0:
	case st.RatesMeasured:
		line += fmt.Sprintf(" · %.0f fps", st.FPS)
	default:
		line += " · measuring"
	}
	third := fmt.Sprintf("%.1f Mb/s · %s", st.Bitrate/1e6, loss)
	if a := st.Audio; a != nil && a.SetUp {
		// The camera's sound, and, on the tile being heard, how far it
		// is from the picture once the sender reports put them on one
		// timeline.
		third += " · " + a.Codec
		if a.Synced {
			third += fmt.Sprintf(" A/V %+d ms", a.SyncOffset.Milliseconds())
		}
	}
	return [3]string{via, line, third}
}

// StatsText returns the overlay's lines, "" when it is hidden (for tests).
func (t *Tile) StatsText() string {
	if !t.info.shown() {
		return ""
	}
	return strings.Join(t.info.full[:], "\n") // whole: the tile may show them cut
}

// MouseIn implements desktop.Hoverable. The figures wait for the pointer
// to move on the tile (MouseMoved): a window that opens under a resting
// pointer, or a tile that moves under it (a page turned, a layout
// chosen), would otherwise cover a corner of the picture unasked.
func (t *Tile) MouseIn(ev *desktop.MouseEvent) {
	t.info.pointerIn = true
	t.info.inAt = fyne.Position{}
	if ev != nil {
		t.info.inAt = ev.Position
	}
}

// MouseMoved implements desktop.Hoverable: the tile's figures while the
// pointer moves on it and stays.
func (t *Tile) MouseMoved(ev *desktop.MouseEvent) {
	if !t.info.pointerIn {
		t.info.pointerIn, t.info.inAt = true, ev.Position // no MouseIn seen
		return
	}
	if d := ev.Position.Subtract(t.info.inAt); d.X*d.X+d.Y*d.Y >= 4 {
		t.info.setHover(true)
		t.ptzHover(true)
	}
}

// MouseOut implements desktop.Hoverable.
func (t *Tile) MouseOut() {
	t.info.pointerIn = false
	t.info.setHover(false)
	t.ptzHover(false)
}

// refreshStatsOverlays brings the figures of every overlay that is up
// up to date; the viewer's tick calls it once a second. UI thread.
func (v *Viewer) refreshStatsOverlays() {
	tiles := v.Tiles()
	for _, t := range tiles {
		t.info.update()
	}
}
