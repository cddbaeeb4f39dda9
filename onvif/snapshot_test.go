package onvif_test

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/onvif"
	"github.com/rtspview/rtspview/onvif/onviftest"
)

// The snapshot address of a camera with a password: fetched with an HTTP
// Digest of the device's login, for SOAP by WS-Security or by Digest
// alike; a wrong password and none are 'unauthorized'.
func TestSnapshotDigest(t *testing.T) {
	for _, auth := range []string{"wsse", "digest"} {
		t.Run(auth, func(t *testing.T) {
			dev := onviftest.Start(t, onviftest.Options{Username: "admin", Password: "s3cret", Auth: auth, Profiles: twoProfiles()})
			cam, c, err := describe(t, dev, "admin", "s3cret")
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			pic, err := c.Snapshot(ctx, cam.SnapshotURL)
			if err != nil {
				t.Fatalf("snapshot: %v", err)
			}
			img, err := jpeg.Decode(bytes.NewReader(pic))
			if err != nil || img.Bounds().Dx() != 320 {
				t.Fatalf("not the device's picture: %v", err)
			}
			if !strings.Contains(strings.Join(dev.Calls(), "\n"), "Snapshot auth=ok") {
				t.Fatalf("calls %v", dev.Calls())
			}
			// A second one reuses the challenge: one round trip.
			n := len(dev.Calls())
			if _, err := c.Snapshot(ctx, cam.SnapshotURL); err != nil || len(dev.Calls()) != n+1 {
				t.Fatalf("second snapshot: %v, calls %v", err, dev.Calls()[n:])
			}
			for _, login := range [][2]string{{"admin", "wrong"}, {"", ""}} {
				bad, _ := onvif.NewClient(onvif.Config{XAddr: dev.XAddr, Username: login[0], Password: login[1]})
				if _, err := bad.Snapshot(ctx, cam.SnapshotURL); onvif.Kind(err) != onvif.KindUnauthorized {
					t.Errorf("login %q: %v", login, err)
				}
			}
		})
	}
}

// The login goes to the device's host only: a snapshot address on
// another host is asked without it, and Basic on plain http gets no
// password either.
func TestSnapshotKeepsTheLoginHome(t *testing.T) {
	var auths []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auths = append(auths, r.Header.Get("Authorization"))
		w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
		w.WriteHeader(401)
	}))
	defer other.Close()
	// 127.0.0.1 and localhost are one machine but two hosts to a client.
	elsewhere := strings.Replace(other.URL, "127.0.0.1", "localhost", 1) + "/snapshot.jpg"
	c, _ := onvif.NewClient(onvif.Config{XAddr: "http://127.0.0.1:1/onvif/device_service", Username: "admin", Password: "pw"})
	if _, err := c.Snapshot(context.Background(), elsewhere); onvif.Kind(err) != onvif.KindUnauthorized {
		t.Fatalf("other host: %v", err)
	}
	home, _ := onvif.NewClient(onvif.Config{XAddr: other.URL + "/onvif/device_service", Username: "admin", Password: "pw"})
	_, err := home.Snapshot(context.Background(), other.URL+"/snapshot.jpg")
	if onvif.Kind(err) != onvif.KindUnauthorized || !strings.Contains(onvif.Sentence(err), "Basic") {
		t.Fatalf("basic in clear: %v (%s)", err, onvif.Sentence(err))
	}
	for _, a := range auths {
		if a != "" {
			t.Fatalf("a login was sent: %q", a)
		}
	}
}

// What a device sends back is bounded: too big, not a JPEG, an error
// status, a redirect and a drip past the timeout each fail with a kind.
func TestSnapshotBadAnswers(t *testing.T) {
	jpegHead := []byte{0xff, 0xd8, 0xff, 0xe0}
	cases := []struct {
		name string
		h    http.HandlerFunc
		kind onvif.ErrorKind
	}{
		{"too big", func(w http.ResponseWriter, r *http.Request) {
			w.Write(jpegHead)
			w.Write(make([]byte, onvif.MaxSnapshot))
		}, onvif.KindProtocol},
		{"not a JPEG", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<html>login</html>")) }, onvif.KindProtocol},
		{"404", http.NotFound, onvif.KindProtocol},
		{"redirect", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "http://example.com/x.jpg", 302) }, onvif.KindProtocol},
		{"drip", func(w http.ResponseWriter, r *http.Request) {
			w.Write(jpegHead)
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, onvif.KindTimeout},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(tc.h)
			defer srv.Close()
			c, _ := onvif.NewClient(onvif.Config{XAddr: srv.URL + "/onvif/device_service", Timeout: 500 * time.Millisecond})
			start := time.Now()
			pic, err := c.Snapshot(context.Background(), srv.URL+"/snapshot.jpg")
			if onvif.Kind(err) != tc.kind || pic != nil {
				t.Fatalf("%v (kind %s), %d bytes", err, onvif.Kind(err), len(pic))
			}
			if time.Since(start) > 3*time.Second {
				t.Fatalf("took %v", time.Since(start))
			}
		})
	}
	c, _ := onvif.NewClient(onvif.Config{XAddr: "http://127.0.0.1:1/onvif/device_service"})
	if _, err := c.Snapshot(context.Background(), "ftp://x/y"); !errors.Is(err, onvif.ErrProtocol) {
		t.Fatalf("ftp: %v", err)
	}
}
