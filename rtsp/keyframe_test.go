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
			c, d := DialDescribed(ctx, t, "rtsp://"+s.ln.Addr().String()+"/s", Config{Transport: tr, Timeout: 5 * time.Second}, false)
			defer c.Close()
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
			// Two requests: a new FIR takes the next command sequence
			// number (RFC 5104 §4.3.1.1); a repeated one reads as a
			// retransmission of a request already served.
			for range 2 {
				if !c.RequestKeyframe(d.Tracks[0].Index) {
					t.Fatal("RequestKeyframe = false after RTP arrived")
				}
			}
			for {
				s.mu.Lock()
				plis, firs, seqs := slices.Clone(s.plis), slices.Clone(s.firs), slices.Clone(s.firSeqs)
				s.mu.Unlock()
				if slices.Contains(plis, 0xabc) && len(firs) == 2 && firs[0] == 0xabc {
					if seqs[1] != seqs[0]+1 {
						t.Fatalf("FIR sequence numbers %v, want one more per request", seqs)
					}
					return
				}
				select {
				case <-ctx.Done():
					t.Fatalf("server got PLIs %x, FIRs %x; want both for SSRC abc, two FIRs", plis, firs)
				case <-time.After(10 * time.Millisecond):
				}
			}
		})
	}
}
