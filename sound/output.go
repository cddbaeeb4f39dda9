// Package sound plays decoded sound on the computer's default sound
// device, with little delay: a small jitter buffer that adapts to how the
// packets arrive, silence of exactly the length of what was lost, and a
// slow slip of a sample now and then where the camera's clock and the
// sound card's drift apart.
//
// It takes interleaved signed 16-bit stereo at 48 kHz (Rate, Channels):
// what player.Stream hands its AudioSink, and what sound devices take
// natively. It knows nothing of streams: ui gives it the sound of the tile
// that has it.
//
// The device is reached through github.com/ebitengine/oto/v3: WASAPI on
// Windows and Core Audio on macOS without cgo, ALSA on Linux (through
// PulseAudio or PipeWire's ALSA plugin on a desktop).
package sound

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ebitengine/oto/v3"
)

// The one format an Output takes.
const (
	Rate     = 48000
	Channels = 2
)

// Buffering bounds. The device holds deviceBuffer (two periods of ALSA,
// one WASAPI buffer), and oto's player reads ahead playerBuffer: at least
// what the device asks for at once, or oto fills the rest of each period
// with silence (measured: a 5 ms read-ahead under 15 ms periods played a
// third of the sound). 50 ms: with 20 ms the window under Xvfb on a
// loaded 2-core machine starved the device thread, and a PulseAudio null
// sink then went silent for about 2 s at each underrun (measured, load 7);
// 50 ms played the I-audio-tone check through. The jitter buffer holds the sound's own blocks plus
// a margin of minTarget to maxTarget, which adapts to the underruns it
// sees, and never more than maxBuffered.
const (
	deviceBuffer = 50 * time.Millisecond
	playerBuffer = deviceBuffer
	minTarget    = 20 * time.Millisecond
	maxTarget    = 60 * time.Millisecond
	targetStep   = 10 * time.Millisecond
	maxBuffered  = 200 * time.Millisecond
	// calmAfter without an underrun lowers the target by one step.
	calmAfter = 20 * time.Second
	// slipEvery: while the buffer level stays off the target for a
	// whole levelWindow, one sample frame in slipEvery is dropped (the
	// level too high) or repeated (too low): 0.2 %, twice the drift
	// between a camera's clock and a sound card's that is common, and
	// below what an ear hears as a change of pitch.
	slipEvery   = 500
	levelWindow = time.Second
)

// MaxSyncDelay bounds SetSyncDelay: lip sync holds the sound back by what
// the picture takes longer, which is a decode and a paint (tens of
// milliseconds) on a working viewer; more than half a second means a
// sender's clocks are wrong, and the sound stays near live instead.
const MaxSyncDelay = 500 * time.Millisecond

// ErrNoDevice means there is no sound device to play on (none installed,
// none reachable, or it went away). The picture plays on.
var ErrNoDevice = errors.New("no sound device")

// device is the process's one connection to the sound system: oto allows
// a single context per process, opened once.
var device struct {
	once sync.Once
	ctx  *oto.Context
	err  error
}

// openWait bounds how long Open waits for the device to be ready: a
// sound server that hangs must not hang the window.
const openWait = 5 * time.Second

func openDevice() (*oto.Context, error) {
	device.once.Do(func() {
		ctx, ready, err := oto.NewContext(&oto.NewContextOptions{
			SampleRate:   Rate,
			ChannelCount: Channels,
			Format:       oto.FormatSignedInt16LE,
			BufferSize:   deviceBuffer,
		})
		if err != nil {
			device.err = fmt.Errorf("%w: %v", ErrNoDevice, err)
			return
		}
		select {
		case <-ready:
		case <-time.After(openWait):
			device.err = fmt.Errorf("%w: the sound system did not answer within %v", ErrNoDevice, openWait)
			return
		}
		if err := ctx.Err(); err != nil {
			device.err = fmt.Errorf("%w: %v", ErrNoDevice, err)
			return
		}
		device.ctx = ctx
	})
	return device.ctx, device.err
}

// Output plays one stream's sound. PlayAudio and ResetAudio are called by
// the stream's audio goroutine; the device pulls from the buffer on its
// own. Its methods are safe for concurrent use.
type Output struct {
	player *oto.Player
	mu     sync.Mutex
	jb     jitter
	closed bool
	// pulled is what the device has taken, silence included; started
	// closes once that is more than oto's read-ahead.
	pulled  int
	started chan struct{}
	// gain is SetVolume's, in scale's units: applied as the device pulls,
	// so a change is heard at once, not after what is buffered.
	gain atomic.Int32
}

// Open starts an Output on the default sound device. It fails with an
// error wrapping ErrNoDevice when there is none; a later Open fails the
// same way (oto opens the device once per process).
func Open() (*Output, error) {
	ctx, err := openDevice()
	if err != nil {
		return nil, err
	}
	o := newOutput()
	o.player = ctx.NewPlayer(reader{o})
	o.player.SetBufferSize(frames(playerBuffer) * Channels * 2)
	o.player.Play()
	return o, nil
}

// newOutput is an Output before it has a device to play on.
func newOutput() *Output {
	o := &Output{started: make(chan struct{})}
	o.jb.init(time.Now())
	o.gain.Store(unityGain)
	return o
}

// PlayAudio queues pcm (interleaved, Channels channels at Rate) after gap
// samples per channel of silence (the length of what was lost before it).
func (o *Output) PlayAudio(pcm []int16, gap int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return
	}
	o.jb.push(pcm, gap)
}

// ResetAudio drops what is buffered: what comes next does not continue it.
func (o *Output) ResetAudio() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.jb.reset()
}

// SetSyncDelay holds the sound back by d (0 to MaxSyncDelay) on top of
// the jitter buffer's own target, so that it is heard with the picture
// it belongs to (player's lip sync). A change while sound plays is made
// at once, as a pause of a few milliseconds faded out and in (longer) or
// a faded cut (shorter): the caller changes it rarely. The delay stays
// across ResetAudio.
func (o *Output) SetSyncDelay(d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.jb.setSync(frames(d), time.Now())
}

// Latency returns how long from now the end of the sound handed to
// PlayAudio so far will take to be heard, and false while nothing plays
// (the buffer fills to its target first, so that time is not yet known).
// It is what waits in the jitter buffer (and a sync change's pause not
// yet played), what oto's player has taken and not yet written, and the
// device's buffer, deviceBuffer: ALSA's (or PulseAudio's) own delay is
// not reported through oto, and the device is asked for that much.
func (o *Output) Latency() (time.Duration, bool) {
	o.mu.Lock()
	playing := !o.closed && o.jb.st == playing
	f := o.jb.n + o.jb.pending()
	o.mu.Unlock()
	if !playing {
		return 0, false
	}
	d := time.Duration(f) * time.Second / Rate
	if o.player != nil {
		// Outside o.mu: o.mu is never held while calling into oto, so
		// no lock order forms between it and the player's own lock.
		d += time.Duration(o.player.BufferedSize()/(2*Channels)) * time.Second / Rate
		d += deviceBuffer
	}
	return d, true
}

// SetVolume sets the loudness: 0 is silent, 1 as decoded, up to
// MaxVolume (louder, clipped at int16's range). The samples are scaled
// here rather than by oto's player, whose volume stops at 1.
func (o *Output) SetVolume(v float64) {
	o.gain.Store(gainOf(v))
}

// Err returns the device's failure once it has one (a sound card that
// went away), wrapping ErrNoDevice; nil while it plays.
func (o *Output) Err() error {
	err := o.player.Err()
	if err == nil && device.ctx != nil {
		err = device.ctx.Err() // oto's ALSA loop stops for good on a write error
	}
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNoDevice, err)
	}
	return nil
}

// readAhead is what the device and oto's player take before anything
// plays, and 100 ms more: taken only by a device that plays.
var readAhead = (frames(playerBuffer) + frames(pullChunk) + frames(deviceBuffer) + frames(100*time.Millisecond)) * Channels * 2

// Started is closed once the device plays: it has taken 100 ms more than
// fills the buffers on the way. A PulseAudio null sink recorded with
// parec's default latency takes the first 40 ms and then nothing for 2 s
// (measured); sound handed over meanwhile is dropped, bar the last
// 200 ms, which the jitter buffer then sheds.
func (o *Output) Started() <-chan struct{} { return o.started }

// Close stops the sound. Idempotent.
func (o *Output) Close() {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return
	}
	o.closed = true
	o.jb.reset()
	o.mu.Unlock()
	_ = o.player.Close()
}

// Stats returns the jitter buffer's counters.
func (o *Output) Stats() Stats {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.jb.stats()
}

// reader is what oto's player pulls from: the jitter buffer's sound, as
// little-endian bytes, or silence while there is none. It never blocks.
type reader struct{ o *Output }

func (r reader) Read(p []byte) (int, error) {
	r.o.mu.Lock()
	defer r.o.mu.Unlock()
	if r.o.closed {
		return 0, nil
	}
	n, _ := r.o.jb.pull(p, time.Now())
	if g := r.o.gain.Load(); g != unityGain {
		scale(p[:n], g)
	}
	if r.o.pulled <= readAhead && r.o.pulled+n > readAhead {
		close(r.o.started)
	}
	r.o.pulled += n
	return n, nil
}

// frames converts a duration to sample frames at Rate.
func frames(d time.Duration) int { return int(d * Rate / time.Second) }

// putSamples writes samples as little-endian 16-bit into p.
func putSamples(p []byte, s []int16) {
	for i, v := range s {
		binary.LittleEndian.PutUint16(p[2*i:], uint16(v))
	}
}
