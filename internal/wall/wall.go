// Package wall is the camera wall file: a small, human-editable JSON
// document that lists the cameras a person keeps open, so the window
// reopens with them and a wall can be copied to another PC or written by
// a script. The format is documented in docs/wall-format.md.
//
// The file never holds a password: a camera's password lives in the OS
// keyring and the file says so with "password_ref": "keyring". Keys this
// version does not know are kept, in place, when the file is written
// again, so a newer rtspview or another tool can add its own.
package wall

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"

	"github.com/rtspview/rtspview/rtsp"
)

// Version is the newest format version this package reads and writes.
const Version = 1

// Layout "auto" arranges the tiles in a square-ish grid by their count.
const LayoutAuto = "auto"

// Layouts are the layouts this version arranges: "auto" (1, 2x2, 3x3 or
// 4x4 by the number of cameras), a square grid "1x1" to "5x5", and "1+5"
// and "1+7" (one large tile with five or seven small ones around it). A
// file may name another (a later rtspview's): it is kept as written and
// arranged as "auto" (KnownLayout).
var Layouts = []string{LayoutAuto, "1x1", "2x2", "3x3", "4x4", "5x5", "1+5", "1+7"}

// KnownLayout reports whether name is one of Layouts.
func KnownLayout(name string) bool { return slices.Contains(Layouts, name) }

// PasswordRefKeyring in Camera.PasswordRef means the camera's password is
// in the OS keyring (see docs/wall-format.md for the item's name).
const PasswordRefKeyring = "keyring"

// MaxCameras is the most cameras a wall holds. Every camera is opened when
// the wall is, so a file from someone else must not be able to open
// thousands of connections at once; 256 is sixteen pages of 4×4.
const MaxCameras = 256

// Transports are the values Camera.Transport may take; "" reads as "auto".
var Transports = []string{"auto", "udp", "tcp", "http", "https"}

// Sentinel errors a caller may branch on; the wrapped error says more.
var (
	// ErrNotAWall: the bytes are not JSON, or JSON of another shape.
	ErrNotAWall = errors.New("not a camera wall file")
	// ErrNewerVersion: the file was written by a newer rtspview.
	ErrNewerVersion = errors.New("wall file from a newer rtspview")
	// ErrTooManyCameras: the file lists more than MaxCameras cameras.
	ErrTooManyCameras = errors.New("too many cameras")
)

// Wall is a wall file's content.
type Wall struct {
	Version int      // 1; a file without it is read as version 1
	Layout  string   // "auto" (the default); see Layouts
	Cameras []Camera // in tile order
	// Page is the page of the layout shown, from 1; 0 reads as 1. A page
	// past the last is the last (cameras may have been removed by hand).
	Page int
	// TourSeconds turns the pages every that many seconds; 0 = no tour.
	TourSeconds int
	// Selected is the selected camera, from 1; 0 reads as the shown
	// page's first. One not on the page shown is ignored the same way.
	Selected int

	// extra holds the top-level keys this version does not know, raw, so
	// they are written back as they were.
	extra map[string]json.RawMessage
}

// Camera is one tile of the wall.
type Camera struct {
	Name      string // shown on the tile; "" shows the host
	URL       string // rtsp:// or rtsps://, never with a password
	SubURL    string // low-resolution stream, optional
	Transport string // auto|udp|tcp|http|https; "" = auto
	// User is the user name to log in with. A user name written in the
	// URL (rtsp://admin@host/...) is taken when User is empty.
	User string
	// PasswordRef says where the password is: "keyring", or "" for none
	// (or a password typed only for the session).
	PasswordRef string
	// AllowBasic: the person agreed that this camera may get its password
	// by Basic authentication over a connection without TLS, where it
	// crosses the network in clear (player.Config.AllowBasic).
	AllowBasic bool
	// ONVIF is set for a camera added by Find cameras: the device's
	// identity and the profiles its url and sub_url came from, so a camera
	// that moved to a new address can be found again, and PTZ asked.
	ONVIF *ONVIF
	// Record is set for a camera recorded all day (internal/wall/record.go).
	Record *Record
	// Muted: the person turned this camera's sound off (the tile's
	// speaker button, or M). It stays off when the camera is the only
	// one or shown full, until they turn it on again.
	Muted bool

	extra map[string]json.RawMessage
}

// ONVIF is a camera's "onvif" entry. Endpoint is what identifies the
// device across address changes (its WS-Discovery endpoint reference);
// XAddr, Profile and SubProfile are where and what was asked last.
type ONVIF struct {
	Endpoint   string `json:"endpoint,omitempty"`    // urn:uuid:…
	XAddr      string `json:"xaddr,omitempty"`       // device service address, no credentials
	Profile    string `json:"profile,omitempty"`     // media profile token of url
	SubProfile string `json:"sub_profile,omitempty"` // media profile token of sub_url
	PTZ        bool   `json:"ptz,omitempty"`         // the main profile has PTZ
}

// known lists the keys Wall and Camera read; everything else is extra.
var (
	wallKeys   = []string{"version", "layout", "page", "tour_seconds", "selected", "cameras"}
	cameraKeys = []string{"name", "url", "sub_url", "transport", "user", "password_ref", "allow_basic", "onvif", "record", "muted"}
)

// Parse reads a wall file's bytes. A missing key takes its default. The
// error names what is wrong in plain words and wraps ErrNotAWall or
// ErrNewerVersion.
func Parse(data []byte) (*Wall, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrNotAWall, jsonProblem(data, err))
	}
	if top == nil {
		return nil, fmt.Errorf("%w: the file holds null, not an object", ErrNotAWall)
	}
	w := &Wall{Version: Version, Layout: LayoutAuto}
	if raw, ok := top["version"]; ok {
		if err := json.Unmarshal(raw, &w.Version); err != nil {
			return nil, fmt.Errorf("%w: \"version\" is not a whole number", ErrNotAWall)
		}
		if w.Version > Version {
			return nil, fmt.Errorf("%w: this file is format version %d; this rtspview reads up to version %d, please update rtspview to open it", ErrNewerVersion, w.Version, Version)
		}
		if w.Version < 1 {
			return nil, fmt.Errorf("%w: \"version\" is %d; the first version is 1", ErrNotAWall, w.Version)
		}
	}
	if raw, ok := top["layout"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &w.Layout); err != nil {
			return nil, fmt.Errorf("%w: \"layout\" is not a text", ErrNotAWall)
		}
		if w.Layout == "" {
			w.Layout = LayoutAuto
		}
	}
	for _, k := range []struct {
		key string
		to  *int
	}{{"page", &w.Page}, {"tour_seconds", &w.TourSeconds}, {"selected", &w.Selected}} {
		if raw, ok := top[k.key]; ok && !isNull(raw) {
			if err := json.Unmarshal(raw, k.to); err != nil || *k.to < 0 {
				return nil, fmt.Errorf("%w: %q is not a whole number from 0", ErrNotAWall, k.key)
			}
		}
	}
	raw, ok := top["cameras"]
	if !ok {
		// A file of another program would rarely lack both; a wall with
		// no cameras yet is written with "cameras": [].
		if _, hasVersion := top["version"]; !hasVersion {
			return nil, fmt.Errorf("%w: it has neither \"version\" nor \"cameras\"", ErrNotAWall)
		}
	} else if !isNull(raw) {
		var cams []json.RawMessage
		if err := json.Unmarshal(raw, &cams); err != nil {
			return nil, fmt.Errorf("%w: \"cameras\" is not a list", ErrNotAWall)
		}
		if len(cams) > MaxCameras {
			return nil, fmt.Errorf("%w: the file lists %d cameras, and a wall holds at most %d", ErrTooManyCameras, len(cams), MaxCameras)
		}
		for i, c := range cams {
			cam, err := parseCamera(c)
			if err != nil {
				return nil, fmt.Errorf("%w: camera %d: %s", ErrNotAWall, i+1, err)
			}
			w.Cameras = append(w.Cameras, cam)
		}
	}
	w.extra = without(top, wallKeys)
	return w, nil
}

func parseCamera(data []byte) (Camera, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil || m == nil {
		return Camera{}, errors.New("not an object with \"name\" and \"url\"")
	}
	var c Camera
	fields := []struct {
		key string
		dst *string
	}{
		{"name", &c.Name}, {"url", &c.URL}, {"sub_url", &c.SubURL},
		{"transport", &c.Transport}, {"user", &c.User}, {"password_ref", &c.PasswordRef},
	}
	for _, f := range fields {
		raw, ok := m[f.key]
		if !ok || isNull(raw) {
			continue
		}
		if err := json.Unmarshal(raw, f.dst); err != nil {
			return Camera{}, fmt.Errorf("%q is not a text", f.key)
		}
	}
	if raw, ok := m["allow_basic"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &c.AllowBasic); err != nil {
			return Camera{}, errors.New("\"allow_basic\" is not true or false")
		}
	}
	if raw, ok := m["muted"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &c.Muted); err != nil {
			return Camera{}, errors.New("\"muted\" is not true or false")
		}
	}
	if raw, ok := m["onvif"]; ok && !isNull(raw) {
		c.ONVIF = &ONVIF{}
		if err := json.Unmarshal(raw, c.ONVIF); err != nil {
			return Camera{}, errors.New("\"onvif\" is not an object of texts (endpoint, xaddr, profile, sub_profile) and ptz")
		}
		c.ONVIF.XAddr = stripUserInfo(c.ONVIF.XAddr)
	}
	if raw, ok := m["record"]; ok && !isNull(raw) {
		r, err := parseRecord(raw)
		if err != nil {
			return Camera{}, err
		}
		c.Record = r
	}
	if strings.TrimSpace(c.URL) == "" {
		return Camera{}, errors.New("\"url\" is missing")
	}
	c.Transport = strings.ToLower(strings.TrimSpace(c.Transport))
	if c.Transport == "" {
		c.Transport = "auto"
	}
	if !validTransport(c.Transport) {
		return Camera{}, fmt.Errorf("\"transport\" is %q; it is one of %s", c.Transport, strings.Join(Transports, ", "))
	}
	// A password written by hand in the URL is not an error: the caller
	// takes it with Credentials and it moves to the keyring at the next save.
	c.extra = without(m, cameraKeys)
	return c, nil
}

func validTransport(s string) bool {
	for _, t := range Transports {
		if s == t {
			return true
		}
	}
	return false
}

// Marshal writes the wall as indented JSON, known keys first in a fixed
// order, then the unknown keys it was read with (sorted by name), so a
// person's diff of two saves shows only what changed. Passwords in URLs
// are dropped: they belong in the keyring.
func (w *Wall) Marshal() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{\n")
	version := w.Version
	if version < 1 {
		version = Version
	}
	layout := w.Layout
	if layout == "" {
		layout = LayoutAuto
	}
	writeKey(&b, "  ", "version", version, false)
	writeKey(&b, "  ", "layout", layout, true)
	// Written only when they say something, so a wall saved by an
	// rtspview without pages or tours reads the same.
	if w.Page > 1 {
		writeKey(&b, "  ", "page", w.Page, true)
	}
	if w.TourSeconds > 0 {
		writeKey(&b, "  ", "tour_seconds", w.TourSeconds, true)
	}
	if w.Selected > 1 {
		writeKey(&b, "  ", "selected", w.Selected, true)
	}
	b.WriteString(",\n  \"cameras\": [")
	for i, c := range w.Cameras {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    {\n")
		c.marshal(&b, "      ")
		b.WriteString("    }")
	}
	if len(w.Cameras) > 0 {
		b.WriteString("\n  ")
	}
	b.WriteString("]")
	writeExtra(&b, "  ", w.extra)
	b.WriteString("\n}\n")
	if !json.Valid(b.Bytes()) {
		// Only a bug here could get this far; refuse rather than save it.
		return nil, errors.New("wall: produced invalid JSON")
	}
	return b.Bytes(), nil
}

func (c Camera) marshal(b *bytes.Buffer, ind string) {
	first := true
	put := func(key, val string, always bool) {
		if val == "" && !always {
			return
		}
		writeKey(b, ind, key, val, !first)
		first = false
	}
	tr := c.Transport
	if tr == "" {
		tr = "auto"
	}
	put("name", c.Name, true)
	put("url", StripPassword(c.URL), true)
	put("sub_url", StripPassword(c.SubURL), false)
	put("transport", tr, true)
	put("user", c.User, false)
	put("password_ref", c.PasswordRef, false)
	if c.AllowBasic {
		writeKey(b, ind, "allow_basic", true, !first)
	}
	if c.Muted {
		writeKey(b, ind, "muted", true, !first)
	}
	if c.ONVIF != nil {
		o := *c.ONVIF
		o.XAddr = stripUserInfo(o.XAddr)
		writeKey(b, ind, "onvif", o, !first)
	}
	if c.Record != nil {
		writeKey(b, ind, "record", *c.Record, !first)
	}
	writeExtra(b, ind, c.extra)
	b.WriteString("\n")
}

func writeKey(b *bytes.Buffer, ind, key string, val any, comma bool) {
	if comma {
		b.WriteString(",\n")
	}
	v, _ := json.Marshal(val) // strings and ints: cannot fail
	fmt.Fprintf(b, "%s%q: %s", ind, key, v)
}

func writeExtra(b *bytes.Buffer, ind string, extra map[string]json.RawMessage) {
	for _, k := range sortedKeys(extra) {
		var compact bytes.Buffer
		raw := extra[k]
		if json.Compact(&compact, raw) == nil {
			raw = compact.Bytes()
		}
		kq, _ := json.Marshal(k)
		fmt.Fprintf(b, ",\n%s%s: %s", ind, kq, raw)
	}
}

// Credentials splits a camera's login: the user name (User, else the
// URL's, else its query's ?user=) and a password written by hand in the
// URL (its user part, else its query's ?password= or ?pwd=), if any. The URL is
// read as rtsp.ParseURL reads it, the way the player dials it, so a
// password holding '/', '?', '#', '@' or a space is found too.
func (c Camera) Credentials() (user, password string) {
	user = c.User
	u, err := rtsp.ParseURL(c.URL)
	if err != nil {
		return user, ""
	}
	if u.User != nil {
		if user == "" {
			user = u.User.Username()
		}
		password, _ = u.User.Password()
	}
	if user == "" {
		user = rtsp.QueryUser(u)
	}
	if password == "" {
		password = rtsp.QueryPassword(u)
	}
	return user, password
}

// Hosts returns the host:port of the camera's url and sub_url (the
// scheme's default port when none is written), "" for an address that
// does not parse or is not there: what an import lists before it opens
// anything.
func (c Camera) Hosts() (main, sub string) {
	return hostPort(c.URL), hostPort(c.SubURL)
}

func hostPort(raw string) string {
	u, err := rtsp.ParseURL(raw)
	if err != nil {
		return ""
	}
	return rtsp.HostPort(u)
}

// StripPassword returns rawURL without a password (the user name stays).
// It reads the address as rtsp.ParseURL does, so a password that
// url.Parse cannot read ("pa/ss", "a?b", "a#b", "a b") is found and
// dropped too. A password in the query (?password=, ?pwd=, as some
// cameras take it) keeps its key with an empty value: the password goes
// to the keyring, and the player fills it back in to dial. An address that
// is not rtsp:// or rtsps:// loses whatever stands between the user
// name's ':' and the last '@': it cannot be dialed, and must not carry a
// password into a file either.
func StripPassword(rawURL string) string {
	if u, err := rtsp.ParseURL(rawURL); err == nil {
		_, hasPass := u.User.Password() // nil-safe
		if !hasPass && rtsp.QueryPassword(u) == "" {
			return rawURL
		}
		u = rtsp.WithoutQueryPassword(u)
		if hasPass {
			u.User = url.User(u.User.Username())
		}
		return u.String()
	}
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return rawURL
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return rawURL
	}
	name, _, hasPass := strings.Cut(rest[:at], ":")
	if !hasPass {
		return rawURL
	}
	return scheme + "://" + name + "@" + rest[at+1:]
}

// stripUserInfo drops a user:password from an http(s) address (a device
// service address is kept, its login never).
func stripUserInfo(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if strings.Contains(raw, "@") {
			return "" // unreadable and perhaps holding a login: not kept
		}
		return raw
	}
	if u.User == nil {
		return raw
	}
	u.User = nil
	return u.String()
}

// ExtraKeys returns the names of the unknown top-level keys (for tests and
// for a person's "what is kept" question).
func (w *Wall) ExtraKeys() []string { return sortedKeys(w.extra) }

// ExtraKeys returns the names of the camera's unknown keys.
func (c Camera) ExtraKeys() []string { return sortedKeys(c.extra) }

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func without(m map[string]json.RawMessage, known []string) map[string]json.RawMessage {
	out := map[string]json.RawMessage{}
	for k, v := range m {
		isKnown := false
		for _, kk := range known {
			if k == kk {
				isKnown = true
			}
		}
		if !isKnown {
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// jsonProblem turns encoding/json's error into a sentence with a line
// number a person can go to in an editor.
func jsonProblem(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return "the file is empty"
	case errors.As(err, &syn):
		line := 1 + bytes.Count(data[:min(int(syn.Offset), len(data))], []byte("\n"))
		return fmt.Sprintf("it is not valid JSON (line %d: %s)", line, syn.Error())
	case errors.As(err, &typ):
		return "it holds JSON, but not an object with \"version\" and \"cameras\""
	default:
		return "it is not valid JSON"
	}
}

func sortedKeys(m map[string]json.RawMessage) []string { return slices.Sorted(maps.Keys(m)) }
