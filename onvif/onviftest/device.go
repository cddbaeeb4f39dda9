// Package onviftest runs simulated ONVIF cameras for tests, the way
// net/http/httptest runs HTTP servers: a device service on 127.0.0.1
// that answers as makers' cameras do (their namespace prefixes, the
// 0.0.0.0 XAddr, one profile or two, WS-Security only or HTTP Digest only,
// PTZ that records the moves it was asked for), and a WS-Discovery
// responder. The answers are written from the ONVIF Core, Media and PTZ
// WSDLs in our own words. It reads requests with encoding/xml directly,
// not with package onvif's parser, so that it checks the client
// independently.
package onviftest

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Profile is one media profile the device offers.
type Profile struct {
	Token, Name   string
	Encoding      string // H264 when empty
	Width, Height int
	URL           string // what GetStreamUri answers
}

// Options shape a device. The zero value is a WS-Security camera with no
// password, ONVIF's usual prefixes and no profiles.
type Options struct {
	Username, Password string
	// Auth is "wsse" (WS-UsernameToken digest; the default), "digest"
	// (HTTP Digest only; WS-Security is ignored) or "none".
	Auth string
	// Prefixes is "onvif" (s:, tds:, trt:, tt:), "hik" (SOAP-ENV:, and
	// numbered prefixes as some firmware writes) or "default" (no
	// prefixes at all: each element declares its namespace).
	Prefixes string
	// Skew is the device clock minus the real one.
	Skew     time.Duration
	Profiles []Profile
	PTZ      bool
	// Media2Only offers profiles only through the media2 service.
	Media2Only bool
	// ZeroXAddr answers service addresses with host 0.0.0.0, as cameras
	// do before their network settles.
	ZeroXAddr bool
	// StopNeedsBare refuses a PTZ Stop that names PanTilt or Zoom with
	// InvalidArgVal, as some firmware does.
	StopNeedsBare bool
	// EndpointReference is how GetEndpointReference answers: "" with the
	// urn:uuid: Endpoint, "bare" with the UUID alone (as some firmware
	// does), "none" with ActionNotSupported (an optional operation).
	EndpointReference string
	// Name, Location, Manufacturer, Model, Firmware describe the device;
	// Endpoint is its urn:uuid.
	Name, Location, Manufacturer, Model, Firmware, Endpoint string
}

// Device is a running simulated camera.
type Device struct {
	// XAddr is the device service address.
	XAddr string
	o     Options
	srv   *httptest.Server

	mu     sync.Mutex
	calls  []string
	moves  []string
	nonces map[string]bool
}

// Start starts a device on 127.0.0.1; t.Cleanup stops it.
func Start(t testing.TB, o Options) *Device {
	t.Helper()
	d := New(o)
	d.srv = httptest.NewServer(d)
	d.XAddr = d.srv.URL + "/onvif/device_service"
	t.Cleanup(d.srv.Close)
	return d
}

// New makes a device without a server, for a caller that serves it on a
// listener of its own (another network namespace); set XAddr.
func New(o Options) *Device {
	if o.Auth == "" {
		o.Auth = "wsse"
	}
	if o.Endpoint == "" {
		o.Endpoint = "urn:uuid:" + newUUID()
	}
	return &Device{o: o, nonces: map[string]bool{}}
}

// Endpoint is the device's endpoint reference.
func (d *Device) Endpoint() string { return d.o.Endpoint }

// Calls lists "Op auth=ok|none|bad|text|digest-bad" per request.
func (d *Device) Calls() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.calls...)
}

// Moves lists the PTZ requests in order: "ContinuousMove Profile_1
// pan=0.5 tilt=-0.25 zoom=0 timeout=", "Stop Profile_1 pantilt=true
// zoom=true", "GotoPreset Profile_1 2".
func (d *Device) Moves() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.moves...)
}

func (d *Device) record(list *[]string, s string) {
	d.mu.Lock()
	*list = append(*list, s)
	d.mu.Unlock()
}

// ServeHTTP answers SOAP posts and GET /snapshot.jpg.
func (d *Device) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet && r.URL.Path == "/snapshot.jpg" {
		d.serveSnapshot(w, r)
		return
	}
	if r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return
	}
	req, err := readRequest(body)
	if err != nil {
		d.send(w, 400, d.fault("Sender", "WellFormed", "not a SOAP request"))
		return
	}
	if req.op == "GetSystemDateAndTime" {
		d.record(&d.calls, req.op+" auth=free")
		d.send(w, 200, d.systemTime())
		return
	}
	auth := "ok"
	if d.o.Username != "" {
		switch d.o.Auth {
		case "digest":
			if auth = d.checkDigest(r); auth != "ok" {
				nonce := newUUID()
				d.mu.Lock()
				d.nonces[nonce] = true
				d.mu.Unlock()
				d.record(&d.calls, req.op+" auth="+auth)
				w.Header().Set("WWW-Authenticate", `Digest realm="onviftest", qop="auth", nonce="`+nonce+`", algorithm=MD5`)
				w.WriteHeader(401)
				return
			}
		case "wsse":
			if auth = d.checkWSSE(req); auth != "ok" {
				d.record(&d.calls, req.op+" auth="+auth)
				d.send(w, 400, d.fault("Sender", "NotAuthorized", "Sender not Authorized"))
				return
			}
		}
	}
	d.record(&d.calls, req.op+" auth="+auth)
	code, out := d.answer(r, req)
	d.send(w, code, out)
}

func (d *Device) send(w http.ResponseWriter, code int, body string) {
	w.Header().Set("Content-Type", "application/soap+xml; charset=utf-8")
	w.WriteHeader(code)
	_, _ = io.WriteString(w, body)
}

func (d *Device) checkWSSE(req *request) string {
	if req.username == "" {
		return "none"
	}
	if strings.HasSuffix(req.passwordType, "#PasswordText") {
		return "text"
	}
	nonce, err := base64.StdEncoding.DecodeString(req.nonce)
	if err != nil || req.created == "" {
		return "bad"
	}
	h := sha1.New()
	h.Write(nonce)
	h.Write([]byte(req.created))
	h.Write([]byte(d.o.Password))
	if req.username != d.o.Username || req.password != base64.StdEncoding.EncodeToString(h.Sum(nil)) {
		return "bad"
	}
	c, err := time.Parse(time.RFC3339, req.created)
	if err != nil {
		return "bad"
	}
	// Cameras accept a Created within a few seconds of their own clock.
	if diff := c.Sub(time.Now().Add(d.o.Skew)); diff > 10*time.Second || diff < -10*time.Second {
		return "bad-time"
	}
	return "ok"
}

func (d *Device) checkDigest(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if !strings.HasPrefix(h, "Digest ") {
		if h != "" {
			return "not-digest"
		}
		return "none"
	}
	kv := map[string]string{}
	for _, part := range strings.Split(h[len("Digest "):], ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		kv[k] = strings.Trim(v, `"`)
	}
	d.mu.Lock()
	known := d.nonces[kv["nonce"]]
	d.mu.Unlock()
	if kv["username"] != d.o.Username || !known {
		return "bad"
	}
	md := func(s string) string { sum := md5.Sum([]byte(s)); return hex.EncodeToString(sum[:]) }
	ha1 := md(d.o.Username + ":" + kv["realm"] + ":" + d.o.Password)
	ha2 := md(r.Method + ":" + kv["uri"])
	want := md(ha1 + ":" + kv["nonce"] + ":" + kv["nc"] + ":" + kv["cnonce"] + ":" + kv["qop"] + ":" + ha2)
	if kv["response"] != want {
		return "bad"
	}
	return "ok"
}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
