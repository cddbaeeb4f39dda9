package player

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/rtspview/rtspview/rtsp"
)

// playback is where a stream is in its media: the range the SDP offers,
// the position of the picture shown, pause and speed, and the generation
// that tells pictures before a seek from those after it.
//
// Its fields are read and written only through its methods, each one
// step under mu; gen, paused and cmds are read without it.
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

// init readies p before the stream's goroutines start: commands have
// their channel, and the speed is 1× until a PLAY says otherwise.
func (p *playback) init() {
	p.cmds = make(chan command)
	p.speed = 1
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

// current returns what a command starts from: whether the stream can
// be sought, the position of the picture shown and the speed.
func (p *playback) current() (seekable bool, pos time.Duration, speed float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seekable, p.position, p.speed
}

// reached returns the position of the picture shown, if one was, and
// the speed: where a new session of the same stream goes on.
func (p *playback) reached() (pos time.Duration, ok bool, speed float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.position, p.hasPosition, p.speed
}

// timelineFor maps the media of a PLAY asked with o and answered with
// res (whose RTP-Info for the video track is ts) to play times.
func (p *playback) timelineFor(o rtsp.PlayOptions, res rtsp.PlayResult, ts rtsp.TrackSync) timeline {
	p.mu.Lock()
	defer p.mu.Unlock()
	// A live stream has no play time to speak of ("npt=now-"): its
	// pictures get none rather than one assumed from 0.
	tl := timeline{ok: p.seekable, rate: p.rate, base: o.Start}
	if !o.Clock.IsZero() {
		tl.base = o.Clock.Sub(p.clockStart)
	}
	if r := res.Range; r != nil {
		// The server's answer wins: it may start at the keyframe before
		// the asked point.
		if r.Clock != nil && !p.clockStart.IsZero() {
			tl.base = r.Clock.Start.Sub(p.clockStart)
		} else if r.Clock == nil && !r.Live {
			tl.base = r.Start
		}
	}
	if ts.Timestamp != nil {
		tl.rtptime = *ts.Timestamp
	} else {
		tl.fromFirst = true
	}
	if o.Resume && (res.Range == nil || res.Range.Live) {
		// A resume answered without Range: go on from the picture shown.
		tl.base = p.position
		tl.fromFirst = true
	}
	return tl
}

// played records a PLAY's answer: the speed the server plays at (1
// unless a Scale was asked), and that it is no longer paused.
func (p *playback) played(o rtsp.PlayOptions, res rtsp.PlayResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.speed, p.speedRefused = 1, false
	if o.Scale != 0 {
		p.speed = res.Scale
		p.speedRefused = res.ScaleRefused
	}
	p.serverPaused = false
}

// refuseSpeed records that the server did not play at the asked speed.
func (p *playback) refuseSpeed() {
	p.mu.Lock()
	p.speedRefused = true
	p.mu.Unlock()
}

// pausedOnServer records a PAUSE the server answered: no media comes
// until the next PLAY, and resume seeks back to the picture shown.
func (p *playback) pausedOnServer() {
	p.mu.Lock()
	p.serverPaused = true
	p.mu.Unlock()
}

// pausedByDropping records a pause the server could not make (it has no
// PAUSE): pictures are dropped, and resume seeks back to the one shown.
func (p *playback) pausedByDropping() {
	p.mu.Lock()
	p.dropPaused = true
	p.mu.Unlock()
}

// takePause returns how the stream was paused and forgets a pause by
// dropping (a server pause ends with the PLAY that resumes).
func (p *playback) takePause() (onServer, byDropping bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	onServer, byDropping = p.serverPaused, p.dropPaused
	p.dropPaused = false
	return onServer, byDropping
}

// hideNextBefore makes the next generation decode but not show its
// pictures before play time at.
func (p *playback) hideNextBefore(at time.Duration) {
	p.mu.Lock()
	p.nextHide, p.nextHiding = at, true
	p.mu.Unlock()
}

// mustPauseFirst reports whether this server has been found to need a
// PAUSE before a PLAY that moves.
func (p *playback) mustPauseFirst() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pauseFirst
}

// learnPauseFirst records that this server needs a PAUSE before a PLAY
// that moves, for this and every later seek.
func (p *playback) learnPauseFirst() {
	p.mu.Lock()
	p.pauseFirst = true
	p.mu.Unlock()
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

// end marks the recording as played to its end. It reports whether the
// stream had not ended before, so the Ended status is set once.
func (p *playback) end() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	was := p.ended
	p.ended = true
	return !was
}
