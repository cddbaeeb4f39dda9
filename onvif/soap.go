package onvif

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1" //nolint:gosec // WS-UsernameToken's PasswordDigest is defined on SHA-1
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/icholy/digest"
)

// Namespaces ONVIF fixes. Elements are looked up by local name; these
// are checked where a wrong one means the answer is not ONVIF at all.
const (
	nsSOAP12 = "http://www.w3.org/2003/05/soap-envelope"
	nsSOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
	nsDevice = "http://www.onvif.org/ver10/device/wsdl"
	nsMedia  = "http://www.onvif.org/ver10/media/wsdl"
	nsMedia2 = "http://www.onvif.org/ver20/media/wsdl"
	nsPTZ    = "http://www.onvif.org/ver20/ptz/wsdl"
	nsSchema = "http://www.onvif.org/ver10/schema"
	nsONVIF  = "http://www.onvif.org/"

	nsWSSE   = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
	nsWSU    = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
	pwDigest = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest"
	b64Nonce = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary"
)

// digestState is the last HTTP Digest challenge of one device, reused
// with a growing nonce count so that each call costs one round trip.
type digestState struct {
	chal  *digest.Challenge
	count int
}

// request is one SOAP operation: its name (the answer is NameResponse),
// its service namespace (for the SOAPAction) and the body element.
type request struct {
	op   string
	ns   string
	body string
}

// call posts req to the service address and returns the answer element
// (the Body's child NameResponse). Unauthenticated sends no
// WS-Security header (GetSystemDateAndTime, which the clock offset for
// that header comes from).
func (c *Client) call(ctx context.Context, service string, req request, unauthenticated bool) (*node, error) {
	ctx, cancel := c.ctxFor(ctx)
	defer cancel()
	u, err := url.Parse(service)
	if err != nil || u.Host == "" {
		return nil, protocolf("%s: service address %q unusable", req.op, redact(service))
	}
	withCreds := c.cfg.Username != "" && !unauthenticated
	freshChallenge := false
	for attempt := 0; attempt < 3; attempt++ {
		env := c.envelope(req.body, withCreds)
		hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(env))
		if err != nil {
			return nil, protocolf("%s: %v", req.op, err)
		}
		hreq.Header.Set("Content-Type", `application/soap+xml; charset=utf-8; action="`+req.ns+"/"+req.op+`"`)
		if c.cfg.Username != "" { // a digest only once the device has challenged
			if err := c.authorize(hreq, env); err != nil {
				return nil, err
			}
		}
		resp, err := c.hc.Do(hreq)
		if err != nil {
			if errors.Is(err, errRedirect) {
				return nil, protocolf("%s: %v", req.op, errRedirect)
			}
			return nil, classifyNetError(req.op, err)
		}
		data, err := readBody(ctx, resp)
		if err != nil {
			return nil, classifyNetError(req.op, err)
		}
		if resp.StatusCode == http.StatusUnauthorized {
			if c.cfg.Username == "" {
				return nil, fmt.Errorf("%s: %w", req.op, errNoCredentials)
			}
			chal, err := digest.FindChallenge(resp.Header)
			if err != nil {
				if !strings.EqualFold(u.Scheme, "https") && offersBasic(resp.Header) {
					return nil, fmt.Errorf("%s: %w", req.op, errBasicInClear)
				}
				return nil, fmt.Errorf("%s: HTTP 401 without a digest challenge: %w", req.op, ErrUnauthorized)
			}
			if freshChallenge && !chal.Stale {
				// A digest made from the challenge it just gave was refused.
				return nil, fmt.Errorf("%s: HTTP 401: %w", req.op, ErrUnauthorized)
			}
			c.mu.Lock()
			c.chal[u.Host] = &digestState{chal: chal}
			c.mu.Unlock()
			freshChallenge = true
			continue
		}
		return answer(req.op, resp.StatusCode, data)
	}
	return nil, fmt.Errorf("%s: HTTP 401 after renewed challenges: %w", req.op, ErrUnauthorized)
}

// readBody reads at most maxBody bytes of the answer; more is an error,
// and a body that drips past ctx's deadline is cut off by it.
func readBody(ctx context.Context, resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, err
	}
	if len(data) > maxBody {
		return nil, protocolf("answer longer than %d bytes", maxBody)
	}
	return data, nil
}

func offersBasic(h http.Header) bool {
	for _, v := range h.Values("WWW-Authenticate") {
		if len(v) >= 5 && strings.EqualFold(v[:5], "basic") {
			return true
		}
	}
	return false
}

// authorize adds an HTTP Digest Authorization from the device's last
// challenge, if it ever sent one.
func (c *Client) authorize(hreq *http.Request, body []byte) error {
	c.mu.Lock()
	st := c.chal[hreq.URL.Host]
	if st != nil {
		st.count++
	}
	var count int
	var chal *digest.Challenge
	if st != nil {
		count, chal = st.count, st.chal
	}
	c.mu.Unlock()
	if chal == nil {
		return nil
	}
	cred, err := digest.Digest(chal, digest.Options{
		Method:   hreq.Method,
		URI:      hreq.URL.RequestURI(),
		GetBody:  func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil },
		Count:    count,
		Username: c.cfg.Username,
		Password: c.cfg.Password,
	})
	if err != nil {
		return fmt.Errorf("HTTP Digest: %v: %w", err, ErrUnauthorized)
	}
	hreq.Header.Set("Authorization", cred.String())
	return nil
}

// answer reads a SOAP answer: a fault becomes *Fault, anything but the
// operation's response in an ONVIF namespace is ErrProtocol.
func answer(op string, status int, data []byte) (*node, error) {
	root, err := parseXML(data)
	if err != nil {
		if status != http.StatusOK {
			return nil, &HTTPError{Op: op, Status: status}
		}
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	body, err := soapBody(root)
	if err != nil {
		if status != http.StatusOK {
			return nil, &HTTPError{Op: op, Status: status}
		}
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if f := body.child("Fault"); f != nil {
		return nil, readFault(op, status, f)
	}
	if status != http.StatusOK {
		return nil, &HTTPError{Op: op, Status: status}
	}
	if len(body.kids) == 0 {
		return nil, protocolf("%s: empty SOAP body", op)
	}
	res := body.kids[0]
	if res.name.Local != op+"Response" {
		return nil, protocolf("%s: answered %s", op, res.name.Local)
	}
	if !strings.HasPrefix(res.name.Space, nsONVIF) {
		return nil, protocolf("%s: answer in namespace %q, not ONVIF's", op, res.name.Space)
	}
	return res, nil
}

// soapBody checks the envelope (SOAP 1.2, or 1.1 as some old firmware
// answers) and returns its Body.
func soapBody(root *node) (*node, error) {
	if root.name.Local != "Envelope" || (root.name.Space != nsSOAP12 && root.name.Space != nsSOAP11) {
		return nil, protocolf("not a SOAP envelope (%s in %q)", root.name.Local, root.name.Space)
	}
	body := root.child("Body")
	if body == nil || body.name.Space != root.name.Space {
		return nil, protocolf("SOAP envelope without a Body")
	}
	return body, nil
}

// readFault reads SOAP 1.2 (Code/Value, Subcode/Value, Reason/Text) and
// SOAP 1.1 (faultcode, faultstring) faults.
func readFault(op string, status int, f *node) *Fault {
	out := &Fault{Op: op, Status: status}
	if code := f.child("Code"); code != nil {
		out.Code = localOf(code.str("Value"))
		for sub := code.child("Subcode"); sub != nil; sub = sub.child("Subcode") {
			if v := localOf(sub.str("Value")); v != "" {
				out.Subcode = v
			}
		}
		out.Reason = f.str("Reason", "Text")
	} else {
		out.Code = localOf(f.str("faultcode"))
		out.Reason = f.str("faultstring")
	}
	if len(out.Reason) > 200 {
		out.Reason = out.Reason[:200]
	}
	return out
}

// envelope wraps body in a SOAP 1.2 envelope, with a WS-UsernameToken
// (PasswordDigest, Created on the device's clock) when withCreds.
func (c *Client) envelope(body string, withCreds bool) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>`)
	b.WriteString(`<s:Envelope xmlns:s="` + nsSOAP12 + `">`)
	if withCreds {
		b.WriteString(`<s:Header>`)
		b.WriteString(c.usernameToken(time.Now()))
		b.WriteString(`</s:Header>`)
	}
	b.WriteString(`<s:Body>`)
	b.WriteString(body)
	b.WriteString(`</s:Body></s:Envelope>`)
	return []byte(b.String())
}

// usernameToken is the WS-Security header (ONVIF Core 5.12.2): digest =
// Base64(SHA-1(nonce + created + password)). Created is our time plus
// the device's clock offset: a camera rejects a Created more than a few
// seconds from its own clock, and many run without NTP.
func (c *Client) usernameToken(now time.Time) string {
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	created := now.Add(c.ClockOffset()).UTC().Format("2006-01-02T15:04:05Z")
	return `<wsse:Security xmlns:wsse="` + nsWSSE + `" xmlns:wsu="` + nsWSU + `"><wsse:UsernameToken>` +
		`<wsse:Username>` + escape(c.cfg.Username) + `</wsse:Username>` +
		`<wsse:Password Type="` + pwDigest + `">` + passwordDigest(nonce[:], created, c.cfg.Password) + `</wsse:Password>` +
		`<wsse:Nonce EncodingType="` + b64Nonce + `">` + base64.StdEncoding.EncodeToString(nonce[:]) + `</wsse:Nonce>` +
		`<wsu:Created>` + created + `</wsu:Created></wsse:UsernameToken></wsse:Security>`
}

func passwordDigest(nonce []byte, created, password string) string {
	h := sha1.New() //nolint:gosec // fixed by the WS-Security UsernameToken profile
	h.Write(nonce)
	h.Write([]byte(created))
	h.Write([]byte(password))
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}
