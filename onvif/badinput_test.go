package onvif

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
)

const okEnvelope = `<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">` +
	`<s:Body><tds:GetDeviceInformationResponse><tds:Manufacturer>M</tds:Manufacturer></tds:GetDeviceInformationResponse></s:Body></s:Envelope>`

// Devices that answer what no camera should: each gets its error kind,
// within the request timeout, with bounded memory.
func TestBadAnswers(t *testing.T) {
	const timeout = 700 * time.Millisecond
	deep := strings.Repeat("<a>", 10000) + strings.Repeat("</a>", 10000)
	laughs := `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">` +
		`<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>&c;</s:Body></s:Envelope>`
	cases := []struct {
		name    string
		handler http.HandlerFunc
		kind    ErrorKind
		check   func(error) bool
	}{
		{"garbage", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "\x00\x01 not xml <<<") }, KindProtocol, nil},
		{"html 200", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html><body>login</body></html>") }, KindProtocol, nil},
		{"html 500", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			io.WriteString(w, "<html>oops</html>")
		}, KindProtocol, func(err error) bool { var h *HTTPError; return errors.As(err, &h) && h.Status == 500 }},
		{"wrong envelope namespace", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, strings.Replace(okEnvelope, "http://www.w3.org/2003/05/soap-envelope", "http://example.com/soap", 1))
		}, KindProtocol, nil},
		{"answer outside ONVIF's namespaces", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, strings.Replace(okEnvelope, "http://www.onvif.org/ver10/device/wsdl", "urn:other", 1))
		}, KindProtocol, nil},
		{"other operation's answer", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, strings.ReplaceAll(okEnvelope, "GetDeviceInformationResponse", "GetProfilesResponse"))
		}, KindProtocol, nil},
		{"entity expansion", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, laughs) }, KindProtocol, nil},
		{"deep nesting", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, deep) }, KindProtocol, nil},
		{"endless body", func(w http.ResponseWriter, r *http.Request) {
			chunk := []byte(strings.Repeat("<x>", 1024))
			for i := 0; i < 4096 && r.Context().Err() == nil; i++ { // 12 MiB at most
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}, KindProtocol, nil},
		{"slow drip", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			w.WriteHeader(200)
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for i := 0; i < 200; i++ {
				select {
				case <-r.Context().Done():
					return
				case <-tick.C:
				}
				io.WriteString(w, " ")
				w.(http.Flusher).Flush()
			}
		}, KindTimeout, nil},
		{"no answer", func(w http.ResponseWriter, r *http.Request) {
			// Read first: the server notices the client hang up (and
			// cancels r's context) only once the request is read.
			_, _ = io.Copy(io.Discard, r.Body)
			<-r.Context().Done()
		}, KindTimeout, nil},
		{"redirect", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://192.0.2.1/onvif/device_service", http.StatusTemporaryRedirect)
		}, KindProtocol, func(err error) bool { return strings.Contains(err.Error(), "redirect") }},
		{"basic only", func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Authorization") != "" {
				t.Errorf("credentials sent to a Basic-only device: %q", r.Header.Get("Authorization"))
			}
			w.Header().Set("WWW-Authenticate", `Basic realm="cam"`)
			w.WriteHeader(401)
		}, KindUnauthorized, func(err error) bool { return errors.Is(err, errBasicInClear) }},
		{"fault", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(500)
			io.WriteString(w, `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" xmlns:t="http://www.onvif.org/ver10/error"><e:Body><e:Fault>`+
				`<e:Code><e:Value>e:Receiver</e:Value><e:Subcode><e:Value>t:ActionNotSupported</e:Value></e:Subcode></e:Code>`+
				`<e:Reason><e:Text>no</e:Text></e:Reason></e:Fault></e:Body></e:Envelope>`)
		}, KindProtocol, func(err error) bool { return errors.Is(err, ErrNotSupported) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.handler)
			defer srv.Close()
			c, err := NewClient(Config{XAddr: srv.URL + "/onvif/device_service", Username: "u", Password: "secret-pw", Timeout: timeout})
			if err != nil {
				t.Fatal(err)
			}
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			_, err = c.DeviceInformation(context.Background())
			took := time.Since(start)
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			if Kind(err) != tc.kind || (tc.check != nil && !tc.check(err)) {
				t.Errorf("error %v (kind %q), want kind %q", err, Kind(err), tc.kind)
			}
			if took > timeout+500*time.Millisecond {
				t.Errorf("took %v, timeout %v", took, timeout)
			}
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
				t.Errorf("allocated %d MiB", grew>>20)
			}
			if err != nil && strings.Contains(err.Error()+Sentence(err), "secret-pw") {
				t.Errorf("the password in %q", err)
			}
		})
	}
}

func TestRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, _ := NewClient(Config{XAddr: "http://" + addr + "/onvif/device_service"})
	if _, err := c.SystemTime(context.Background()); Kind(err) != KindRefused {
		t.Errorf("%v", err)
	}
}

func TestParseProbeMatches(t *testing.T) {
	const id = "urn:uuid:11111111-2222-4333-8444-555555555555"
	msg := func(relates, xaddrs string) []byte {
		return []byte(`<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery">` +
			`<e:Header><a:RelatesTo>` + relates + `</a:RelatesTo></e:Header><e:Body><d:ProbeMatches><d:ProbeMatch>` +
			`<a:EndpointReference><a:Address>urn:uuid:cam-1</a:Address></a:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types>` +
			`<d:Scopes>onvif://www.onvif.org/name/Front%20Door onvif://www.onvif.org/location/Porch</d:Scopes>` +
			`<d:XAddrs>` + xaddrs + `</d:XAddrs></d:ProbeMatch></d:ProbeMatches></e:Body></e:Envelope>`)
	}
	src := net.ParseIP("192.168.1.64")
	ds, err := parseProbeMatches(msg(id, "http://0.0.0.0:8000/onvif/device_service"), id, src)
	if err != nil || len(ds) != 1 || ds[0].XAddr() != "http://192.168.1.64:8000/onvif/device_service" || ds[0].Endpoint != "urn:uuid:cam-1" {
		t.Fatalf("0.0.0.0: %+v %v", ds, err)
	}
	if si := ParseScopes(ds[0].Scopes); si.Name != "Front Door" || si.Location != "Porch" {
		t.Errorf("scopes %+v", si)
	}
	ds, err = parseProbeMatches(msg(id, "http://[fe80::1]/onvif/device_service http://cam.local/onvif/device_service ftp://x/ http://10.0.0.9/onvif/device_service http://192.168.1.64/onvif/device_service"), id, src)
	if err != nil || strings.Join(ds[0].XAddrs, " ") != "http://192.168.1.64/onvif/device_service http://10.0.0.9/onvif/device_service http://cam.local/onvif/device_service http://[fe80::1]/onvif/device_service" {
		t.Errorf("several XAddrs: %+v %v", ds, err)
	}
	if _, err := parseProbeMatches(msg("urn:uuid:other", "http://192.168.1.64/"), id, src); !errors.Is(err, errUnrelated) {
		t.Errorf("another MessageID: %v", err)
	}
	if _, err := parseProbeMatches(msg(id, "ftp://x/ gopher://y"), id, src); err == nil {
		t.Errorf("no usable XAddr accepted")
	}
	if _, err := parseProbeMatches([]byte("garbage"), id, src); err == nil {
		t.Errorf("garbage accepted")
	}
}

func TestParseScopes(t *testing.T) {
	si := ParseScopes([]string{"onvif://www.onvif.org/name/Front", "onvif://www.onvif.org/name/Door", "onvif://www.onvif.org/location/country/Ni%C3%B1o",
		"ONVIF://www.onvif.org/hardware/DS-2CD", "http://example.com/name/x", "onvif://www.onvif.org/name/"})
	if si.Name != "Front Door" || si.Location != "country Niño" || si.Hardware != "DS-2CD" {
		t.Errorf("%+v", si)
	}
}
