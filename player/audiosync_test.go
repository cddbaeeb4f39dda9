package player

import (
	"testing"
	"time"

	"github.com/rtspview/rtspview/rtsp"
)

// TestSyncOffset: the A/V offset from a sender report on each track, with
// the sender's clock any distance from ours (it cancels), RTP times on
// either side of their reports and across the 32-bit wrap.
func TestSyncOffset(t *testing.T) {
	sender := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC) // the sender's wall clock at the reports
	const vr, ar = 90000, 48000
	ms := time.Millisecond
	for _, tc := range []struct {
		name string
		// Our clock minus the sender's: unknown to the player, and no
		// part of the answer.
		skew time.Duration
		// The reports' RTP times, and the presented pieces' distance
		// from them in RTP time (captured then) and on our clock.
		vSR, aSR       uint32
		vTicks, aTicks int64
		vAt, aAt       time.Duration
		want           time.Duration
		ok             bool
	}{
		// Both captured 1 s after the reports; the picture shown 150 ms
		// after capture, the sound heard 40 ms after: 110 ms early.
		{"sound early", 0, 1000, 5000, vr, ar, time.Second + 150*ms, time.Second + 40*ms, -110 * ms, true},
		{"sound late", 3 * time.Hour, 1000, 5000, vr, ar, time.Second + 50*ms, time.Second + 90*ms, 40 * ms, true},
		{"our clock behind", -17 * time.Minute, 7, 9, vr, ar, time.Second + 100*ms, time.Second + 100*ms, 0, true},
		// A piece captured before its track's report.
		{"before the report", 0, 1000, 5000, -vr / 2, -ar / 2, -500*ms + 120*ms, -500*ms + 30*ms, -90 * ms, true},
		// The video's RTP time wraps between its report and the picture,
		// the sound's between the sound and its report.
		{"video wraps", 0, 0xffffff00, 100, vr, ar, time.Second + 100*ms, time.Second + 60*ms, -40 * ms, true},
		{"audio wraps back", 0, 100, 0x00000010, vr, -ar / 10, time.Second + 100*ms, -100*ms + 60*ms, -40 * ms, true},
		// Seconds apart: a mapping from before a clock jump, ignored.
		{"implausible", 0, 1000, 5000, vr, 20 * ar, time.Second, time.Second, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ours := sender.Add(tc.skew)
			v := presentation{
				sr:    rtsp.SenderReport{NTP: sender, RTPTime: tc.vSR},
				clock: vr, ts: tc.vSR + uint32(tc.vTicks), at: ours.Add(tc.vAt),
			}
			a := presentation{
				sr:    rtsp.SenderReport{NTP: sender, RTPTime: tc.aSR},
				clock: ar, ts: tc.aSR + uint32(tc.aTicks), at: ours.Add(tc.aAt),
			}
			got, ok := avOffset(v, a)
			if ok != tc.ok || (ok && (got-tc.want).Abs() > time.Microsecond) {
				t.Fatalf("offset %v %v, want %v %v", got, ok, tc.want, tc.ok)
			}
		})
	}
	// No report on a track, or no picture: no offset.
	v := presentation{sr: rtsp.SenderReport{NTP: sender}, clock: vr, at: sender}
	if _, ok := avOffset(v, presentation{clock: ar, at: sender}); ok {
		t.Error("an offset without the audio's report")
	}
	if _, ok := avOffset(presentation{sr: v.sr, clock: vr}, presentation{sr: v.sr, clock: ar, at: sender}); ok {
		t.Error("an offset without a picture")
	}
}

// TestClockJumped: a report that agrees with the last one's mapping
// (across the wrap) is no jump; one more than a second off is.
func TestClockJumped(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	prev := rtsp.SenderReport{NTP: t0, RTPTime: 0xfffff000}
	for _, tc := range []struct {
		name string
		next rtsp.SenderReport
		want bool
	}{
		{"5 s later, wrapped", rtsp.SenderReport{NTP: t0.Add(5 * time.Second), RTPTime: 0xfffff000 + 5*90000 - 1<<32}, false},
		{"drifted 2 ms", rtsp.SenderReport{NTP: t0.Add(5*time.Second + 2*time.Millisecond), RTPTime: 0xfffff000 + 5*90000 - 1<<32}, false},
		{"wall clock stepped", rtsp.SenderReport{NTP: t0.Add(65 * time.Second), RTPTime: 0xfffff000 + 5*90000 - 1<<32}, true},
		{"RTP restarted", rtsp.SenderReport{NTP: t0.Add(5 * time.Second), RTPTime: 12345}, true},
		{"first report", rtsp.SenderReport{NTP: t0}, false},
	} {
		p := prev
		if tc.name == "first report" {
			p = rtsp.SenderReport{}
		}
		if got := clockJumped(p, tc.next, 90000); got != tc.want {
			t.Errorf("%s: jumped %v, want %v", tc.name, got, tc.want)
		}
	}
}

// syncRig drives avSync as the audio goroutine does: a sender whose two
// tracks' reports come every 5 s, a picture shown vDelay after capture
// and a sound heard aDelay plus the sync delay after.
type syncRig struct {
	y              avSync
	now            time.Time
	skew           time.Duration // our clock minus the sender's
	vDelay, aDelay time.Duration
	vBase, aBase   uint32        // RTP times at the sender's t0
	jump           time.Duration // added to the sender's wall clock
	vSR, aSR       rtsp.SenderReport
	t0             time.Time
}

func (r *syncRig) sender() time.Time { return r.now.Add(-r.skew) }

// report makes a sender report of a track at the sender's now.
func (r *syncRig) report(base uint32, rate int) rtsp.SenderReport {
	el := r.sender().Sub(r.t0)
	return rtsp.SenderReport{NTP: r.sender().Add(r.jump), RTPTime: base + uint32(el*time.Duration(rate)/time.Second), Arrival: r.now}
}

// run steps the rig by syncSampleEvery for d; video and audio say which
// tracks send reports.
func (r *syncRig) run(d time.Duration, video, audio bool) {
	for end := r.now.Add(d); r.now.Before(end); r.now = r.now.Add(syncSampleEvery / 2) {
		if el := r.sender().Sub(r.t0); el%(5*time.Second) == 0 {
			if video {
				r.vSR = r.report(r.vBase, 90000)
			}
			if audio {
				r.aSR = r.report(r.aBase, 48000)
			}
		}
		if !r.y.due(r.now) {
			continue
		}
		// What is presented now was captured its delay ago.
		capV := r.sender().Add(-r.vDelay - r.y.hold).Sub(r.t0)
		capA := r.sender().Add(-r.aDelay - r.y.delay).Sub(r.t0)
		r.y.step(r.now,
			presentation{sr: r.vSR, clock: 90000, ts: r.vBase + uint32(capV*90000/time.Second), at: r.now},
			presentation{sr: r.aSR, clock: 48000, ts: r.aBase + uint32(capA*48000/time.Second), at: r.now})
	}
}

// TestSyncDelay: the sound is not held back before both tracks have a
// report; then it is held back by how early it is, within a step, and
// stays (no hunting); a sound later than the picture holds the picture
// back instead; a clock jump on one track drops the delay until the other
// has a new report; both are bounded.
func TestSyncDelay(t *testing.T) {
	ms := time.Millisecond
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	r := &syncRig{now: t0.Add(42 * time.Minute), skew: 42 * time.Minute, t0: t0,
		vDelay: 160 * ms, aDelay: 40 * ms, vBase: 0xffff0000, aBase: 0x7ffffff0}
	r.now = r.now.Add(time.Second) // the first reports come at 5 s
	r.run(3*time.Second, true, false)
	if r.y.delay != 0 || r.y.synced.Load() {
		t.Fatalf("video report only: delay %v, synced %v", r.y.delay, r.y.synced.Load())
	}
	r.run(10*time.Second, true, true)
	if !r.y.synced.Load() || (r.y.delay-120*ms).Abs() > syncStep {
		t.Fatalf("sound 120 ms early: delay %v, offset %v, synced %v", r.y.delay, time.Duration(r.y.offset.Load()), r.y.synced.Load())
	}
	if off := time.Duration(r.y.offset.Load()); off.Abs() > syncStep {
		t.Fatalf("offset as heard %v with the delay %v", off, r.y.delay)
	}
	held := r.y.delay
	r.run(20*time.Second, true, true)
	if r.y.delay != held {
		t.Fatalf("the delay moved from %v to %v on a steady stream", held, r.y.delay)
	}

	// The camera rebooted: its clock 1 h on, the video's report first.
	r.jump = time.Hour
	r.vSR = r.report(r.vBase, 90000)
	r.now = r.now.Add(time.Second)
	r.run(time.Second, false, false)
	if r.y.delay != 0 || r.y.synced.Load() || r.y.stale != 'a' {
		t.Fatalf("after the video clock's jump: delay %v, synced %v, stale %q", r.y.delay, r.y.synced.Load(), r.y.stale)
	}
	r.run(15*time.Second, true, true)
	if !r.y.synced.Load() || (r.y.delay-120*ms).Abs() > syncStep {
		t.Fatalf("after both reports: delay %v, synced %v", r.y.delay, r.y.synced.Load())
	}

	// The sound later than the picture: the picture is held back.
	r.aDelay = 200 * ms
	r.run(10*time.Second, true, true)
	if off := time.Duration(r.y.offset.Load()); r.y.delay != 0 || (r.y.hold-40*ms).Abs() > 5*ms || off.Abs() > 5*ms ||
		time.Duration(r.y.picHold.Load()) != r.y.hold {
		t.Fatalf("sound 40 ms late: delay %v, picture held %v, offset %v", r.y.delay, r.y.hold, off)
	}
	// Late by less than a step more: left as it is.
	r.aDelay = 215 * ms
	r.run(10*time.Second, true, true)
	if (r.y.hold - 40*ms).Abs() > 5*ms {
		t.Fatalf("15 ms more: picture held %v", r.y.hold)
	}
	r.aDelay = 200 * ms

	// Far early: bounded.
	r.aDelay, r.vDelay = 10*ms, 2*time.Second
	r.run(10*time.Second, true, true)
	if r.y.delay != maxSyncDelay {
		t.Fatalf("sound 1990 ms early: delay %v", r.y.delay)
	}
	r.aDelay, r.vDelay = 2*time.Second, 10*ms
	r.run(10*time.Second, true, true)
	if r.y.hold != maxSyncDelay || r.y.delay != 0 {
		t.Fatalf("sound 1990 ms late: picture held %v, sound %v", r.y.hold, r.y.delay)
	}
	r.y.reset()
	if r.y.delay != 0 || r.y.hold != 0 || r.y.synced.Load() || r.y.held.Load() != 0 || r.y.picHold.Load() != 0 {
		t.Fatal("reset kept the delay")
	}
}

// TestHeldUnits: units held keep their order and their bytes, the pool
// buffer comes back at once, a full queue lets the oldest go early, and
// steady state allocates nothing.
func TestHeldUnits(t *testing.T) {
	var h heldUnits
	defer h.stop()
	unit := func(i int) *auBuf { return &auBuf{data: []byte{byte(i)}, rtp: uint32(i)} }
	for i := range 3 {
		b := unit(i)
		if out := h.hold(b, int64(100+i)); out != nil || len(b.data) != 0 {
			t.Fatalf("hold %d: out %v, pool buffer kept %v", i, out, b.data)
		}
	}
	now := time.Unix(0, 101)
	if n := h.overdue(now); n != 2 {
		t.Fatalf("%d overdue at 101", n)
	}
	for i := range 3 {
		b := &auBuf{}
		h.release(b)
		if b.rtp != uint32(i) || len(b.data) != 1 || b.data[0] != byte(i) {
			t.Fatalf("release %d: %+v", i, b)
		}
	}
	if h.n != 0 || h.wait(now) != nil {
		t.Fatal("empty, yet waits")
	}
	for i := range maxHeldUnits {
		h.hold(unit(i), int64(i))
	}
	out := h.hold(unit(99), 1000)
	if out == nil || out.rtp != 0 || h.n != maxHeldUnits {
		t.Fatalf("full: out %+v, %d held", out, h.n)
	}
	last := &auBuf{}
	for h.n > 0 {
		h.release(last)
	}
	if last.rtp != 99 {
		t.Fatalf("last released %d, want 99", last.rtp)
	}
	pool := &auBuf{data: make([]byte, 0, 16)}
	if a := testing.AllocsPerRun(100, func() {
		pool.data = append(pool.data[:0], 1, 2, 3)
		h.hold(pool, 5)
		h.release(pool)
	}); a != 0 {
		t.Fatalf("%v allocations per unit held", a)
	}
}
