package player

import (
	"testing"
	"time"

	"github.com/rtspview/rtspview/decode"
)

func TestIsReference(t *testing.T) {
	sc := []byte{0, 0, 0, 1}
	au := func(hdrs ...byte) []byte {
		var b []byte
		for _, h := range hdrs {
			b = append(b, sc...)
			b = append(b, h, 0x88, 0x84)
		}
		return b
	}
	for _, tc := range []struct {
		name  string
		codec decode.Codec
		data  []byte
		want  bool
	}{
		{"h264 IDR", decode.CodecH264, au(0x67, 0x68, 0x65), true},
		{"h264 P ref (nal_ref_idc 2)", decode.CodecH264, au(0x41), true},
		{"h264 P non-ref", decode.CodecH264, au(0x01), false},
		{"h264 SEI then non-ref slice", decode.CodecH264, au(0x06, 0x01), false},
		{"h264 two slices, one ref", decode.CodecH264, au(0x01, 0x21), true},
		{"h264 no slice at all", decode.CodecH264, au(0x06, 0x09), true},
		{"h264 three-byte start code", decode.CodecH264, []byte{0, 0, 1, 0x01, 0x9a}, false},
		{"h265 TRAIL_N", decode.CodecH265, au(0 << 1), false},
		{"h265 TRAIL_R", decode.CodecH265, au(1 << 1), true},
		{"h265 RASL_N", decode.CodecH265, au(8 << 1), false},
		{"h265 IDR_W_RADL", decode.CodecH265, au(32<<1, 33<<1, 34<<1, 19<<1), true},
		{"h265 VPS only", decode.CodecH265, au(32 << 1), true},
		{"empty", decode.CodecH264, nil, true},
		{"mjpeg", decode.CodecMJPEG, []byte{0xff, 0xd8}, true},
	} {
		if got := isReference(tc.codec, tc.data); got != tc.want {
			t.Errorf("%s: isReference = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// govRun feeds the governor one second per step, each with units units of
// which backlogged found two waiting, and dropped units added to the
// overflow count; it returns the level after each step. The units are an
// H.264 stream of reference pictures with a keyframe every 25, which the
// governor sees and skips as the decode loop has it do (the keyframes
// fall 7 units into each step, so levels change mid-GOP).
func govRun(g *decodeGovernor, now time.Time, steps []struct{ units, backlogged, dropped int }) (levels []DecodeLevel, needKeys []bool, end time.Time) {
	var dropped uint64
	ref := []byte{0, 0, 0, 1, 0x41, 0x9a}
	n := 0
	for _, st := range steps {
		var lv DecodeLevel
		var nk bool
		for i := 0; i < st.units; i++ {
			waiting := 0
			if i < st.backlogged {
				waiting = 2
			}
			key := (n+18)%25 == 0
			n++
			g.see(key)
			var k bool
			lv, k = g.observe(now, waiting, dropped)
			g.skip(lv, decode.CodecH264, ref, key)
			nk = nk || k
			now = now.Add(time.Second / time.Duration(st.units))
		}
		dropped += uint64(st.dropped)
		levels = append(levels, lv)
		needKeys = append(needKeys, nk)
	}
	return levels, needKeys, now
}

func TestDecodeGovernor(t *testing.T) {
	type step = struct{ units, backlogged, dropped int }
	ok := step{25, 0, 0}
	behind := step{25, 10, 0}
	overflow := step{25, 0, 3}
	burst := step{25, 2, 0} // a network stall's burst: not behind

	g := decodeGovernor{fixedWindow: true}
	var steps []step
	steps = append(steps, behind)                         // 0: a start's burst (a cached GOP): not judged
	steps = append(steps, ok, burst, ok)                  // 1-3: stays at DecodeAll
	steps = append(steps, behind, behind, behind, behind) // 4-7: down four levels
	steps = append(steps, behind, behind)                 // 8-9: stays at the bottom
	for i := 0; i < 7; i++ {                              // 10-16: hold 5 s, then one up
		steps = append(steps, ok)
	}
	levels, needKeys, end := govRun(&g, time.Unix(1000, 0), steps)
	want := []DecodeLevel{
		DecodeAll, DecodeAll, DecodeAll, DecodeAll,
		DecodeReferences, DecodeHalfGOP, DecodeQuarterGOP, DecodeKeyframes,
		DecodeKeyframes, DecodeKeyframes,
	}
	for i, w := range want {
		// A step's effect shows from the unit that closes its window,
		// which is the first unit of the next step.
		if i+1 < len(levels) && levels[i+1] != w {
			t.Fatalf("after step %d: level %v, want %v (levels %v)", i, levels[i+1], w, levels)
		}
	}
	up := -1
	for i := 10; i < len(levels); i++ {
		if levels[i] == DecodeQuarterGOP {
			up = i
			break
		}
	}
	if up < 0 {
		t.Fatalf("never stepped up from keyframes only: %v", levels)
	}
	if !needKeys[up] {
		t.Errorf("stepping up from keyframes only must wait for a keyframe")
	}
	if up-9 < 5 {
		t.Errorf("stepped up %d s after the last backlog, want the 5 s hold", up-7)
	}

	// A relapse within 10 s of stepping up doubles the hold.
	levels, _, _ = govRun(&g, end, []step{overflow, ok})
	if levels[1] != DecodeKeyframes {
		t.Fatalf("overflow after stepping up: level %v, want keyframes only", levels[1])
	}
	if g.hold != 2*holdMin {
		t.Errorf("hold after a relapse = %v, want %v", g.hold, 2*holdMin)
	}

	// A gap in the units (a reconnect, a tile shown again) is a new
	// start: its first window's burst is not judged either.
	lv := g.level
	levels, _, _ = govRun(&g, end.Add(time.Minute), []step{behind, ok})
	if levels[1] > lv {
		t.Errorf("the burst after a gap stepped down: %v -> %v", lv, levels[1])
	}
}

func TestGovernorSkip(t *testing.T) {
	var g decodeGovernor
	ref := []byte{0, 0, 0, 1, 0x41, 0x9a}
	nonref := []byte{0, 0, 0, 1, 0x01, 0x9a}
	for _, tc := range []struct {
		level    DecodeLevel
		data     []byte
		keyframe bool
		want     bool
	}{
		{DecodeAll, nonref, false, false},
		{DecodeReferences, nonref, false, true},
		{DecodeReferences, ref, false, false},
		{DecodeKeyframes, ref, false, true},
		{DecodeKeyframes, ref, true, false},
	} {
		if got := g.skip(tc.level, decode.CodecH264, tc.data, tc.keyframe); got != tc.want {
			t.Errorf("skip(%v, % x, key %v) = %v, want %v", tc.level, tc.data, tc.keyframe, got, tc.want)
		}
	}
	for level, want := range map[DecodeLevel]int{DecodeReferences: 60, DecodeHalfGOP: 40, DecodeQuarterGOP: 30, DecodeKeyframes: 20} {
		shown := 0
		for i := 0; i < 120; i++ {
			if !g.skip(level, decode.CodecMJPEG, nil, true) {
				shown++
			}
		}
		if shown != want {
			t.Errorf("MJPEG at %v: %d of 120 shown, want %d", level, shown, want)
		}
	}
}

// TestGovernorGOPHead: at the GOP levels the decoder gets each GOP's
// keyframe and the pictures after it up to half (a quarter) of the last
// GOP's length, never a picture after one skipped; before the first
// whole GOP it gets what has its references.
func TestGovernorGOPHead(t *testing.T) {
	ref := []byte{0, 0, 0, 1, 0x41, 0x9a}
	run := func(g *decodeGovernor, level DecodeLevel, gops, gop int) (decoded []int) {
		for i := range gops * gop {
			key := i%gop == 0
			g.see(key)
			if !g.skip(level, decode.CodecH264, ref, key) {
				decoded = append(decoded, i%gop+1)
			}
		}
		return decoded
	}
	var g decodeGovernor
	// Joined mid-GOP (a start): nothing is known until the first
	// keyframe, and the first GOP's length until the second.
	g.see(false)
	if g.skip(DecodeHalfGOP, decode.CodecH264, ref, false) {
		t.Error("a picture before any keyframe was skipped at half of each GOP: where in the GOP is not known")
	}
	if d := run(&g, DecodeHalfGOP, 1, 25); len(d) != 25 {
		t.Errorf("the first GOP, its length not known: %d of 25 decoded, want all", len(d))
	}
	for _, tc := range []struct {
		level DecodeLevel
		want  int
	}{{DecodeHalfGOP, 12}, {DecodeQuarterGOP, 6}, {DecodeKeyframes, 1}} {
		d := run(&g, tc.level, 4, 25)
		if len(d) != 4*tc.want {
			t.Errorf("%v: %d of 100 decoded, want %d", tc.level, len(d), 4*tc.want)
		}
		for i, p := range d {
			if want := i%tc.want + 1; p != want {
				t.Fatalf("%v: decoded positions %v, want 1 to %d of each GOP", tc.level, d, tc.want)
			}
		}
	}
	// A longer GOP: the head follows the last one's length.
	run(&g, DecodeHalfGOP, 1, 50)
	if d := run(&g, DecodeHalfGOP, 2, 50); len(d) != 50 {
		t.Errorf("GOP of 50 at half: %d of 100 decoded, want 50", len(d))
	}
	// After a skip, stepping up must wait for the keyframe; at the
	// keyframe itself nothing of its GOP is lost.
	g.see(true)
	for range 30 {
		g.see(false)
		g.skip(DecodeHalfGOP, decode.CodecH264, ref, false)
	}
	if !g.skippedGOP {
		t.Fatal("30 pictures into a GOP of 50 at half: none skipped")
	}
	g.see(true)
	if g.skippedGOP {
		t.Error("a keyframe did not start a whole GOP")
	}
}
