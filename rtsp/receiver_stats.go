package rtsp

import (
	"encoding/binary"
	"sync"
	"time"

	"github.com/pion/rtcp"
)

// TrackStats are reception counters of one track (RFC 3550 §6.4.1, A.3, A.8).
type TrackStats struct {
	PacketsReceived uint64
	PacketsLost     uint64 // expected minus received, never negative
	BytesReceived   uint64
	Jitter          time.Duration // interarrival jitter
	SenderReports   uint64
	// LastSenderReport is the newest sender report of the track's
	// source; its NTP is zero before the first.
	LastSenderReport SenderReport
}

// SenderReport is what a sender report says about its source's clocks
// (RFC 3550 §6.4.1): at the wall-clock instant NTP, the track's RTP clock
// read RTPTime. The sender takes every track's NTP from one clock, so
// these put sound and picture on one timeline.
type SenderReport struct {
	NTP     time.Time // the full 64-bit NTP timestamp
	RTPTime uint32
	Arrival time.Time // when it reached us, on our clock
}

// Time is the sender's wall-clock time of RTP timestamp ts on a track
// whose clock ticks clockRate times a second: RTPTime plus or minus up
// to 2^31 ticks (over 6 hours at 90 kHz), across the 32-bit wrap. The
// zero time when r is empty or clockRate is not positive.
func (r SenderReport) Time(ts uint32, clockRate int) time.Time {
	if r.NTP.IsZero() || clockRate <= 0 {
		return time.Time{}
	}
	d := int64(int32(ts - r.RTPTime))
	return r.NTP.Add(time.Duration(d * int64(time.Second) / int64(clockRate)))
}

// ntpEpochOffset is the seconds from NTP's epoch (1900) to Unix's.
const ntpEpochOffset = 2208988800

// ntpToTime converts a 64-bit NTP timestamp (RFC 5905 §6: seconds since
// 1900 and a 32-bit fraction) to a time. Seconds with the top bit clear
// are read as era 1, from February 2036 on (RFC 4330 §3), as SNTP does:
// no sender clock is before 1968. 0 is "no time".
func ntpToTime(ntp uint64) time.Time {
	if ntp == 0 {
		return time.Time{}
	}
	sec := int64(ntp >> 32)
	if sec&0x80000000 == 0 {
		sec += 1 << 32
	}
	frac := ntp & 0xffffffff
	ns := int64((frac*1e9 + 1<<31) >> 32)
	return time.Unix(sec-ntpEpochOffset, ns)
}

// receiverStats tracks what RFC 3550 receiver reports need. RTP arrives on
// one goroutine while the report ticker reads on another, so a mutex guards
// it; it is uncontended on the hot path and allocates nothing.
type receiverStats struct {
	mu        sync.Mutex
	clockRate float64
	started   bool
	ssrc      uint32
	baseSeq   uint16
	maxSeq    uint16
	cycles    uint32
	// A seek or resume restarts the sequence numbers where the server
	// says (RTP-Info seq) or at the next packet: the jump is not loss.
	// What was expected before it is kept in priorExpected, so the
	// counts stay cumulative for the receiver reports.
	priorExpected uint64
	resyncNext    bool // the next packet starts the new run
	resyncKnown   bool // … at resyncSeq, which RTP-Info gave
	resyncSeq     uint16
	received      uint64
	bytes         uint64
	// For the fraction-lost field of each report interval.
	expectedPrior uint64
	receivedPrior uint64
	// Interarrival jitter in timestamp units (RFC 3550 A.8).
	transit int64
	jitter  float64
	// Middle 32 bits of the last SR's NTP time and when it arrived: the
	// LSR and DLSR fields of our receiver reports (RFC 3550 §6.4.1).
	lastSR        uint32
	lastSRArrival time.Time
	srCount       uint64
	// The last SR of the source whole, for the NTP ↔ RTP mapping.
	sr     SenderReport
	srSSRC uint32
}

// updateRTP records one RTP packet. It parses the fixed header by hand: this
// runs for every packet and must not allocate.
func (s *receiverStats) updateRTP(pkt []byte, arrival time.Time) bool {
	if len(pkt) < 12 || pkt[0]>>6 != 2 {
		return false
	}
	seq := binary.BigEndian.Uint16(pkt[2:4])
	ts := binary.BigEndian.Uint32(pkt[4:8])
	ssrc := binary.BigEndian.Uint32(pkt[8:12])
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started || ssrc != s.ssrc {
		// A new SSRC (first packet, or the source restarted): start over.
		s.started = true
		s.ssrc = ssrc
		s.baseSeq, s.maxSeq, s.cycles = seq, seq, 0
		s.received, s.expectedPrior, s.receivedPrior = 0, 0, 0
		s.priorExpected, s.resyncNext, s.resyncKnown = 0, false, false
		s.transit, s.jitter = 0, 0
		if s.srSSRC != ssrc {
			s.sr = SenderReport{} // the old source's clocks
		}
	}
	if s.resyncNext {
		if s.resyncKnown && seq-s.resyncSeq >= 0x8000 {
			// A packet from before the seek, still on its way: received,
			// but not the start of the new run.
			s.received++
			s.bytes += uint64(len(pkt))
			return true
		}
		start := seq
		if s.resyncKnown {
			start = s.resyncSeq
		}
		s.priorExpected = s.expected()
		s.baseSeq, s.maxSeq, s.cycles = start, start, 0
		s.resyncNext, s.resyncKnown = false, false
	}
	if d := seq - s.maxSeq; d != 0 && d < 0x8000 {
		if seq < s.maxSeq {
			s.cycles++
		}
		s.maxSeq = seq
	}
	s.received++
	s.bytes += uint64(len(pkt))
	if s.clockRate > 0 {
		arrivalTS := int64(float64(arrival.UnixNano()) * s.clockRate / 1e9)
		transit := arrivalTS - int64(ts)
		if s.received > 1 {
			d := transit - s.transit
			if d < 0 {
				d = -d
			}
			s.jitter += (float64(d) - s.jitter) / 16
		}
		s.transit = transit
	}
	return true
}

func (s *receiverStats) updateSR(sr *rtcp.SenderReport, arrival time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastSR = uint32(sr.NTPTime >> 16)
	s.lastSRArrival = arrival
	s.srCount++
	if s.started && sr.SSRC != s.ssrc {
		// Another source's (an SSRC the packets no longer carry): its
		// RTP clock is not the one these packets are stamped with.
		return
	}
	s.sr = SenderReport{NTP: ntpToTime(sr.NTPTime), RTPTime: sr.RTPTime, Arrival: arrival}
	s.srSSRC = sr.SSRC
}

func (s *receiverStats) snapshot() TrackStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := TrackStats{PacketsReceived: s.received, BytesReceived: s.bytes, SenderReports: s.srCount, LastSenderReport: s.sr}
	if exp := s.expected(); exp > s.received {
		st.PacketsLost = exp - s.received
	}
	if s.clockRate > 0 {
		st.Jitter = time.Duration(s.jitter / s.clockRate * 1e9)
	}
	return st
}

func (s *receiverStats) expected() uint64 {
	if !s.started {
		return 0
	}
	ext := uint64(s.cycles)<<16 | uint64(s.maxSeq)
	return s.priorExpected + ext - uint64(s.baseSeq) + 1
}

// resync starts a new run of sequence numbers after a seek or resume: at
// seq when the PLAY answer's RTP-Info gave one, else at the next packet.
func (s *receiverStats) resync(seq *uint16) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		return // the first packet starts the count anyway
	}
	s.resyncNext, s.resyncKnown = true, seq != nil
	if seq != nil {
		s.resyncSeq = *seq
	}
}

// report builds the reception report block for this interval, or false
// before the first packet.
func (s *receiverStats) report(now time.Time) (rtcp.ReceptionReport, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.started {
		return rtcp.ReceptionReport{}, false
	}
	exp := s.expected()
	var lost uint64
	if exp > s.received {
		lost = exp - s.received
	}
	expInt := exp - s.expectedPrior
	recvInt := s.received - s.receivedPrior
	s.expectedPrior, s.receivedPrior = exp, s.received
	var fraction uint8
	if expInt > 0 && expInt > recvInt {
		fraction = uint8((expInt - recvInt) << 8 / expInt)
	}
	if lost > 0x7fffff {
		lost = 0x7fffff
	}
	rr := rtcp.ReceptionReport{
		SSRC:               s.ssrc,
		FractionLost:       fraction,
		TotalLost:          uint32(lost),
		LastSequenceNumber: s.cycles<<16 | uint32(s.maxSeq),
		Jitter:             uint32(s.jitter),
		LastSenderReport:   s.lastSR,
	}
	if !s.lastSRArrival.IsZero() {
		// DLSR is in units of 1/65536 s.
		rr.Delay = uint32(now.Sub(s.lastSRArrival).Seconds() * 65536)
	}
	return rr, true
}
