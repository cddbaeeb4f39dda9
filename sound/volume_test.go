package sound

import (
	"encoding/binary"
	"math"
	"testing"
)

// TestVolumeScalesWhatTheDevicePulls: SetVolume scales the samples the
// device takes, at once (sound already buffered included), holds samples
// at int16's ends above 1 instead of wrapping them, and keeps to
// 0..MaxVolume.
func TestVolumeScalesWhatTheDevicePulls(t *testing.T) {
	o := newOutput()
	// Twice a block of +20000 / -20000 pairs: past the jitter buffer's
	// target (the block and its margin), so it plays.
	loud := make([]int16, 4096*Channels)
	for i := range loud {
		loud[i] = 20000
		if i%2 == 1 {
			loud[i] = -20000
		}
	}
	o.PlayAudio(loud, 0)
	o.PlayAudio(loud, 0)
	pull := func() (l, r int16) {
		t.Helper()
		p := make([]byte, 2*Channels*8)
		o.fill(p)
		return int16(binary.LittleEndian.Uint16(p)), int16(binary.LittleEndian.Uint16(p[2:]))
	}
	for _, c := range []struct {
		vol  float64
		l, r int16
	}{
		{1, 20000, -20000},
		{0.5, 10000, -10000},
		{0.25, 5000, -5000},
		{0, 0, 0},
		{-3, 0, 0},         // below 0: silent
		{math.NaN(), 0, 0}, // not a number: silent
		{1.5, 30000, -30000},
		{2, 32767, -32768}, // 40000 is past int16: held at its ends
		{7, 32767, -32768}, // above MaxVolume: MaxVolume
	} {
		o.SetVolume(c.vol)
		if l, r := pull(); l != c.l || r != c.r {
			t.Errorf("volume %v: got %d %d, want %d %d", c.vol, l, r, c.l, c.r)
		}
	}
}

// TestScaleSaturates: the extremes of int16 at the largest gain stay at
// their ends, and a gain of 1 changes nothing.
func TestScaleSaturates(t *testing.T) {
	in := []int16{32767, -32768, 0, 1, -1, 12345}
	p := make([]byte, 2*len(in))
	for i, s := range in {
		binary.LittleEndian.PutUint16(p[2*i:], uint16(s))
	}
	q := append([]byte(nil), p...)
	scale(q, unityGain)
	for i := range in {
		if got := int16(binary.LittleEndian.Uint16(q[2*i:])); got != in[i] {
			t.Errorf("unity: sample %d is %d, want %d", i, got, in[i])
		}
	}
	scale(p, gainOf(MaxVolume))
	want := []int16{32767, -32768, 0, 2, -2, 24690}
	for i := range want {
		if got := int16(binary.LittleEndian.Uint16(p[2*i:])); got != want[i] {
			t.Errorf("x2: sample %d is %d, want %d", i, got, want[i])
		}
	}
}
