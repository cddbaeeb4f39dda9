package auth_test

import (
	"bufio"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v5"
	gauth "github.com/bluenviron/gortsplib/v5/pkg/auth"
	"github.com/bluenviron/gortsplib/v5/pkg/base"
	"github.com/bluenviron/gortsplib/v5/pkg/liberrors"
	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/rtsp/auth"
)

const (
	testUser = "viewer"
	testPass = "p@ss w0rd \"quoted\"" // gortsplib splits Basic on every colon, so none here
	testSDP  = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=auth test\r\nt=0 0\r\n"
)

// describeHandler answers DESCRIBE like MediaMTX does: 401 with the
// server's WWW-Authenticate set until VerifyCredentials passes.
type describeHandler struct{}

func (describeHandler) OnDescribe(ctx *gortsplib.ServerHandlerOnDescribeCtx) (*base.Response, *gortsplib.ServerStream, error) {
	if !ctx.Conn.VerifyCredentials(ctx.Request, testUser, testPass) {
		return &base.Response{StatusCode: base.StatusUnauthorized}, nil, liberrors.ErrServerAuth{}
	}
	return &base.Response{StatusCode: base.StatusOK, Body: []byte(testSDP)}, nil, nil
}

func startGortsplib(t *testing.T, methods []gauth.VerifyMethod) string {
	t.Helper()
	s := &gortsplib.Server{
		Handler:     describeHandler{},
		RTSPAddress: "127.0.0.1:0",
		AuthMethods: methods,
		ReadTimeout: 5 * time.Second,
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s.NetListener().Addr().String()
}

// describeWithAuth sends DESCRIBE for a path with a query (docs/QUIRKS.md #1: the
// digest uri must be the request URL as sent, query included).
func describeWithAuth(t *testing.T, addr, user, pass string) (*auth.Sender, *rawResponse, error) {
	return describeWithAuthURI(t, addr, "rtsp://"+addr+"/cam/stream?channel=1", user, pass)
}

// describeWithAuthURI sends DESCRIBE on a new connection, expects a 401,
// answers it with a Sender on the same connection and returns that Sender and
// the second response.
func describeWithAuthURI(t *testing.T, addr, uri, user, pass string) (*auth.Sender, *rawResponse, error) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)

	res, err := rawRoundTrip(t, conn, br, "DESCRIBE", uri, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.status != 401 {
		t.Fatalf("first DESCRIBE: status %d, want 401", res.status)
	}
	challenges := res.header.Values("WWW-Authenticate")
	t.Logf("challenges: %q", challenges)

	s, err := auth.NewSender(challenges, user, pass)
	if err != nil {
		t.Fatal(err)
	}
	res, err = rawRoundTrip(t, conn, br, "DESCRIBE", uri, 2, map[string]string{
		"Authorization": s.Authorization("DESCRIBE", uri),
	})
	return s, res, err
}

func TestGortsplibServer(t *testing.T) {
	defer goleak.VerifyNone(t)
	cases := []struct {
		name      string
		methods   []gauth.VerifyMethod
		scheme    string
		algorithm string
	}{
		{"Basic", []gauth.VerifyMethod{gauth.VerifyMethodBasic}, auth.SchemeBasic, ""},
		{"Digest MD5", []gauth.VerifyMethod{gauth.VerifyMethodDigestMD5}, auth.SchemeDigest, auth.AlgorithmMD5},
		{"Digest SHA-256", []gauth.VerifyMethod{gauth.VerifyMethodDigestSHA256}, auth.SchemeDigest, auth.AlgorithmSHA256},
		{
			// Three WWW-Authenticate lines in one 401 (docs/QUIRKS.md #12).
			"all offered: strongest wins",
			[]gauth.VerifyMethod{gauth.VerifyMethodBasic, gauth.VerifyMethodDigestMD5, gauth.VerifyMethodDigestSHA256},
			auth.SchemeDigest, auth.AlgorithmSHA256,
		},
		{
			"gortsplib default set",
			nil, // Basic and Digest MD5
			auth.SchemeDigest, auth.AlgorithmMD5,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			addr := startGortsplib(t, c.methods)

			s, res, err := describeWithAuth(t, addr, testUser, testPass)
			if err != nil {
				t.Fatal(err)
			}
			if s.Scheme() != c.scheme || s.Algorithm() != c.algorithm {
				t.Fatalf("picked %s %q, want %s %q", s.Scheme(), s.Algorithm(), c.scheme, c.algorithm)
			}
			if res.status != 200 || res.body != testSDP {
				t.Fatalf("authenticated DESCRIBE: status %d body %q", res.status, res.body)
			}

			// The same challenge with a wrong password must be refused, or
			// the 200 above proves nothing. gortsplib answers 401 and closes.
			_, res, err = describeWithAuth(t, addr, testUser, testPass+"x")
			if err == nil && res.status == 200 {
				t.Fatal("wrong password accepted")
			}
			if err == nil && res.status != 401 {
				t.Fatalf("wrong password: status %d, want 401", res.status)
			}
			if err != nil && !isClosed(err) {
				t.Fatalf("wrong password: %v", err)
			}
		})
	}
}

// isClosed reports an error from a peer that hung up.
func isClosed(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "EOF") || strings.Contains(msg, "connection reset")
}
