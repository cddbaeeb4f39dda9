package depack

import (
	"testing"

	"github.com/pion/rtp"
)

func TestSeqTracker(t *testing.T) {
	type pkt struct {
		seq  uint16
		ssrc uint32
		want seqResult
	}
	tests := []struct {
		name string
		pkts []pkt
	}{
		{"in order", []pkt{{10, 1, seqFirst}, {11, 1, seqInOrder}, {12, 1, seqInOrder}}},
		{"65535 to 0", []pkt{{65534, 1, seqFirst}, {65535, 1, seqInOrder}, {0, 1, seqInOrder}, {1, 1, seqInOrder}}},
		{"gap across the wrap", []pkt{{65535, 1, seqFirst}, {1, 1, seqGap}, {2, 1, seqInOrder}}},
		{"duplicate", []pkt{{5, 1, seqFirst}, {5, 1, seqStale}, {6, 1, seqInOrder}}},
		{"late across the wrap", []pkt{{65535, 1, seqFirst}, {1, 1, seqGap}, {0, 1, seqStale}, {2, 1, seqInOrder}}},
		{"restart far back", []pkt{{30000, 1, seqFirst}, {30001, 1, seqInOrder}, {100, 1, seqGap}, {101, 1, seqInOrder}}},
		{"just inside the late window", []pkt{{1000, 1, seqFirst}, {1001 - staleWindow, 1, seqStale}, {1001, 1, seqInOrder}}},
		{"just past the late window", []pkt{{1000, 1, seqFirst}, {1000 - staleWindow, 1, seqGap}, {1001 - staleWindow, 1, seqInOrder}}},
		{"new SSRC", []pkt{{7, 1, seqFirst}, {8, 2, seqNewSource}, {9, 2, seqInOrder}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s seqTracker
			for i, p := range tt.pkts {
				if got := s.check(&rtp.Header{SequenceNumber: p.seq, SSRC: p.ssrc}); got != p.want {
					t.Fatalf("packet %d (seq %d): %d, want %d", i, p.seq, got, p.want)
				}
			}
		})
	}
}

func TestParamSetStore(t *testing.T) {
	s := newParamSetStore()
	s.put(1, 0, []byte{0x68, 0xa})  // PPS 0
	s.put(0, 0, []byte{0x67, 1})    // SPS 0
	s.put(1, 1, []byte{0x68, 0xb})  // PPS 1
	s.put(1, 0, []byte{0x68, 0xc})  // PPS 0 replaced
	s.put(0, 0, nil)                // ignored
	s.put(0, 1, make([]byte, 5000)) // too large: ignored
	buf := make([]byte, s.annexBSize())
	s.writeAnnexB(buf)
	want := joinAnnexB([]byte{0x67, 1}, []byte{0x68, 0xc}, []byte{0x68, 0xb})
	if string(buf) != string(want) {
		t.Fatalf("got %x, want %x", buf, want)
	}
	for i := range 2 * maxParamSets {
		s.put(1, uint32(10+i), []byte{0x68, byte(i)})
	}
	if len(s.sets) != maxParamSets {
		t.Fatalf("%d sets kept, limit %d", len(s.sets), maxParamSets)
	}
}
