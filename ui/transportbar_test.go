package ui

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// scriptedPlayback is a stream whose state the test sets, and which
// records the controls the bar sends it, acting on them the way
// player.Stream does.
type scriptedPlayback struct {
	mu       sync.Mutex
	st       player.Stats
	state    player.State
	calls    []string
	refuse   bool // SetSpeed answers ErrSpeedRefused, as gst-rtsp-server does
	notReady bool // every control answers ErrNotPlaying
}

func (p *scriptedPlayback) Stats() player.Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.st
}

func (p *scriptedPlayback) Status() player.Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	return player.Status{State: p.state}
}

func (p *scriptedPlayback) call(c string) error {
	p.calls = append(p.calls, c)
	if p.notReady {
		return player.ErrNotPlaying
	}
	return nil
}

func (p *scriptedPlayback) Seek(to time.Duration) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.call(fmt.Sprintf("seek %v", to)); err != nil {
		return err
	}
	p.st.Position, p.st.HasPosition, p.st.HasStartNPT = to, true, true
	p.st.Paused, p.st.Ended, p.state = false, false, player.StatePlaying
	return nil
}

func (p *scriptedPlayback) Pause() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.call("pause"); err != nil {
		return err
	}
	p.st.Paused = true
	if p.st.Seekable {
		p.state = player.StatePaused
	}
	return nil
}

func (p *scriptedPlayback) Resume() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.call("resume"); err != nil {
		return err
	}
	p.st.Paused, p.state = false, player.StatePlaying
	return nil
}

func (p *scriptedPlayback) SetSpeed(x float64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.call(fmt.Sprintf("speed %v", x)); err != nil {
		return err
	}
	if p.refuse {
		p.st.Speed, p.st.SpeedRefused = 1, true
		return player.ErrSpeedRefused
	}
	p.st.Speed = x
	return nil
}

func (p *scriptedPlayback) set(f func(*scriptedPlayback)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(p)
}

func (p *scriptedPlayback) Calls() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.calls, ", ")
}

// recording is a 20 s recording at 12 s, playing.
func recording() *scriptedPlayback {
	return &scriptedPlayback{state: player.StatePlaying, st: player.Stats{
		Seekable: true, Duration: 20 * time.Second, Speed: 1,
		Position: 12 * time.Second, HasPosition: true, HasStartNPT: true,
	}}
}

// newTestBar puts a bar of the given width in a headless window, driving
// pb, with results serialized as the viewer does.
func newTestBar(t *testing.T, pb Playback, width float32) *TransportBar {
	t.Helper()
	test.NewTempApp(t)
	b := NewTransportBar(onUI)
	w := test.NewWindow(b)
	w.Resize(fyne.NewSize(width, 60))
	t.Cleanup(func() { b.Wait(); w.Close() })
	onUI(func() {
		b.Attach(pb)
		b.Resize(fyne.NewSize(width, b.MinSize().Height))
	})
	return b
}

// use runs a person's action on the UI thread and waits for the control
// it sent to be answered and shown.
func use(b *TransportBar, action func()) {
	onUI(action)
	b.Wait()
	onUI(b.Update)
}

func TestBarHiddenUntilDescribed(t *testing.T) {
	pb := &scriptedPlayback{state: player.StateConnecting}
	b := newTestBar(t, pb, 800)
	if b.Visible() || b.Mode() != barHidden {
		t.Fatal("bar shown while connecting")
	}
	// Playing, but the SDP not read yet: neither live nor recorded.
	pb.set(func(p *scriptedPlayback) { p.state = player.StatePlaying })
	onUI(b.Update)
	if b.Visible() {
		t.Fatal("bar shown before the stream was described")
	}
	pb.set(func(p *scriptedPlayback) { p.st.Live = true; p.state = player.StateReconnecting })
	onUI(b.Update)
	if b.Visible() {
		t.Fatal("bar shown while reconnecting")
	}
}

func TestBarLive(t *testing.T) {
	pb := &scriptedPlayback{state: player.StatePlaying, st: player.Stats{Live: true, Speed: 1}}
	b := newTestBar(t, pb, 800)
	if !b.Visible() || b.Mode() != barLive || b.StatusText() != "LIVE" {
		t.Fatalf("visible %v mode %v status %q; want LIVE", b.Visible(), b.Mode(), b.StatusText())
	}
	for _, o := range []fyne.CanvasObject{b.slider, b.back, b.fwd, b.speed, b.clock} {
		if o.Visible() {
			t.Fatalf("%T shown on a live stream", o)
		}
	}
	if !b.play.Visible() || b.play.Icon != theme.MediaPauseIcon() {
		t.Fatal("no pause button on a live stream")
	}
	// The bar lies only under its two controls, not across the picture.
	if b.bg.Size().Width >= 400 {
		t.Fatalf("live bar background %v wide in an 800 wide tile", b.bg.Size().Width)
	}
	use(b, func() { test.Tap(b.play) })
	if pb.Calls() != "pause" || b.StatusText() != "Paused" || b.play.Icon != theme.MediaPlayIcon() {
		t.Fatalf("after pause: calls %q status %q", pb.Calls(), b.StatusText())
	}
	use(b, func() { test.Tap(b.play) })
	if pb.Calls() != "pause, resume" || b.StatusText() != "LIVE" {
		t.Fatalf("after resume: calls %q status %q", pb.Calls(), b.StatusText())
	}
	// ← → mean nothing live.
	if onUI(func() { b.Key(&fyne.KeyEvent{Name: fyne.KeyLeft}) }); pb.Calls() != "pause, resume" {
		t.Fatalf("← on live sent %q", pb.Calls())
	}
}

func TestBarRecorded(t *testing.T) {
	pb := recording()
	b := newTestBar(t, pb, 800)
	if b.Mode() != barRecorded || b.ClockText() != "00:12 / 00:20" {
		t.Fatalf("mode %v clock %q", b.Mode(), b.ClockText())
	}
	if b.slider.Value != 12 || b.slider.Max != 20 || b.speed.Text != "1×" {
		t.Fatalf("slider %v/%v speed %q", b.slider.Value, b.slider.Max, b.speed.Text)
	}
	for _, o := range []fyne.CanvasObject{b.play, b.back, b.fwd, b.clock, b.slider, b.speed} {
		if !o.Visible() {
			t.Fatalf("%T hidden in an 800 wide bar", o)
		}
	}
	use(b, func() { test.Tap(b.back) })
	if pb.Calls() != "seek 2s" || b.ClockText() != "00:02 / 00:20" {
		t.Fatalf("−10 s: calls %q clock %q", pb.Calls(), b.ClockText())
	}
	// Past the end lands a second before it.
	use(b, func() { b.Key(&fyne.KeyEvent{Name: fyne.KeyRight}) })
	use(b, func() { b.Key(&fyne.KeyEvent{Name: fyne.KeyRight}) })
	if pb.Calls() != "seek 2s, seek 12s, seek 19s" {
		t.Fatalf("→ →: calls %q", pb.Calls())
	}
	// The slider: a tap at a place seeks there.
	use(b, func() {
		b.slider.Value = 5
		b.slider.OnChanged(5)
		b.slider.OnChangeEnded(5)
	})
	if !strings.HasSuffix(pb.Calls(), "seek 5s") || b.ClockText() != "00:05 / 00:20" {
		t.Fatalf("slider: calls %q clock %q", pb.Calls(), b.ClockText())
	}
	use(b, func() { b.speedPicked("2×") })
	if !strings.HasSuffix(pb.Calls(), "speed 2") || b.speed.Text != "2×" || b.StatusText() != "" {
		t.Fatalf("speed: calls %q shown %q note %q", pb.Calls(), b.speed.Text, b.StatusText())
	}
}

func TestBarPausedAndEnded(t *testing.T) {
	pb := recording()
	b := newTestBar(t, pb, 800)
	use(b, func() { test.Tap(b.play) })
	if pb.Calls() != "pause" || b.play.Icon != theme.MediaPlayIcon() {
		t.Fatalf("pause: calls %q", pb.Calls())
	}
	use(b, func() { test.Tap(b.play) })
	if pb.Calls() != "pause, resume" || b.play.Icon != theme.MediaPauseIcon() {
		t.Fatalf("resume: calls %q", pb.Calls())
	}
	pb.set(func(p *scriptedPlayback) {
		p.state, p.st.Ended, p.st.Position = player.StateEnded, true, 19960*time.Millisecond
	})
	onUI(b.Update)
	if b.StatusText() != "Ended" || b.play.Icon != theme.MediaReplayIcon() || b.ClockText() != "00:20 / 00:20" {
		t.Fatalf("ended: status %q clock %q", b.StatusText(), b.ClockText())
	}
	var gap float32
	onUI(func() {
		b.Refresh()
		gap = b.status.Position().X - (b.clock.Position().X + b.clock.MinSize().Width)
	})
	if gap < 2*theme.Padding() {
		t.Fatalf("\"Ended\" %.0f px after the time: it reads as one word", gap)
	}
	// Replay plays from the start.
	use(b, func() { test.Tap(b.play) })
	if pb.Calls() != "pause, resume, seek 0s" || b.StatusText() != "" || b.ClockText() != "00:00 / 00:20" {
		t.Fatalf("replay: calls %q status %q clock %q", pb.Calls(), b.StatusText(), b.ClockText())
	}
}

func TestBarSpeedMenu(t *testing.T) {
	pb := recording()
	b := newTestBar(t, pb, 800)
	onUI(func() { test.Tap(b.speed) })
	c := fyne.CurrentApp().Driver().CanvasForObject(b)
	if c.Overlays().Top() == nil || b.speedMenu == nil {
		t.Fatal("tapping the speed opened no menu")
	}
	var labels []string
	for _, it := range b.speedMenu.Items {
		labels = append(labels, fmt.Sprintf("%s%v", it.Label, map[bool]string{true: "✓"}[it.Checked]))
	}
	if strings.Join(labels, " ") != "0.5× 1×✓ 2× 4×" {
		t.Fatalf("menu %q", labels)
	}
	use(b, b.speedMenu.Items[2].Action)
	if pb.Calls() != "speed 2" || b.speed.Text != "2×" {
		t.Fatalf("picked 2×: calls %q shown %q", pb.Calls(), b.speed.Text)
	}
}

func TestBarSpeedRefused(t *testing.T) {
	pb := recording()
	pb.refuse = true
	b := newTestBar(t, pb, 800)
	use(b, func() { b.speedPicked("4×") })
	if pb.Calls() != "speed 4" || b.speed.Text != "1×" || b.StatusText() != "Server refused 4×; playing at 1×" {
		t.Fatalf("calls %q shown %q note %q", pb.Calls(), b.speed.Text, b.StatusText())
	}
	if !b.status.Visible() {
		t.Fatal("the refusal is not on the bar")
	}
	// The next control clears it, and so does the end.
	use(b, func() { test.Tap(b.fwd) })
	if b.StatusText() != "" {
		t.Fatalf("note %q after a seek", b.StatusText())
	}
	use(b, func() { b.speedPicked("2×") })
	pb.set(func(p *scriptedPlayback) { p.state, p.st.Ended = player.StateEnded, true })
	onUI(b.Update)
	if b.StatusText() != "Ended" {
		t.Fatalf("at the end the bar says %q", b.StatusText())
	}
}

func TestBarNotPlayingYet(t *testing.T) {
	pb := recording()
	pb.notReady = true
	b := newTestBar(t, pb, 800)
	use(b, func() { test.Tap(b.fwd) })
	if b.StatusText() != "Not playing yet" || b.ClockText() != "00:12 / 00:20" {
		t.Fatalf("status %q clock %q; want the position back where it was", b.StatusText(), b.ClockText())
	}
}

// TestBarNarrow: in a small tile of a wall the bar keeps play, the clock
// and a slider; in a large one it shows everything and stays one row.
func TestBarNarrow(t *testing.T) {
	pb := recording()
	// A tile of a 4×4 wall on a 1280 wide screen.
	b := newTestBar(t, pb, 320)
	for _, o := range []fyne.CanvasObject{b.play, b.clock, b.slider, b.speed} {
		if !o.Visible() {
			t.Fatalf("%T hidden in a 320 wide bar", o)
		}
	}
	for _, o := range []fyne.CanvasObject{b.back, b.fwd} {
		if o.Visible() {
			t.Fatalf("%T shown in a 320 wide bar", o)
		}
	}
	if end := b.speed.Position().X + b.speed.Size().Width; end > 320 || b.slider.Size().Width < minSliderWidth {
		t.Fatalf("slider %v, speed ends at %v in a 320 wide bar", b.slider.Size(), end)
	}
	// The smallest tile keeps play and the clock inside it.
	onUI(func() { b.Resize(fyne.NewSize(160, b.MinSize().Height)) })
	if !b.play.Visible() || !b.clock.Visible() || b.clock.Position().X+b.clock.MinSize().Width > 160 {
		t.Fatalf("160 wide: play %v clock %v at %v", b.play.Visible(), b.clock.Visible(), b.clock.Position())
	}
	h := b.MinSize().Height
	onUI(func() { b.Resize(fyne.NewSize(1800, h)) })
	if !b.speed.Visible() || !b.back.Visible() || b.MinSize().Height != h {
		t.Fatalf("1800 wide: speed %v jumps %v height %v (was %v)", b.speed.Visible(), b.back.Visible(), b.MinSize().Height, h)
	}
}

// TestBarClockRange: an NVR's recording (a=range:clock=…) shows wall-clock
// times, and the slider and jumps still work in play time from its start.
func TestBarClockRange(t *testing.T) {
	start := time.Date(2026, 11, 28, 22, 0, 0, 0, time.Local)
	pb := recording()
	pb.set(func(p *scriptedPlayback) { p.st.ClockStart, p.st.Duration = start, time.Hour })
	b := newTestBar(t, pb, 800)
	if b.ClockText() != "22:00:12 / 23:00:00" || b.slider.Max != 3600 {
		t.Fatalf("clock %q slider max %v", b.ClockText(), b.slider.Max)
	}
	use(b, func() { test.Tap(b.fwd) })
	if pb.Calls() != "seek 22s" || b.ClockText() != "22:00:22 / 23:00:00" {
		t.Fatalf("+10 s: calls %q clock %q", pb.Calls(), b.ClockText())
	}
}

func TestPositionText(t *testing.T) {
	start := time.Date(2026, 11, 28, 22, 0, 0, 0, time.Local)
	for _, c := range []struct {
		st   player.Stats
		pos  time.Duration
		want string
	}{
		{player.Stats{Duration: 20 * time.Second}, 12 * time.Second, "00:12 / 00:20"},
		{player.Stats{Duration: 90 * time.Minute}, 61*time.Minute + 5*time.Second, "1:01:05 / 1:30:00"},
		{player.Stats{Duration: 2 * time.Hour, ClockStart: start}, 14*time.Minute + 5*time.Second, "Nov 28 22:14:05 / Nov 29 00:00:00"},
		{player.Stats{Duration: 8 * time.Hour, ClockStart: start}, 3 * time.Hour, "Nov 29 01:00:00 / Nov 29 06:00:00"},
		{player.Stats{Duration: time.Hour, ClockStart: start}, time.Minute, "22:01:00 / 23:00:00"},
		{player.Stats{ClockStart: start}, time.Minute, "22:01:00"},
	} {
		if got := positionText(c.st, c.pos); got != c.want {
			t.Errorf("positionText(%v, %v) = %q; want %q", c.st.Duration, c.pos, got, c.want)
		}
	}
}

// TestBarSeeksRealRecording plays a 20 s MP4 served by gst-rtsp-server in
// the viewer from 13 s, and uses the bar as a person would: −10 s shows
// 3 s, then → goes on to 13 s, then pause holds the position.
func TestBarSeeksRealRecording(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // after the viewer and server are gone
	clip := rtsptest.MakeClip(t, rtsptest.ClipOptions{})
	url := rtsptest.StartGst(t, rtsptest.GstOptions{File: clip, Path: "/vod"})
	v, _ := newTestViewer(t, Options{URLs: []string{url}, Transport: player.TransportTCP, Start: 13 * time.Second})
	onUI(v.Start)
	tile := v.Tiles()[0]
	b := tile.bar
	waitFor(t, 30*time.Second, "the recorded bar at 13 s", func() bool {
		b.Update()
		return b.Mode() == barRecorded && strings.HasPrefix(b.ClockText(), "00:13 / 00:20")
	})
	asked := time.Now()
	onUI(func() { test.Tap(b.back) })
	// 30 s: under -race at load 11 the seek took over 10 s.
	waitFor(t, 30*time.Second, "00:03 on the bar", func() bool {
		b.Update()
		return !b.seeking && strings.HasPrefix(b.ClockText(), "00:03 / ")
	})
	st := tile.Stream().Stats()
	if st.Position < 2500*time.Millisecond || st.Position > 4500*time.Millisecond {
		t.Fatalf("bar says %q but the stream is at %v", b.ClockText(), st.Position)
	}
	t.Logf("−10 s from 13 s: bar shows %q, stream at %.3f s, %v after the tap (first picture %v after the seek)",
		b.ClockText(), st.Position.Seconds(), time.Since(asked).Round(time.Millisecond), st.SeekFirstPicture.Round(time.Millisecond))

	// → on the window (no widget focused) seeks the selected tile.
	onUI(func() { v.typedKey(&fyne.KeyEvent{Name: fyne.KeyRight}) })
	waitFor(t, 30*time.Second, "13 s after →", func() bool {
		b.Update()
		return !b.seeking && b.pos >= 12500*time.Millisecond && b.pos < 15*time.Second
	})

	onUI(func() { test.Tap(b.play) })
	b.Wait()
	var held string
	waitFor(t, 5*time.Second, "paused", func() bool {
		b.Update()
		held = b.ClockText()
		return tile.Stream().Stats().Paused && b.play.Icon == theme.MediaPlayIcon()
	})
	time.Sleep(1500 * time.Millisecond)
	onUI(b.Update)
	if b.ClockText() != held {
		t.Fatalf("paused at %q, %q 1.5 s later", held, b.ClockText())
	}
	onUI(func() { test.Tap(b.play) })
	b.Wait()
	waitFor(t, 10*time.Second, "playing on after resume", func() bool {
		b.Update()
		return b.ClockText() != held && !tile.Stream().Stats().Paused
	})
}

// TestStatusLinePausedLive: a paused live stream keeps its session
// playing; the status line says what a person sees.
func TestStatusLinePausedLive(t *testing.T) {
	st := player.Status{State: player.StatePlaying}
	stats := player.Stats{Transport: "tcp", Width: 1280, Height: 720, Live: true, Paused: true, RatesMeasured: true}
	if got := statusLine(st, stats, 1); got != "Paused · TCP · 1280×720 · 0 fps" {
		t.Fatalf("%q", got)
	}
}

// TestBarSeekWhilePausedStaysPaused: ← on a paused recording moves it
// and leaves it paused, showing the picture from the new place (it
// played on, as RTSP's PLAY with a Range does).
func TestBarSeekWhilePausedStaysPaused(t *testing.T) {
	pb := recording()
	b := newTestBar(t, pb, 800)
	use(b, func() { test.Tap(b.play) })
	if pb.Calls() != "pause" {
		t.Fatalf("calls %q", pb.Calls())
	}
	use(b, func() { b.Key(&fyne.KeyEvent{Name: fyne.KeyLeft}) })
	use(b, func() {}) // the first picture from 2 s is shown: Update pauses again
	if pb.Calls() != "pause, seek 2s, pause" || !pb.Stats().Paused || b.play.Icon != theme.MediaPlayIcon() {
		t.Fatalf("calls %q, paused %v", pb.Calls(), pb.Stats().Paused)
	}
	if b.ClockText() != "00:02 / 00:20" {
		t.Fatalf("clock %q", b.ClockText())
	}
	// Playing, ← plays on from there.
	use(b, func() { test.Tap(b.play) })
	use(b, func() { b.Key(&fyne.KeyEvent{Name: fyne.KeyRight}) })
	use(b, func() {})
	if pb.Calls() != "pause, seek 2s, pause, resume, seek 12s" || pb.Stats().Paused {
		t.Fatalf("calls %q, paused %v", pb.Calls(), pb.Stats().Paused)
	}
}
