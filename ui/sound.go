package ui

import (
	"log/slog"
	"sync"
	"time"

	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/sound"
)

// soundOutput is what the window plays a stream's sound on: a
// *sound.Output on the default device, or a test's recorder.
type soundOutput interface {
	player.AudioSink
	SetVolume(v float64) // 0 silent, 1 as decoded, up to sound.MaxVolume
	Err() error
	Close()
}

// openDefaultSound opens the default sound device. The output is there
// even when the device is not: it keeps looking for one, and its Err says
// meanwhile that there is none.
func openDefaultSound() (soundOutput, error) {
	return sound.Open(), nil
}

// viewerSound is the window's sound: one output on the default sound
// device, given to one stream at a time. The other streams decode no
// audio (player.Stream.SetAudio(nil)).
//
// Who has it: the window's only tile, or the tile shown full, unless the
// person muted that camera (its wall entry's muted key); in a grid, the
// tile the person gave it to with the speaker button or M, and none
// before they do.
type viewerSound struct {
	// open opens the device: openDefaultSound, or a test's.
	open func() (soundOutput, error)

	mu     sync.Mutex
	out    soundOutput // nil until open, and when there is no device
	err    error       // why there is none
	opened bool
	to     *player.Stream // the stream that has the sound
	volume float64        // the window's volume control, 0 to sound.MaxVolume
	ctl    volumeControl  // the slider (ui/soundcontrols.go)

	// The rest is the UI thread's.
	// chosen is the tile given the sound in a grid (nil: none).
	chosen *tileState
	// told holds the notes shown on each tile (a codec not played, no
	// sound device): each is shown once.
	told map[*tileState]map[string]bool
	// showing is the note on a tile now, taken away at its until.
	showing map[*tileState]soundNote
}

// soundNote is a note about the sound on a tile's overlay.
type soundNote struct {
	text  string
	until time.Time
}

// soundNoteFor is how long a note about the sound stays on the tile.
const soundNoteFor = 6 * time.Second

// noSoundDeviceText is the note on the tile that would have the sound
// when there is no sound device to play it on; the picture plays on.
const noSoundDeviceText = "No sound device"

// startSound opens the sound device in the background: PulseAudio takes a
// moment to start a stream, and the window does not wait for it. Called
// once from Start, before any stream opens; Close waits for it.
func (v *Viewer) startSound() {
	open := v.snd.open
	if open == nil {
		open = openDefaultSound
	}
	v.wg.Add(1)
	go func() {
		defer v.wg.Done()
		out, err := open()
		why := err
		if out != nil {
			why = out.Err() // none yet: the output looks on (routeSound asks it again)
		}
		if why != nil {
			slog.Info("ui: no sound device: the video plays, and the sound when a device comes", "err", why)
		}
		v.snd.mu.Lock()
		v.snd.out, v.snd.err, v.snd.opened = out, err, true
		if out != nil {
			out.SetVolume(v.snd.volume)
		}
		v.snd.mu.Unlock()
		select {
		case <-v.stop:
		default:
			v.do(v.routeSound)
		}
	}()
}

// soundTile returns the tile whose sound plays: the window's only tile,
// the tile shown full, or in a grid the one given the sound, unless that
// camera is muted. v.mu is held; UI thread.
func (v *Viewer) soundTile() *tileState {
	ts := v.soundCandidate()
	if ts == nil || ts.w.cam.Muted {
		return nil
	}
	return ts
}

// soundCandidate is soundTile before the mute: the tile that has the
// sound unless its camera is muted. v.mu is held; UI thread.
func (v *Viewer) soundCandidate() *tileState {
	if len(v.tiles) == 1 {
		return v.tiles[0]
	}
	for _, ts := range v.tiles {
		if ts.tile == v.view.full && ts.tile != nil {
			return ts
		}
	}
	for _, ts := range v.tiles {
		if ts == v.snd.chosen {
			return ts
		}
	}
	return nil
}

// toggleSound is the speaker button and M on ts: the tile that has the
// sound is muted (and its camera's muted key saved); any other tile gets
// the sound, unmuted, and the tile that had it loses it. UI thread.
func (v *Viewer) toggleSound(ts *tileState) {
	v.mu.Lock()
	has := v.soundTile() == ts
	v.mu.Unlock()
	if has {
		ts.w.cam.Muted = true
		if v.snd.chosen == ts {
			v.snd.chosen = nil
		}
	} else {
		ts.w.cam.Muted = false
		v.snd.chosen = ts
	}
	v.saveWall()
	v.routeSound()
}

// routeSound gives the sound to the stream of soundTile and takes it from
// the one that had it, and brings the tiles' speaker buttons and notes up
// to date. Runs on the UI thread: after a stream opens, on the speaker
// button and M, and on every status tick (a tile shown full, a grid
// again, a stream that found its audio track).
func (v *Viewer) routeSound() {
	v.mu.Lock()
	var want *player.Stream
	has := v.soundTile()
	if has != nil {
		want = has.stream
	}
	tiles := append([]*tileState(nil), v.tiles...)
	v.mu.Unlock()
	v.snd.mu.Lock()
	out, opened, noDevice := v.snd.out, v.snd.opened, v.snd.err != nil
	if out != nil && out.Err() != nil {
		noDevice = true // none now; the output looks for one (sound.Open)
	}
	if out == nil {
		want = nil
	} else if v.snd.to != nil {
		if o, ok := out.(interface{ Stats() sound.Stats }); ok {
			slog.Debug("ui: sound", "stats", o.Stats(), "err", out.Err())
		}
	}
	if want != v.snd.to {
		if v.snd.to != nil {
			v.snd.to.SetAudio(nil)
		}
		if want != nil {
			out.ResetAudio() // the last one's sound does not run on
			want.SetAudio(out)
		}
		v.snd.to = want
	}
	v.snd.mu.Unlock()
	v.soundNotes(tiles, has, opened && noDevice)
}

// soundNotes shows each tile's speaker button while its camera's sound
// can be played, and once per tile the sentence for a sound that cannot:
// a codec not played (player.AudioSentence), or no sound device on the
// tile that has the sound. UI thread.
func (v *Viewer) soundNotes(tiles []*tileState, has *tileState, noDevice bool) {
	now := time.Now()
	live := make(map[*tileState]bool, len(tiles))
	for _, ts := range tiles {
		live[ts] = true
		var ai *player.AudioInfo
		if ts.stream != nil {
			ai = ts.stream.Stats().Audio
		}
		sentence := player.AudioSentence(ai)
		ts.tile.showSpeaker(ai != nil && sentence == "", ts == has, func() { v.toggleSound(ts) })
		if ai != nil && sentence == "" && ts == has && noDevice {
			// Only a camera with sound to play is told there is no
			// device for it: one without a microphone has nothing to miss.
			sentence = noSoundDeviceText
		}
		v.showSoundNote(ts, sentence, now)
	}
	for ts := range v.snd.told { // tiles removed
		if !live[ts] {
			delete(v.snd.told, ts)
			delete(v.snd.showing, ts)
		}
	}
}

// showSoundNote puts text on ts's overlay the first time it comes, once
// the tile plays and its overlay is free (an error or a reconnect is left
// alone), and takes it away after soundNoteFor. UI thread.
func (v *Viewer) showSoundNote(ts *tileState, text string, now time.Time) {
	if n, ok := v.snd.showing[ts]; ok && !now.Before(n.until) {
		if ts.tile.Overlay() == n.text {
			ts.tile.SetOverlay("")
		}
		delete(v.snd.showing, ts)
	}
	if text == "" || v.snd.told[ts][text] {
		return
	}
	v.mu.Lock()
	playing := ts.status.State == player.StatePlaying
	v.mu.Unlock()
	if !playing || ts.tile.Overlay() != "" {
		return
	}
	if v.snd.told == nil {
		v.snd.told = map[*tileState]map[string]bool{}
		v.snd.showing = map[*tileState]soundNote{}
	}
	if v.snd.told[ts] == nil {
		v.snd.told[ts] = map[string]bool{}
	}
	v.snd.told[ts][text] = true
	v.snd.showing[ts] = soundNote{text: text, until: now.Add(soundNoteFor)}
	ts.tile.SetOverlay(text)
}

// setVolume is the window's volume control. UI thread.
func (v *Viewer) setVolume(vol float64) {
	v.snd.mu.Lock()
	defer v.snd.mu.Unlock()
	v.snd.volume = vol
	if v.snd.out != nil {
		v.snd.out.SetVolume(vol)
	}
}

// closeSound stops the sound; the streams are closed by then.
func (v *Viewer) closeSound() {
	v.snd.mu.Lock()
	defer v.snd.mu.Unlock()
	if v.snd.out != nil {
		v.snd.out.Close()
	}
	v.snd.to = nil
}
