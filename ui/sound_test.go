package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/rtspview/rtspview/internal/tone"
	"github.com/rtspview/rtspview/internal/wall"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
	"github.com/rtspview/rtspview/sound"
)

// fakeSound stands in for the sound device: it keeps the last half
// second it was given, and the volume it was set to.
type fakeSound struct {
	mu     sync.Mutex
	pcm    []int16 // the newest samples, at most keep
	total  int     // samples given since the start
	volume float64
	closed bool
	err    error // Err's: no device now
}

const fakeKeep = player.AudioRate / 2 * player.AudioChannels

func (f *fakeSound) PlayAudio(pcm []int16, gap int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pcm = append(f.pcm, pcm...)
	if len(f.pcm) > fakeKeep {
		f.pcm = f.pcm[len(f.pcm)-fakeKeep:]
	}
	f.total += len(pcm)
}

func (f *fakeSound) ResetAudio() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pcm = f.pcm[:0]
}

func (f *fakeSound) SetVolume(v float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.volume = v
}

func (f *fakeSound) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

func (f *fakeSound) setErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.err = err
}

func (f *fakeSound) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
}

// heard is the tone in the last half second given, 0 before there is
// half a second of it.
func (f *fakeSound) heard() tone.Result {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.pcm) < fakeKeep {
		return tone.Result{}
	}
	return tone.Analyze(f.pcm, player.AudioChannels, player.AudioRate)
}

func (f *fakeSound) given() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.total
}

// soundViewer is a test viewer whose sound device is fake.
func soundViewer(t *testing.T, opts Options) (*Viewer, *fakeSound) {
	t.Helper()
	v, _ := newTestViewer(t, opts)
	f := &fakeSound{}
	v.snd.open = func() (soundOutput, error) { return f, nil }
	return v, f
}

// tileTS is the i'th tile's state.
func tileTS(v *Viewer, i int) *tileState {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.tiles[i]
}

func decoded(ts *tileState) time.Duration {
	if a := ts.stream.Stats().Audio; a != nil {
		return a.Decoded
	}
	return 0
}

func speakerState(ts *tileState) (shown, on bool) { return ts.tile.speakerShown() }

// TestSoundInAGridGoesWhereThePersonGivesIt: two cameras with tones of
// 500 and 1500 Hz in a grid are silent, and decode no sound, until the
// person presses M on the selected tile; its tone then plays. A click on
// the other tile's speaker gives the sound to that one and takes it from
// the first; a click on the speaker of the tile that has it mutes it.
func TestSoundInAGridGoesWhereThePersonGivesIt(t *testing.T) {
	rtsptest.NeedGst(t)
	low := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240, Audio: "aac", AudioFreq: 500})
	high := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240, Audio: "aac", AudioFreq: 1500})
	v, f := soundViewer(t, Options{Transport: player.TransportTCP})
	onUI(func() {
		v.Start()
		v.openWith(low, "", "", true, player.TransportTCP, 0)
		v.openWith(high, "", "", true, player.TransportTCP, 0)
	})
	waitPlaying(t, v, 0)
	waitPlaying(t, v, 1)
	a, b := tileTS(v, 0), tileTS(v, 1)
	waitFor(t, 15*time.Second, "both speakers, neither on", func() bool {
		sa, oa := speakerState(a)
		sb, ob := speakerState(b)
		return sa && sb && !oa && !ob
	})
	if f.given() != 0 || decoded(a) != 0 || decoded(b) != 0 {
		t.Fatalf("a grid played sound before it was given: %d samples, decoded %v and %v", f.given(), decoded(a), decoded(b))
	}

	// M on the selected tile: the one opened last, 1500 Hz.
	onUI(func() { v.typedKey(&fyne.KeyEvent{Name: fyne.KeyM}) })
	waitFor(t, 15*time.Second, "1500 Hz", func() bool {
		r := f.heard()
		return r.PeakHz > 1480 && r.PeakHz < 1520 && r.Share > 0.8
	})
	if _, on := speakerState(b); !on {
		t.Fatal("the tile with the sound does not show it")
	}
	if decoded(a) != 0 {
		t.Fatalf("the tile without the sound decoded %v", decoded(a))
	}

	// The other tile's speaker: 500 Hz, and only it.
	onUI(func() { test.Tap(a.tile.spk.btn) })
	waitFor(t, 15*time.Second, "500 Hz alone", func() bool {
		r := f.heard()
		_, oa := speakerState(a)
		_, ob := speakerState(b)
		return r.PeakHz > 490 && r.PeakHz < 510 && r.Share > 0.8 && oa && !ob
	})
	stopped := decoded(b)
	waitFor(t, 15*time.Second, "more of tile 1's sound", func() bool { return f.heard().Duration > 0 && decoded(a) > time.Second })
	if d := decoded(b); d > stopped+200*time.Millisecond {
		t.Fatalf("the tile that lost the sound went on decoding: %v, then %v", stopped, d)
	}

	// Its speaker again: muted, nothing more plays.
	onUI(func() { test.Tap(a.tile.spk.btn) })
	var muted bool
	onUI(func() { muted = a.w.cam.Muted })
	if !muted {
		t.Fatal("the click on the speaker of the tile with the sound did not mute it")
	}
	n, d, frames := f.given(), decoded(a), a.stream.Stats().FramesShown
	waitFor(t, 15*time.Second, "a second more of tile 1's video", func() bool {
		return a.stream.Stats().FramesShown >= frames+25
	})
	// What was in hand when the sink went may still arrive: one frame.
	if f.given() > n+2048*player.AudioChannels || decoded(a) > d+50*time.Millisecond {
		t.Fatalf("after the mute: %d samples played, decoded %v more", f.given()-n, decoded(a)-d)
	}
}

// TestSoundMuteIsKeptInTheWall: a single camera muted in the wall file
// plays no sound; M gives it the sound and the file loses the key; M
// again mutes it and the file says "muted": true.
func TestSoundMuteIsKeptInTheWall(t *testing.T) {
	rtsptest.NeedGst(t)
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240, Audio: "aac", AudioFreq: 1000})
	path := filepath.Join(t.TempDir(), "wall.json")
	w := &wall.Wall{Version: 1, Layout: wall.LayoutAuto, Cameras: []wall.Camera{{Name: "Door", URL: url, Transport: "tcp", Muted: true}}}
	if err := wall.Save(path, w); err != nil {
		t.Fatal(err)
	}
	v, f := soundViewer(t, Options{Wall: w, WallPath: path})
	onUI(v.Start)
	waitPlaying(t, v, 0)
	ts := tileTS(v, 0)
	waitFor(t, 15*time.Second, "its speaker, off", func() bool {
		s, on := speakerState(ts)
		return s && !on
	})
	if f.given() != 0 || decoded(ts) != 0 {
		t.Fatalf("a muted camera played: %d samples, decoded %v", f.given(), decoded(ts))
	}
	onUI(func() { v.typedKey(&fyne.KeyEvent{Name: fyne.KeyM}) })
	waitFor(t, 15*time.Second, "1000 Hz", func() bool {
		r := f.heard()
		return r.PeakHz > 980 && r.PeakHz < 1020
	})
	if file, _ := os.ReadFile(path); strings.Contains(string(file), "muted") {
		t.Fatalf("unmuted, the file still says:\n%s", file)
	}
	onUI(func() { v.typedKey(&fyne.KeyEvent{Name: fyne.KeyM}) })
	if file, _ := os.ReadFile(path); !strings.Contains(string(file), `"muted": true`) {
		t.Fatalf("muted, the file says:\n%s", file)
	}
	if _, on := speakerState(ts); on {
		t.Fatal("the speaker still says the tile has the sound")
	}
}

// TestSoundVolumeControl: the window's slider sets the device's volume,
// also when it is moved before the device is open; the figure beside it
// follows.
func TestSoundVolumeControl(t *testing.T) {
	v, f := soundViewer(t, Options{})
	onUI(func() { v.snd.ctl.slider.SetValue(40) })
	if got := v.snd.ctl.label.Text; got != "40 %" {
		t.Fatalf("label %q", got)
	}
	onUI(v.Start)
	waitFor(t, 10*time.Second, "the device at 40 %", func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.volume == 0.4
	})
	onUI(func() { v.snd.ctl.slider.SetValue(150) })
	f.mu.Lock()
	got := f.volume
	f.mu.Unlock()
	if got != 1.5 || v.snd.ctl.slider.Max != 100*sound.MaxVolume {
		t.Fatalf("volume %v, slider to %v", got, v.snd.ctl.slider.Max)
	}
}

// TestSoundNoDeviceSaysSoOnce: without a sound device the only camera
// plays its picture and its tile says "No sound device", for a while,
// once.
func TestSoundNoDeviceSaysSoOnce(t *testing.T) {
	rtsptest.NeedGst(t)
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240, Audio: "aac"})
	v, _ := newTestViewer(t, Options{Transport: player.TransportTCP})
	v.snd.open = func() (soundOutput, error) { return nil, errors.New("no sound device: test") }
	onUI(func() { v.Start(); v.openWith(url, "", "", true, player.TransportTCP, 0) })
	waitPlaying(t, v, 0)
	ts := tileTS(v, 0)
	waitFor(t, 15*time.Second, "the note", func() bool { return ts.tile.Overlay() == noSoundDeviceText })
	waitFor(t, soundNoteFor+5*time.Second, "the note gone", func() bool { return ts.tile.Overlay() == "" })
	var told bool
	onUI(func() {
		v.routeSound() // a tick: not shown again
		told = v.snd.told[ts][noSoundDeviceText]
	})
	if !told || ts.tile.Overlay() != "" {
		t.Fatalf("told %v, overlay %q", told, ts.tile.Overlay())
	}
	if ts.stream.Stats().FramesShown == 0 {
		t.Fatal("no picture")
	}
}

// TestSoundDeviceComesBack: an output without a device yet (sound.Open
// keeps looking for one) says "No sound device" on the tile once, is
// handed the camera's sound all the while, and plays it when the device
// comes, without the note again.
func TestSoundDeviceComesBack(t *testing.T) {
	rtsptest.NeedGst(t)
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240, Audio: "aac"})
	v, f := soundViewer(t, Options{Transport: player.TransportTCP})
	f.setErr(fmt.Errorf("%w: test", sound.ErrNoDevice))
	onUI(func() { v.Start(); v.openWith(url, "", "", true, player.TransportTCP, 0) })
	waitPlaying(t, v, 0)
	ts := tileTS(v, 0)
	waitFor(t, 15*time.Second, "the note", func() bool { return ts.tile.Overlay() == noSoundDeviceText })
	waitFor(t, 10*time.Second, "sound handed over without a device", func() bool { return f.given() > 0 })
	f.setErr(nil) // the device came
	waitFor(t, 15*time.Second, "the camera's tone", func() bool {
		r := f.heard()
		return r.PeakHz >= 995 && r.PeakHz <= 1005
	})
	waitFor(t, soundNoteFor+5*time.Second, "the note gone", func() bool { return ts.tile.Overlay() == "" })
	var again bool
	onUI(func() {
		v.routeSound()
		again = ts.tile.Overlay() == noSoundDeviceText
	})
	if again {
		t.Fatal("the note came back with the device")
	}
}

// TestSoundCodecNotPlayedSaysSo: a camera sending G.722 shows "Audio
// (G.722) not supported" and no speaker; the picture plays.
func TestSoundCodecNotPlayedSaysSo(t *testing.T) {
	rtsptest.NeedGst(t)
	// The G.722 section is added by a proxy: gst-rtsp-server stops its
	// video when a client leaves a live audio track unset (StartAudioProxy).
	url := rtsptest.StartAudioProxy(t, rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240}),
		"m=audio 0 RTP/AVP 9\na=rtpmap:9 G722/8000")
	v, f := soundViewer(t, Options{Transport: player.TransportTCP})
	onUI(func() { v.Start(); v.openWith(url, "", "", true, player.TransportTCP, 0) })
	waitPlaying(t, v, 0)
	ts := tileTS(v, 0)
	waitFor(t, 15*time.Second, "the note", func() bool { return ts.tile.Overlay() == "Audio (G.722) not supported" })
	if s, _ := speakerState(ts); s || f.given() != 0 {
		t.Fatalf("speaker shown %v, %d samples played", s, f.given())
	}
}

// TestSoundNoSpeakerWithoutAudio: a camera with no sound track shows no
// speaker.
func TestSoundNoSpeakerWithoutAudio(t *testing.T) {
	rtsptest.NeedGst(t)
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240})
	withAudio := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240, Audio: "pcma"})
	v, _ := soundViewer(t, Options{Transport: player.TransportTCP})
	onUI(func() {
		v.Start()
		v.openWith(url, "", "", true, player.TransportTCP, 0)
		v.openWith(withAudio, "", "", true, player.TransportTCP, 0)
	})
	waitPlaying(t, v, 0)
	waitPlaying(t, v, 1)
	// The camera with sound gets its speaker; by then the other's
	// description is long known.
	waitFor(t, 15*time.Second, "the second tile's speaker", func() bool { s, _ := speakerState(tileTS(v, 1)); return s })
	if s, _ := speakerState(tileTS(v, 0)); s {
		t.Fatal("a camera without sound shows a speaker")
	}
}
