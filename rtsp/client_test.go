package rtsp_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v5/pkg/auth"
	"github.com/pion/rtp"
	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/rtsp"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// session runs OPTIONS, DESCRIBE, SETUP of the video track and PLAY, then
// waits for n RTP packets of that track.
func session(t *testing.T, url string, cfg rtsp.Config, n int64) (*rtsp.Client, rtsp.Track) {
	t.Helper()
	var got atomic.Int64
	var badPT atomic.Int64
	var track rtsp.Track
	cfg.OnPacket = func(idx int, b []byte) {
		var p rtp.Packet
		if p.Unmarshal(b) != nil || p.PayloadType != track.PayloadType {
			badPT.Add(1)
			return
		}
		got.Add(1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	c, d := rtsp.DialDescribed(ctx, t, url, cfg, true)
	t.Cleanup(func() { c.Close() })
	var ok bool
	track, ok = d.VideoTrack()
	if !ok || track.Codec != rtsp.CodecH264 {
		t.Fatalf("video track %+v", track)
	}
	if err := c.Setup(ctx, track); err != nil {
		t.Fatal(err)
	}
	if err := c.Play(ctx); err != nil {
		t.Fatal(err)
	}
	for got.Load() < n {
		select {
		case <-ctx.Done():
			t.Fatalf("%d of %d packets", got.Load(), n)
		case <-c.Done():
			t.Fatalf("session ended: %v", c.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if badPT.Load() != 0 {
		t.Fatalf("%d packets were not RTP of the track", badPT.Load())
	}
	st := c.Stats(track.Index)
	if st.PacketsReceived < uint64(n) || st.BytesReceived == 0 {
		t.Fatalf("stats %+v", st)
	}
	return c, track
}

func TestClientAgainstRealServers(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // after the peers' cleanups
	srv := rtsptest.StartDemo(t, demo.Config{})
	gst := rtsptest.StartGst(t, rtsptest.GstOptions{Codec: "h264", Width: 1280, Height: 720, FPS: 25})
	for _, server := range []struct{ name, url string }{{"gortsplib", srv.URL()}, {"gst-rtsp-server", gst}} {
		for _, tr := range []rtsp.Transport{rtsp.TransportTCP, rtsp.TransportUDP, rtsp.TransportHTTP} {
			t.Run(server.name+"/"+tr.String(), func(t *testing.T) {
				c, _ := session(t, server.url, rtsp.Config{Transport: tr}, 50)
				if c.Transport() != tr || c.TLS() {
					t.Fatalf("transport %v tls %v", c.Transport(), c.TLS())
				}
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				if err := c.Teardown(ctx); err != nil {
					t.Fatalf("TEARDOWN: %v", err)
				}
				c.Close()
				select {
				case <-c.Done():
				default:
					t.Fatal("Done not closed after Close")
				}
			})
		}
	}
}

func TestClientAuthAgainstDemo(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{Username: "cam", Password: "pa:ss@word#1"})
	t.Run("credentials in config", func(t *testing.T) {
		session(t, srv.URL(), rtsp.Config{Username: "cam", Password: "pa:ss@word#1"}, 10)
	})
	t.Run("tunnel carries auth", func(t *testing.T) {
		session(t, srv.URL(), rtsp.Config{Transport: rtsp.TransportHTTP, Username: "cam", Password: "pa:ss@word#1"}, 10)
	})
	t.Run("digest SHA-256 only, on every method", func(t *testing.T) {
		sha := rtsptest.StartDemo(t, demo.Config{Username: "cam", Password: "pw", AuthMethods: []auth.VerifyMethod{auth.VerifyMethodDigestSHA256}})
		session(t, sha.URL(), rtsp.Config{Username: "cam", Password: "pw"}, 10)
		session(t, sha.URL(), rtsp.Config{Transport: rtsp.TransportUDP, Username: "cam", Password: "pw"}, 10)
	})
	t.Run("wrong password", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c, err := rtsp.Dial(ctx, srv.URL(), rtsp.Config{Username: "cam", Password: "nope"})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_, err = c.Describe(ctx)
		if !errors.Is(err, rtsp.ErrUnauthorized) {
			t.Fatalf("want ErrUnauthorized, got %v", err)
		}
	})
}
