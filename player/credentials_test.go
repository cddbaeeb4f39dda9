package player

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// failOf runs cfg until the stream fails and returns that status; the
// stream must not play.
func failOf(t *testing.T, cfg Config) (Status, Stats) {
	t.Helper()
	failed := make(chan Status, 1)
	cfg.OnStatus = func(st Status) {
		if st.State == StateFailed {
			select {
			case failed <- st:
			default:
			}
		}
	}
	s := Start(cfg)
	defer s.Close()
	select {
	case st := <-failed:
		return st, s.Stats()
	case <-time.After(30 * time.Second):
		t.Fatalf("no failure within 30 s (status %+v)", s.Status())
	}
	return Status{}, Stats{}
}

const basicOnly = `Basic realm="cam"`

// TestRTSPSAutoNeverFallsToPlainText is the downgrade of an rtsps address:
// its port closed, Auto must not try UDP, nor the plain HTTP tunnel (where
// a listener offering Basic collected the password in clear), only the
// HTTPS tunnel, and must not report TLS it did not have.
func TestRTSPSAutoNeverFallsToPlainText(t *testing.T) {
	closed := rtsptest.ClosedPort(t)
	plain := rtsptest.StartChallenger(t, "127.0.0.1:0", basicOnly)
	https := rtsptest.StartChallenger(t, "127.0.0.1:0", basicOnly) // speaks no TLS
	st, stats := failOf(t, Config{
		URL:         fmt.Sprintf("rtsps://admin:s3cret@127.0.0.1:%d/cam", closed),
		TunnelPorts: []int{plain.Port()},
		HTTPSPort:   https.Port(),
		Timeout:     3 * time.Second,
	})
	if n := plain.Connections(); n != 0 {
		t.Errorf("the plain HTTP tunnel port was dialed %d times for an rtsps address; it received %q", n, plain.Received())
	}
	for _, c := range []*rtsptest.Challenger{plain, https} {
		if c.SawAuthorization() || strings.Contains(c.Received(), "s3cret") {
			t.Fatalf("a password left in clear: %q", c.Received())
		}
	}
	if https.Connections() == 0 {
		t.Errorf("the HTTPS tunnel was never tried")
	}
	if stats.TLS {
		t.Errorf("stats say TLS for a session that never had it")
	}
	for _, f := range stats.Fallbacks {
		if f.Transport == "udp" || f.Transport == "http" {
			t.Errorf("fallbacks %+v name a way without TLS", stats.Fallbacks)
		}
	}
	if st.Err == nil {
		t.Fatalf("status %+v", st)
	}
}

// TestRTSPSRefusesTransportsWithoutTLS: chosen by hand, UDP and the HTTP
// tunnel are refused for rtsps before anything is dialed.
func TestRTSPSRefusesTransportsWithoutTLS(t *testing.T) {
	for _, tr := range []Transport{TransportUDP, TransportHTTP} {
		err := CheckInput(Config{URL: "rtsps://cam.lan/stream", Transport: tr})
		if Classify(err) != KindInput {
			t.Errorf("%v: CheckInput = %v, want an input error", tr, err)
		}
	}
	for _, tr := range []Transport{TransportAuto, TransportTCP, TransportHTTPS} {
		if err := CheckInput(Config{URL: "rtsps://cam.lan/stream", Transport: tr}); err != nil {
			t.Errorf("%v: CheckInput = %v", tr, err)
		}
	}
}

// TestGuessedTunnelPortGetsNoPassword: when the RTSP port does not answer,
// Auto's guess at port 80 (or 8080, 443) reaches whatever web server is
// there; it gets no password until the person allows that host:port.
func TestGuessedTunnelPortGetsNoPassword(t *testing.T) {
	closed := rtsptest.ClosedPort(t)
	guess := rtsptest.StartChallenger(t, "127.0.0.1:0", `Digest realm="cam", nonce="n1"`, basicOnly)
	cfg := Config{
		URL:         fmt.Sprintf("rtsp://admin:s3cret@127.0.0.1:%d/cam", closed),
		TunnelPorts: []int{guess.Port()},
		HTTPSPort:   rtsptest.ClosedPort(t),
		Timeout:     3 * time.Second,
	}
	st, _ := failOf(t, cfg)
	if guess.SawAuthorization() {
		t.Fatalf("a guessed tunnel port got the credentials: %q", guess.Received())
	}
	var cw *CredentialsWithheldError
	if !errors.As(st.Err, &cw) || !cw.Guessed || cw.ToHost != guess.Addr {
		t.Fatalf("err %v (%#v), want credentials withheld from guessed %s", st.Err, cw, guess.Addr)
	}
	if s := Sentence(st.Err, cfg.URL); !strings.Contains(s, guess.Addr) {
		t.Errorf("sentence %q does not name %s", s, guess.Addr)
	}

	// Allowed by the person: the same port gets a Digest answer (never
	// Basic while Digest is offered).
	cfg.CredentialHosts = []string{cw.ToHost}
	failOf(t, cfg)
	if !strings.Contains(guess.Received(), "Authorization: Digest") || strings.Contains(guess.Received(), "Authorization: Basic") {
		t.Fatalf("allowed port: want a Digest answer only, got %q", guess.Received())
	}
}

// TestSubStreamOnAnotherHostGetsNoPassword: a wall file's sub_url names
// its own host; the main camera's login goes there only when it is the
// same host (Config.CredentialURL names where the login was given).
func TestSubStreamOnAnotherHostGetsNoPassword(t *testing.T) {
	other := rtsptest.StartChallenger(t, "127.0.0.2:0", `Digest realm="cam", nonce="n1"`)
	st, _ := failOf(t, Config{
		URL:           "rtsp://" + other.Addr + "/sub",
		CredentialURL: "rtsp://127.0.0.1:554/main",
		Username:      "admin",
		Password:      "s3cret",
		Transport:     TransportTCP,
	})
	if other.SawAuthorization() {
		t.Fatalf("the sub-stream's host got the main camera's login: %q", other.Received())
	}
	var cw *CredentialsWithheldError
	if !errors.As(st.Err, &cw) || cw.Guessed || cw.ToHost != "127.0.0.2" {
		t.Fatalf("err %v, want credentials withheld from 127.0.0.2", st.Err)
	}

	// The same host as the main stream: the login goes.
	same := rtsptest.StartChallenger(t, "127.0.0.1:0", `Digest realm="cam", nonce="n1"`)
	failOf(t, Config{
		URL:           "rtsp://" + same.Addr + "/sub",
		CredentialURL: "rtsp://127.0.0.1:554/main",
		Username:      "admin",
		Password:      "s3cret",
		Transport:     TransportTCP,
	})
	if !same.SawAuthorization() {
		t.Fatalf("the main camera's own host got no login for its sub-stream: %q", same.Received())
	}
}

// TestBasicInClearNeedsConsent: a server on plain TCP that offers only
// Basic (anyone on the path can strip Digest and offer Basic) gets no
// password unless the person allowed it for that camera.
func TestBasicInClearNeedsConsent(t *testing.T) {
	srv := rtsptest.StartChallenger(t, "127.0.0.1:0", basicOnly)
	cfg := Config{URL: "rtsp://admin:s3cret@" + srv.Addr + "/cam", Transport: TransportTCP}
	st, _ := failOf(t, cfg)
	if srv.SawAuthorization() {
		t.Fatalf("Basic sent in clear without consent: %q", srv.Received())
	}
	if !errors.Is(st.Err, ErrBasicInClear) || Classify(st.Err) != KindUnauthorized {
		t.Fatalf("err %v, want ErrBasicInClear", st.Err)
	}
	if s := Sentence(st.Err, cfg.URL); !strings.Contains(s, "in clear") {
		t.Errorf("sentence %q", s)
	}
	cfg.AllowBasic = true
	failOf(t, cfg)
	if !strings.Contains(srv.Received(), "Authorization: Basic") {
		t.Fatalf("allowed: no Basic answer in %q", srv.Received())
	}
}

// TestUserWithoutPasswordIsAskedNotRefused: a camera opened with a user
// name and no password (a wall whose keyring has none) says it wants a
// password, not that it refused one.
func TestUserWithoutPasswordIsAskedNotRefused(t *testing.T) {
	srv := rtsptest.StartChallenger(t, "127.0.0.1:0", `Digest realm="cam", nonce="n1"`)
	cfg := Config{URL: "rtsp://" + srv.Addr + "/cam", Username: "admin", Transport: TransportTCP}
	st, _ := failOf(t, cfg)
	if s := Sentence(st.Err, cfg.URL); s != "The camera wants a username and password." {
		t.Fatalf("sentence %q (err %v)", s, st.Err)
	}
}

// TestQueryPasswordGoesOnlyWhereCredentialsGo: a camera that takes its
// password in the query (?user=admin&password=) gets it filled in from
// the keyring's password on its own host, and a guessed tunnel port does
// not find it in the request line.
func TestQueryPasswordGoesOnlyWhereCredentialsGo(t *testing.T) {
	cam := rtsptest.StartChallenger(t, "127.0.0.1:0", `Digest realm="cam", nonce="n1"`)
	failOf(t, Config{URL: "rtsp://" + cam.Addr + "/cam?user=admin&password=", Password: "s3cret", Transport: TransportTCP})
	if !strings.Contains(cam.Received(), "password=s3cret") {
		t.Fatalf("the camera's own host got no query password: %q", cam.Received())
	}

	guess := rtsptest.StartChallenger(t, "127.0.0.1:0", basicOnly)
	failOf(t, Config{
		URL:         fmt.Sprintf("rtsp://127.0.0.1:%d/cam?user=admin&password=s3cret", rtsptest.ClosedPort(t)),
		TunnelPorts: []int{guess.Port()},
		HTTPSPort:   rtsptest.ClosedPort(t),
		Timeout:     3 * time.Second,
	})
	if guess.Connections() == 0 {
		t.Fatal("the guessed port was never tried")
	}
	if strings.Contains(guess.Received(), "s3cret") {
		t.Fatalf("a guessed tunnel port got the query password: %q", guess.Received())
	}
}
