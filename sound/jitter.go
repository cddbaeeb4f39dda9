package sound

import (
	"time"
)

// state is the jitter buffer's: filling up before it plays, or playing.
type state int

const (
	// buffering: the device gets nothing (it plays silence) until the
	// buffer holds its target.
	buffering state = iota
	// playing: the device takes what is there.
	playing
	// starved: the buffer ran dry while playing, and the device plays
	// silence. Sound that comes after a loss (PlayAudio's gap) counts
	// the silence already played against the gap and plays at once, so
	// a lost packet is silence of its length and no more; sound that
	// comes late without a loss is jitter: the margin grows and the
	// buffer fills to its target first.
	starved
)

func (s state) String() string {
	return [...]string{"buffering", "playing", "starved"}[s]
}

// Stats are an Output's counters.
type Stats struct {
	State string
	// Buffered is the sound waiting for the device now; Target is what
	// the buffer fills to before it plays: the longest block of sound that
	// came in one piece (a packet's worth) plus Margin, the part that
	// absorbs jitter, which grows by a step at each underrun (up to
	// 60 ms) and shrinks again after a calm while.
	Buffered, Target, Margin time.Duration
	// Underruns counts times the buffer ran dry while playing.
	Underruns uint64
	// Overflowed is the sound dropped because more than 200 ms waited
	// (a burst after a stall): the delay stays bounded.
	Overflowed time.Duration
	// Silence is the silence played for lost packets (PlayAudio's gap).
	Silence time.Duration
	// Skipped is the sound dropped in one go when far more than the
	// target waited for a whole second (a device that started late).
	Skipped time.Duration
	// Dropped and Repeated count single sample frames slipped to keep
	// the level at its target while the sender's clock and the device's
	// drift apart.
	Dropped, Repeated uint64
	// Sync is the lip-sync delay the stream asked for (SetSyncDelay),
	// on top of Target's block and margin; SyncChanges counts the times
	// a change of it was made while playing, each a faded pause (longer)
	// or a faded cut (shorter).
	Sync        time.Duration
	SyncChanges uint64
	// Device names the sound system played on, "" while there is none;
	// Reopened counts the devices opened after the first (one that came
	// back, or came at last).
	Device   string
	Reopened int
}

// jitter is a ring of stereo sample frames between the stream's audio
// goroutine (push) and the device (pull). It is not safe for concurrent
// use; Output locks around it.
type jitter struct {
	ring    []int16 // capacity frames × Channels
	head, n int     // first frame, frames held
	st      state
	block   int // the longest push, in frames
	starve  int // frames of silence played while starved
	margin  int // frames on top of block before playing
	calmAt  time.Time

	// The level's lowest point over the current window, and the slip
	// chosen at the last window's end: -1 drop, +1 repeat, 0 none.
	winStart time.Time
	lastPull time.Time
	winMin   int
	slip     int
	slipAt   int // frames pulled since the last slip

	last [Channels]int16 // the last frame played, for a repeat

	// sync is the lip-sync delay in frames (setSync): the level the
	// buffer keeps is block+margin+sync. A change while playing is made
	// at once rather than slipped at 0.2 % (100 ms would take 50 s):
	// adjust (frames to add, or to cut when negative) waits for the
	// next pull, which fades the sound out over fadeLen frames, then
	// plays insert frames of silence or skips the cut, and fades back
	// in over fadeIn frames. A fade of a few milliseconds is heard as a
	// short pause, never as the click of a cut waveform.
	sync, adjust                 int
	fadeOut, fadeIn              int
	insert                       int
	syncChanges                  uint64
	underruns, dropped, repeated uint64
	overflow, silence, skipped   int
}

// fadeLen is the length of a sync change's fade out and in: 5 ms, a few
// periods of any sound a camera sends, so the ramp itself has no click.
var fadeLen = frames(5 * time.Millisecond)

func (j *jitter) init(now time.Time) {
	j.ring = make([]int16, frames(maxBuffered+MaxSyncDelay)*Channels)
	j.margin = frames(minTarget)
	j.calmAt, j.winStart = now, now
	j.winMin = -1
}

func (j *jitter) capacity() int { return len(j.ring) / Channels }

// target is the level the buffer fills to before it plays.
func (j *jitter) target() int { return min(j.block+j.margin+j.sync, j.capacity()) }

// limit is the most the buffer holds before the oldest sound goes:
// maxBuffered and the lip-sync delay.
func (j *jitter) limit() int { return min(frames(maxBuffered)+j.sync, j.capacity()) }

// setSync makes the lip-sync delay f frames (0 to MaxSyncDelay). While
// buffering the target takes it; while playing the difference is made
// at the next pull, faded (see jitter.sync). now restarts the level's
// window: the lowest level seen before the change says nothing of the
// level after it.
func (j *jitter) setSync(f int, now time.Time) {
	f = max(0, min(f, frames(MaxSyncDelay)))
	if f == j.sync {
		return
	}
	if j.st == playing || j.st == starved {
		j.adjust += f - j.sync
		j.syncChanges++
	}
	j.sync = f
	j.winStart, j.winMin, j.slip = now, -1, 0
}

// pending is the silence still to be played for a sync change, in
// frames: it is heard before the sound buffered now, so it counts in the
// delay (latency). A pending cut counts against it.
func (j *jitter) pending() int {
	return j.insert + j.adjust
}

// push adds gap frames of silence, then pcm. What does not fit pushes the
// oldest sound out.
func (j *jitter) push(pcm []int16, gap int) {
	n := len(pcm) / Channels
	if j.st == starved && n > 0 {
		if gap > 0 {
			// Lost, not late: part of its silence has played.
			gap = max(gap-j.starve, 0)
			j.st = playing
		} else {
			j.st = buffering
			j.adjust = 0 // it fills up to the target, which holds the sync
			j.underruns++
			j.margin = min(j.margin+frames(targetStep), frames(maxTarget))
			j.calmAt = j.lastPull
		}
	}
	gap = min(gap, j.limit())
	j.silence += gap
	j.block = max(j.block, min(n, frames(maxBuffered)/2))
	for range gap {
		j.put(0, 0)
	}
	for i := range n {
		j.put(pcm[i*Channels], pcm[i*Channels+1])
	}
}

func (j *jitter) put(l, r int16) {
	if j.n >= j.limit() {
		j.head = (j.head + 1) % j.capacity()
		j.n--
		j.overflow++
	}
	k := (j.head + j.n) % j.capacity() * Channels
	j.ring[k], j.ring[k+1] = l, r
	j.n++
}

// pullChunk is the most one pull hands over: the device's request is
// filled by several, each of which runs the slow controls (adapt).
const pullChunk = 5 * time.Millisecond

// pull fills p (whole frames of little-endian samples) from the buffer,
// at most pullChunk of them, and returns the bytes written and whether
// they are the stream's sound. While buffering, and on an underrun, it
// writes silence: the device plays on, and a lost packet's silence is
// counted against what it played.
func (j *jitter) pull(p []byte, now time.Time) (n int, sound bool) {
	j.adapt(now)
	want := min(len(p)/(2*Channels), frames(pullChunk))
	if j.st == buffering && j.n > 0 && j.n >= j.target() {
		j.st = playing
	}
	j.lastPull = now
	if j.st == playing && j.n == 0 {
		j.st, j.starve = starved, 0
	}
	if j.st == starved && j.n > 0 {
		j.st = playing // a gap's silence came without sound yet
	}
	if j.st != playing {
		if j.st == starved {
			j.starve += want
		}
		clear(p[:want*2*Channels])
		return want * 2 * Channels, false
	}
	if j.adjust != 0 && j.fadeOut == 0 && j.insert == 0 {
		j.fadeOut, j.fadeIn = min(fadeLen, j.n), 0
		if j.fadeOut == 0 {
			j.afterFade()
		}
	}
	out := 0
	if j.insert > 0 && j.fadeOut == 0 {
		// The sync change's pause: silence that the device plays while
		// the sound waits in the buffer, which is what delays it.
		out = min(want, j.insert)
		j.insert -= out
		clear(p[:out*2*Channels])
		if j.insert == 0 {
			j.fadeIn = fadeLen
		}
		return out * 2 * Channels, true
	}
	for out < want && j.n > 0 {
		j.slipAt++
		if j.slip != 0 && j.slipAt >= slipEvery {
			j.slipAt = 0
			if j.slip < 0 && j.n > 1 {
				j.skip() // one frame less: the level comes down
				j.dropped++
			} else if j.slip > 0 {
				putSamples(p[out*2*Channels:], j.last[:]) // one frame more
				j.repeated++
				out++
				continue
			}
		}
		k := j.head * Channels
		j.last = [Channels]int16{j.ring[k], j.ring[k+1]}
		f, faded := j.last, false
		switch {
		case j.fadeOut > 0:
			j.fadeOut--
			f, faded = ramp(f, j.fadeOut), true
		case j.fadeIn > 0:
			f = ramp(f, fadeLen-j.fadeIn)
			j.fadeIn--
		}
		putSamples(p[out*2*Channels:], f[:])
		j.skip()
		out++
		if faded && j.fadeOut == 0 && j.afterFade() {
			break // the pause starts with the next pull
		}
	}
	if j.winMin < 0 || j.n < j.winMin {
		j.winMin = j.n
	}
	return out * 2 * Channels, true
}

// afterFade makes the pending sync change once the sound has faded out:
// a pause of the added length (true: it starts at the next pull), or the
// cut, faded back in.
func (j *jitter) afterFade() bool {
	a := j.adjust
	j.adjust = 0
	if a > 0 {
		j.insert = a
		return true
	}
	j.cut(-a)
	j.fadeIn = fadeLen
	return false
}

// cut drops n frames of the oldest sound (as many as there are).
func (j *jitter) cut(n int) {
	n = min(n, j.n)
	j.head = (j.head + n) % j.capacity()
	j.n -= n
}

// ramp scales a frame by k/fadeLen.
func ramp(f [Channels]int16, k int) [Channels]int16 {
	for i := range f {
		f[i] = int16(int(f[i]) * k / fadeLen)
	}
	return f
}

func (j *jitter) skip() {
	j.head = (j.head + 1) % j.capacity()
	j.n--
}

// adapt runs the slow controls: the margin shrinks a step after a calm
// while, and at the end of each window the slip for the next one is
// chosen from the window's lowest level (the moment just before sound
// arrives), which should sit at the margin.
func (j *jitter) adapt(now time.Time) {
	if now.Sub(j.calmAt) >= calmAfter {
		j.calmAt = now
		j.margin = max(j.margin-frames(targetStep), frames(minTarget))
	}
	if now.Sub(j.winStart) < levelWindow {
		return
	}
	low := j.winMin
	j.winStart, j.winMin = now, -1
	// The level the buffer keeps: the margin, and the lip-sync delay
	// that holds the sound back on purpose.
	base := j.margin + j.sync
	if j.st == playing && low > base+frames(maxTarget) {
		// Far more waits than the margin, a whole window long: the
		// device started late (PulseAudio takes about 2 s to start a
		// stream, measured) or stalled while the sound came on. Slipping
		// would take minutes at 0.2 %: the excess goes at once.
		drop := low - base
		j.head = (j.head + drop) % j.capacity()
		j.n -= drop
		j.skipped += drop
		j.slip = 0
		return
	}
	switch {
	case j.st != playing || low < 0:
		j.slip = 0
	case low > base+frames(targetStep):
		j.slip = -1 // more waits than the margin: the sender runs fast
	case low < j.sync+j.margin/2:
		j.slip = +1 // the device runs fast: an underrun is coming
	default:
		j.slip = 0
	}
}

// reset drops what is buffered; the margin learnt and the sync delay
// stay (the target holds it: what comes next fills up to it).
func (j *jitter) reset() {
	j.head, j.n = 0, 0
	j.adjust, j.insert, j.fadeOut, j.fadeIn = 0, 0, 0, 0
	j.st = buffering
	j.block = 0
	j.slip, j.winMin = 0, -1
}

func (j *jitter) stats() Stats {
	d := func(n int) time.Duration { return time.Duration(n) * time.Second / Rate }
	return Stats{
		State: j.st.String(), Buffered: d(j.n), Target: d(j.target()), Margin: d(j.margin),
		Underruns: j.underruns, Overflowed: d(j.overflow), Silence: d(j.silence), Skipped: d(j.skipped),
		Dropped: j.dropped, Repeated: j.repeated, Sync: d(j.sync), SyncChanges: j.syncChanges,
	}
}
