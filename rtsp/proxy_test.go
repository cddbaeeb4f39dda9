package rtsp_test

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/rtsp"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestTunnelThroughProxy sends the HTTP tunnel through tinyproxy (GET and
// POST in absolute form) and the HTTPS tunnel through CONNECT.
func TestTunnelThroughProxy(t *testing.T) {
	cert := rtsptest.NewCert(t, "127.0.0.1")
	gst := rtsptest.StartGst(t, rtsptest.GstOptions{})
	gstAddr := strings.TrimSuffix(strings.TrimPrefix(gst, "rtsp://"), "/test")
	front := rtsptest.StartStunnel(t, cert, gstAddr)
	open := rtsptest.StartTinyproxy(t, "", "")
	locked := rtsptest.StartTinyproxy(t, "proxyuser", "proxypass")

	cases := []struct {
		name   string
		url    string
		tr     rtsp.Transport
		proxy  string
		expect string // what the proxy log must show
	}{
		{"http tunnel", gst, rtsp.TransportHTTP, "http://" + open.Addr, "GET http://" + gstAddr + "/test"},
		{"https tunnel via CONNECT", "rtsp://" + front + "/test", rtsp.TransportHTTPS, "http://" + open.Addr, "CONNECT " + front},
		{"http tunnel, proxy auth", gst, rtsp.TransportHTTP, "http://proxyuser:proxypass@" + locked.Addr, "GET http://" + gstAddr + "/test"},
		{"https tunnel, proxy auth", "rtsp://" + front + "/test", rtsp.TransportHTTPS, "http://proxyuser:proxypass@" + locked.Addr, "CONNECT " + front},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, _ := url.Parse(tc.proxy)
			session(t, tc.url, rtsp.Config{Transport: tc.tr, TLSConfig: cert.ClientConfig(), Tunnel: rtsp.TunnelConfig{Proxy: p}}, 25)
			log := open.Log() + locked.Log()
			if !strings.Contains(log, tc.expect) {
				t.Fatalf("proxy log lacks %q:\n%s", tc.expect, log)
			}
		})
	}
	for _, tr := range []rtsp.Transport{rtsp.TransportHTTP, rtsp.TransportHTTPS} {
		t.Run("wrong proxy password/"+tr.String(), func(t *testing.T) {
			p, _ := url.Parse("http://proxyuser:nope@" + locked.Addr)
			target := gst
			if tr == rtsp.TransportHTTPS {
				target = "rtsp://" + front + "/test"
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			c, err := rtsp.Dial(ctx, target, rtsp.Config{Transport: tr, TLSConfig: cert.ClientConfig(), Tunnel: rtsp.TunnelConfig{Proxy: p}})
			if err == nil {
				c.Close()
				t.Fatal("connected with a wrong proxy password")
			}
			if !errors.Is(err, rtsp.ErrUnauthorized) || strings.Contains(err.Error(), "nope") {
				t.Fatalf("want ErrUnauthorized without the password, got %v", err)
			}
		})
	}
	t.Run("HTTPS_PROXY from the environment", func(t *testing.T) {
		// net/http's rules never proxy localhost, so the environment path
		// is checked by the proxy choice itself.
		t.Setenv("HTTPS_PROXY", "http://"+open.Addr)
		t.Setenv("NO_PROXY", "")
		p, err := rtsp.TunnelProxyFor(rtsp.TunnelConfig{}, "camera.example:443", true)
		if err != nil || p == nil || p.Host != open.Addr {
			t.Fatalf("proxy %v err %v", p, err)
		}
		t.Setenv("NO_PROXY", "camera.example")
		if p, _ := rtsp.TunnelProxyFor(rtsp.TunnelConfig{}, "camera.example:443", true); p != nil {
			t.Fatalf("NO_PROXY ignored: %v", p)
		}
	})
}

// TestProxySchemeRefused: the tunnel speaks plain HTTP to its proxy, so an
// https:// (or SOCKS) proxy, configured or from the environment, is the
// person's input to fix, refused before any dial with a sentence that says
// so, and never with the proxy's password in it.
func TestProxySchemeRefused(t *testing.T) {
	for _, tc := range []struct{ name, proxy, env string }{
		{"https proxy", "https://user:secret@proxy.example:3128", ""},
		{"socks proxy", "socks5://proxy.example:1080", ""},
		{"https proxy from HTTPS_PROXY", "", "https://user:secret@proxy.example:3128"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := rtsp.Config{Transport: rtsp.TransportHTTPS, Timeout: 2 * time.Second}
			if tc.proxy != "" {
				cfg.Tunnel.Proxy, _ = url.Parse(tc.proxy)
			}
			t.Setenv("HTTPS_PROXY", tc.env)
			t.Setenv("NO_PROXY", "")
			// A host that is not localhost, so the environment's proxy
			// applies; the refusal comes before any dial.
			c, err := rtsp.Dial(context.Background(), "rtsp://camera.invalid/stream", cfg)
			if err == nil {
				c.Close()
				t.Fatal("dialled through an unsupported proxy")
			}
			var ie *rtsp.InputError
			if !errors.As(err, &ie) || !errors.Is(err, rtsp.ErrInput) || ie.Field != "proxy" {
				t.Fatalf("want an *InputError for the proxy, got %T %v", err, err)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("error shows the proxy password: %v", err)
			}
		})
	}
}
