package ui

import (
	"log/slog"
	"sync"

	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/sound"
)

// viewerSound is the window's sound: one output on the default sound
// device, given to one stream at a time. The other streams decode no
// audio (player.Stream.SetAudio(nil)).
type viewerSound struct {
	mu     sync.Mutex
	out    *sound.Output // nil until open, and when there is no device
	err    error         // why there is none
	opened bool
	to     *player.Stream // the stream that has the sound
}

// startSound opens the sound device in the background: PulseAudio takes a
// moment to start a stream, and the window does not wait for it. Called
// once from Start, before any stream opens; Close waits for it.
func (v *Viewer) startSound() {
	v.wg.Add(1)
	go func() {
		defer v.wg.Done()
		out, err := sound.Open()
		if err != nil {
			slog.Info("ui: no sound device: the video plays without sound", "err", err)
		}
		v.snd.mu.Lock()
		v.snd.out, v.snd.err, v.snd.opened = out, err, true
		v.snd.mu.Unlock()
		select {
		case <-v.stop:
		default:
			v.do(v.routeSound)
		}
	}()
}

// soundTile returns the tile whose sound plays: the window's only tile,
// or the tile shown full. In a grid no tile has it. v.mu is held.
func (v *Viewer) soundTile() *tileState {
	if len(v.tiles) == 1 {
		return v.tiles[0]
	}
	for _, ts := range v.tiles {
		if ts.tile == v.view.full && ts.tile != nil {
			return ts
		}
	}
	return nil
}

// routeSound gives the sound to the stream of soundTile and takes it from
// the one that had it. Runs on the UI thread: after a stream opens, and
// on every status tick (a tile shown full, a grid again).
func (v *Viewer) routeSound() {
	v.mu.Lock()
	var want *player.Stream
	if ts := v.soundTile(); ts != nil {
		want = ts.stream
	}
	v.mu.Unlock()
	v.snd.mu.Lock()
	defer v.snd.mu.Unlock()
	if v.snd.out == nil {
		want = nil
	} else if v.snd.to != nil {
		slog.Debug("ui: sound", "stats", v.snd.out.Stats(), "err", v.snd.out.Err())
	}
	if want == v.snd.to {
		return
	}
	if v.snd.to != nil {
		v.snd.to.SetAudio(nil)
	}
	if want != nil {
		v.snd.out.ResetAudio() // the last one's sound does not run on
		want.SetAudio(v.snd.out)
	}
	v.snd.to = want
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
