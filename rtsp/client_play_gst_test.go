package rtsp_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/rtsp"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// nptOf tracks the newest packet's normal play time, computed from the
// PLAY answer's Range and RTP-Info as a player does.
type nptOf struct {
	mu      sync.Mutex
	base    time.Duration
	rtptime uint32
	seq     uint16
	synced  bool
	newest  time.Duration
	packets int
}

func (n *nptOf) sync(t *testing.T, res rtsp.PlayResult, track int) {
	t.Helper()
	s, ok := res.SyncFor(track)
	if !ok || s.Timestamp == nil || s.SeqNum == nil {
		t.Fatalf("PLAY answer has no RTP-Info seq and rtptime for track %d: %+v", track, res)
	}
	if res.Range == nil {
		t.Fatalf("PLAY answer has no Range")
	}
	n.mu.Lock()
	n.base, n.rtptime, n.seq, n.synced, n.packets = res.Range.Start, *s.Timestamp, *s.SeqNum, true, 0
	n.mu.Unlock()
}

func (n *nptOf) onPacket(_ int, b []byte) {
	var p rtp.Packet
	if p.Unmarshal(b) != nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	// Packets from before the seek have sequence numbers before RTP-Info's.
	if !n.synced || int16(p.SequenceNumber-n.seq) < 0 {
		return
	}
	n.newest = n.base + time.Duration(int32(p.Timestamp-n.rtptime))*time.Second/90000
	n.packets++
}

func (n *nptOf) wait(t *testing.T, packets int) time.Duration {
	t.Helper()
	for i := 0; i < 200; i++ {
		n.mu.Lock()
		got, at := n.packets, n.newest
		n.mu.Unlock()
		if got >= packets {
			return at
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("fewer than %d packets after PLAY", packets)
	return 0
}

// TestPlayRangeGst seeks, pauses and resumes a recorded file served by
// gst-rtsp-server on one session: the SDP says seekable and 20 s, each
// PLAY's RTP-Info ties the packets to the asked position, PAUSE stops the
// packets and a PLAY without Range goes on from there.
func TestPlayRangeGst(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // after the server's cleanup
	clip := rtsptest.MakeClip(t, rtsptest.ClipOptions{})
	url := rtsptest.StartGst(t, rtsptest.GstOptions{File: clip, Path: "/vod"})
	for _, tr := range []rtsp.Transport{rtsp.TransportTCP, rtsp.TransportUDP} {
		t.Run(tr.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var n nptOf
			c, d := rtsp.DialDescribed(ctx, t, url, rtsp.Config{Transport: tr, OnPacket: n.onPacket}, true)
			defer c.Close()
			dur, ok := d.Duration()
			if !d.Seekable() || !ok || dur < 19500*time.Millisecond || dur > 20500*time.Millisecond {
				t.Fatalf("SDP range %+v: seekable %v, duration %v; want a 20 s file", d.Range, d.Seekable(), dur)
			}
			vt, _ := d.VideoTrack()
			if err := c.Setup(ctx, vt); err != nil {
				t.Fatal(err)
			}
			res, err := c.PlayRange(ctx, rtsp.PlayOptions{Start: 12 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			n.sync(t, res, vt.Index)
			if at := n.wait(t, 20); at < 11*time.Second || at > 14*time.Second {
				t.Fatalf("after PLAY from 12 s the packets are at %v", at)
			}
			// Seek back while playing, without PAUSE.
			res, err = c.PlayRange(ctx, rtsp.PlayOptions{Start: 3 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			n.sync(t, res, vt.Index)
			if at := n.wait(t, 20); at < 2*time.Second || at > 5*time.Second {
				t.Fatalf("after a seek to 3 s the packets are at %v", at)
			}
			if err := c.Pause(ctx); err != nil {
				t.Fatal(err)
			}
			if st := c.State(); st != rtsp.StatePaused {
				t.Fatalf("state after PAUSE: %v", st)
			}
			time.Sleep(300 * time.Millisecond) // packets in flight
			before := c.Stats(vt.Index).PacketsReceived
			time.Sleep(time.Second)
			if after := c.Stats(vt.Index).PacketsReceived; after != before {
				t.Fatalf("%d packets arrived while paused", after-before)
			}
			n.mu.Lock()
			paused := n.newest
			n.mu.Unlock()
			res, err = c.PlayRange(ctx, rtsp.PlayOptions{Resume: true})
			if err != nil {
				t.Fatal(err)
			}
			n.sync(t, res, vt.Index)
			// gst-rtsp-server 1.22 counts the pause as played in its answer
			// (docs/QUIRKS.md #18), so only "later than the pause" holds.
			if at := n.wait(t, 20); at < paused-time.Second {
				t.Fatalf("resumed at %v after pausing at %v", at, paused)
			}
			if st := c.State(); st != rtsp.StatePlaying {
				t.Fatalf("state after resume: %v", st)
			}
			if err := c.Teardown(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestPlayScaleGst asks gst-rtsp-server for double speed and reports what
// it answered; either outcome is allowed, but it must be told.
func TestPlayScaleGst(t *testing.T) {
	clip := rtsptest.MakeClip(t, rtsptest.ClipOptions{Length: 10 * time.Second})
	url := rtsptest.StartGst(t, rtsptest.GstOptions{File: clip, Path: "/vod"})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, d := rtsp.DialDescribed(ctx, t, url, rtsp.Config{Transport: rtsp.TransportTCP}, false)
	defer c.Close()
	vt, _ := d.VideoTrack()
	if err := c.Setup(ctx, vt); err != nil {
		t.Fatal(err)
	}
	res, err := c.PlayRange(ctx, rtsp.PlayOptions{Start: time.Second, Scale: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("gst-rtsp-server answered Scale 2 with scale %v, refused %v", res.Scale, res.ScaleRefused)
	if res.ScaleRefused == (res.Scale == 2) {
		t.Fatalf("ScaleRefused %v with Scale %v", res.ScaleRefused, res.Scale)
	}
}
