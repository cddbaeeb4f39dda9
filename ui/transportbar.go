package ui

import (
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

	// off keeps the bar hidden whatever plays: a kiosk wall (--kiosk)
	// has nobody at it to press pause, and a button there says otherwise.
	off bool

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
	// repause: the seek was asked for while paused; once its first
	// picture is shown the bar pauses again (RTSP's PLAY with a Range
	// plays on, but a paused player stays paused when ← → move it).
	repause bool
	// toggles counts pause/resume in flight; while any is, the button
	// shows the state asked for, not the one the stream reports.
	toggles    int
	wantPaused bool
	speedAsked int // speed changes in flight
	lastUpdate time.Time
	look       barLook // as last drawn

	bg     *canvas.Rectangle
	play   *widget.Button
	back   *widget.Button
	fwd    *widget.Button
	clock  *canvas.Text
	status *canvas.Text // "Ended", "LIVE", or what went wrong
	slider *seekSlider
	// speed shows the speed and opens a menu of the others: a Select
	// would take the width of a slider in a tile of a wall.
	speed     *widget.Button
	speedMenu *fyne.Menu // the menu last opened (for tests)
	row       *fyne.Container
	themed    *container.ThemeOverride

	mu      sync.Mutex // guards queue and running
	queue   []barAction
	running bool
	wg      sync.WaitGroup // the worker
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
	// An ASCII minus: U+2212 is not in Fyne's bundled font, and where no
	// system font stands in (Windows under Wine) it shows as a box.
	b.back = widget.NewButton("-10 s", func() { b.used(); b.jump(-seekStep) })
	b.back.Importance = widget.LowImportance
	b.fwd = widget.NewButton("+10 s", func() { b.used(); b.jump(seekStep) })
	b.fwd.Importance = widget.LowImportance
	b.clock = canvas.NewText("00:00 / 00:00", color.White)
	b.clock.TextStyle.Monospace = true
	b.status = canvas.NewText("", noteYellow)
	b.status.TextStyle.Bold = true
	b.slider = newSeekSlider(b)
	b.speed = widget.NewButton("1×", b.showSpeeds)
	b.speed.Importance = widget.LowImportance
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
	b.repause = false
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

// frameShown refreshes the bar as pictures come, ten times a second at
// most: the clock then turns within 0.1 s of the picture (at 250 ms it
// was seen a second behind a burned-in time), and a wall of cameras does
// not read Stats for every picture.
func (b *TransportBar) frameShown() {
	// A recording's clock moves with its pictures; a live bar ("LIVE")
	// changes only with the state, which onStatus and the viewer's
	// ticker bring: reading it again per picture is waste on a wall.
	every := 100 * time.Millisecond
	if b.mode != barRecorded {
		every = time.Second
	}
	if time.Since(b.lastUpdate) < every {
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
		ended := b.pb.Status().State == player.StateEnded || st.Ended
		if ended && !b.ended {
			// The end is newer news than whatever the last control
			// came to ("Server refused 2×" under a finished recording).
			b.note = ""
		}
		b.ended = ended
	}
	if b.off {
		mode = barHidden
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
		if b.repause {
			b.repause, b.wantPaused = false, true
			b.toggles++
			b.enqueue(barAction{kind: actPause})
		}
	}
	if b.repause || b.toggles > 0 && b.wantPaused {
		b.paused = true // the button stays at Play through the seek
	}
	switch {
	case b.seeking:
		b.pos = b.target
	case b.ended && b.dur > 0:
		// The last picture is a frame short of the end; "00:19 / 00:20"
		// under "Ended" reads as if a second were missing.
		b.pos = b.dur
	case st.HasPosition:
		b.pos = st.Position
	}
	b.render(st)
	if !b.Visible() {
		b.Show()
		changed = true
	}
	// Refreshing lays the row out again; skip it when nothing a person
	// could see moved (the slider in steps of a thousandth).
	look := barLook{b.clock.Text, b.status.Text, b.play.Icon, b.speed.Text, b.mode, 0}
	if b.slider.Max > 0 {
		look.slider = int(b.slider.Value / b.slider.Max * 1000)
	}
	if changed || look != b.look {
		b.look = look
		b.row.Refresh()
		b.Refresh()
	}
	if changed && b.onMode != nil {
		b.onMode()
	}
}

// barLook is what the bar shows, to tell whether it needs drawing again.
type barLook struct {
	clock, status string
	icon          fyne.Resource
	speed         string
	mode          barMode
	slider        int
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
	if b.play.Icon != icon {
		b.play.SetIcon(icon)
	}
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
	if l := speedLabel(st.Speed); b.speedAsked == 0 && b.speed.Text != l {
		b.speed.SetText(l)
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
