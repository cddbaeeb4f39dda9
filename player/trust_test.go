package player

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// selfSigned makes a camera-style self-signed certificate for the given
// names (IP addresses or DNS names) and the server config that presents it.
func selfSigned(t testing.TB, names ...string) (*x509.Certificate, *tls.Config) {
	t.Helper()
	c := rtsptest.NewCert(t, names...)
	return c.Leaf, c.ServerConfig()
}

func TestFingerprintFormat(t *testing.T) {
	cert, _ := selfSigned(t, "127.0.0.1")
	fp := Fingerprint(cert)
	sum := sha256.Sum256(cert.Raw)
	// The same bytes spelled independently of formatFingerprint.
	var parts []string
	for _, b := range sum {
		parts = append(parts, fmt.Sprintf("%02X", b))
	}
	if want := strings.Join(parts, ":"); fp != want {
		t.Fatalf("Fingerprint = %q, want %q", fp, want)
	}
	if len(fp) != 32*3-1 || strings.ToUpper(fp) != fp {
		t.Fatalf("fingerprint %q is not 32 upper-case pairs", fp)
	}
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{fp, true},
		{strings.ToLower(fp), true},
		{strings.ReplaceAll(fp, ":", ""), true},
		{strings.ReplaceAll(fp, ":", " "), true},
		{fp[:len(fp)-3], false}, // 31 bytes
		{"ZZ" + fp[2:], false},
		{"", false},
	} {
		got, ok := parseFingerprint(tc.in)
		if ok != tc.ok || (ok && got != sum) {
			t.Errorf("parseFingerprint(%q) = %v, %v", tc.in, ok, got == sum)
		}
	}
}

func TestUntrustedCertificateDigsOutTheLeaf(t *testing.T) {
	cert, _ := selfSigned(t, "camera.example")
	other, _ := selfSigned(t, "other.example")
	for _, tc := range []struct {
		name string
		err  error
		want *x509.Certificate
	}{
		{"verification error", fmt.Errorf("dial: %w", &tls.CertificateVerificationError{UnverifiedCertificates: []*x509.Certificate{cert, other}, Err: x509.UnknownAuthorityError{Cert: other}}), cert},
		{"unknown authority", fmt.Errorf("x: %w", x509.UnknownAuthorityError{Cert: cert}), cert},
		{"hostname", x509.HostnameError{Certificate: cert, Host: "127.0.0.1"}, cert},
		{"empty verification error", &tls.CertificateVerificationError{Err: errors.New("no certs")}, nil},
		{"not tls", errors.New("connection refused"), nil},
		{"nil", nil, nil},
	} {
		got, ok := UntrustedCertificate(tc.err)
		if ok != (tc.want != nil) || got != tc.want {
			t.Errorf("%s: got %v, %v", tc.name, got != nil, ok)
		}
	}
}

func TestPinnedTLSConfigChecksOnlyTheFingerprint(t *testing.T) {
	cert, _ := selfSigned(t, "camera.example")
	other, _ := selfSigned(t, "camera.example")
	cfg := PinnedTLSConfig("127.0.0.1", Fingerprint(cert))
	if cfg.ServerName != "127.0.0.1" || cfg.MinVersion != tls.VersionTLS12 {
		t.Fatalf("ServerName %q MinVersion %x", cfg.ServerName, cfg.MinVersion)
	}
	if err := cfg.VerifyConnection(tls.ConnectionState{PeerCertificates: []*x509.Certificate{cert}}); err != nil {
		t.Fatalf("pinned certificate refused: %v", err)
	}
	err := cfg.VerifyConnection(tls.ConnectionState{PeerCertificates: []*x509.Certificate{other}})
	if !errors.Is(err, ErrCertificateChanged) {
		t.Fatalf("other certificate: %v", err)
	}
	if got, ok := UntrustedCertificate(err); !ok || got != other {
		t.Fatal("the mismatch does not carry the new certificate")
	}
	if err := cfg.VerifyConnection(tls.ConnectionState{}); !errors.Is(err, ErrCertificateChanged) {
		t.Fatalf("no certificate: %v", err)
	}
	bad := PinnedTLSConfig("", "not a fingerprint")
	if err := bad.VerifyConnection(tls.ConnectionState{PeerCertificates: []*x509.Certificate{cert}}); err == nil {
		t.Fatal("a malformed pin accepted a certificate")
	}
}

// TestTrustOnFirstUse plays a real RTSPS server (the demo server, gortsplib)
// that presents a self-signed certificate: refused by default with the
// certificate in hand, played once pinned, refused under another pin.
func TestTrustOnFirstUse(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	cert, srvTLS := selfSigned(t, "127.0.0.1")
	srv := rtsptest.StartDemo(t, demo.Config{TLSConfig: srvTLS})
	if !strings.HasPrefix(srv.URL(), "rtsps://") {
		t.Fatalf("demo URL %q", srv.URL())
	}
	fp := Fingerprint(cert)
	u, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	var refusedAt string // the address the refusal names, where the pin goes

	t.Run("default refuses", func(t *testing.T) {
		_, st, _ := playFrames(t, Config{URL: srv.URL(), Transport: TransportTCP, Timeout: 5 * time.Second}, 1, 20*time.Second)
		if st.State != StateFailed || st.Kind != KindTLS {
			t.Fatalf("status %+v", st)
		}
		got, ok := UntrustedCertificate(st.Err)
		if !ok {
			t.Fatalf("no certificate in %v", st.Err)
		}
		if Fingerprint(got) != fp {
			t.Fatalf("fingerprint %s, served %s", Fingerprint(got), fp)
		}
		if errors.Is(st.Err, ErrCertificateChanged) {
			t.Fatal("a first refusal claims the certificate changed")
		}
		if refusedAt = CertificateAddress(st.Err); refusedAt != u.Host {
			t.Fatalf("refusal names %q, the server is at %q", refusedAt, u.Host)
		}
	})
	for _, tr := range []Transport{TransportTCP, TransportAuto, TransportHTTPS} {
		t.Run("pinned plays over "+tr.String(), func(t *testing.T) {
			// The pin is looked up by the address each dial really uses,
			// as the window's trust store does: rtsps, Auto and the HTTPS
			// tunnel all reach this server at refusedAt.
			cfg := Config{URL: srv.URL(), Transport: tr, TLSFor: func(addr string) *tls.Config {
				if addr != refusedAt {
					return nil
				}
				return PinnedTLSConfig("", fp)
			}}
			stats, st, img := playFrames(t, cfg, 10, 20*time.Second)
			if st.State != StatePlaying {
				t.Fatalf("status %+v", st)
			}
			if !stats.TLS {
				t.Fatal("stats say no TLS")
			}
			checkPicture(t, img, 1280, 720)
		})
	}
	t.Run("other pin refuses", func(t *testing.T) {
		other, _ := selfSigned(t, "127.0.0.1")
		cfg := Config{URL: srv.URL(), Transport: TransportTCP, TLSConfig: PinnedTLSConfig("127.0.0.1", Fingerprint(other))}
		_, st, _ := playFrames(t, cfg, 1, 20*time.Second)
		if st.State != StateFailed || st.Kind != KindTLS {
			t.Fatalf("status %+v", st)
		}
		if !errors.Is(st.Err, ErrCertificateChanged) {
			t.Fatalf("not reported as a changed certificate: %v", st.Err)
		}
		if got, ok := UntrustedCertificate(st.Err); !ok || Fingerprint(got) != fp {
			t.Fatalf("mismatch does not carry the served certificate: %v", st.Err)
		}
	})
}

// TestTrustHostnameMismatch: a certificate for camera.example reached at
// 127.0.0.1 fails the name check even when its issuer is trusted, and a pin
// accepts it (a camera's certificate seldom names the address it is
// reached at).
func TestTrustHostnameMismatch(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	cert, srvTLS := selfSigned(t, "camera.example")
	srv := rtsptest.StartDemo(t, demo.Config{TLSConfig: srvTLS})
	roots := x509.NewCertPool()
	roots.AddCert(cert)

	_, st, _ := playFrames(t, Config{URL: srv.URL(), Transport: TransportTCP, TLSConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}, 1, 20*time.Second)
	if st.State != StateFailed || st.Kind != KindTLS {
		t.Fatalf("status %+v", st)
	}
	var hostErr x509.HostnameError
	if !errors.As(st.Err, &hostErr) {
		t.Fatalf("not a hostname error: %v", st.Err)
	}
	if got, ok := UntrustedCertificate(st.Err); !ok || Fingerprint(got) != Fingerprint(cert) {
		t.Fatalf("certificate not found in %v", st.Err)
	}
	if s := Sentence(st.Err, srv.URL()); !strings.Contains(s, "certificate") {
		t.Fatalf("sentence %q", s)
	}

	_, st, img := playFrames(t, Config{URL: srv.URL(), Transport: TransportTCP, TLSConfig: PinnedTLSConfig("127.0.0.1", Fingerprint(cert))}, 5, 20*time.Second)
	if st.State != StatePlaying {
		t.Fatalf("pinned: status %+v", st)
	}
	checkPicture(t, img, 1280, 720)
}
