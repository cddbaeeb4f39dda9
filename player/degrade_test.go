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
// overflow count; it returns the level after each step.
func govRun(g *decodeGovernor, now time.Time, steps []struct{ units, backlogged, dropped int }) (levels []DecodeLevel, needKeys []bool, end time.Time) {
	var dropped uint64
	for _, st := range steps {
		var lv DecodeLevel
		var nk bool
		for i := 0; i < st.units; i++ {
			waiting := 0
			if i < st.backlogged {
				waiting = 2
			}
			var k bool
			lv, k = g.observe(now, waiting, dropped)
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
	steps = append(steps, behind)         // 0: a start's burst (a cached GOP): not judged
	steps = append(steps, ok, burst, ok)  // 1-3: stays at DecodeAll
	steps = append(steps, behind, behind) // 4-5: down two levels
	steps = append(steps, behind, behind) // 6-7: stays at the bottom
	for i := 0; i < 7; i++ {              // 8-14: hold 5 s, then one up
		steps = append(steps, ok)
	}
	levels, needKeys, end := govRun(&g, time.Unix(1000, 0), steps)
	want := []DecodeLevel{
		DecodeAll, DecodeAll, DecodeAll, DecodeAll,
		DecodeReferences, DecodeKeyframes,
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
	for i := 8; i < len(levels); i++ {
		if levels[i] == DecodeReferences {
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
	if up-7 < 5 {
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
	shown := 0
	for i := 0; i < 100; i++ {
		if !g.skip(DecodeKeyframes, decode.CodecMJPEG, nil, true) {
			shown++
		}
	}
	if shown != 25 {
		t.Errorf("MJPEG at keyframes only: %d of 100 shown, want 25", shown)
	}
}
