package ui

import (
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/player"
)

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
	b.repause = b.repause || b.paused && !b.ended
	b.seeking, b.target = true, to
	b.enqueue(barAction{kind: actSeek, to: to})
	b.Update()
}

// showSpeeds opens the menu of speeds above the speed button, the
// current one ticked.
func (b *TransportBar) showSpeeds() {
	b.used()
	c := fyne.CurrentApp().Driver().CanvasForObject(b.speed)
	if c == nil {
		return
	}
	items := make([]*fyne.MenuItem, len(speeds))
	for i, s := range speeds {
		items[i] = fyne.NewMenuItem(s.label, func() { b.speedPicked(s.label) })
		items[i].Checked = s.label == b.speed.Text
	}
	b.speedMenu = fyne.NewMenu("", items...)
	m := widget.NewPopUpMenu(b.speedMenu, c)
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(b.speed)
	// Above the button: the bar sits at the bottom of the tile, often
	// the bottom of the window, where a menu below would be cut off.
	// Right edges aligned: the button is at the tile's right edge, often
	// the window's, where a menu starting at it would be cut off.
	x := max(at.X+b.speed.Size().Width-m.MinSize().Width, 0)
	m.ShowAtPosition(fyne.NewPos(x, at.Y-m.MinSize().Height))
}

// speedPicked asks for the speed written as label ("2×").
func (b *TransportBar) speedPicked(label string) {
	b.used()
	for _, s := range speeds {
		if s.label == label && b.pb != nil && b.mode == barRecorded {
			b.note = ""
			b.speedAsked++
			b.speed.SetText(label)
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
