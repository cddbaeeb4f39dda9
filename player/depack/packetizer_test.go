package depack

import (
	"testing"

	"github.com/bluenviron/gortsplib/v5/pkg/format/rtph264"
	"github.com/pion/rtp"
)

const (
	testSSRC    = 0x11223344
	testTSBase  = 0xfffff000 // near the top so the 32-bit timestamp wraps too
	testTSDelta = 90000 / 25
)

func auTimestamp(i int) uint32 { return testTSBase + uint32(i)*testTSDelta }

// gortsplibH264 packetizes access units with gortsplib's RFC 6184 encoder,
// an implementation independent of ours: single NAL units, STAP-A for
// NAL units that fit together, FU-A for the rest.
func gortsplibH264(t testing.TB, aus [][][]byte, firstSeq uint16, payloadMax int) []*rtp.Packet {
	t.Helper()
	ssrc := uint32(testSSRC)
	enc := &rtph264.Encoder{
		PayloadType:           96,
		SSRC:                  &ssrc,
		InitialSequenceNumber: &firstSeq,
		PayloadMaxSize:        payloadMax,
		PacketizationMode:     1,
	}
	if err := enc.Init(); err != nil {
		t.Fatal(err)
	}
	var pkts []*rtp.Packet
	for i, au := range aus {
		ps, err := enc.Encode(au)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			p.Timestamp = auTimestamp(i)
		}
		pkts = append(pkts, ps...)
	}
	return pkts
}

// quirkPacketizer is our own RFC 6184 packetizer that can also misbehave
// the way cameras do (docs/QUIRKS.md #17).
type quirkPacketizer struct {
	mtu      int    // maximum payload size
	seq      uint16 // next sequence number
	stap     bool   // aggregate consecutive NAL units that fit into STAP-A
	annexB   bool   // put a start code in front of single NAL unit payloads
	fuSE     bool   // send NAL units that fit as one FU-A with S and E set
	noMarker bool   // never set the marker bit
}

func (q *quirkPacketizer) packet(payload []byte, ts uint32, marker bool) *rtp.Packet {
	p := &rtp.Packet{
		Header: rtp.Header{
			Version: 2, PayloadType: 96, SequenceNumber: q.seq, Timestamp: ts,
			SSRC: testSSRC, Marker: marker && !q.noMarker,
		},
		Payload: payload,
	}
	q.seq++
	return p
}

func (q *quirkPacketizer) packetize(au [][]byte, ts uint32) []*rtp.Packet {
	var pkts []*rtp.Packet
	for i := 0; i < len(au); {
		last := func(j int) bool { return j == len(au)-1 }
		nal := au[i]
		if q.stap && i+1 < len(au) && 1+2+len(nal)+2+len(au[i+1]) <= q.mtu {
			payload := []byte{nal[0]&0x60 | h264NALSTAPA}
			j := i
			for ; j < len(au) && len(payload)+2+len(au[j]) <= q.mtu; j++ {
				payload = append(payload, byte(len(au[j])>>8), byte(len(au[j])))
				payload = append(payload, au[j]...)
			}
			pkts = append(pkts, q.packet(payload, ts, last(j-1)))
			i = j
			continue
		}
		switch {
		case len(nal) <= q.mtu && q.fuSE:
			payload := append([]byte{nal[0]&0xe0 | h264NALFUA, 0xc0 | nal[0]&0x1f}, nal[1:]...)
			pkts = append(pkts, q.packet(payload, ts, last(i)))
		case len(nal) <= q.mtu:
			payload := nal
			if q.annexB {
				payload = append([]byte{0, 0, 0, 1}, nal...)
			}
			pkts = append(pkts, q.packet(payload, ts, last(i)))
		default:
			body := nal[1:]
			for first := true; len(body) > 0; first = false {
				n := min(len(body), q.mtu-2)
				fh := nal[0] & 0x1f
				if first {
					fh |= 0x80
				}
				if n == len(body) {
					fh |= 0x40
				}
				payload := append([]byte{nal[0]&0xe0 | h264NALFUA, fh}, body[:n]...)
				body = body[n:]
				pkts = append(pkts, q.packet(payload, ts, last(i) && len(body) == 0))
			}
		}
		i++
	}
	return pkts
}

func (q *quirkPacketizer) packetizeAll(aus [][][]byte) []*rtp.Packet {
	var pkts []*rtp.Packet
	for i, au := range aus {
		pkts = append(pkts, q.packetize(au, auTimestamp(i))...)
	}
	return pkts
}

// decoded is one access unit returned by Decode, copied out of the
// depacketizer's reused buffer.
type decoded struct {
	data     []byte
	ts       uint32
	keyframe bool
	pktIndex int // index of the packet whose Decode returned it
	damaged  bool
	recovery bool
}

// decodeAll feeds every packet and collects the access units and errors.
func decodeAll(t testing.TB, d Depacketizer, pkts []*rtp.Packet) ([]decoded, []error) {
	t.Helper()
	var out []decoded
	errs := make([]error, len(pkts))
	for i, p := range pkts {
		au, err := d.Decode(p)
		errs[i] = err
		if err == nil {
			if len(au.Data) == 0 {
				t.Fatalf("packet %d: nil error with an empty access unit", i)
			}
			out = append(out, decoded{append([]byte(nil), au.Data...), au.Timestamp, au.Keyframe, i, au.Damaged, au.Recovery})
		}
	}
	return out, errs
}
