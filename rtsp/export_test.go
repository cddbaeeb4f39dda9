package rtsp

import (
	"context"
	"testing"
)

// TunnelProxyFor exposes tunnelProxy to the external tests: the proxy the
// tunnel would use to reach addr, or nil for a direct connection.
var TunnelProxyFor = tunnelProxy

// DialDescribed dials rawURL with cfg, sends OPTIONS when options is set,
// then DESCRIBE, and fails t on any error: how the session tests open.
// The caller closes the client.
func DialDescribed(ctx context.Context, t testing.TB, rawURL string, cfg Config, options bool) (*Client, *Description) {
	t.Helper()
	c, err := Dial(ctx, rawURL, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if options {
		if err := c.Options(ctx); err != nil {
			c.Close()
			t.Fatal(err)
		}
	}
	d, err := c.Describe(ctx)
	if err != nil {
		c.Close()
		t.Fatal(err)
	}
	return c, d
}
