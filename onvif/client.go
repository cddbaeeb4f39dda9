package onvif

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// DefaultTimeout bounds one SOAP request, answer included, when the
// caller's context has no earlier deadline.
const DefaultTimeout = 5 * time.Second

// Config is how to reach one device. The zero value of every field but
// XAddr works.
type Config struct {
	// XAddr is the device service, e.g. http://10.0.0.5/onvif/device_service
	// (from WS-Discovery, or DeviceServiceURL for a typed host).
	XAddr string
	// Username and Password are sent only as a WS-UsernameToken digest and,
	// where the device asks, an HTTP Digest; never in clear.
	Username, Password string
	// Timeout bounds each request (DefaultTimeout when zero).
	Timeout time.Duration
	// Insecure accepts any TLS certificate on https:// services (cameras
	// have self-signed ones).
	Insecure bool
	// HTTPClient replaces the client's own (tests); its CheckRedirect and
	// limits are then the caller's.
	HTTPClient *http.Client
}

// Client talks to one device. Its methods are safe for concurrent use.
type Client struct {
	cfg   Config
	xaddr *url.URL
	hc    *http.Client

	mu       sync.Mutex
	offset   time.Duration // device clock minus ours
	services Services      // filled by Endpoints
	chal     map[string]*digestState
}

// NewClient checks cfg.XAddr and returns a client for it. Nothing goes on
// the wire until a method is called.
func NewClient(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.XAddr)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("device address %q is not an http(s) URL: %w", redact(cfg.XAddr), ErrProtocol)
	}
	u.User = nil // credentials go in Config, never in an address we keep
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	c := &Client{cfg: cfg, xaddr: u, hc: cfg.HTTPClient, chal: map[string]*digestState{}}
	if c.hc == nil {
		c.hc = newHTTPClient(cfg.Insecure)
	}
	c.services = Services{Device: u.String()}
	return c, nil
}

// XAddr is the device service address, without credentials.
func (c *Client) XAddr() string { return c.xaddr.String() }

// ClockOffset is the device's clock minus ours, as GetSystemDateAndTime
// last measured it (zero before).
func (c *Client) ClockOffset() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.offset
}

// newHTTPClient is a client for devices on the local network: no proxy
// (a camera on the LAN is not reached through HTTP_PROXY), bounded
// headers, and redirects refused (a SOAP endpoint has no reason to move,
// and following one would carry the digest elsewhere).
func newHTTPClient(insecure bool) *http.Client {
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            (&net.Dialer{Timeout: DefaultTimeout}).DialContext,
		TLSHandshakeTimeout:    DefaultTimeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConnsPerHost:    2,
		IdleConnTimeout:        30 * time.Second,
		DisableCompression:     true,
	}
	if insecure {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the person chose it; cameras have self-signed certificates
	}
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			return errRedirect
		},
	}
}

var errRedirect = errors.New("the device answered with a redirect")

// resolve makes a service address the device gave usable from here: a
// relative one is taken against the device address, and an unspecified
// host (0.0.0.0, ::, empty) or a loopback one from a device reached
// elsewhere becomes the host we reached it at (cameras behind NAT and
// badly set up ones put their own idea of their address there).
func (c *Client) resolve(addr string) string {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return ""
	}
	u, err := c.xaddr.Parse(addr)
	if err != nil {
		return ""
	}
	u.User = nil
	fixHost(u, c.xaddr.Hostname())
	return u.String()
}

// fixHost replaces u's host by host (keeping u's port) when u's host is
// unspecified, or loopback while host is not.
func fixHost(u *url.URL, host string) {
	h := u.Hostname()
	ip := net.ParseIP(h)
	bad := h == "" || (ip != nil && ip.IsUnspecified())
	if ip != nil && ip.IsLoopback() {
		if hip := net.ParseIP(host); hip == nil || !hip.IsLoopback() {
			bad = host != "" && host != "localhost"
		}
	}
	if !bad || host == "" {
		return
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if p := u.Port(); p != "" {
		u.Host = host + ":" + p
	} else {
		u.Host = host
	}
}

// redact removes the userinfo from an address for a message.
func redact(addr string) string {
	u, err := url.Parse(addr)
	if err != nil {
		return "(unparsable address)"
	}
	u.User = nil
	return u.String()
}

// StripCredentials is addr without any user:password a device put in it
// (some cameras answer GetStreamUri with them inside): addresses are kept
// and shown, passwords go to the keyring.
func StripCredentials(addr string) string {
	u, err := url.Parse(addr)
	if err != nil || u.User == nil {
		return addr
	}
	u.User = nil
	return u.String()
}

// DeviceServiceURL turns what a person typed (HOST, HOST:PORT, [v6]:PORT,
// or a full http(s) URL) into a device service address: ONVIF's
// well-known path /onvif/device_service on port 80 unless given.
func DeviceServiceURL(hostport string) (string, error) {
	s := strings.TrimSpace(hostport)
	if s == "" {
		return "", errors.New("empty address")
	}
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return "", fmt.Errorf("%q is not an address", redact(s))
		}
		if u.User != nil {
			return "", errors.New("give the username and password with --user and --password, not in the address")
		}
		if u.Path == "" || u.Path == "/" {
			u.Path = "/onvif/device_service"
		}
		return u.String(), nil
	}
	if strings.ContainsAny(s, "/@?# ") {
		return "", fmt.Errorf("%q is not a host or host:port", s)
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		host, port = strings.Trim(s, "[]"), ""
		if strings.Count(host, ":") == 1 { // "host:" or a bad port
			return "", fmt.Errorf("%q is not a host or host:port", s)
		}
	}
	if host == "" {
		return "", fmt.Errorf("%q has no host", s)
	}
	hp := host
	if port != "" {
		hp = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		hp = "[" + host + "]"
	}
	u := url.URL{Scheme: "http", Host: hp, Path: "/onvif/device_service"}
	if _, err := url.Parse(u.String()); err != nil || (port != "" && !allDigits(port)) {
		return "", fmt.Errorf("%q is not a host or host:port", s)
	}
	return u.String(), nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// ctxFor bounds ctx by the per-request timeout.
func (c *Client) ctxFor(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, c.cfg.Timeout)
}
