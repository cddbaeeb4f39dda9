package sound

import (
	"encoding/binary"
	"testing"
	"time"
)

// block returns n stereo frames counting up from v (never 0, so silence
// is told from sound).
func block(n int, v int16) []int16 {
	pcm := make([]int16, n*Channels)
	for i := range n {
		pcm[i*Channels], pcm[i*Channels+1] = v+int16(i%1000), -(v + int16(i%1000))
	}
	return pcm
}

// drain pulls everything playable, in device-sized reads, and returns
// the left channel.
func drain(j *jitter, now time.Time) []int16 {
	var out []int16
	buf := make([]byte, 480*2*Channels)
	for range 10000 {
		n, sound := j.pull(buf, now)
		if !sound {
			break
		}
		for i := 0; i < n; i += 2 * Channels {
			out = append(out, int16(binary.LittleEndian.Uint16(buf[i:])))
		}
	}
	return out
}

func TestJitterBuffersToTargetThenPlays(t *testing.T) {
	var j jitter
	now := time.Unix(0, 0)
	j.init(now)
	j.push(block(1024, 1), 0) // 21 ms: less than a block plus the margin
	if n, sound := j.pull(make([]byte, 64), now); n != 64 || sound || j.st != buffering {
		t.Fatalf("%d bytes (sound %v) before the target", n, sound)
	}
	j.push(block(1024, 1), 0)
	if got := len(drain(&j, now)); got != 2048 {
		t.Fatalf("played %d frames, want 2048", got)
	}
	// Dry while playing, and then sound without a loss: it came late,
	// an underrun, a wider margin.
	if _, sound := j.pull(make([]byte, 64), now); sound || j.st != starved {
		t.Fatalf("dry: sound %v, state %v", sound, j.st)
	}
	j.push(block(1024, 1), 0)
	if j.st != buffering || j.underruns != 1 || j.margin != frames(minTarget+targetStep) {
		t.Fatalf("late sound: state %v, %d underruns, margin %d", j.st, j.underruns, j.margin)
	}
	for range 10 {
		j.pull(make([]byte, 4), now)
		j.push(nil, 0)
		j.underruns++ // as many as it takes
		j.margin = min(j.margin+frames(targetStep), frames(maxTarget))
	}
	if j.margin != frames(maxTarget) {
		t.Fatalf("margin %d, want at most %d", j.margin, frames(maxTarget))
	}
	// After a calm while it comes down a step.
	j.pull(make([]byte, 4), now.Add(calmAfter))
	if j.margin != frames(maxTarget-targetStep) {
		t.Fatalf("margin after calm %d", j.margin)
	}
}

// TestJitterGapIsSilenceOfItsLength: a lost packet's gap plays as exactly
// that many frames of silence between the sound around it.
func TestJitterGapIsSilenceOfItsLength(t *testing.T) {
	var j jitter
	now := time.Unix(0, 0)
	j.init(now)
	j.push(block(960, 100), 0)
	j.push(block(960, 100), 1440) // 30 ms lost before it
	j.push(block(960, 100), 0)
	out := drain(&j, now)
	if len(out) != 3*960+1440 {
		t.Fatalf("%d frames, want %d", len(out), 3*960+1440)
	}
	zeros, first := 0, -1
	for i, v := range out {
		if v == 0 {
			zeros++
			if first < 0 {
				first = i
			}
		}
	}
	if zeros != 1440 || first != 960 {
		t.Fatalf("%d frames of silence from %d, want 1440 from 960", zeros, first)
	}
	if st := j.stats(); st.Silence != 30*time.Millisecond {
		t.Fatalf("silence %v", st.Silence)
	}
}

// TestJitterLossWhileStarved: the buffer ran dry because a packet was
// lost; the silence played meanwhile counts against the loss, so the
// whole silence is the lost packet's length, and the sound goes on at
// once.
func TestJitterLossWhileStarved(t *testing.T) {
	var j jitter
	now := time.Unix(0, 0)
	j.init(now)
	j.push(block(1024, 100), 0)
	j.push(block(1024, 100), 0)
	played := drain(&j, now) // its last pull found the buffer dry: 5 ms of silence
	if j.st != starved || j.starve != frames(pullChunk) {
		t.Fatalf("state %v after %d frames of silence", j.st, j.starve)
	}
	played = append(played, make([]int16, j.starve)...)
	j.push(block(960, 100), 1440) // 30 ms lost
	played = append(played, drain(&j, now)...)
	zeros := 0
	for _, v := range played {
		if v == 0 {
			zeros++
		}
	}
	if zeros != 1440 || j.underruns != 0 || len(played) != 2048+1440+960 {
		t.Fatalf("%d frames of silence, %d underruns, %d frames, want 1440, 0, %d", zeros, j.underruns, len(played), 2048+1440+960)
	}
}

// TestJitterBounded: a burst after a stall never makes the delay (or the
// memory) grow past maxBuffered; the oldest sound goes.
func TestJitterBounded(t *testing.T) {
	var j jitter
	now := time.Unix(0, 0)
	j.init(now)
	for range 100 {
		j.push(block(1024, 1), 0)
	}
	if j.n != frames(maxBuffered) || cap(j.ring) != frames(maxBuffered+MaxSyncDelay)*Channels {
		t.Fatalf("holds %d frames in %d", j.n, cap(j.ring))
	}
	if st := j.stats(); st.Overflowed != time.Duration(100*1024-frames(maxBuffered))*time.Second/Rate {
		t.Fatalf("overflowed %v", st.Overflowed)
	}
	j.push(nil, 1<<30) // a silly gap: bounded as well
	if j.n != frames(maxBuffered) {
		t.Fatalf("holds %d frames", j.n)
	}
	j.reset()
	if j.n != 0 || j.st != buffering {
		t.Fatal("reset kept sound")
	}
}

// TestJitterDrift runs a sender whose clock is 0.1 % fast (one 0.1 %
// slow, one in step) against a device pulling 10 ms at a time, for ten simulated
// minutes: the level stays near its target, with no underrun after the
// start and nothing overflowed, by slipping single frames.
func TestJitterDrift(t *testing.T) {
	for _, skew := range []float64{1.001, 0.999, 1} {
		var j jitter
		start := time.Unix(0, 0)
		j.init(start)
		const frame = 1024
		period := time.Duration(float64(frame) / Rate / skew * float64(time.Second)) // the sender's frame interval
		nextPush, nextPull := start, start
		buf := make([]byte, 480*2*Channels)
		var maxLevel int
		end := start.Add(10 * time.Minute)
		for now := start; now.Before(end); {
			if !nextPush.After(nextPull) {
				now = nextPush
				j.push(block(frame, 1), 0)
				nextPush = nextPush.Add(period)
			} else {
				now = nextPull
				for got := 0; got < len(buf); { // 10 ms, in the pulls it takes
					n, _ := j.pull(buf[got:], now)
					got += n
				}
				nextPull = nextPull.Add(10 * time.Millisecond)
				if now.Sub(start) > time.Minute {
					maxLevel = max(maxLevel, j.n)
				}
			}
		}
		st := j.stats()
		if st.Underruns > 1 || st.Overflowed != 0 || maxLevel > j.target()+frames(2*targetStep) {
			t.Errorf("skew %v: %+v, highest level %v", skew, st, time.Duration(maxLevel)*time.Second/Rate)
		}
		if (skew > 1 && st.Dropped == 0) || (skew < 1 && st.Repeated == 0) || (skew == 1 && st.Dropped+st.Repeated > 100) {
			t.Errorf("skew %v: slipped %d and %d frames", skew, st.Dropped, st.Repeated)
		}
		t.Logf("skew %v: %+v", skew, st)
	}
}

// pullFrames pulls n frames (device-sized reads) and returns the left
// channel, silence included.
func pullFrames(j *jitter, now time.Time, n int) []int16 {
	var out []int16
	buf := make([]byte, 240*2*Channels)
	for len(out) < n {
		k, _ := j.pull(buf[:min(240, n-len(out))*2*Channels], now)
		for i := 0; i < k; i += 2 * Channels {
			out = append(out, int16(binary.LittleEndian.Uint16(buf[i:])))
		}
	}
	return out
}

// TestJitterSyncDelay: a lip-sync delay set while buffering raises the
// target; one set while playing is a faded pause of exactly its length
// (no sound lost, what follows is the sound that waited), and a shorter
// one a faded cut of the difference. Reset keeps it.
func TestJitterSyncDelay(t *testing.T) {
	var j jitter
	now := time.Unix(0, 0)
	j.init(now)
	j.setSync(frames(40*time.Millisecond), now)
	if j.adjust != 0 || j.target() != frames(minTarget)+frames(40*time.Millisecond) {
		t.Fatalf("buffering: adjust %d, target %d", j.adjust, j.target())
	}
	// A steady ramp, one value per frame: 1, 2, 3, …
	next := int16(1)
	feed := func(n int) {
		pcm := make([]int16, n*Channels)
		for i := range n {
			pcm[i*Channels], pcm[i*Channels+1] = next, next
			next++
			if next > 20000 {
				next = 1
			}
		}
		j.push(pcm, 0)
	}
	for range 6 {
		feed(480) // 60 ms: not yet a block, the margin and the sync (70 ms)
	}
	if _, sound := j.pull(make([]byte, 4), now); sound {
		t.Fatal("played before the target with the sync delay")
	}
	for range 2 {
		feed(480)
	}
	got := pullFrames(&j, now, 480)
	if got[0] != 1 || got[479] != 480 {
		t.Fatalf("first pull %d…%d", got[0], got[479])
	}
	// Longer by 100 ms while playing: 5 ms fade out, 100 ms of silence,
	// then the ramp where it stopped, fading in.
	j.setSync(frames(140*time.Millisecond), now)
	if j.pending() != frames(100*time.Millisecond) {
		t.Fatalf("pending %d", j.pending())
	}
	before := j.n
	got = pullFrames(&j, now, fadeLen+frames(100*time.Millisecond)+fadeLen+10)
	for i := range fadeLen {
		want := int(481+i) * (fadeLen - 1 - i) / fadeLen
		if int(got[i]) != want {
			t.Fatalf("fade out: frame %d is %d, want %d", i, got[i], want)
		}
	}
	for i := fadeLen; i < fadeLen+frames(100*time.Millisecond); i++ {
		if got[i] != 0 {
			t.Fatalf("pause: frame %d is %d", i, got[i])
		}
	}
	after := got[fadeLen+frames(100*time.Millisecond):]
	if want := int16(481 + fadeLen); after[0] != 0 || after[fadeLen] != want+int16(fadeLen) {
		t.Fatalf("after the pause %d … %d, want 0 … %d", after[0], after[fadeLen], want+int16(fadeLen))
	}
	if j.n != before-2*fadeLen-10 || j.pending() != 0 || j.syncChanges != 1 {
		t.Fatalf("buffered %d (was %d), pending %d, changes %d", j.n, before, j.pending(), j.syncChanges)
	}
	// Shorter by 30 ms: a faded cut of 30 ms.
	for range 10 {
		feed(480)
	}
	j.setSync(frames(110*time.Millisecond), now)
	first := int(pullFrames(&j, now, 1)[0]) // the fade's first frame, 1×(fadeLen-1)/fadeLen
	rest := pullFrames(&j, now, fadeLen-1+fadeLen+1)
	v0 := first*fadeLen/(fadeLen-1) + 1 // the ramp's value at the fade's first frame, ±1
	wantAfter := v0 + fadeLen + frames(30*time.Millisecond) + fadeLen
	if got := int(rest[len(rest)-1]); got < wantAfter-2 || got > wantAfter+2 {
		t.Fatalf("after the cut %d, want %d", got, wantAfter)
	}
	if j.stats().Sync != 110*time.Millisecond {
		t.Fatalf("sync %v", j.stats().Sync)
	}
	j.reset()
	if j.sync != frames(110*time.Millisecond) || j.pending() != 0 {
		t.Fatalf("reset: sync %d pending %d", j.sync, j.pending())
	}
	j.setSync(frames(time.Hour), now)
	if j.sync != frames(MaxSyncDelay) {
		t.Fatalf("sync %d, bounded at %d", j.sync, frames(MaxSyncDelay))
	}
}
