package player

import (
	"slices"
	"sync/atomic"
	"time"

	"github.com/rtspview/rtspview/rtsp"
)

// Lip sync (RFC 3550 §6.4.1). A sender report says, for one track, which
// RTP time its clock read at an instant of the sender's wall clock; the
// sender takes every track's instant from one clock, so the reports put
// the picture and the sound on one timeline. For each track the player
// measures its presentation delay: when a piece of it reaches the person
// on our clock minus when the sender captured it, on the sender's clock
// (its RTP time mapped through the track's latest report). Each delay
// holds the same unknown offset between the two clocks, which cancels in
// their difference: the A/V offset, how much later the sound is heard
// than the picture of the same moment is shown.
//
// Whichever is ahead waits for the other. A sound early (a picture slow
// to decode) is held back in the sink (AudioSyncSink.SetSyncDelay). A
// sound late, which is what a loaded machine's sound buffers make it
// (audiosync_hold.go), holds the picture back: the stream's access units
// wait before the decoder. Both are bounded by maxSyncDelay; neither
// happens before both tracks have a sender report, nor on a stream
// without the sound.

// AudioSyncSink is an AudioSink that can say when the sound it takes is
// heard and hold it back: *sound.Output is one. A stream whose sink is
// one keeps its sound in step with its picture once both tracks have a
// sender report; with any other sink nothing is measured or held.
type AudioSyncSink interface {
	AudioSink
	// Latency is how long from now the end of the sound handed to
	// PlayAudio so far takes to be heard; false while that is not known
	// (nothing plays yet).
	Latency() (time.Duration, bool)
	// SetSyncDelay holds the sound back by d on top of the sink's own
	// buffering, changing it without a click.
	SetSyncDelay(d time.Duration)
}

// Lip-sync bounds.
const (
	// maxSyncDelay is the most the sound is held back (sound.MaxSyncDelay
	// bounds the sink's buffer the same).
	maxSyncDelay = 500 * time.Millisecond
	// maxClockJump: a track's new report more than this off what its
	// previous one predicts is a sender whose clock jumped (a camera
	// that rebooted, an NTP step). Its old mapping is useless, and the
	// other track's report too until it has a new one.
	maxClockJump = time.Second
	// maxAVOffset: an offset larger than this is not lip sync but a
	// mapping from before a jump or of the wrong session; it is ignored.
	maxAVOffset = 5 * time.Second
	// syncSampleEvery: one offset measured each, over syncSamples of
	// them (3 s), whose median is the offset: one picture that took long
	// to decode or one late audio packet does not move it. The first
	// correction after the reports come takes half as many, so that the
	// sound is in step soon after the start; a later one needs the whole
	// window, or a passing change in the sound's buffering (an underrun
	// widening its margin for a while) made the hold hunt (measured:
	// three changes in 6 s with 9 samples before each).
	syncSampleEvery = 200 * time.Millisecond
	syncSamples     = 15
	// syncStep: the delay changes only when it is off by more than
	// this, and syncSettle after a change its measure starts anew: a
	// change is a faded pause in the sound, so it comes rarely. 20 ms is
	// half the target of ±40 ms.
	syncStep   = 20 * time.Millisecond
	syncSettle = time.Second
	// videoClockRate is the RTP clock of every video payload format
	// played (H.264 RFC 6184 §8.2.1, H.265 RFC 7798 §7.2, JPEG RFC 2435
	// §3): 90 kHz.
	videoClockRate = 90000
	// freshPicture: a picture shown longer ago than this (a paused or
	// stalled picture) says nothing about the picture's delay now.
	freshPicture = time.Second
	// syncLogEvery: the delays go to the debug log this often, and at
	// each change (rtspview --verbose; scripts/bench-avsync.sh keeps it).
	syncLogEvery = 5 * time.Second
)

// presentation is one piece of a track reaching the person: RTP time ts
// of a track whose clock ticks clock times a second, heard or shown at
// at, and the track's latest sender report.
type presentation struct {
	sr    rtsp.SenderReport
	clock int
	ts    uint32
	at    time.Time
}

// delay is at minus the sender's capture time of ts, false when the
// track has no report yet or no piece was presented.
func (p presentation) delay() (time.Duration, bool) {
	c := p.sr.Time(p.ts, p.clock)
	if c.IsZero() || p.at.IsZero() {
		return 0, false
	}
	return p.at.Sub(c), true
}

// avOffset is how much later the sound is heard than the picture of the
// same moment is shown (negative: the sound is early), false when either
// track lacks a report or the offset is beyond maxAVOffset.
func avOffset(video, audio presentation) (time.Duration, bool) {
	vd, ok := video.delay()
	if !ok {
		return 0, false
	}
	ad, ok := audio.delay()
	if !ok {
		return 0, false
	}
	off := ad - vd
	if off.Abs() > maxAVOffset {
		return 0, false
	}
	return off, true
}

// clockJumped reports whether next, a track's new sender report, is more
// than maxClockJump away from where prev's mapping puts its RTP time.
// Two reports of a steady sender agree to within the drift between its
// wall and media clocks over a few seconds.
func clockJumped(prev, next rtsp.SenderReport, clock int) bool {
	if prev.NTP.IsZero() || next.NTP.IsZero() {
		return false
	}
	return next.NTP.Sub(prev.Time(next.RTPTime, clock)).Abs() > maxClockJump
}

// avSync decides the sound's sync delay from the presentations the audio
// goroutine hands it (step), and publishes what Stats shows. Only that
// goroutine calls step; the atomics are read by Stats.
type avSync struct {
	vSR, aSR rtsp.SenderReport // the reports last seen, for clockJumped
	// stale: after a jump on one track, the other's report (from before
	// it) is not used until it changes: 'v' or 'a', 0 none.
	stale   byte
	samples [syncSamples]time.Duration
	n       int
	settled bool      // a correction was made since the reports came
	next    time.Time // when the next offset is measured
	logged  time.Time // when the delays were last logged (--verbose)
	delay   time.Duration

	hold time.Duration // the picture's hold, as picHold

	offset  atomic.Int64 // median offset as heard, ns
	held    atomic.Int64 // the delay the sink holds the sound back by, ns
	picHold atomic.Int64 // the picture's hold, ns: the decode loop reads it (audiosync_hold.go)
	synced  atomic.Bool  // both tracks have reports and an offset is known
}

// reset forgets the measure and the delay (a new session: new reports).
func (y *avSync) reset() {
	y.vSR, y.aSR, y.stale, y.n, y.settled = rtsp.SenderReport{}, rtsp.SenderReport{}, 0, 0, false
	y.next = time.Time{}
	y.offset.Store(0)
	y.setDelay(0, 0)
	y.synced.Store(false)
}

// due reports whether an offset is to be measured at now.
func (y *avSync) due(now time.Time) bool { return !now.Before(y.next) }

// step takes one measure, video's and audio's presentation with their
// tracks' latest reports, and returns the sync delay the sound should be
// held back by now.
func (y *avSync) step(now time.Time, video, audio presentation) time.Duration {
	y.next = now.Add(syncSampleEvery)
	if video.sr.NTP.IsZero() || audio.sr.NTP.IsZero() {
		// Before the first report of both tracks (or after a source
		// changed its SSRC and the report went): played as it comes.
		y.vSR, y.aSR, y.stale, y.n, y.settled = video.sr, audio.sr, 0, 0, false
		y.setDelay(0, 0)
		y.synced.Store(false)
		return 0
	}
	vJump := clockJumped(y.vSR, video.sr, video.clock)
	aJump := clockJumped(y.aSR, audio.sr, audio.clock)
	vNew, aNew := !video.sr.NTP.Equal(y.vSR.NTP), !audio.sr.NTP.Equal(y.aSR.NTP)
	y.vSR, y.aSR = video.sr, audio.sr
	switch {
	case vJump && aJump:
		y.restart(0)
	case vJump:
		y.restart('a')
	case aJump:
		y.restart('v')
	case y.stale == 'a' && aNew, y.stale == 'v' && vNew:
		y.stale = 0
	}
	if y.stale != 0 {
		return 0
	}
	off, ok := avOffset(video, audio)
	if !ok {
		return y.delay
	}
	copy(y.samples[1:], y.samples[:syncSamples-1])
	y.samples[0] = off
	y.n = min(y.n+1, syncSamples)
	if need := syncSamples; y.n < need && (y.settled || y.n < need/2+1) {
		return y.delay // samples first: the median of one is noise
	}
	var sorted [syncSamples]time.Duration
	copy(sorted[:], y.samples[:y.n])
	slices.Sort(sorted[:y.n])
	med := sorted[y.n/2]
	y.offset.Store(int64(med))
	y.synced.Store(true)
	// The offset is measured with the sound's delay and the picture's
	// hold already in it: the correction that makes it 0 is theirs less
	// the offset. A positive one holds the sound back (it was early), a
	// negative one the picture (the sound was late).
	c := y.delay - y.hold - med
	want, hold := max(0, min(c, maxSyncDelay)), max(0, min(-c, maxSyncDelay))
	y.settled = true
	if (want-y.delay).Abs() > syncStep || (hold-y.hold).Abs() > syncStep {
		y.setDelay(want, hold)
		y.n = 0 // measured anew once the change is seen and heard
		y.next = now.Add(syncSettle)
	}
	return y.delay
}

// restart drops the measure and the delay after a clock jump; stale is
// the track whose report is from before it.
func (y *avSync) restart(stale byte) {
	y.stale, y.n, y.settled = stale, 0, false
	y.setDelay(0, 0)
	y.synced.Store(false)
}

// setDelay sets the sound's delay d and the picture's hold.
func (y *avSync) setDelay(d, hold time.Duration) {
	y.delay, y.hold = d, hold
	y.held.Store(int64(d))
	y.picHold.Store(int64(hold))
}
