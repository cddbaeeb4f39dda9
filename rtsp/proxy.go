package rtsp

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"net"
	"net/url"
	"time"

	"golang.org/x/net/http/httpproxy"
)

// tunnelProxy picks the proxy for the tunnel to addr: the configured one, or
// the environment's (HTTP_PROXY for the HTTP tunnel, HTTPS_PROXY for HTTPS,
// NO_PROXY honoured).
func tunnelProxy(cfg TunnelConfig, addr string, useTLS bool) (*url.URL, error) {
	if cfg.Proxy != nil {
		return cfg.Proxy, nil
	}
	scheme := "http"
	if useTLS {
		scheme = "https"
	}
	p, err := httpproxy.FromEnvironment().ProxyFunc()(&url.URL{Scheme: scheme, Host: addr})
	if err != nil {
		// err quotes the setting, which may hold the proxy's password.
		return nil, inputErrorf("proxy", "the HTTP_PROXY/HTTPS_PROXY setting in the environment is not a proxy address")
	}
	return p, nil
}

func proxyHostPort(p *url.URL) string {
	if p.Port() != "" {
		return p.Host
	}
	if p.Scheme == "https" {
		return net.JoinHostPort(p.Hostname(), "443")
	}
	return net.JoinHostPort(p.Hostname(), "8080")
}

func basicAuth(u *url.Userinfo) string {
	pass, _ := u.Password()
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(u.Username()+":"+pass))
}

// proxyConnect asks the proxy for a raw tunnel to addr (RFC 9110 §9.3.6),
// over which TLS then runs end to end: the proxy never sees the stream.
func proxyConnect(ctx context.Context, nc net.Conn, proxy *url.URL, addr, ua string) error {
	if dl, ok := ctx.Deadline(); ok {
		_ = nc.SetDeadline(dl)
		defer nc.SetDeadline(time.Time{})
	}
	req := fmt.Sprintf("CONNECT %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: %s\r\n", addr, addr, ua)
	if proxy.User != nil {
		req += "Proxy-Authorization: " + basicAuth(proxy.User) + "\r\n"
	}
	if _, err := nc.Write([]byte(req + "\r\n")); err != nil {
		return classifyNetError("proxy CONNECT", err)
	}
	// The TLS client speaks first, so nothing follows the proxy's answer
	// until the handshake: reading the head through a small buffer is safe.
	br := bufio.NewReaderSize(nc, 4096)
	code, reason, _, err := readHTTPHead(br)
	if err != nil {
		return classifyNetError("proxy CONNECT answer", err)
	}
	switch {
	case code == 407:
		return &kindError{kind: ErrUnauthorized, msg: "the HTTP proxy refused the credentials (407)"}
	case code/100 != 2:
		return fmt.Errorf("proxy CONNECT %s: %w", addr, &StatusError{Method: "CONNECT", Code: code, Reason: reason})
	case br.Buffered() > 0:
		return protocolErrorf("proxy sent data before the TLS handshake")
	}
	return nil
}

// TunnelProxyFor returns the proxy the tunnel would use to reach addr, or
// nil for a direct connection.
func TunnelProxyFor(cfg TunnelConfig, addr string, useTLS bool) (*url.URL, error) {
	return tunnelProxy(cfg, addr, useTLS)
}
