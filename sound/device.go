package sound

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/gen2brain/malgo"
)

// The device is reached through github.com/gen2brain/malgo (miniaudio).
// It loads the sound system's library at run time (libpulse or libasound
// on Linux, WASAPI on Windows, Core Audio on macOS), so the binary needs
// none of them to start, and a device can be opened again after it went
// away or was never there: what "the sound comes back" needs.

// Device buffering. miniaudio asks PulseAudio for a target length of one
// period, which with ADJUST_LATENCY is the whole delay to the speaker
// (PipeWire serves the same protocol); the other systems hold periods ×
// period. 20 ms: miniaudio itself defaults PulseAudio to 25 ms because
// PipeWire glitched under 20; at 10 ms a PulseAudio null sink under two
// busy loops on a 2-core machine took the sound slower than real time
// (measured: 46 000 frames a second of 48 000).
const (
	devicePeriod  = 20 * time.Millisecond
	devicePeriods = 2
)

// stallAfter: a device that has taken nothing for this long, while open,
// is gone (a sound server that died leaves miniaudio's PulseAudio loop
// waiting with no error): it is closed and opened again. A PulseAudio null
// sink takes nothing for about 2 s after it starts and after its own
// underruns (measured), which must not count.
const stallAfter = 5 * time.Second

// retryEvery is how often a device is looked for while there is none.
const retryEvery = 2 * time.Second

// backend is one sound system, tried in order: the first that opens a
// default playback device is used. miniaudio's null backend is never
// among them: it "plays" where nothing is heard, which would hide that
// there is no device.
type backend struct {
	name string
	id   malgo.Backend
	// wholeDelay: the device's delay is one period (PulseAudio's target
	// length), not periods × period.
	wholeDelay bool
}

func backends() []backend {
	switch runtime.GOOS {
	case "windows":
		return []backend{{"WASAPI", malgo.BackendWasapi, false}, {"DirectSound", malgo.BackendDsound, false}, {"WinMM", malgo.BackendWinmm, false}}
	case "darwin":
		return []backend{{"Core Audio", malgo.BackendCoreaudio, false}}
	default:
		return []backend{{"PulseAudio", malgo.BackendPulseaudio, true}, {"ALSA", malgo.BackendAlsa, false}}
	}
}

// device is one open playback device on one backend.
type device struct {
	ctx     *malgo.AllocatedContext
	dev     *malgo.Device
	backend string
	// delay is the device's own buffer: how long after it takes a
	// sample that sample is heard.
	delay time.Duration
	// lost is signalled (never closed) when the device stopped by
	// itself (unplugged, the sound system gone).
	lost chan struct{}
}

// openDevice opens the default playback device of the first backend
// that has one, and starts it pulling through fill (called on the
// device's own thread with the bytes to write: little-endian 16-bit
// stereo at Rate). It fails with an error wrapping ErrNoDevice.
func openDevice(fill func(p []byte)) (*device, error) {
	quietALSA()
	var whys []string
	for _, b := range backends() {
		d, err := openOn(b, fill)
		if err == nil {
			return d, nil
		}
		whys = append(whys, b.name+": "+err.Error())
	}
	return nil, fmt.Errorf("%w (%s)", ErrNoDevice, strings.Join(whys, "; "))
}

func openOn(b backend, fill func(p []byte)) (*device, error) {
	ctx, err := malgo.InitContext([]malgo.Backend{b.id}, malgo.ContextConfig{}, nil)
	if err != nil {
		return nil, err
	}
	cfg := malgo.DefaultDeviceConfig(malgo.Playback)
	cfg.Playback.Format = malgo.FormatS16
	cfg.Playback.Channels = Channels
	cfg.SampleRate = Rate
	cfg.PeriodSizeInMilliseconds = uint32(devicePeriod / time.Millisecond)
	cfg.Periods = devicePeriods
	cfg.PerformanceProfile = malgo.LowLatency
	// The device's own requests, not miniaudio's fixed-size ones:
	// those go through a buffer of one more period.
	cfg.NoFixedSizedCallback = 1
	cfg.Pulse.StreamNamePlayback = "rtspview"
	d := &device{ctx: ctx, backend: b.name, lost: make(chan struct{}, 1)}
	d.delay = devicePeriod
	if !b.wholeDelay {
		d.delay = devicePeriods * devicePeriod
	}
	d.dev, err = malgo.InitDevice(ctx.Context, cfg, malgo.DeviceCallbacks{
		Data: func(out, _ []byte, _ uint32) { fill(out) },
		Stop: func() {
			select {
			case d.lost <- struct{}{}:
			default:
			}
		},
	})
	if err != nil {
		_ = ctx.Uninit()
		ctx.Free()
		return nil, err
	}
	if d.dev.SampleRate() != Rate || d.dev.PlaybackChannels() != Channels || d.dev.PlaybackFormat() != malgo.FormatS16 {
		// miniaudio converts what the device wants from what it is
		// given; this is a guard, not an expected path.
		d.close()
		return nil, errors.New("the device does not take 48 kHz 16-bit stereo")
	}
	if err := d.dev.Start(); err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}

// close stops the device and lets go of the sound system. Stop comes
// first: miniaudio's PulseAudio loop, once its server has gone, is only
// woken by a stop (an uninit alone waits for it forever, measured).
func (d *device) close() {
	_ = d.dev.Stop()
	d.dev.Uninit()
	_ = d.ctx.Uninit()
	d.ctx.Free()
}
