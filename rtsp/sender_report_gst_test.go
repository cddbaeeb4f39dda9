package rtsp_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/rtspview/rtspview/rtsp"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestSenderReportsGstAudio: gst-rtsp-server's sender reports put a live
// camera's picture and sound on one timeline. Both tracks get a report
// with the full NTP time and the RTP time, and the newest packet of each,
// mapped through its own track's report, lands at the same moment of the
// sender's clock (within a second: the packets are a frame or two apart).
func TestSenderReportsGstAudio(t *testing.T) {
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240, Audio: "aac"})
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	var mu sync.Mutex
	last := map[int]uint32{}
	var pkt rtp.Packet
	onPacket := func(track int, b []byte) {
		mu.Lock()
		defer mu.Unlock()
		if pkt.Unmarshal(b) == nil {
			last[track] = pkt.Timestamp
		}
	}
	c, d := rtsp.DialDescribed(ctx, t, url, rtsp.Config{Transport: rtsp.TransportTCP, OnPacket: onPacket}, false)
	defer c.Close()
	vt, _ := d.VideoTrack()
	at, ok := d.AudioTrack()
	if !ok {
		t.Fatal("no audio track in the SDP")
	}
	for _, tr := range []rtsp.Track{vt, at} {
		if err := c.Setup(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Play(ctx); err != nil {
		t.Fatal(err)
	}
	// gst's rtpbin sends its first reports within a few seconds.
	for c.Stats(vt.Index).LastSenderReport.NTP.IsZero() || c.Stats(at.Index).LastSenderReport.NTP.IsZero() {
		select {
		case <-ctx.Done():
			t.Fatalf("no sender report on both tracks: video %+v, audio %+v", c.Stats(vt.Index), c.Stats(at.Index))
		case <-time.After(50 * time.Millisecond):
		}
	}
	vs, as := c.Stats(vt.Index).LastSenderReport, c.Stats(at.Index).LastSenderReport
	mu.Lock()
	vts, ats := last[vt.Index], last[at.Index]
	mu.Unlock()
	// The sender stamps its reports from its system clock, the one this
	// test runs on.
	for name, sr := range map[string]rtsp.SenderReport{"video": vs, "audio": as} {
		if d := sr.NTP.Sub(sr.Arrival).Abs(); d > time.Minute {
			t.Errorf("%s report's NTP %v is %v from its arrival %v", name, sr.NTP, d, sr.Arrival)
		}
	}
	v, a := vs.Time(vts, vt.ClockRate), as.Time(ats, at.ClockRate)
	t.Logf("video RTP %d → %v, audio RTP %d → %v: %v apart", vts, v.Format(time.StampMicro), ats, a.Format(time.StampMicro), a.Sub(v))
	if a.Sub(v).Abs() > time.Second {
		t.Errorf("the newest video and audio packets map %v apart on the sender's clock", a.Sub(v))
	}
}
