package player_test

// The clock-skew benchmark of issue 19 ("Low delay, also after hours"):
// a camera whose clock runs off the sound card's by a fraction plays for
// a long while into the real sound output, and the delay must not grow
// nor the sound click. It is a measurement, not a test of the normal
// suite: it runs only with RTSPVIEW_BENCH_SKEW=1 (scripts/bench-audio-skew.sh,
// make bench-audio-skew).

import (
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/internal/tone"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
	"github.com/rtspview/rtspview/sound"
	"github.com/rtspview/rtspview/sound/soundtest"
)

// clickReport measures a recording of the tone (48 kHz stereo, the left
// channel): the longest near-silence (tone.Analyze's gap), and the
// sample-to-sample steps against the largest a 1 kHz sine at the
// recording's level takes, 2·A·sin(π·1000/48000) ≈ 0.131·A. A slipped
// frame (a drop, or a repeat) makes one step of at most twice that; a
// cut or a jump in the waveform makes more.
type clickReport struct {
	seconds    float64
	amp        float64 // the tone's amplitude, from its RMS
	longestGap time.Duration
	maxStep    float64 // the largest step, in units of the sine's largest
	over15     int     // steps above 1.5 times the sine's largest
	over3      int     // steps above 3 times: a click
	worstAt    float64 // seconds into the recording of the largest step
}

func (r clickReport) String() string {
	return fmt.Sprintf("%.1f s, tone amplitude %.0f, longest gap %v, largest step %.2f× a 1 kHz sine's (at %.3f s), steps >1.5×: %d, >3×: %d",
		r.seconds, r.amp, r.longestGap, r.maxStep, r.worstAt, r.over15, r.over3)
}

func measureClicks(pcm []int16) clickReport {
	const rate = 48000
	res := tone.Analyze(pcm, 2, rate)
	n := len(pcm) / 2
	r := clickReport{seconds: float64(n) / rate, longestGap: res.LongestGap}
	var sum float64
	for i := range n {
		v := float64(pcm[2*i])
		sum += v * v
	}
	if n == 0 {
		return r
	}
	r.amp = math.Sqrt(2 * sum / float64(n))
	sine := 2 * r.amp * math.Sin(math.Pi*1000/rate)
	if sine < 1 {
		return r
	}
	for i := 1; i < n; i++ {
		d := math.Abs(float64(pcm[2*i])-float64(pcm[2*i-2])) / sine
		if d > r.maxStep {
			r.maxStep, r.worstAt = d, float64(i)/rate
		}
		if d > 1.5 {
			r.over15++
		}
		if d > 3 {
			r.over3++
		}
	}
	return r
}

// watchSink is the sound output with a watch on what the stream hands it:
// the longest wait between two PlayAudio calls (a PCMU packet is 20 ms),
// so that a buffer that overflows can be told from a device that stopped
// taking (the waits stay near 20 ms) or from sound that came in a burst
// after the sender or the player stalled (one wait as long as the burst).
type watchSink struct {
	*sound.Output
	mu      sync.Mutex
	last    time.Time
	longest time.Duration
	over    int // waits above 100 ms
}

func (w *watchSink) PlayAudio(pcm []int16, gap int) {
	now := time.Now()
	w.mu.Lock()
	if !w.last.IsZero() {
		d := now.Sub(w.last)
		w.longest = max(w.longest, d)
		if d > 100*time.Millisecond {
			w.over++
		}
	}
	w.last = now
	w.mu.Unlock()
	w.Output.PlayAudio(pcm, gap)
}

// take returns the longest wait and the count of long ones since the last
// call.
func (w *watchSink) take() (time.Duration, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	l, o := w.longest, w.over
	w.longest, w.over = 0, 0
	return l, o
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// TestAudioClockSkew plays the skewed camera for RTSPVIEW_BENCH_DURATION
// (30m when empty) with its clock RTSPVIEW_BENCH_SKEW_PERCENT off (0.1
// when empty; negative: slow) into sound.Output on a PulseAudio null
// sink, logs the output's counters and delay every 30 s, records the
// sink for the first and the last minute and measures gaps and clicks
// in both. It fails when the delay at the end is more than 20 ms above
// the start's, on an underrun, or on a click.
func TestAudioClockSkew(t *testing.T) {
	if os.Getenv("RTSPVIEW_BENCH_SKEW") != "1" {
		t.Skip("a benchmark of 30 minutes: RTSPVIEW_BENCH_SKEW=1 (scripts/bench-audio-skew.sh)")
	}
	duration := 30 * time.Minute
	if v := os.Getenv("RTSPVIEW_BENCH_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("RTSPVIEW_BENCH_DURATION: %v", err)
		}
		duration = d
	}
	skewPct := 0.1
	if v := os.Getenv("RTSPVIEW_BENCH_SKEW_PERCENT"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("RTSPVIEW_BENCH_SKEW_PERCENT: %v", err)
		}
		skewPct = f
	}
	window := min(time.Minute, duration/3) // each recording
	peer.Command(t, "ffmpeg")              // the clip; fails under CI, as every peer's gate

	pa := soundtest.StartPulse(t)
	pa.Setenv()
	// A reader of the sink's monitor at 10 ms the whole run, as the
	// recordings are: without one the null sink's latency is what the
	// ALSA plugin's stream asks, and it then takes the sound in blocks
	// of up to 2 s (soundtest.Record), which a 200 ms jitter buffer
	// cannot hold. A sound card takes it in periods of a few ms.
	keep := exec.Command("parec", "-d", "speaker.monitor", "--raw", "--rate=48000", "--channels=2",
		"--format=s16le", "--latency-msec=10")
	keep.Env = append(os.Environ(), pa.Env...)
	if err := keep.Start(); err != nil {
		t.Fatalf("parec: %v", err)
	}
	defer func() { _ = keep.Process.Kill(); _ = keep.Wait() }()
	out := sound.Open()
	if err := out.Err(); err != nil {
		t.Fatalf("sound.Open: %v", err)
	}
	defer out.Close()
	select {
	case <-out.Started():
	case <-time.After(20 * time.Second):
		t.Fatal("the device did not start playing in 20 s")
	}

	cam := rtsptest.StartCamera(t, rtsptest.CameraOptions{Skew: skewPct / 100})
	// The window's part: it takes each new picture, which is when the
	// lip sync measures the picture's delay.
	shown := make(chan struct{}, 1)
	var s *player.Stream
	sink := &watchSink{Output: out}
	s = player.Start(player.Config{URL: cam.URL, Transport: player.TransportTCP, Audio: sink, DecoderThreads: 1,
		OnFrame: func() {
			select {
			case shown <- struct{}{}:
			default:
			}
		}})
	defer s.Close()
	s.SetSize(160, 120)
	stopFrames := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stopFrames:
				return
			case <-shown:
				s.Frame()
			}
		}
	}()
	defer func() { close(stopFrames); wg.Wait() }()

	// Until the sound plays: the clock of the run starts there.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, ok := out.Latency(); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no sound played in 30 s: %+v, stream %v", out.Stats(), s.Status())
		}
		time.Sleep(50 * time.Millisecond) // a poll of the output's state
	}
	start := time.Now()
	t.Logf("camera clock %+.3f %%, %v, %d cores, load %s; the sound plays at %s", skewPct, duration, runtime.NumCPU(), loadAvg(), start.UTC().Format("15:04:05"))
	t.Logf("%6s %8s %8s %8s %7s %6s %8s %8s %6s %6s %5s %6s %7s %7s %7s %7s %6s %6s %6s", "t", "lat.avg", "lat.min", "lat.max", "buf.avg",
		"target", "dropped", "repeat", "net‰", "under", "sync", "synch", "offset", "hold", "overfl", "skipped", "in.max", "in>100", "load")

	type sample struct {
		at                time.Duration
		latAvg, bufAvg    time.Duration
		dropped, repeated uint64
		// The disturbances: an interval where none of these changed
		// and no sound came more than 100 ms late is calm, and its
		// slips are the clocks' alone.
		overflowed, skipped time.Duration
		underruns           uint64
		inOver              int
	}
	var samples []sample
	var lats, bufs []time.Duration
	firstRec := pa.Record()
	var first, last []int16
	var lastRec *soundtest.Recording
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	nextLog := 30 * time.Second
	for {
		<-tick.C
		el := time.Since(start)
		if l, ok := out.Latency(); ok {
			lats = append(lats, l)
		}
		bufs = append(bufs, out.Stats().Buffered)
		if firstRec != nil && el >= window {
			first = firstRec.Stop()
			firstRec = nil
		}
		if lastRec == nil && last == nil && el >= duration-window {
			lastRec = pa.Record()
		}
		if el >= nextLog || el >= duration {
			st := out.Stats()
			var a *player.AudioInfo
			if ps := s.Stats(); ps.Audio != nil {
				a = ps.Audio
			} else {
				a = &player.AudioInfo{}
			}
			avg := func(v []time.Duration) time.Duration {
				var sum time.Duration
				for _, x := range v {
					sum += x
				}
				if len(v) == 0 {
					return 0
				}
				return sum / time.Duration(len(v))
			}
			lmin, lmax := time.Duration(0), time.Duration(0)
			if len(lats) > 0 {
				lmin, lmax = slices.Min(lats), slices.Max(lats)
			}
			inMax, inOver := sink.take()
			sm := sample{at: el, latAvg: avg(lats), bufAvg: avg(bufs), dropped: st.Dropped, repeated: st.Repeated,
				overflowed: st.Overflowed, skipped: st.Skipped, underruns: st.Underruns, inOver: inOver}
			samples = append(samples, sm)
			net := (float64(st.Dropped) - float64(st.Repeated)) / (el.Seconds() * sound.Rate) * 1000
			ms := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/1e6) }
			t.Logf("%6.0f %8s %8s %8s %7s %6s %8d %8d %6.3f %6d %5s %6d %7s %7s %7s %7s %6.0f %6d %6s", el.Seconds(), ms(sm.latAvg), ms(lmin), ms(lmax),
				ms(sm.bufAvg), ms(st.Target), st.Dropped, st.Repeated, net, st.Underruns, ms(st.Sync), st.SyncChanges,
				ms(a.SyncOffset), ms(a.PictureHold), ms(st.Overflowed), ms(st.Skipped), float64(inMax)/1e6, inOver, strings.Fields(loadAvg())[0])
			lats, bufs = lats[:0], bufs[:0]
			nextLog += 30 * time.Second
		}
		if el >= duration {
			break
		}
	}
	if lastRec != nil {
		last = lastRec.Stop()
	}
	st := out.Stats()
	ps := s.Stats()
	el := time.Since(start)
	t.Logf("final: %+v", st)
	if ps.Audio != nil {
		t.Logf("audio: %+v", *ps.Audio)
	}
	t.Logf("video: %d pictures shown", ps.FramesShown)

	fr := measureClicks(first)
	lr := measureClicks(last)
	t.Logf("first %v: %v", window, fr)
	t.Logf("last %v: %v", window, lr)
	// The first window's first few seconds hold the start (the device's
	// and the buffer's settling); the delay is compared between the
	// second log line (a whole 30 s after the start) and the last.
	if len(samples) < 2 {
		t.Fatalf("only %d samples", len(samples))
	}
	a, z := samples[1], samples[len(samples)-1]
	slipped := float64(st.Dropped) - float64(st.Repeated)
	t.Logf("RESULT skew=%+.3f%% duration=%v delay_start=%v (at %v) delay_end=%v buffered_start=%v buffered_end=%v "+
		"dropped=%d repeated=%d net_slip=%+.4f%% (camera %+.3f%%) underruns=%d overflowed=%v skipped=%v "+
		"first_gap=%v first_clicks=%d last_gap=%v last_clicks=%d",
		skewPct, el.Round(time.Second), a.latAvg.Round(100*time.Microsecond), a.at.Round(time.Second), z.latAvg.Round(100*time.Microsecond),
		a.bufAvg.Round(100*time.Microsecond), z.bufAvg.Round(100*time.Microsecond), st.Dropped, st.Repeated,
		slipped/(el.Seconds()*sound.Rate)*100, skewPct, st.Underruns, st.Overflowed, st.Skipped,
		fr.longestGap, fr.over3, lr.longestGap, lr.over3)
	// The calm intervals: the delay in the first and the last of them,
	// and the slips over all of them against their length.
	var calm []sample
	var calmSlip, calmSecs float64
	for i := 1; i < len(samples); i++ {
		p, q := samples[i-1], samples[i]
		if q.overflowed != p.overflowed || q.skipped != p.skipped || q.underruns != p.underruns || q.inOver > 0 {
			continue
		}
		calm = append(calm, q)
		calmSlip += float64(q.dropped) - float64(p.dropped) - (float64(q.repeated) - float64(p.repeated))
		calmSecs += (q.at - p.at).Seconds()
	}
	if len(calm) > 0 {
		ca, cz := calm[0], calm[len(calm)-1]
		t.Logf("RESULT calm intervals: %d of %d (%.0f s): delay %v at %v, %v at %v; buffered %v, %v; net slip %+.4f%% of the sound played (camera %+.3f%%)",
			len(calm), len(samples)-1, calmSecs, ca.latAvg.Round(100*time.Microsecond), ca.at.Round(time.Second),
			cz.latAvg.Round(100*time.Microsecond), cz.at.Round(time.Second), ca.bufAvg.Round(100*time.Microsecond),
			cz.bufAvg.Round(100*time.Microsecond), calmSlip/(calmSecs*sound.Rate)*100, skewPct)
	} else {
		t.Logf("RESULT calm intervals: none of %d", len(samples)-1)
	}
	if z.latAvg > a.latAvg+20*time.Millisecond {
		t.Errorf("the delay grew: %v at %v, %v at the end", a.latAvg, a.at, z.latAvg)
	}
	if st.Underruns > 0 {
		t.Errorf("%d underruns", st.Underruns)
	}
	if fr.over3 > 0 || lr.over3 > 0 {
		t.Errorf("clicks: %d in the first window, %d in the last", fr.over3, lr.over3)
	}
}
