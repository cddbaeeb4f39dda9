package player

import (
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v5/pkg/format/rtph264"
	"github.com/pion/rtp"

	"github.com/rtspview/rtspview/assets"
	"github.com/rtspview/rtspview/decode"
	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/player/depack"
)

// demoPackets packetizes the first n pictures of the demo clip with
// sequence numbers from firstSeq (wrapping past 65535).
func demoPackets(t *testing.T, n int, firstSeq uint16) [][]*rtp.Packet {
	t.Helper()
	enc := &rtph264.Encoder{PayloadType: 96, PacketizationMode: 1, PayloadMaxSize: 100} // small: every picture fragmented
	if err := enc.Init(); err != nil {
		t.Fatal(err)
	}
	seq := firstSeq
	var frames [][]*rtp.Packet
	for i, au := range demo.SplitAccessUnits(assets.DemoH264)[:n] {
		pkts, err := enc.Encode(au)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pkts {
			p.Timestamp = uint32(i * 3600)
			p.SequenceNumber = seq
			seq++
		}
		frames = append(frames, pkts)
	}
	return frames
}

// TestAttemptTimerReleasesLastPicture feeds a UDP attempt the pictures of
// a burst and then nothing, as before a pause in the stream, with one
// packet of the last picture lost. The picture must reach the decoder
// queue after about the jitter buffer's latency, marked damaged, without
// any later packet arriving.
func TestAttemptTimerReleasesLastPicture(t *testing.T) {
	tests := []struct {
		name     string
		firstSeq uint16
		lost     func(last []*rtp.Packet) int // index in the last picture
	}{
		{"marker packet lost", 65530, func(last []*rtp.Packet) int { return len(last) - 1 }},
		{"middle packet lost", 65500, func(last []*rtp.Packet) int { return len(last) / 2 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Stream{auCh: make(chan *auBuf, auQueue), free: make(chan *auBuf, auQueue)}
			for range auQueue {
				s.free <- &auBuf{}
			}
			a := newAttempt(s, 96, decode.CodecH264, depack.NewH264("", 1), true)
			defer a.stop()
			frames := demoPackets(t, 3, tt.firstSeq)
			last := frames[len(frames)-1]
			if len(last) < 3 {
				t.Fatalf("last picture has %d packets, want a fragmented one", len(last))
			}
			lost := tt.lost(last)
			got := 0
			take := func() *auBuf {
				b := <-s.auCh
				s.free <- b
				got++
				return b
			}
			for i, f := range frames {
				for j, p := range f {
					if i == len(frames)-1 && j == lost {
						continue
					}
					raw, err := p.Marshal()
					if err != nil {
						t.Fatal(err)
					}
					a.onPacket(0, raw)
				}
				if i < len(frames)-1 {
					if b := take(); b.damaged {
						t.Fatalf("picture %d damaged", i)
					}
				}
			}
			start := time.Now()
			select {
			case b := <-s.auCh:
				if !b.damaged {
					t.Fatal("last picture not marked damaged")
				}
				if d := time.Since(start); d > 500*time.Millisecond {
					t.Fatalf("last picture came after %v", d)
				}
			case <-time.After(2 * time.Second):
				t.Fatal("last picture held back with no packet after it")
			}
		})
	}
}
