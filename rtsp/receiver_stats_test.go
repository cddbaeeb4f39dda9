package rtsp

import (
	"encoding/binary"
	"testing"
	"time"
)

func rtpWithSeq(seq uint16) []byte {
	pkt := make([]byte, 12)
	pkt[0] = 2 << 6
	binary.BigEndian.PutUint16(pkt[2:4], seq)
	binary.BigEndian.PutUint32(pkt[8:12], 0xcafe)
	return pkt
}

func seqRun(from uint16, n int) []uint16 {
	out := make([]uint16, n)
	for i := range out {
		out[i] = from + uint16(i)
	}
	return out
}

func cat(runs ...[]uint16) []uint16 {
	var out []uint16
	for _, r := range runs {
		out = append(out, r...)
	}
	return out
}

// TestReceiverStatsLossAcrossSeeks: RFC 3550's count (expected from the
// extended highest sequence number, minus received) with the restart a
// seek or resume needs: the server's jump to its new sequence numbers is
// not loss, a packet missing after it is, and late packets from before it
// are received but do not start the new run.
func TestReceiverStatsLossAcrossSeeks(t *testing.T) {
	newRun := uint16(30000)
	tests := []struct {
		name     string
		before   []uint16 // packets before the PLAY that seeks
		resync   bool
		at       *uint16 // the PLAY answer's RTP-Info seq
		after    []uint16
		received uint64
		lost     uint64
	}{
		{"steady", seqRun(1, 100), false, nil, nil, 100, 0},
		{"one lost", cat(seqRun(1, 50), seqRun(52, 49)), false, nil, nil, 99, 1},
		{"across the wrap", seqRun(65530, 20), false, nil, nil, 20, 0},
		{"a seek without resync reads as loss", seqRun(0, 50), false, nil, seqRun(30000, 50), 100, 29950},
		{"seek, no RTP-Info", seqRun(0, 50), true, nil, seqRun(30000, 50), 100, 0},
		{"seek with RTP-Info", seqRun(0, 50), true, &newRun, seqRun(30000, 50), 100, 0},
		{"late packets from before the seek", seqRun(0, 50), true, &newRun, cat([]uint16{50, 51}, seqRun(30000, 50)), 102, 0},
		{"the new run's first packet lost", seqRun(0, 50), true, &newRun, seqRun(30001, 49), 99, 1},
		{"seek backwards", seqRun(40000, 50), true, &newRun, seqRun(30000, 50), 100, 0},
		{"loss before and after", cat(seqRun(0, 10), seqRun(11, 39)), true, &newRun, cat(seqRun(30000, 10), seqRun(30011, 39)), 98, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &receiverStats{clockRate: 90000}
			now := time.Now()
			for _, q := range tt.before {
				s.updateRTP(rtpWithSeq(q), now)
			}
			if tt.resync {
				s.resync(tt.at)
			}
			for _, q := range tt.after {
				s.updateRTP(rtpWithSeq(q), now)
			}
			got := s.snapshot()
			if got.PacketsReceived != tt.received || got.PacketsLost != tt.lost {
				t.Fatalf("received %d lost %d, want %d and %d", got.PacketsReceived, got.PacketsLost, tt.received, tt.lost)
			}
		})
	}
}

// TestReceiverStatsResyncAllocatesNothing: updateRTP runs per packet.
func TestReceiverStatsResyncAllocatesNothing(t *testing.T) {
	s := &receiverStats{clockRate: 90000}
	pkt := rtpWithSeq(1)
	now := time.Now()
	s.updateRTP(pkt, now)
	seq := uint16(1)
	if n := testing.AllocsPerRun(1000, func() {
		seq++
		binary.BigEndian.PutUint16(pkt[2:4], seq)
		s.updateRTP(pkt, now)
	}); n != 0 {
		t.Fatalf("%v allocations per packet", n)
	}
}
