package player

import (
	"testing"

	"github.com/bluenviron/gortsplib/v5/pkg/format/rtph264"

	"github.com/rtspview/rtspview/assets"
	"github.com/rtspview/rtspview/decode"
	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/player/depack"
)

// BenchmarkPacketPath measures what runs on the network goroutine for each
// RTP packet: RTP parse into a reused packet, H.264 depacketizing, handing
// the access unit to the decoder queue. The decoder side drains the queue
// without decoding, so only the network path is timed. Over TCP there is
// no jitter buffer; over UDP packets go through the pooled jitter buffer.
func BenchmarkPacketPath(b *testing.B) {
	enc := &rtph264.Encoder{PayloadType: 96, PacketizationMode: 1, PayloadMaxSize: 1400}
	if err := enc.Init(); err != nil {
		b.Fatal(err)
	}
	var wire [][]byte
	for i, au := range demo.SplitAccessUnits(assets.DemoH264) {
		pkts, err := enc.Encode(au)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range pkts {
			p.Timestamp = uint32(i * 3600)
			raw, _ := p.Marshal()
			wire = append(wire, raw)
		}
	}
	for _, udp := range []bool{false, true} {
		name := "tcp"
		if udp {
			name = "udp-jitter"
		}
		b.Run(name, func(b *testing.B) {
			s := &Stream{auCh: make(chan *auBuf, auQueue), free: make(chan *auBuf, auQueue)}
			for i := 0; i < auQueue; i++ {
				s.free <- &auBuf{data: make([]byte, 0, 1<<20)}
			}
			a := newAttempt(s, 96, decode.CodecH264, depack.NewH264("", 1), udp)
			defer a.stop()
			drain := func() {
				for {
					select {
					case au := <-s.auCh:
						s.free <- au
					default:
						return
					}
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			seq := uint16(0)
			for i := 0; i < b.N; i++ {
				p := wire[i%len(wire)]
				// Continuous sequence numbers across loops of the clip.
				p[2], p[3] = byte(seq>>8), byte(seq)
				seq++
				a.onPacket(0, p)
				drain()
			}
		})
	}
}
