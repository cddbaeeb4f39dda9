package rtsp

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/pion/rtcp"
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

// TestNTPToTime: the 64-bit NTP timestamp of a sender report (RFC 3550
// §4, RFC 5905 §6) read whole, seconds since 1900 and a 32-bit fraction,
// with era 1 from 2036 (RFC 4330 §3).
func TestNTPToTime(t *testing.T) {
	tests := []struct {
		name string
		ntp  uint64
		want time.Time
	}{
		{"none", 0, time.Time{}},
		{"Unix epoch", 2208988800 << 32, time.Unix(0, 0)},
		{"half a second", 2208988800<<32 | 1<<31, time.Unix(0, 500_000_000)},
		{"a quarter", (2208988800+1)<<32 | 1<<30, time.Unix(1, 250_000_000)},
		{"2026-12-07 18:00:00.1 UTC", (1796666400+2208988800)<<32 | 429496730,
			time.Date(2026, 12, 7, 18, 0, 0, 100_000_000, time.UTC)},
		{"the last second of era 0", 0xffffffff << 32, time.Date(2036, 2, 7, 6, 28, 15, 0, time.UTC)},
		{"era 1, its second second", 1 << 32, time.Date(2036, 2, 7, 6, 28, 17, 0, time.UTC)},
		{"era 1, a fraction", 1<<32 | 1<<31, time.Date(2036, 2, 7, 6, 28, 17, 500_000_000, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ntpToTime(tt.ntp); !got.Equal(tt.want) {
				t.Errorf("ntpToTime(%#x) = %v, want %v", tt.ntp, got.UTC(), tt.want.UTC())
			}
		})
	}
}

// TestSenderReportTime: RTP time mapped to the sender's wall clock from
// one report, forwards and backwards and across the 32-bit wrap.
func TestSenderReportTime(t *testing.T) {
	ntp := time.Date(2026, 12, 7, 18, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		sr    SenderReport
		ts    uint32
		clock int
		want  time.Time
	}{
		{"at the report", SenderReport{NTP: ntp, RTPTime: 1000}, 1000, 90000, ntp},
		{"a second after, video", SenderReport{NTP: ntp, RTPTime: 1000}, 91000, 90000, ntp.Add(time.Second)},
		{"40 ms before, video", SenderReport{NTP: ntp, RTPTime: 10000}, 10000 - 3600, 90000, ntp.Add(-40 * time.Millisecond)},
		{"one AAC frame after, across the wrap", SenderReport{NTP: ntp, RTPTime: 0xffffff00}, 0x300, 48000,
			ntp.Add(21333333 * time.Nanosecond)},
		{"across the wrap", SenderReport{NTP: ntp, RTPTime: 0xfffffff0}, 0x70, 8000, ntp.Add(128 * time.Second / 8000)},
		{"before the wrap", SenderReport{NTP: ntp, RTPTime: 0x10}, 0xfffffff0, 8000, ntp.Add(-32 * time.Second / 8000)},
		{"no report", SenderReport{}, 1000, 90000, time.Time{}},
		{"no clock rate", SenderReport{NTP: ntp}, 1000, 0, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sr.Time(tt.ts, tt.clock); !got.Equal(tt.want) {
				t.Errorf("Time(%#x, %d) = %v, want %v", tt.ts, tt.clock, got, tt.want)
			}
		})
	}
}

// TestReceiverStatsSenderReport: the newest report of the track's source
// is kept whole, one from another SSRC is counted but not used, and a new
// source forgets the old one's.
func TestReceiverStatsSenderReport(t *testing.T) {
	var s receiverStats
	at := time.Unix(100, 0)
	s.updateSR(&rtcp.SenderReport{SSRC: 0xcafe, NTPTime: 2208988800<<32 | 1<<31, RTPTime: 42}, at)
	if got := s.snapshot().LastSenderReport; !got.NTP.Equal(time.Unix(0, 500_000_000)) || got.RTPTime != 42 || !got.Arrival.Equal(at) {
		t.Fatalf("before any RTP: %+v", got)
	}
	s.updateRTP(rtpWithSeq(1), at) // SSRC 0xcafe
	if got := s.snapshot().LastSenderReport; got.RTPTime != 42 {
		t.Fatalf("the same source's first packet dropped its report: %+v", got)
	}
	s.updateSR(&rtcp.SenderReport{SSRC: 0xbeef, NTPTime: 2208988801 << 32, RTPTime: 7}, at)
	st := s.snapshot()
	if st.SenderReports != 2 || st.LastSenderReport.RTPTime != 42 {
		t.Fatalf("another SSRC's report: count %d, kept %+v", st.SenderReports, st.LastSenderReport)
	}
	p := rtpWithSeq(2)
	binary.BigEndian.PutUint32(p[8:12], 0xd00d)
	s.updateRTP(p, at)
	if got := s.snapshot().LastSenderReport; !got.NTP.IsZero() {
		t.Fatalf("a new source kept the old one's report: %+v", got)
	}
}
