package sound

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/tone"
	"github.com/rtspview/rtspview/sound/soundtest"
)

// sineBlocks makes n blocks of 1024 stereo frames of a freq Hz sine at
// amplitude amp, continuous from one block to the next.
func sineBlocks(n, freq int, amp float64) [][]int16 {
	out := make([][]int16, n)
	k := 0
	for b := range out {
		pcm := make([]int16, 1024*Channels)
		for i := range 1024 {
			v := int16(amp * 32767 * math.Sin(2*math.Pi*float64(freq)*float64(k)/Rate))
			pcm[i*Channels], pcm[i*Channels+1] = v, v
			k++
		}
		out[b] = pcm
	}
	return out
}

// TestOutputOnDevice plays a 1 kHz tone on a real (PulseAudio null sink)
// device, as a stream's audio goroutine hands it over: 1024-frame blocks
// at their real-time pace, from when the device plays (Started). The
// speaker's recording holds 1 kHz with no gap over 10 s; then one block is
// lost and plays as silence of its length, 21.3 ms, and nothing else.
func TestOutputOnDevice(t *testing.T) {
	pa := soundtest.StartPulse(t)
	pa.Setenv()
	rec := pa.Record()
	o := Open()
	defer o.Close()
	if err := o.Err(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	select {
	case <-o.Started():
	case <-time.After(20 * time.Second):
		t.Fatal("the device did not start playing in 20 s")
	}
	const seconds = 11
	blocks := sineBlocks(seconds*Rate/1024+1, 1000, 0.3)
	lostAt := 10*Rate/1024 + 10 // after 10 s of the tone
	period := time.Second * 1024 / Rate
	tick := time.NewTicker(period) // the sender's pace
	defer tick.Stop()
	for i, b := range blocks {
		if i == lostAt {
			<-tick.C
			continue // lost: the next block says so with its gap
		}
		gap := 0
		if i == lostAt+1 {
			gap = 1024
		}
		o.PlayAudio(b, gap)
		<-tick.C
	}
	// The tail still in the buffers plays out within their bound.
	<-time.After(maxBuffered + devicePeriods*devicePeriod)
	st := o.Stats()
	pcm := rec.Stop()
	on := tone.Onset(pcm, 2)
	if on < 0 {
		t.Fatalf("nothing reached the speaker; %+v", st)
	}
	tail := pcm[on*2:]
	if len(tail) < 2*Rate*(seconds-1) {
		t.Fatalf("%v of sound reached the speaker; %+v", time.Duration(len(tail)/2)*time.Second/Rate, st)
	}
	settle := 2 * Rate / 10 // the margin filling: a few ms
	steady := tone.Analyze(tail[settle:settle+2*Rate*10], 2, Rate)
	// Purity is judged in 50 ms stretches: the drift follower may slip a
	// sample in 500 for a while (the device's pace at its start is not
	// the sender's), which a whole second's measure takes for an impure
	// tone (1000 Hz beside 998 Hz) but no ear hears; a glitch spoils the
	// stretch it is in.
	worst := tone.WorstWindow(tail[settle:settle+2*Rate*10], 2, Rate, 1000, 50*time.Millisecond)
	t.Logf("speaker, first 10 s: %v, least pure 50 ms at %v: %.3f; output %+v", steady, worst.At, worst.Share, st)
	if steady.PeakHz < 995 || steady.PeakHz > 1005 || worst.Share < 0.9 || steady.RMS < 5000 || steady.LongestGap > 5*time.Millisecond {
		t.Errorf("the speaker's first 10 s: %v, least pure 50 ms at %v: %.3f; want a steady 1000 Hz", steady, worst.At, worst.Share)
	}
	// The loss: one silent run of 1024 frames (21.3 ms), give or take the
	// tone's own zero crossings.
	end := len(tail) - 2
	for end > 0 && tail[end] > -327 && tail[end] < 327 {
		end -= 2 // the silence after the tone ended
	}
	after := tone.Analyze(tail[settle+2*Rate*10:end], 2, Rate)
	if d := after.LongestGap - 1024*time.Second/Rate; d < -time.Millisecond/2 || d > time.Millisecond/2 {
		t.Errorf("the lost block played as %v of silence, want 21.3 ms", after.LongestGap)
	}
	// One underrun, when the tone ended. The speaker's own silence was
	// checked above; the output's count of inserted silence may be a few
	// ms short of the lost block when the drift follower slipped frames
	// meanwhile (on a loaded machine the device's pace wanders), never
	// more than it.
	if st.Underruns > 1 || st.Skipped != 0 || st.Silence > 1024*time.Second/Rate || st.Buffered > maxTarget+50*time.Millisecond {
		t.Errorf("output %+v", st)
	}
}

// TestOutputDeviceComesBack: with no sound system to reach, Open says
// "no sound device" at once, without a crash or a hang, and the picture's
// side (PlayAudio) goes on. When the sound system starts, the sound comes
// without anything done; when it dies (killed, as a crash), Err says so
// within stallAfter and a few seconds, and when it starts again the sound
// comes back once more. What reaches the speaker is checked each time.
func TestOutputDeviceComesBack(t *testing.T) {
	pa := soundtest.NewPulse(t)
	pa.Setenv()
	start := time.Now()
	o := Open()
	defer o.Close()
	if err := o.Err(); !errors.Is(err, ErrNoDevice) {
		t.Fatalf("Open without a sound system: Err %v, want ErrNoDevice", err)
	}
	t.Logf("no device after %v: %v", time.Since(start).Round(time.Millisecond), o.Err())
	// The sender's pace, throughout: the output takes it with or without
	// a device, and holds no more than maxBuffered of it.
	stop := make(chan struct{})
	fed := make(chan struct{})
	go func() {
		defer close(fed)
		blocks := sineBlocks(3, 1000, 0.3) // 64 whole periods, repeated
		tick := time.NewTicker(time.Second * 1024 / Rate)
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			o.PlayAudio(blocks[i%len(blocks)], 0)
		}
	}()
	defer func() { close(stop); <-fed }()
	if st := o.Stats(); st.Buffered > maxBuffered {
		t.Fatalf("without a device %v waits", st.Buffered)
	}
	// heard waits for the device and records 3 s of what it plays.
	heard := func(what string) {
		t.Helper()
		deadline := time.Now().Add(retryEvery + 10*time.Second)
		for o.Err() != nil {
			if time.Now().After(deadline) {
				t.Fatalf("%s: still no device after %v: %v", what, retryEvery+10*time.Second, o.Err())
			}
			time.Sleep(100 * time.Millisecond) // polling Err, bounded above
		}
		rec := pa.Record()
		// A null sink takes nothing for about 2 s after a stream starts.
		time.Sleep(5 * time.Second)
		pcm := rec.Stop()
		on := tone.Onset(pcm, 2)
		if on < 0 {
			t.Fatalf("%s: nothing reached the speaker; %+v", what, o.Stats())
		}
		got := tone.Analyze(pcm[on*2:], 2, Rate)
		// The last second is steady: what overflowed while the null
		// sink took nothing at its start is behind.
		last := tone.WorstWindow(pcm[max(on*2, len(pcm)-2*Rate):], 2, Rate, 1000, 50*time.Millisecond)
		t.Logf("%s: on %s, speaker %v, last second's least pure 50 ms %.3f; output %+v", what, o.Device(), got, last.Share, o.Stats())
		if got.PeakHz < 995 || got.PeakHz > 1005 || got.RMS < 5000 || last.Share < 0.9 {
			t.Errorf("%s: the speaker had %v, last second's least pure 50 ms %.3f; want a steady 1000 Hz", what, got, last.Share)
		}
	}
	pa.Start()
	heard("the sound system started")
	pa.Kill()
	deadline := time.Now().Add(stallAfter + 5*time.Second)
	for o.Err() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("the sound system died and Err is still nil after %v", stallAfter+5*time.Second)
		}
		time.Sleep(100 * time.Millisecond) // polling Err, bounded above
	}
	t.Logf("the sound system died: %v", o.Err())
	pa.Start()
	heard("the sound system started again")
	if st := o.Stats(); st.Reopened < 2 {
		t.Errorf("reopened %d times, want 2 (first start, restart)", st.Reopened)
	}
	closed := make(chan struct{})
	go func() { o.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hung")
	}
}

// TestOutputLatency: nothing is known while the buffer fills; once it
// plays, the latency is what waits in it, and a sync delay set then is
// in it at once (as the pause still to be played), before it is heard.
func TestOutputLatency(t *testing.T) {
	o := newOutput()
	if _, ok := o.Latency(); ok {
		t.Fatal("a latency before anything plays")
	}
	for range 4 {
		o.PlayAudio(make([]int16, 1024*Channels), 0)
	}
	buf := make([]byte, frames(pullChunk)*2*Channels)
	o.fill(buf)
	d, ok := o.Latency()
	want := time.Duration(4*1024-frames(pullChunk)) * time.Second / Rate
	if !ok || d != want {
		t.Fatalf("latency %v %v, want %v", d, ok, want)
	}
	o.SetSyncDelay(80 * time.Millisecond)
	if d, _ := o.Latency(); d != want+80*time.Millisecond {
		t.Fatalf("latency %v after an 80 ms sync delay, want %v", d, want+80*time.Millisecond)
	}
	if st := o.Stats(); st.Sync != 80*time.Millisecond || st.SyncChanges != 1 {
		t.Fatalf("stats %+v", st)
	}
}
