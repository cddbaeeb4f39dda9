package player

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rtspview/rtspview/rtsp"
)

// Errors of the playback controls. Each is a sentence a person can read.
var (
	// ErrNotSeekable: the stream is live (its SDP range is open), so it
	// has no other point to play from and no speed but 1×.
	ErrNotSeekable = errors.New("this stream is live: it cannot be sought or sped up")
	// ErrBeyondEnd: the start or seek point lies past the recording's end.
	ErrBeyondEnd = errors.New("the position is past the end of the recording")
	// ErrNotPlaying: a control was used while no session plays (still
	// connecting, reconnecting, failed or closed).
	ErrNotPlaying = errors.New("the stream is not playing")
	// ErrSpeedRefused: the server does not play at the asked speed
	// (RFC 2326 section 12.34, Scale); it goes on at 1×.
	ErrSpeedRefused = errors.New("the server does not play at this speed")
)

// maxHeld bounds the packets kept while a PLAY's answer is awaited (about
// 6 MB of 1500-byte packets): more than a second of 20 Mb/s video, far
// more than a loopback or LAN server sends before its answer.
const maxHeld = 4096

// BeyondEndError is a start or seek point at or past a recording's end.
// It wraps ErrBeyondEnd; At and End are written for a person ("30s",
// "2026-11-29T06:00:00Z").
type BeyondEndError struct{ At, End string }

func (e *BeyondEndError) Error() string {
	return fmt.Sprintf("cannot play from %s: the recording ends at %s", e.At, e.End)
}

// Unwrap returns ErrBeyondEnd.
func (e *BeyondEndError) Unwrap() error { return ErrBeyondEnd }

// fmtNPT writes a play time as seconds, "12s" or "12.5s".
func fmtNPT(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"
}

// timeline maps RTP timestamps of a PLAY to normal play time: the packet
// with timestamp rtptime is at npt base (RFC 2326 section 12.33).
type timeline struct {
	ok      bool
	base    time.Duration
	rtptime uint32
	rate    float64 // RTP clock rate in Hz
	// fromFirst: RTP-Info had no rtptime; the first packet of the new
	// range stands for base (what FFmpeg does too).
	fromFirst bool
}

func (t timeline) npt(ts uint32) (time.Duration, bool) {
	if !t.ok || t.rate <= 0 {
		return 0, false
	}
	return t.base + time.Duration(float64(int32(ts-t.rtptime))/t.rate*float64(time.Second)), true
}

// playback is where a stream is in its media: the range the SDP offers,
// the position of the picture shown, pause and speed, and the generation
// that tells pictures before a seek from those after it.
type playback struct {
	// gen grows at every seek and speed change. Access units carry the
	// generation they were queued in; the decoder drops older ones and
	// starts afresh at a new one, so no picture from before a seek is
	// shown after it.
	gen    atomic.Uint64
	paused atomic.Bool // the decoder shows no new picture
	cmds   chan command

	mu           sync.Mutex
	described    bool
	seekable     bool
	duration     time.Duration // 0: live or unknown
	clockStart   time.Time     // absolute (clock=) range: its start
	rate         float64       // RTP clock rate of the video track
	position     time.Duration
	hasPosition  bool
	startNPT     time.Duration // first picture of the current generation
	hasStartNPT  bool
	seekAt       time.Time // when the current generation began
	seekLatency  time.Duration
	speed        float64
	speedRefused bool
	serverPaused bool // PAUSE answered: no media until PLAY
	// pauseFirst: this server needs PAUSE before a PLAY that seeks (455,
	// or no RTP-Info on a PLAY while playing).
	pauseFirst bool
	// hideBefore: pictures of the current generation before this play
	// time are decoded but not shown (a resume goes on from the paused
	// picture, not from the keyframe before it).
	hideBefore time.Duration
	hiding     bool
	// nextHide is hideBefore for the next generation (set before its
	// PLAY, taken by newGen).
	nextHide   time.Duration
	nextHiding bool
	dropPaused bool // paused by dropping pictures: resume seeks back (recorded)
	ended      bool
}

type cmdKind int

const (
	cmdSeek cmdKind = iota
	cmdPause
	cmdResume
	cmdSpeed
)

// command is a playback control for the goroutine that owns the session
// (Stream.play): rtsp.Client's methods are called from one goroutine.
type command struct {
	kind  cmdKind
	to    time.Duration
	clock time.Time
	speed float64
	reply chan error
}

// Seek plays from npt to (normal play time from the start of the
// recording). The first picture from there replaces the one shown; none
// from before the seek follows it. A seek while paused plays on.
func (s *Stream) Seek(to time.Duration) error {
	return s.do(command{kind: cmdSeek, to: to})
}

// SeekClock plays an absolute (clock=) recording, an NVR's, from the
// wall-clock time t.
func (s *Stream) SeekClock(t time.Time) error {
	return s.do(command{kind: cmdSeek, clock: t})
}

// Pause freezes the picture. A recording is paused on the server (RFC
// 2326 section 10.6). A live stream keeps its session and drops pictures,
// so that Resume shows live video at once instead of waiting up to a GOP
// for the keyframe a server-side pause would cost. When Pause returns, the
// picture is held: no picture decoded before it is shown after it.
func (s *Stream) Pause() error { return s.do(command{kind: cmdPause}) }

// Resume goes on after Pause: a recording from where it paused, a live
// stream at live.
func (s *Stream) Resume() error { return s.do(command{kind: cmdResume}) }

// SetSpeed asks for playback at x (0.5, 1, 2, 4) with Scale. When the
// server refuses, the stream plays on at 1× and the error is
// ErrSpeedRefused; Stats.SpeedRefused says so too.
func (s *Stream) SetSpeed(x float64) error {
	if x <= 0 {
		return fmt.Errorf("%w: speed %v", rtsp.ErrInput, x)
	}
	return s.do(command{kind: cmdSpeed, speed: x})
}

// do hands c to the session's goroutine and waits for its outcome.
func (s *Stream) do(c command) error {
	c.reply = make(chan error, 1)
	select {
	case s.pb.cmds <- c:
	case <-s.ctx.Done():
		return ErrNotPlaying
	case <-time.After(s.cfg.Timeout):
		return ErrNotPlaying // no session took it: connecting or reconnecting
	}
	select {
	case err := <-c.reply:
		return err
	case <-s.ctx.Done():
		return ErrNotPlaying
	}
}

// describe records the session's range after DESCRIBE.
func (p *playback) describe(d *rtsp.Description, rate int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.described = true
	p.seekable = d.Seekable()
	p.duration, _ = d.Duration()
	p.clockStart = time.Time{}
	if d.Range != nil && d.Range.Clock != nil {
		p.clockStart = d.Range.Clock.Start
	}
	p.rate = float64(rate)
	if p.speed == 0 {
		p.speed = 1
	}
}

// newGen starts a generation: pictures queued before it are dropped.
func (p *playback) newGen(now time.Time) {
	p.mu.Lock()
	p.gen.Add(1)
	p.hideBefore, p.hiding = p.nextHide, p.nextHiding
	p.nextHiding = false
	p.seekAt = now
	p.hasStartNPT = false
	p.ended = false
	p.mu.Unlock()
}

// show reports whether a decoded picture at npt is to be shown.
func (p *playback) show(npt time.Duration, ok bool) bool {
	if !ok {
		return true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	// Half a frame's slack: the server's play times are rounded.
	return !p.hiding || npt >= p.hideBefore-20*time.Millisecond
}

// picture records a published picture's position; the decoder calls it.
func (p *playback) picture(npt time.Duration, ok bool, now time.Time) {
	if !ok {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.position, p.hasPosition = npt, true
	if !p.hasStartNPT {
		p.startNPT, p.hasStartNPT = npt, true
		if !p.seekAt.IsZero() {
			p.seekLatency = now.Sub(p.seekAt)
		}
	}
}

// fill copies the playback fields into st.
func (p *playback) fill(st *Stats) {
	p.mu.Lock()
	defer p.mu.Unlock()
	st.Seekable = p.seekable
	st.Live = p.described && !p.seekable
	st.Duration = p.duration
	st.ClockStart = p.clockStart
	st.Position, st.HasPosition = p.position, p.hasPosition
	st.StartNPT, st.HasStartNPT = p.startNPT, p.hasStartNPT
	st.SeekFirstPicture = p.seekLatency
	st.Paused = p.paused.Load()
	st.Ended = p.ended
	st.Speed = p.speed
	st.SpeedRefused = p.speedRefused
}

// firstPlay says where the session's first PLAY starts: Config.Start (or
// StartClock), or after a reconnect the position reached, on a seekable
// stream; from the start ("npt=0-", which live servers read as now)
// otherwise.
func (s *Stream) firstPlay(d *rtsp.Description) (rtsp.PlayOptions, error) {
	var o rtsp.PlayOptions
	if !d.Seekable() {
		return o, nil
	}
	start, clock := s.cfg.Start, s.cfg.StartClock
	s.pb.mu.Lock()
	if s.pb.hasPosition { // a reconnect: go on where the picture was
		start, clock = s.pb.position, time.Time{}
	}
	speed := s.pb.speed
	s.pb.mu.Unlock()
	o, err := s.rangeFor(d, start, clock)
	if speed != 1 && speed != 0 {
		o.Scale = speed
	}
	return o, err
}

// rangeFor turns a position (npt, or wall-clock time for a clock= range)
// into PLAY options, refusing one past the end.
func (s *Stream) rangeFor(d *rtsp.Description, start time.Duration, clock time.Time) (rtsp.PlayOptions, error) {
	var o rtsp.PlayOptions
	dur, finite := d.Duration()
	if c := d.Range.Clock; c != nil {
		if clock.IsZero() {
			clock = c.Start.Add(start)
		}
		if clock.Before(c.Start) {
			clock = c.Start
		}
		if c.End != nil && !clock.Before(*c.End) {
			return o, &BeyondEndError{At: clock.UTC().Format(time.RFC3339), End: c.End.UTC().Format(time.RFC3339)}
		}
		o.Clock = clock
		return o, nil
	}
	if !clock.IsZero() {
		return o, fmt.Errorf("%w: a wall-clock start needs a recording with clock times; this one has play times from 0 to %v", rtsp.ErrInput, dur)
	}
	if start < 0 {
		start = 0
	}
	if finite && start >= d.Range.Start+dur {
		return o, &BeyondEndError{At: fmtNPT(start), End: fmtNPT(d.Range.Start + dur)}
	}
	o.Start = start
	return o, nil
}

// playFrom sends the session's PLAY with o on attempt a and ties the
// answer's RTP-Info to a's packet path. flush starts a new generation:
// the jitter buffer, depacketizer and decoder forget what they hold, and
// packets from before this PLAY are dropped.
//
// afterPause says the server was paused when this PLAY went out: every
// packet after it is new, with or without RTP-Info.
func (s *Stream) playFrom(ctx context.Context, cl *rtsp.Client, a *attempt, track int, o rtsp.PlayOptions, flush, afterPause bool) (rtsp.PlayResult, error) {
	if flush {
		s.pb.newGen(time.Now())
	}
	a.beginHold(flush)
	res, err := cl.PlayRange(ctx, o)
	if err != nil {
		a.endHold(nil, timeline{}, false)
		return res, err
	}
	sync, _ := res.SyncFor(track)
	s.pb.mu.Lock()
	// A live stream has no play time to speak of ("npt=now-"): its
	// pictures get none rather than one assumed from 0.
	tl := timeline{ok: s.pb.seekable, rate: s.pb.rate, base: o.Start}
	clockStart := s.pb.clockStart
	s.pb.mu.Unlock()
	if !o.Clock.IsZero() {
		tl.base = o.Clock.Sub(clockStart)
	}
	if r := res.Range; r != nil {
		// The server's answer wins: it may start at the keyframe before
		// the asked point.
		if r.Clock != nil && !clockStart.IsZero() {
			tl.base = r.Clock.Start.Sub(clockStart)
		} else if r.Clock == nil && !r.Live {
			tl.base = r.Start
		}
	}
	if sync.Timestamp != nil {
		tl.rtptime = *sync.Timestamp
	} else {
		tl.fromFirst = true
	}
	if o.Resume && (res.Range == nil || res.Range.Live) {
		// A resume answered without Range: go on from the picture shown.
		s.pb.mu.Lock()
		tl.base = s.pb.position
		s.pb.mu.Unlock()
		tl.fromFirst = true
	}
	a.endHold(&sync, tl, flush && !afterPause && sync.SeqNum == nil)
	s.pb.mu.Lock()
	s.pb.speed, s.pb.speedRefused = 1, false
	if o.Scale != 0 {
		s.pb.speed = res.Scale
		s.pb.speedRefused = res.ScaleRefused
	}
	s.pb.serverPaused = false
	s.pb.mu.Unlock()
	return res, nil
}

// control runs one playback command on the session's goroutine.
func (s *Stream) control(cl *rtsp.Client, c command) error {
	s.mu.Lock()
	a := s.att
	s.mu.Unlock()
	if a == nil {
		return ErrNotPlaying
	}
	track := cl.VideoTrackIndex()
	ctx, cancel := context.WithTimeout(s.ctx, s.cfg.Timeout)
	defer cancel()
	s.pb.mu.Lock()
	seekable, desc := s.pb.seekable, cl.Description()
	pos, speed := s.pb.position, s.pb.speed
	s.pb.mu.Unlock()
	switch c.kind {
	case cmdPause:
		if s.pb.paused.Load() {
			return nil
		}
		if !seekable {
			s.freeze()
			return nil
		}
		// Frozen first: pictures in flight until PAUSE is answered are
		// not shown, so the picture held is the one shown when asked.
		s.freeze()
		if err := cl.Pause(ctx); err != nil {
			var se *rtsp.StatusError
			if !errors.As(err, &se) {
				s.pb.paused.Store(false)
				return err
			}
			// The server has no PAUSE (405, 501): drop pictures, and
			// seek back to here on resume.
			s.pb.mu.Lock()
			s.pb.dropPaused = true
			s.pb.mu.Unlock()
			return nil
		}
		s.pb.mu.Lock()
		s.pb.serverPaused = true
		s.pb.mu.Unlock()
		s.setStatus(Status{State: StatePaused, Text: "Paused"})
		return nil
	case cmdResume:
		if !s.pb.paused.Load() {
			return nil
		}
		s.pb.mu.Lock()
		serverPaused, dropPaused := s.pb.serverPaused, s.pb.dropPaused
		s.pb.dropPaused = false
		s.pb.mu.Unlock()
		switch {
		case !seekable:
			// Live: the decoder kept up, the next picture is live.
		case serverPaused, dropPaused:
			// A PLAY to the picture shown, not a bare PLAY: gst-rtsp-server
			// answers a bare one with a Range and rtptime that count the
			// pause as played, and over TCP goes on a few frames before
			// the last one it sent (docs/QUIRKS.md #18). A seek maps
			// right on every server; pictures before the pause point are
			// decoded but not shown, so the picture does not step back.
			o, err := s.rangeFor(desc, pos, time.Time{})
			if err != nil {
				return err
			}
			if speed != 1 {
				o.Scale = speed
			}
			s.pb.mu.Lock()
			s.pb.nextHide, s.pb.nextHiding = pos, true
			s.pb.mu.Unlock()
			s.pb.paused.Store(false)
			if _, err := s.playFrom(ctx, cl, a, track, o, true, serverPaused); err != nil {
				return err
			}
		}
		s.pb.paused.Store(false)
		s.setStatus(Status{State: StatePlaying, Text: "Playing · " + s.transportName()})
		return nil
	case cmdSeek, cmdSpeed:
		if !seekable {
			return ErrNotSeekable
		}
		to, clock := c.to, c.clock
		if c.kind == cmdSpeed {
			to, clock = pos, time.Time{}
			speed = c.speed
		}
		o, err := s.rangeFor(desc, to, clock)
		if err != nil {
			return err
		}
		if speed != 1 {
			o.Scale = speed
		}
		s.pb.paused.Store(false)
		res, err := s.seekPlay(ctx, cl, a, track, o)
		if err != nil {
			return err
		}
		if o.Scale != 0 && res.ScaleRefused {
			// gst-rtsp-server 1.22 answers a Scale of 2 with "Scale: 1"
			// yet plays the file at twice its speed (a segment rate),
			// with RTP timestamps at 1x: the pictures run ahead of
			// every position. A PLAY without Scale from the same point
			// leaves the server truly at 1x, whatever it made of the
			// Scale; after a 4xx it costs one needless PLAY.
			o.Scale = 0
			if _, err := s.seekPlay(ctx, cl, a, track, o); err != nil {
				return err
			}
			s.pb.mu.Lock()
			s.pb.speedRefused = true
			s.pb.mu.Unlock()
			s.setStatus(Status{State: StatePlaying, Text: "Playing · " + s.transportName()})
			return ErrSpeedRefused
		}
		s.setStatus(Status{State: StatePlaying, Text: "Playing · " + s.transportName()})
		return nil
	}
	return nil
}

// seekPlay sends the PLAY of a seek or speed change with o, pausing
// first where the server needs it, and learns that need from a 455 or a
// PLAY answered without RTP-Info.
func (s *Stream) seekPlay(ctx context.Context, cl *rtsp.Client, a *attempt, track int, o rtsp.PlayOptions) (rtsp.PlayResult, error) {
	s.pb.mu.Lock()
	pauseFirst := s.pb.pauseFirst && cl.State() == rtsp.StatePlaying
	s.pb.mu.Unlock()
	if pauseFirst {
		if err := cl.Pause(ctx); err != nil {
			return rtsp.PlayResult{}, fmt.Errorf("seek: %w", err)
		}
	}
	wasPaused := pauseFirst || cl.State() == rtsp.StatePaused
	res, err := s.playFrom(ctx, cl, a, track, o, true, wasPaused)
	var se *rtsp.StatusError
	retry := errors.As(err, &se) && se.Code == 455
	if sync, _ := res.SyncFor(track); err == nil && sync.SeqNum == nil && !wasPaused && cl.CanPause() {
		// No RTP-Info seq: packets sent before the seek cannot be told
		// from those after it. gortsplib's server, for one, gives
		// RTP-Info only to a PLAY after PAUSE (or the first). Do that
		// now and for every later seek.
		retry = true
	}
	if retry {
		// 455 Method Not Valid in This State, or no RTP-Info: this
		// server wants PAUSE before a PLAY that moves (RFC 2326
		// section 10.5).
		s.pb.mu.Lock()
		s.pb.pauseFirst = true
		s.pb.mu.Unlock()
		if perr := cl.Pause(ctx); perr != nil {
			return res, fmt.Errorf("seek: %w", perr)
		}
		res, err = s.playFrom(ctx, cl, a, track, o, true, true)
	}
	if err != nil {
		return res, fmt.Errorf("seek: %w", err)
	}
	return res, nil
}

func (s *Stream) transportName() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.ToUpper(s.stats.Transport)
}

// quiet reports whether media may stop without the session failing: the
// server was paused, or the recording ended.
func (p *playback) quiet() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.serverPaused || p.ended
}

// nearEnd reports whether the picture shown is within slack of the end of
// a finite recording.
func (p *playback) nearEnd(slack time.Duration) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seekable && p.duration > 0 && p.hasPosition && p.position >= p.duration-slack
}

// end marks the recording as played to its end.
func (p *playback) end() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	was := p.ended
	p.ended = true
	return !was
}
