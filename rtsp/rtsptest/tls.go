package rtsptest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/peer"
)

// Cert is a self-signed certificate for loopback TLS peers.
type Cert struct {
	TLS  tls.Certificate
	Leaf *x509.Certificate
	Pool *x509.CertPool // trusts exactly this certificate
	// PEMFile holds the certificate and its key, for gst-rtsp-server and
	// stunnel.
	PEMFile string
	// CertFile and KeyFile hold them apart (GstOptions.TLSCert, TLSKey).
	CertFile, KeyFile string
}

// NewCert makes a self-signed ECDSA certificate valid for hosts (IP
// addresses or DNS names), with the subject a camera vendor would use.
func NewCert(t testing.TB, hosts ...string) *Cert {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: hosts[0], Organization: []string{"IPCAM Vendor"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	c := &Cert{TLS: pair, Leaf: leaf, Pool: x509.NewCertPool(),
		PEMFile:  filepath.Join(dir, "cert+key.pem"),
		CertFile: filepath.Join(dir, "cert.pem"),
		KeyFile:  filepath.Join(dir, "key.pem"),
	}
	c.Pool.AddCert(leaf)
	for path, data := range map[string][]byte{
		c.PEMFile:  append(append([]byte(nil), certPEM...), keyPEM...),
		c.CertFile: certPEM,
		c.KeyFile:  keyPEM,
	} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// ServerConfig is a tls.Config serving c.
func (c *Cert) ServerConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{c.TLS}, MinVersion: tls.VersionTLS12}
}

// ClientConfig is a tls.Config that trusts only c.
func (c *Cert) ClientConfig() *tls.Config {
	return &tls.Config{RootCAs: c.Pool, MinVersion: tls.VersionTLS12}
}

// StartStunnel runs stunnel4 as a TLS front for the plain TCP service at
// connect (host:port) and returns the TLS address it accepts on.
func StartStunnel(t testing.TB, cert *Cert, connect string) string {
	t.Helper()
	bin, err := exec.LookPath("stunnel")
	if err != nil {
		// Debian names the binary stunnel4 and links stunnel to it.
		bin = peer.Command(t, "stunnel4")
	}
	var lastOut string
	for attempt := 0; attempt < 5; attempt++ {
		port := FreePort(t)
		dir := t.TempDir()
		conf := filepath.Join(dir, "stunnel.conf")
		cfg := fmt.Sprintf("foreground = yes\npid =\ndebug = 5\n[rtsp]\naccept = 127.0.0.1:%d\nconnect = %s\ncert = %s\n", port, connect, cert.PEMFile)
		if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, conf)
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		lines := make(chan string, 64)
		go func() {
			sc := bufio.NewScanner(stderr)
			for sc.Scan() {
				select {
				case lines <- sc.Text():
				default:
				}
			}
		}()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case l := <-lines:
				lastOut = l
				if strings.Contains(l, "Configuration successful") {
					// stunnel binds right after; wait until it accepts.
					for i := 0; i < 50; i++ {
						if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
							c.Close()
							return fmt.Sprintf("127.0.0.1:%d", port)
						}
						time.Sleep(20 * time.Millisecond)
					}
				}
				if strings.Contains(l, "Address already in use") {
					goto retry
				}
			case <-deadline:
				t.Fatalf("stunnel did not start: %s", lastOut)
			}
		}
	retry:
		_ = cmd.Process.Kill()
	}
	t.Fatalf("stunnel did not start: %s", lastOut)
	return ""
}
