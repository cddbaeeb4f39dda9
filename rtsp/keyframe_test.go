package rtsp

import (
	"context"
	"slices"
	"testing"
	"time"
)

// TestRequestKeyframe checks the RTCP a racing Auto lane sends to get a
// keyframe at once: nothing before the sender's SSRC is known, then a PLI
// and a FIR naming that SSRC, over UDP and interleaved.
func TestRequestKeyframe(t *testing.T) {
	for _, tr := range []Transport{TransportUDP, TransportTCP} {
		t.Run(tr.String(), func(t *testing.T) {
			s := startSessionServer(t, "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN", 60)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, err := Dial(ctx, "rtsp://"+s.ln.Addr().String()+"/s", Config{Transport: tr, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			d, err := c.Describe(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Setup(ctx, d.Tracks[0]); err != nil {
				t.Fatal(err)
			}
			if c.RequestKeyframe(d.Tracks[0].Index) {
				t.Fatal("RequestKeyframe sent before any RTP told the sender's SSRC")
			}
			if err := c.Play(ctx); err != nil {
				t.Fatal(err)
			}
			for c.Stats(d.Tracks[0].Index).PacketsReceived == 0 {
				select {
				case <-ctx.Done():
					t.Fatal("no RTP")
				case <-time.After(10 * time.Millisecond):
				}
			}
			if !c.RequestKeyframe(d.Tracks[0].Index) {
				t.Fatal("RequestKeyframe = false after RTP arrived")
			}
			for {
				s.mu.Lock()
				plis, firs := slices.Clone(s.plis), slices.Clone(s.firs)
				s.mu.Unlock()
				if slices.Contains(plis, 0xabc) && slices.Contains(firs, 0xabc) {
					return
				}
				select {
				case <-ctx.Done():
					t.Fatalf("server got PLIs %x, FIRs %x; want both for SSRC abc", plis, firs)
				case <-time.After(10 * time.Millisecond):
				}
			}
		})
	}
}
