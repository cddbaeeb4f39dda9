package ui

import (
	"errors"
	"fmt"
	"image/color"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/player"
)

// Playback is what the transport bar drives. *player.Stream satisfies it;
// tests put a scripted one in its place to reach states (a refused speed,
// the end) that a real server gives only sometimes.
type Playback interface {
	Stats() player.Stats
	Status() player.Status
	Seek(to time.Duration) error
	Pause() error
	Resume() error
	SetSpeed(x float64) error
}

// seekStep is what −10 s / +10 s and the ← → keys jump.
const seekStep = 10 * time.Second

// speeds are the speeds offered, as the bar writes them.
var speeds = []struct {
	label string
	x     float64
}{{"0.5×", 0.5}, {"1×", 1}, {"2×", 2}, {"4×", 4}}

// barMode is which bar a stream gets.
type barMode int

const (
	barHidden   barMode = iota // not playing, or not described yet
	barLive                    // an open range: LIVE and pause
	barRecorded                // a recording: the whole bar
)

// TransportBar is the VCR row over the bottom of a tile: for a recording
// play/pause, position / duration, a seek slider, −10 s / +10 s and speed;
// for a live stream only LIVE and pause. Its controls block on the
// network (each is a PLAY or PAUSE round trip), so they run on one worker
// goroutine the bar owns, never on the UI thread; results come back
// through do.
type TransportBar struct {
	widget.BaseWidget

	do    func(func()) // fyne.Do, or the viewer's serializing one
	onUse func()       // the person used the bar: select its tile
	// onMode is called when the bar appears, disappears or changes kind,
	// so the tile moves its status text out of the bar's way.
	onMode func()

	// UI thread only.
	pb      Playback
	gen     uint64 // counts attach: results for an older stream are dropped
	mode    barMode
	ended   bool
	paused  bool // as shown
	pos     time.Duration
	dur     time.Duration
	note    string // the outcome of the last control, "" when it went well
	drag    bool   // the slider is held: it shows the place, not the position
	seeking bool   // a seek was asked for and its first picture is not shown yet
	target  time.Duration
	// toggles counts pause/resume in flight; while any is, the button
	// shows the state asked for, not the one the stream reports.
	toggles    int
	wantPaused bool
	speedAsked int // speed changes in flight
	lastUpdate time.Time

	bg     *canvas.Rectangle
	play   *widget.Button
	back   *widget.Button
	fwd    *widget.Button
	clock  *canvas.Text
	status *canvas.Text // "Ended", "LIVE", or what went wrong
	slider *seekSlider
	speed  *widget.Select
	row    *fyne.Container
	themed *container.ThemeOverride

	mu      sync.Mutex // guards queue and running
	queue   []barAction
	running bool
	wg      sync.WaitGroup // the worker
}

// maxQueued bounds the controls waiting for a slow server; seeks are
// merged, so this is only reached by clicking other controls fast.
const maxQueued = 8

type actKind int

const (
	actSeek actKind = iota
	actPause
	actResume
	actSpeed
)

// barAction is one control for the worker, for the stream it was meant
// for.
type barAction struct {
	pb    Playback
	gen   uint64
	kind  actKind
	to    time.Duration
	speed float64
}

func (a barAction) run() error {
	switch a.kind {
	case actSeek:
		return a.pb.Seek(a.to)
	case actPause:
		return a.pb.Pause()
	case actResume:
		return a.pb.Resume()
	case actSpeed:
		return a.pb.SetSpeed(a.speed)
	}
	return nil
}

// barTheme keeps the bar light on dark whatever the window's theme: it
// lies over video, where a light theme's dark icons would vanish.
type barTheme struct{ fyne.Theme }

func (t barTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, theme.VariantDark)
}

var (
	barBackground = color.NRGBA{0, 0, 0, 0xb0}
	liveRed       = color.NRGBA{0xff, 0x45, 0x3a, 0xff}
	noteYellow    = color.NRGBA{0xff, 0xd6, 0x0a, 0xff}
)

// NewTransportBar returns a hidden bar; Attach gives it a stream. do
// brings the worker's results onto the UI thread.
func NewTransportBar(do func(func())) *TransportBar {
	b := &TransportBar{do: do}
	b.bg = canvas.NewRectangle(barBackground)
	b.play = widget.NewButtonWithIcon("", theme.MediaPauseIcon(), b.togglePlay)
	b.play.Importance = widget.LowImportance
	b.back = widget.NewButton("−10 s", func() { b.used(); b.jump(-seekStep) })
	b.back.Importance = widget.LowImportance
	b.fwd = widget.NewButton("+10 s", func() { b.used(); b.jump(seekStep) })
	b.fwd.Importance = widget.LowImportance
	b.clock = canvas.NewText("00:00 / 00:00", color.White)
	b.clock.TextStyle.Monospace = true
	b.status = canvas.NewText("", noteYellow)
	b.status.TextStyle.Bold = true
	b.slider = newSeekSlider(b)
	labels := make([]string, len(speeds))
	for i, s := range speeds {
		labels[i] = s.label
	}
	b.speed = widget.NewSelect(labels, b.speedPicked)
	b.speed.Selected = "1×"
	b.row = container.New(&barLayout{b}, b.play, b.back, b.fwd, b.clock, b.status, b.slider, b.speed)
	b.themed = container.NewThemeOverride(b.row, barTheme{theme.DefaultTheme()})
	b.ExtendBaseWidget(b)
	b.Hide()
	return b
}

// Attach makes the bar drive pb (nil: nothing). Results still coming for
// the stream before are dropped.
func (b *TransportBar) Attach(pb Playback) {
	b.pb = pb
	b.gen++
	b.seeking, b.toggles, b.speedAsked, b.drag = false, 0, 0, false
	b.note = ""
	b.Update()
}

// attachStream is Attach for the tile's stream, which may be nil: a nil
// *player.Stream in the interface would look attached.
func (b *TransportBar) attachStream(s *player.Stream) {
	if s == nil {
		b.Attach(nil)
		return
	}
	b.Attach(s)
}

// Wait returns when the worker has run every control asked for. Close
// the stream first: a control waits for its session's answer.
func (b *TransportBar) Wait() { b.wg.Wait() }

// Mode says which bar shows (for the tile and tests).
func (b *TransportBar) Mode() barMode { return b.mode }

// ClockText is the position as shown: "00:12 / 00:20" (for tests).
func (b *TransportBar) ClockText() string { return b.clock.Text }

// StatusText is "LIVE", "Ended", or what the last control came to.
func (b *TransportBar) StatusText() string { return b.status.Text }

// used selects the bar's tile: the person is working with this camera,
// so ← → and the status line should be about it too.
func (b *TransportBar) used() {
	if b.onUse != nil {
		b.onUse()
	}
}

// frameShown refreshes the bar as pictures come, a few times a second:
// often enough for the clock and slider to move smoothly, rare enough
// that a wall of cameras does not spend its UI thread on Stats.
func (b *TransportBar) frameShown() {
	if time.Since(b.lastUpdate) < 250*time.Millisecond {
		return
	}
	b.Update()
}

// Update reads the stream's state into the bar. UI thread only.
func (b *TransportBar) Update() {
	b.lastUpdate = time.Now()
	mode := barHidden
	var st player.Stats
	if b.pb != nil {
		st = b.pb.Stats()
		switch b.pb.Status().State {
		case player.StatePlaying, player.StatePaused, player.StateEnded:
			switch {
			case st.Seekable:
				mode = barRecorded
			case st.Live:
				mode = barLive
			}
		}
		b.ended = b.pb.Status().State == player.StateEnded || st.Ended
	}
	changed := mode != b.mode
	b.mode = mode
	if mode == barHidden {
		if b.Visible() {
			b.Hide()
			changed = true
		}
		if changed && b.onMode != nil {
			b.onMode()
		}
		return
	}
	b.paused = st.Paused
	if b.toggles > 0 {
		b.paused = b.wantPaused
	}
	b.dur = st.Duration
	if b.seeking && b.toggles == 0 && !b.inFlight() && st.HasStartNPT {
		// The first picture from the new place is shown: the position
		// is real again.
		b.seeking = false
	}
	switch {
	case b.seeking:
		b.pos = b.target
	case st.HasPosition:
		b.pos = st.Position
	}
	b.render(st)
	if !b.Visible() {
		b.Show()
		changed = true
	}
	b.row.Refresh()
	b.Refresh()
	if changed && b.onMode != nil {
		b.onMode()
	}
}

// render sets the widgets from the bar's state.
func (b *TransportBar) render(st player.Stats) {
	icon := theme.MediaPauseIcon()
	switch {
	case b.mode == barRecorded && b.ended && !b.seeking:
		icon = theme.MediaReplayIcon()
	case b.paused:
		icon = theme.MediaPlayIcon()
	}
	b.play.SetIcon(icon)
	if b.mode == barLive {
		b.clock.Text = ""
		b.status.Text, b.status.Color = "LIVE", liveRed
		if b.paused {
			// Resume goes back to live, not on from here.
			b.status.Text, b.status.Color = "Paused", color.White
		}
		return
	}
	shown := b.pos
	if b.drag {
		shown = time.Duration(b.slider.Value * float64(time.Second))
	}
	b.clock.Text = positionText(st, shown)
	if !b.drag {
		b.slider.Max = b.dur.Seconds()
		b.slider.Value = min(shown.Seconds(), b.slider.Max)
	}
	if b.speedAsked == 0 {
		b.speed.Selected = speedLabel(st.Speed)
	}
	b.status.Text, b.status.Color = b.note, noteYellow
	if b.ended && !b.seeking && b.note == "" {
		b.status.Text, b.status.Color = "Ended", color.White
	}
}

// positionText is "00:12 / 00:20" for play times, or wall-clock times for
// an NVR's clock= recording ("22:14:05 / 06:00:00"), with the date when
// the recording spans more than one day.
func positionText(st player.Stats, pos time.Duration) string {
	if !st.ClockStart.IsZero() {
		start := st.ClockStart.Local()
		at := start.Add(pos)
		layout := "15:04:05"
		end := start.Add(st.Duration)
		if st.Duration > 0 && (end.YearDay() != start.YearDay() || end.Year() != start.Year()) {
			layout = "Jan 2 15:04:05"
		}
		if st.Duration <= 0 {
			return at.Format(layout)
		}
		return at.Format(layout) + " / " + end.Format(layout)
	}
	if st.Duration <= 0 {
		return playTime(pos, pos)
	}
	return playTime(pos, st.Duration) + " / " + playTime(st.Duration, st.Duration)
}

// playTime is mm:ss, or h:mm:ss when the recording is an hour or more.
func playTime(d, total time.Duration) string {
	s := max(int(d/time.Second), 0)
	if total >= time.Hour {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

func speedLabel(x float64) string {
	for _, s := range speeds {
		if s.x == x {
			return s.label
		}
	}
	return "1×"
}

func (b *TransportBar) inFlight() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.running
}

// togglePlay is the play/pause button: pause, resume, or at the end play
// again from the start.
func (b *TransportBar) togglePlay() {
	b.used()
	if b.pb == nil || b.mode == barHidden {
		return
	}
	if b.mode == barRecorded && b.ended && !b.seeking {
		b.seekTo(0)
		return
	}
	b.note = ""
	b.wantPaused = !b.paused
	b.toggles++
	kind := actPause
	if !b.wantPaused {
		kind = actResume
	}
	b.enqueue(barAction{kind: kind})
	b.Update()
}

// jump moves by d from the place shown (or the place already asked for,
// so three quick presses of +10 s go 30 s), kept inside the recording: a
// jump past the end lands a second before it rather than failing.
func (b *TransportBar) jump(d time.Duration) {
	if b.mode != barRecorded {
		return
	}
	from := b.pos
	if b.seeking {
		from = b.target
	}
	to := from + d
	if b.dur > 0 && to > b.dur-time.Second {
		to = b.dur - time.Second
	}
	b.seekTo(max(to, 0))
}

// seekTo plays from to.
func (b *TransportBar) seekTo(to time.Duration) {
	if b.pb == nil || b.mode != barRecorded {
		return
	}
	b.note = ""
	b.seeking, b.target = true, to
	b.enqueue(barAction{kind: actSeek, to: to})
	b.Update()
}

func (b *TransportBar) speedPicked(label string) {
	b.used()
	for _, s := range speeds {
		if s.label == label && b.pb != nil && b.mode == barRecorded {
			b.note = ""
			b.speedAsked++
			b.enqueue(barAction{kind: actSpeed, speed: s.x})
		}
	}
}

// Key handles ← → (seek ±10 s) and space (play/pause) for the tile's
// bar; false when the key is not one of them or the bar is hidden.
func (b *TransportBar) Key(ev *fyne.KeyEvent) bool {
	if b.mode == barHidden {
		return false
	}
	switch ev.Name {
	case fyne.KeyLeft:
		b.jump(-seekStep)
	case fyne.KeyRight:
		b.jump(seekStep)
	case fyne.KeySpace:
		b.togglePlay()
	default:
		return false
	}
	return b.mode == barRecorded || ev.Name == fyne.KeySpace
}

// enqueue hands a to the worker, starting it if it is not running. A seek
// replaces a seek still waiting, so dragging the slider over a slow
// server plays from where it was let go, not from every place passed.
func (b *TransportBar) enqueue(a barAction) {
	a.pb, a.gen = b.pb, b.gen
	b.mu.Lock()
	n := len(b.queue)
	switch {
	case n > 0 && a.kind == actSeek && b.queue[n-1].kind == actSeek:
		b.queue[n-1] = a
	case n < maxQueued:
		b.queue = append(b.queue, a)
	default:
		b.mu.Unlock()
		b.done(a, errors.New("busy"))
		return
	}
	start := !b.running
	b.running = true
	b.mu.Unlock()
	if start {
		b.wg.Add(1)
		go b.work()
	}
}

// work runs the queued controls in order and ends when none is left.
func (b *TransportBar) work() {
	defer b.wg.Done()
	for {
		b.mu.Lock()
		if len(b.queue) == 0 {
			b.running = false
			b.mu.Unlock()
			return
		}
		a := b.queue[0]
		b.queue = b.queue[1:]
		b.mu.Unlock()
		err := a.run()
		b.do(func() { b.done(a, err) })
	}
}

// done runs on the UI thread with a control's outcome.
func (b *TransportBar) done(a barAction, err error) {
	if a.gen != b.gen {
		return // for a stream this tile no longer shows
	}
	switch a.kind {
	case actPause, actResume:
		b.toggles = max(b.toggles-1, 0)
	case actSpeed:
		b.speedAsked = max(b.speedAsked-1, 0)
	case actSeek:
		if err != nil {
			b.seeking = false
		}
	}
	b.note = controlSentence(a, err)
	b.Update()
}

// controlSentence says in a few words why a control did nothing; "" when
// it worked.
func controlSentence(a barAction, err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, player.ErrSpeedRefused):
		return fmt.Sprintf("Server refused %s; playing at 1×", speedLabel(a.speed))
	case errors.Is(err, player.ErrBeyondEnd):
		return "That is past the end"
	case errors.Is(err, player.ErrNotPlaying):
		return "Not playing yet"
	case errors.Is(err, player.ErrNotSeekable):
		return "A live stream cannot seek"
	}
	return player.Sentence(err, "")
}

// seekSlider is the position slider. ← → on it jump ±10 s like
// everywhere else on the tile, instead of the slider's own small step.
type seekSlider struct {
	widget.Slider
	bar *TransportBar
}

func newSeekSlider(b *TransportBar) *seekSlider {
	s := &seekSlider{bar: b}
	s.Max, s.Step = 1, 0.1
	s.Orientation = widget.Horizontal
	s.OnChanged = func(float64) {
		b.drag = true
		b.clock.Text = positionText(b.statsForClock(), time.Duration(s.Value*float64(time.Second)))
		b.clock.Refresh()
	}
	s.OnChangeEnded = func(v float64) {
		b.drag = false
		b.used()
		b.seekTo(time.Duration(v * float64(time.Second)))
	}
	s.ExtendBaseWidget(s)
	return s
}

// statsForClock is enough of Stats to write a dragged position.
func (b *TransportBar) statsForClock() player.Stats {
	if b.pb == nil {
		return player.Stats{Duration: b.dur}
	}
	return b.pb.Stats()
}

// TypedKey implements fyne.Focusable: the slider holds the focus once
// tapped.
func (s *seekSlider) TypedKey(ev *fyne.KeyEvent) {
	if !s.bar.Key(ev) {
		s.Slider.TypedKey(ev)
	}
}

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

const minSliderWidth = 60

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
		note = b.status.MinSize().Width + p
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
		x = place(b.status, x, b.status.MinSize().Width)
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
	if b.dur > 0 && right-x >= minSliderWidth/2 {
		place(b.slider, x, right-x)
	} else {
		hide(b.slider) // open-ended: nothing to slide along
	}
}

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

// newTileBar makes t's bar: its results go through t's do (set by the
// viewer after NewTile), using it selects t, and the tile makes room for
// it when it comes or goes.
func newTileBar(t *Tile) *TransportBar {
	b := NewTransportBar(func(f func()) { t.do(f) })
	b.onUse = func() {
		if t.onTap != nil {
			t.onTap(t)
		}
	}
	b.onMode = t.Refresh
	return b
}
