package depack

import (
	"encoding/base64"
	"slices"
	"testing"
)

// recoverySEI is an H.264 SEI NAL unit with one recovery point message
// (recovery_frame_cnt 0, exact_match 0, broken_link 0).
var recoverySEI = []byte{h264NALSEI, seiRecoveryPoint, 1, 0x84, 0x80}

func TestSEIHasRecoveryPoint(t *testing.T) {
	// A user-data SEI (type 5) whose payload holds 00 00 03: the
	// emulation prevention byte is not part of the payload size.
	userData := []byte{5, 18, 0, 0, 3, 1}
	userData = append(userData, make([]byte, 15)...)
	tests := []struct {
		name string
		p    []byte // after the NAL header
		want bool
	}{
		{"recovery point alone", recoverySEI[1:], true},
		{"after user data with emulation prevention", slices.Concat(userData, recoverySEI[1:]), true},
		{"user data only", append(slices.Clone(userData), 0x80), false},
		{"payload type 255+6 is not 6", []byte{0xff, 6, 1, 0x84, 0x80}, false},
		{"size past the end", []byte{5, 200, 1, 2, 3}, false},
		{"empty", nil, false},
		{"trailing bits only", []byte{0x80}, false},
		{"endless ff", slices.Repeat([]byte{0xff}, 5000), false},
	}
	for _, tt := range tests {
		if got := seiHasRecoveryPoint(tt.p); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if !classifyH264(recoverySEI).recovery {
		t.Error("classifyH264 misses the recovery point")
	}
	// H.265 prefix SEI: two-byte header (type 39, layer 0, tid 1).
	if !classifyH265(append([]byte{39 << 1, 1}, recoverySEI[1:]...)).recovery {
		t.Error("classifyH265 misses the recovery point")
	}
}

// TestH264StartsAtRecoveryPoint joins a stream after its only IDR. The
// first unit delivered is the first one that carries a recovery point SEI
// (periodic intra refresh, as x264 intra-refresh sends), marked Recovery
// and with the parameter sets from the SDP in front.
func TestH264StartsAtRecoveryPoint(t *testing.T) {
	full := h264AUs(t, clip720p)
	sps, pps := full[0][0], full[0][1]
	aus := withoutTypes(full, h264NALSPS, h264NALPPS)
	aus[7] = append([][]byte{recoverySEI}, aus[7]...)
	pkts := gortsplibH264(t, aus[:25], 1000, 1200)
	pkts = pkts[firstPacketOf(pkts, 3):] // joined late: the IDR at 0 is gone
	sprop := base64.StdEncoding.EncodeToString(sps) + "," + base64.StdEncoding.EncodeToString(pps)
	got, _ := decodeAll(t, NewH264(sprop, 1), pkts)
	if len(got) != 25-7 {
		t.Fatalf("got %d access units, want %d", len(got), 25-7)
	}
	if !got[0].recovery || got[0].keyframe || got[0].damaged {
		t.Fatalf("first unit: recovery %v keyframe %v damaged %v", got[0].recovery, got[0].keyframe, got[0].damaged)
	}
	if want := joinAnnexB(append([][]byte{sps, pps}, aus[7]...)...); !slices.Equal(got[0].data, want) {
		t.Fatal("first unit lacks the parameter sets or differs from the source")
	}
	for i, g := range got[1:] {
		if g.recovery || !slices.Equal(g.data, joinAnnexB(aus[8+i]...)) {
			t.Fatalf("unit %d differs from source %d", i+1, 8+i)
		}
	}
}

// TestH264Flush ends a unit whose marker packet was lost before a pause.
func TestH264Flush(t *testing.T) {
	aus := h264AUs(t, clip720p)
	pkts := gortsplibH264(t, aus[:12], 65530, 200)
	end := firstPacketOf(pkts, 11) - 1 // the marker packet of unit 10
	d := NewH264("", 1)
	got, _ := decodeAll(t, d, pkts[:end])
	if len(got) != 10 {
		t.Fatalf("got %d units before the pause, want 10", len(got))
	}
	au, ok := d.Flush()
	if !ok || !au.Damaged || au.Timestamp != auTimestamp(10) || !slices.Equal(au.Data, joinAnnexB(aus[10]...)[:len(au.Data)]) {
		t.Fatalf("Flush: ok %v damaged %v ts %d", ok, au.Damaged, au.Timestamp)
	}
	if _, ok := d.Flush(); ok {
		t.Fatal("second Flush delivered again")
	}
	// The lost marker packet shows up late: nothing to deliver, no panic,
	// and the next unit comes out whole.
	rest, _ := decodeAll(t, d, pkts[end:])
	if len(rest) != 1 || rest[0].damaged || rest[0].ts != auTimestamp(11) {
		t.Fatalf("after the flush: %d units", len(rest))
	}
	// Before the first keyframe there is nothing to flush.
	d = NewH264("", 1)
	decodeAll(t, d, pkts[firstPacketOf(pkts, 3):firstPacketOf(pkts, 4)-1])
	if _, ok := d.Flush(); ok {
		t.Fatal("flushed a unit before the first keyframe")
	}
	var _ Flusher = d
	var _ Flusher = (*H265)(nil)
}
