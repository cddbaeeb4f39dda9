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
		if err := checkProxyScheme(cfg.Proxy); err != nil {
			return nil, err
		}
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
	if p != nil {
		if err := checkProxyScheme(p); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// checkProxyScheme refuses every proxy but a plain http:// one. The tunnel
// speaks to the proxy in clear TCP; an https:// proxy (TLS to the proxy
// itself) or a SOCKS one would get bytes it cannot read, and the person
// would see a timeout instead of what to change.
func checkProxyScheme(p *url.URL) error {
	switch p.Scheme {
	case "http":
		return nil
	case "https":
		return inputErrorf("proxy", "an https:// proxy (TLS to the proxy) is not supported; give its plain http:// address (the HTTPS tunnel stays encrypted end to end through CONNECT)")
	}
	return inputErrorf("proxy", "only http:// proxies are supported, not %s://", truncate(p.Scheme, 16))
}

// dialProxy connects to proxy on the way to addr: for the HTTPS tunnel it
// asks for a raw tunnel with CONNECT; for the HTTP tunnel the connection
// to the proxy itself is returned and the requests go in absolute form.
func dialProxy(ctx context.Context, proxy *url.URL, addr string, useTLS bool, ua string) (net.Conn, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", proxyHostPort(proxy))
	if err != nil {
		return nil, classifyNetError("connect to proxy "+proxyHostPort(proxy), err)
	}
	if useTLS {
		if err := proxyConnect(ctx, nc, proxy, addr, ua); err != nil {
			nc.Close()
			return nil, err
		}
	}
	return nc, nil
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
