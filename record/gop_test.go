package record

import (
	"bytes"
	"testing"

	"github.com/rtspview/rtspview/decode"
)

func TestGOPKeepsFromLastKeyframe(t *testing.T) {
	src := &Source{}
	var g GOP
	g.Add(Unit{Source: src, Kind: Video, Data: []byte{1}}) // before any keyframe: nothing to start at
	if g.Len() != 0 {
		t.Fatalf("kept %d units before a keyframe", g.Len())
	}
	for i := range 3 {
		buf := []byte{byte(10 + i)}
		g.Add(Unit{Source: src, Kind: Video, Data: buf, Keyframe: i == 0, RTPTime: uint32(i)})
		buf[0] = 0 // the caller reuses its buffer: the GOP has its own copy
		g.Add(Unit{Source: src, Kind: Audio, Data: []byte{byte(20 + i)}})
	}
	g.Add(Unit{Source: src, Kind: Video, Data: []byte{30}, Keyframe: true})
	g.Add(Unit{Source: src, Kind: Video, Data: []byte{31}})
	var got []byte
	g.Replay(func(u Unit) bool { got = append(got, u.Data...); return true })
	if !bytes.Equal(got, []byte{30, 31}) {
		t.Errorf("replayed %v, want the units from the last keyframe [30 31]", got)
	}
	g.Reset()
	if g.Len() != 0 {
		t.Errorf("Reset kept %d units", g.Len())
	}
}

func TestGOPBounded(t *testing.T) {
	src := &Source{}
	var g GOP
	big := make([]byte, 1<<20)
	g.Add(Unit{Source: src, Kind: Video, Data: big, Keyframe: true})
	for range gopMaxBytes >> 20 {
		g.Add(Unit{Source: src, Kind: Video, Data: big})
	}
	if g.Len() != 0 || g.bytes != 0 {
		t.Fatalf("a GOP past %d bytes kept %d units (%d bytes)", gopMaxBytes, g.Len(), g.bytes)
	}
	g.Add(Unit{Source: src, Kind: Video, Data: big}) // still no keyframe
	if g.Len() != 0 {
		t.Fatalf("kept a unit after overflowing, before a keyframe")
	}
	for range gopMaxUnits + 10 {
		g.Add(Unit{Source: src, Kind: Audio, Data: []byte{1}})
	}
	g.Add(Unit{Source: src, Kind: Video, Data: []byte{1}, Keyframe: true})
	for range gopMaxUnits + 10 {
		g.Add(Unit{Source: src, Kind: Audio, Data: []byte{1}})
	}
	if g.Len() > gopMaxUnits {
		t.Fatalf("kept %d units, bound %d", g.Len(), gopMaxUnits)
	}
}

func TestParamSets(t *testing.T) {
	sps := []byte{0x67, 0x42, 0xc0, 0x1f}
	pps := []byte{0x68, 0xce, 0x3c, 0x80}
	idr := []byte{0x65, 0x88, 0x84, 0x00}
	au := append(append(append([]byte{0, 0, 0, 1}, sps...), append([]byte{0, 0, 1}, pps...)...), append([]byte{0, 0, 0, 1}, idr...)...)
	got, err := paramSets(decode.CodecH264, au)
	want := append(append([]byte{0, 0, 0, 1}, sps...), append([]byte{0, 0, 0, 1}, pps...)...)
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("paramSets = %x, %v; want %x", got, err, want)
	}
	if _, err := paramSets(decode.CodecH264, append([]byte{0, 0, 0, 1}, idr...)); err == nil {
		t.Error("a keyframe without SPS/PPS gave parameter sets")
	}
	if _, err := paramSets(decode.CodecH264, []byte{0, 0, 1}); err == nil {
		t.Error("an empty unit gave parameter sets")
	}
}
