package auth_test

import (
	"net/url"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/rtsp/auth"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// startGstServer runs gst-rtsp-server (rtsptest.StartGst) asking for
// testUser and testPass with method alone, "basic" or "digest", and
// returns its address. A small MJPEG pattern: the test only DESCRIBEs.
func startGstServer(t *testing.T, method string) string {
	t.Helper()
	raw := rtsptest.StartGst(t, rtsptest.GstOptions{Codec: "mjpeg", Width: 160, Height: 120, FPS: 5,
		Path: "/stream", User: testUser, Password: testPass, Auth: method})
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

func TestGstRTSPServer(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, c := range []struct {
		method, scheme, algorithm string
	}{
		{"basic", auth.SchemeBasic, ""},
		{"digest", auth.SchemeDigest, auth.AlgorithmMD5}, // RFC 2069 style: no qop, no algorithm
	} {
		t.Run(c.method, func(t *testing.T) {
			addr := startGstServer(t, c.method)
			uri := "rtsp://" + addr + "/stream"

			s, res, err := describeWithAuthURI(t, addr, uri, testUser, testPass)
			if err != nil {
				t.Fatal(err)
			}
			if s.Scheme() != c.scheme || s.Algorithm() != c.algorithm {
				t.Fatalf("picked %s %q, want %s %q", s.Scheme(), s.Algorithm(), c.scheme, c.algorithm)
			}
			if res.status != 200 || !strings.Contains(res.body, "m=video") {
				t.Fatalf("authenticated DESCRIBE: status %d body %q", res.status, res.body)
			}

			_, res, err = describeWithAuthURI(t, addr, uri, testUser, "wrong")
			if err != nil {
				t.Fatal(err)
			}
			if res.status != 401 {
				t.Fatalf("wrong password: status %d, want 401", res.status)
			}
		})
	}
}
