package rtsp_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/rtsp"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestTLSTransports plays over RTSPS and the HTTPS tunnel against servers
// nobody here wrote: gortsplib's own TLS, gst-rtsp-server's RTSPS, and
// stunnel in front of plain gst-rtsp-server.
func TestTLSTransports(t *testing.T) {
	cert := rtsptest.NewCert(t, "127.0.0.1")
	gortsTLS := rtsptest.StartDemo(t, demo.Config{TLSConfig: cert.ServerConfig()})
	gstTLS := rtsptest.StartGst(t, rtsptest.GstOptions{TLSCertKeyPEM: cert.PEMFile})
	gstPlain := rtsptest.StartGst(t, rtsptest.GstOptions{})
	front := rtsptest.StartStunnel(t, cert, strings.TrimPrefix(strings.TrimSuffix(gstPlain, "/test"), "rtsp://"))

	cases := []struct {
		name string
		url  string
		tr   rtsp.Transport
	}{
		{"gortsplib/rtsps", gortsTLS.URL(), rtsp.TransportTCP},
		{"gortsplib/https-tunnel", strings.Replace(gortsTLS.URL(), "rtsps://", "rtsp://", 1), rtsp.TransportHTTPS},
		{"gst/rtsps", gstTLS, rtsp.TransportTCP},
		{"stunnel+gst/rtsps", "rtsps://" + front + "/test", rtsp.TransportTCP},
		{"stunnel+gst/https-tunnel", "rtsp://" + front + "/test", rtsp.TransportHTTPS},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := session(t, tc.url, rtsp.Config{Transport: tc.tr, TLSConfig: cert.ClientConfig()}, 25)
			if !c.TLS() {
				t.Fatal("TLS() is false")
			}
		})
	}

	// Without trust in the camera's certificate nothing plays: ErrTLS.
	for _, tc := range cases {
		t.Run(tc.name+"/untrusted", func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			c, err := rtsp.Dial(ctx, tc.url, rtsp.Config{Transport: tc.tr})
			if err == nil {
				c.Close()
				t.Fatal("connected to a self-signed server with default verification")
			}
			if !errors.Is(err, rtsp.ErrTLS) {
				t.Fatalf("want ErrTLS, got %v", err)
			}
		})
	}

	t.Run("certificate for another host", func(t *testing.T) {
		other := rtsptest.NewCert(t, "camera.example")
		srv := rtsptest.StartDemo(t, demo.Config{TLSConfig: other.ServerConfig()})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_, err := rtsp.Dial(ctx, srv.URL(), rtsp.Config{TLSConfig: other.ClientConfig()})
		if !errors.Is(err, rtsp.ErrTLS) {
			t.Fatalf("want ErrTLS for a name mismatch, got %v", err)
		}
	})

	t.Run("ffmpeg cross-check", func(t *testing.T) {
		// ffmpeg does not verify certificates by default: it shows the
		// servers work, so a failure above is ours.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		if err := rtsptest.FFmpegDecode(ctx, "rtsp://"+front+"/test", "https", 10); err != nil {
			t.Fatal(err)
		}
		if err := rtsptest.FFmpegDecode(ctx, gstTLS, "tcp", 10); err != nil {
			t.Fatal(err)
		}
	})
}
