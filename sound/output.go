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
// The device is reached through miniaudio (device.go): PulseAudio (or
// PipeWire) and then ALSA on Linux, WASAPI on Windows, Core Audio on
// macOS. An Output without a device keeps looking for one, and one that
// goes away is opened again.
package sound

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// The one format an Output takes.
const (
	Rate     = 48000
	Channels = 2
)

// Buffering bounds. The device holds its own buffer (device.go: 20 ms on
// PulseAudio, 40 ms elsewhere) and pulls straight from the jitter buffer,
// which holds the sound's own blocks plus a margin of minTarget to
// maxTarget, adapting to the underruns it sees, and never more than
// maxBuffered.
const (
	minTarget   = 20 * time.Millisecond
	maxTarget   = 60 * time.Millisecond
	targetStep  = 10 * time.Millisecond
	maxBuffered = 200 * time.Millisecond
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

// Output plays one stream's sound. PlayAudio and ResetAudio are called by
// the stream's audio goroutine; the device pulls from the buffer on its
// own thread. Its methods are safe for concurrent use.
type Output struct {
	mu     sync.Mutex
	jb     jitter
	closed bool
	// pulled is what the device has taken, silence included; started
	// closes once that is more than its buffer and 100 ms.
	pulled  int
	started chan struct{}
	// gain is SetVolume's, in scale's units: applied as the device pulls,
	// so a change is heard at once, not after what is buffered.
	gain atomic.Int32

	// The device, as the keeper goroutine last found it (under mu):
	// devErr says why there is none (nil while one plays), devDelay is
	// its buffer, devName its sound system, lastFill when it last pulled.
	devErr   error
	devDelay time.Duration
	devName  string
	lastFill time.Time
	// reopened counts the devices opened after the first.
	reopened int

	stop, done chan struct{}
}

// Open starts an Output on the default sound device. It returns at once
// after the first try: while there is no device, Err says so (wrapping
// ErrNoDevice), the sound handed over is bounded and dropped, and a device
// is looked for every retryEvery; one that goes away is opened again.
// Close stops it.
func Open() *Output {
	o := newOutput()
	o.stop, o.done = make(chan struct{}), make(chan struct{})
	d, err := openDevice(o.fill)
	o.setDevice(d, err)
	go o.keep(d)
	return o
}

// keep owns the device: it closes one that stopped by itself or stalled,
// and opens one while there is none, until Close.
func (o *Output) keep(d *device) {
	defer close(o.done)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	lastTry := time.Now()
	for {
		var lost chan struct{}
		if d != nil {
			lost = d.lost
		}
		select {
		case <-o.stop:
			if d != nil {
				d.close()
			}
			return
		case <-lost:
			d.close()
			d = nil
			o.setDevice(nil, fmt.Errorf("%w: the sound device stopped", ErrNoDevice))
			continue
		case now := <-tick.C:
			if d != nil && o.stalled(now) {
				d.close()
				d = nil
				o.setDevice(nil, fmt.Errorf("%w: the sound device took nothing for %v", ErrNoDevice, stallAfter))
			}
			if d != nil || now.Sub(lastTry) < retryEvery {
				continue
			}
			lastTry = now
			var err error
			d, err = openDevice(o.fill)
			o.setDevice(d, err)
			if d != nil {
				o.mu.Lock()
				o.reopened++
				o.mu.Unlock()
			}
		}
	}
}

// setDevice records the device keep now has (nil: none, and why).
func (o *Output) setDevice(d *device, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.devErr, o.devDelay, o.devName = err, 0, ""
	if d != nil {
		o.devDelay, o.devName = d.delay, d.backend
		o.lastFill = time.Now()
	}
	// What waited for no device is not the sound of now.
	o.jb.reset()
}

// stalled says whether the device has taken nothing for stallAfter.
func (o *Output) stalled(now time.Time) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return now.Sub(o.lastFill) > stallAfter
}

// newOutput is an Output before it has a device to play on, and without
// the goroutine that looks for one (Open's).
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
// (the buffer fills to its target first, so that time is not yet known,
// and without a device it is never heard). It is what waits in the jitter
// buffer (and a sync change's pause not yet played) and the device's
// buffer: what miniaudio asked of the sound system, which does not report
// its real delay through it.
func (o *Output) Latency() (time.Duration, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed || o.jb.st != playing || o.devErr != nil {
		return 0, false
	}
	f := o.jb.n + o.jb.pending()
	return time.Duration(f)*time.Second/Rate + o.devDelay, true
}

// SetVolume sets the loudness: 0 is silent, 1 as decoded, up to
// MaxVolume (louder, clipped at int16's range). The samples are scaled
// here rather than by oto's player, whose volume stops at 1.
func (o *Output) SetVolume(v float64) {
	o.gain.Store(gainOf(v))
}

// Err returns why there is no device to play on now, wrapping
// ErrNoDevice; nil while one plays. It changes as devices come and go.
func (o *Output) Err() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.devErr
}

// Device names the sound system played on ("PulseAudio", "ALSA",
// "WASAPI", ...), and "" while there is none.
func (o *Output) Device() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.devName
}

// startAfter is what the device takes before Started: its buffer and
// 100 ms more, taken only by a device that plays.
func (o *Output) startAfter() int {
	return (frames(o.devDelay) + frames(100*time.Millisecond)) * Channels * 2
}

// Started is closed once a device plays: it has taken 100 ms more than
// its buffer. A PulseAudio null sink takes its first period and then
// nothing for about 2 s (measured); sound handed over meanwhile is
// dropped, bar the last 200 ms, which the jitter buffer then sheds.
func (o *Output) Started() <-chan struct{} { return o.started }

// Close stops the sound and lets go of the device. Idempotent.
func (o *Output) Close() {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return
	}
	o.closed = true
	o.jb.reset()
	o.mu.Unlock()
	if o.stop != nil {
		close(o.stop)
		select {
		case <-o.done:
		case <-time.After(closeWait):
			// A sound server that hangs in the middle of an open holds
			// keep there; it ends when the open returns. The window
			// does not wait for it to close.
		}
	}
}

// closeWait bounds how long Close waits for the device to let go.
const closeWait = 5 * time.Second

// Stats returns the jitter buffer's counters.
func (o *Output) Stats() Stats {
	o.mu.Lock()
	defer o.mu.Unlock()
	st := o.jb.stats()
	st.Device, st.Reopened = o.devName, o.reopened
	return st
}

// fill is what the device pulls through, on its own thread: the jitter
// buffer's sound as little-endian bytes, or silence while there is none.
// It never blocks on anything but o.mu.
func (o *Output) fill(p []byte) {
	o.mu.Lock()
	defer o.mu.Unlock()
	now := time.Now()
	o.lastFill = now
	if o.closed {
		clear(p)
		return
	}
	for off := 0; off < len(p); {
		n, _ := o.jb.pull(p[off:], now)
		if n == 0 {
			clear(p[off:])
			break
		}
		off += n
	}
	if g := o.gain.Load(); g != unityGain {
		scale(p, g)
	}
	if after := o.startAfter(); o.pulled <= after && o.pulled+len(p) > after {
		close(o.started)
	}
	o.pulled += len(p)
}

// frames converts a duration to sample frames at Rate.
func frames(d time.Duration) int { return int(d * Rate / time.Second) }

// putSamples writes samples as little-endian 16-bit into p.
func putSamples(p []byte, s []int16) {
	for i, v := range s {
		binary.LittleEndian.PutUint16(p[2*i:], uint16(v))
	}
}
