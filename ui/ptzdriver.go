package ui

import (
	"context"
	"sync"
	"time"

	"github.com/rtspview/rtspview/onvif"
)

// ptzHold bounds a move whose release never came (the button let go
// outside the window, a key-up lost when the focus left): the camera is
// told to Stop after it. A move that is still held is renewed (a drag
// that moves, a key that repeats), and 8 s takes a camera across most of
// its range at full speed.
const ptzHold = 8 * time.Second

// wheelPulse is how long one step of the wheel zooms.
const wheelPulse = 300 * time.Millisecond

// ptzDriver sends one PTZ camera the moves the tile asks for, in order,
// from one goroutine: ContinuousMove when the wanted velocity changes,
// Stop when it returns to zero or its hold runs out. The UI only sets
// what it wants and never waits on the network. The viewer owns the
// goroutine (goBackground); cancel ends it, with a last Stop if moving.
type ptzDriver struct {
	cfg     onvif.Config
	profile string
	// report tells the window how the last requests went: the first
	// failure, or nil when they all succeeded.
	report func(error)
	cancel context.CancelFunc
	wake   chan struct{}

	mu    sync.Mutex
	want  onvif.Velocity
	until time.Time
	// asked is the last move asked for and askedN counts them: a move
	// let go before the goroutine saw it (a click on an arrow) is still
	// sent, then stopped, so a short press nudges the camera.
	asked       onvif.Velocity
	askedN      uint64
	preset      string // GotoPreset asked
	presets     []onvif.Preset
	presetsRead bool
	presetsWant bool
	presetsErr  error
	onPresets   func() // the presets arrived (on the UI thread)
}

func newPTZDriver(cfg onvif.Config, profile string) *ptzDriver {
	return &ptzDriver{cfg: cfg, profile: profile, wake: make(chan struct{}, 1)}
}

func (d *ptzDriver) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// set asks for velocity vel for at most hold; a zero vel stops.
func (d *ptzDriver) set(vel onvif.Velocity, hold time.Duration) {
	d.mu.Lock()
	d.want, d.until = vel, time.Now().Add(hold)
	if vel != (onvif.Velocity{}) {
		d.asked = vel
		d.askedN++
	}
	d.mu.Unlock()
	d.poke()
}

// gotoPreset asks for a stored position.
func (d *ptzDriver) gotoPreset(token string) {
	d.mu.Lock()
	d.preset = token
	d.mu.Unlock()
	d.poke()
}

// readPresets returns the presets read so far; the first call asks the
// camera for them (done runs when they come).
func (d *ptzDriver) readPresets(done func()) ([]onvif.Preset, bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.presetsRead && !d.presetsWant {
		d.presetsWant, d.onPresets = true, done
		d.poke()
	}
	return d.presets, d.presetsRead, d.presetsErr
}

func (d *ptzDriver) run(ctx context.Context) {
	c, err := onvif.NewClient(d.cfg)
	if err != nil {
		d.report(err)
		return
	}
	clockRead := false
	var sent onvif.Velocity
	var seenN uint64
	moving := false
	for {
		d.mu.Lock()
		want, until, preset := d.want, d.until, d.preset
		missed := d.askedN != seenN && want == (onvif.Velocity{}) && !moving
		asked := d.asked
		seenN = d.askedN
		wantPresets := d.presetsWant && !d.presetsRead
		d.preset = ""
		if moving && want != (onvif.Velocity{}) && !time.Now().Before(until) {
			want, d.want = onvif.Velocity{}, onvif.Velocity{} // the release was lost
		}
		d.mu.Unlock()
		if !clockRead && (want != sent || missed || preset != "" || wantPresets) {
			// The WS-Security digest is made with the camera's clock.
			_, _ = c.SystemTime(ctx)
			clockRead = true
		}
		var errs []error
		if missed {
			if err := c.ContinuousMove(ctx, d.profile, asked, 0); err != nil {
				errs = append(errs, err)
			} else {
				moving = true
			}
		}
		switch {
		case want == (onvif.Velocity{}) && moving:
			errs = append(errs, c.Stop(ctx, d.profile))
			moving, sent = false, want
		case want != (onvif.Velocity{}) && want != sent:
			err := c.ContinuousMove(ctx, d.profile, want, 0)
			errs = append(errs, err)
			moving, sent = err == nil, want
		}
		if preset != "" {
			errs = append(errs, c.GotoPreset(ctx, d.profile, preset))
		}
		if wantPresets {
			ps, err := c.Presets(ctx, d.profile)
			d.mu.Lock()
			d.presets, d.presetsErr, d.presetsRead = ps, err, true
			done := d.onPresets
			d.mu.Unlock()
			if done != nil {
				done()
			}
		}
		if len(errs) > 0 && ctx.Err() == nil {
			// The first failure, or nil: the camera answers again.
			var first error
			for _, err := range errs {
				if err != nil && first == nil {
					first = err
				}
			}
			d.report(first)
		}
		var timeout <-chan time.Time
		var timer *time.Timer
		if moving {
			timer = time.NewTimer(time.Until(until))
			timeout = timer.C
		}
		select {
		case <-ctx.Done():
			if moving {
				// The window closes or the camera left the tile: the
				// camera must not go on turning.
				sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				_ = c.Stop(sctx, d.profile)
				cancel()
			}
			return
		case <-d.wake:
		case <-timeout:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}
