package player

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/rtspview/rtspview/rtsp"
)

// Trust on first use: cameras almost always present a self-signed
// certificate that no system root vouches for. Instead of trusting it
// silently (what --insecure does) the UI shows its SHA-256 fingerprint,
// asks once, and from then on accepts exactly that certificate for that
// address — the model SSH uses for host keys.

// ErrCertificateChanged means the server presented a certificate other than
// the one pinned with PinnedTLSConfig: the camera was reset or replaced, or
// someone is in the middle. A person has to decide which.
var ErrCertificateChanged = errors.New("certificate differs from the one trusted before")

// UntrustedCertificate digs the server's leaf certificate out of a failed
// TLS verification, so the user can be shown what they are asked to trust.
// It reports false when err is not a certificate verification failure.
func UntrustedCertificate(err error) (*x509.Certificate, bool) {
	var verr *tls.CertificateVerificationError
	if errors.As(err, &verr) && len(verr.UnverifiedCertificates) > 0 && verr.UnverifiedCertificates[0] != nil {
		return verr.UnverifiedCertificates[0], true
	}
	var unknown x509.UnknownAuthorityError
	if errors.As(err, &unknown) && unknown.Cert != nil {
		return unknown.Cert, true
	}
	var host x509.HostnameError
	if errors.As(err, &host) && host.Certificate != nil {
		return host.Certificate, true
	}
	return nil, false
}

// Fingerprint is the SHA-256 of the certificate's DER encoding as upper-case
// hex pairs joined by colons ("AB:CD:…"), the form browsers and camera web
// pages show, so a person can compare the two by eye.
func Fingerprint(cert *x509.Certificate) string {
	return formatFingerprint(sha256.Sum256(cert.Raw))
}

func formatFingerprint(sum [sha256.Size]byte) string {
	const hexdig = "0123456789ABCDEF"
	b := make([]byte, 0, len(sum)*3-1)
	for i, c := range sum {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hexdig[c>>4], hexdig[c&0x0f])
	}
	return string(b)
}

// parseFingerprint accepts a fingerprint with or without colons or spaces,
// in either case.
func parseFingerprint(fp string) ([sha256.Size]byte, bool) {
	var sum [sha256.Size]byte
	clean := strings.NewReplacer(":", "", " ", "", "\n", "").Replace(fp)
	raw, err := hex.DecodeString(clean)
	if err != nil || len(raw) != sha256.Size {
		return sum, false
	}
	copy(sum[:], raw)
	return sum, true
}

// PinnedTLSConfig returns a TLS configuration that accepts exactly the
// certificate whose SHA-256 fingerprint is fingerprint, whoever signed it
// and whatever names it carries (a camera's self-signed certificate rarely
// names the address it is reached at). Any other certificate fails the
// handshake with a *tls.CertificateVerificationError wrapping
// ErrCertificateChanged, which classifies as KindTLS and still carries the
// new certificate for UntrustedCertificate. A fingerprint that does not
// parse matches nothing.
func PinnedTLSConfig(serverName, fingerprint string) *tls.Config {
	want, valid := parseFingerprint(fingerprint)
	return &tls.Config{
		ServerName: serverName,
		MinVersion: tls.VersionTLS12,
		// Chain and name checks are replaced by the fingerprint comparison
		// below, which VerifyConnection runs on every handshake, resumed
		// ones included (VerifyPeerCertificate is skipped on resumption).
		InsecureSkipVerify: true, //nolint:gosec // verified by fingerprint in VerifyConnection
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return &tls.CertificateVerificationError{Err: fmt.Errorf("server sent no certificate: %w", ErrCertificateChanged)}
			}
			leaf := cs.PeerCertificates[0]
			got := sha256.Sum256(leaf.Raw)
			if valid && got == want {
				return nil
			}
			return &tls.CertificateVerificationError{
				UnverifiedCertificates: cs.PeerCertificates,
				Err:                    fmt.Errorf("fingerprint %s: %w", formatFingerprint(got), ErrCertificateChanged),
			}
		},
	}
}

// CertificateAddress is the host:port whose TLS handshake failed in err
// (the address as dialed: rtsps' port, or the HTTPS tunnel's), the key a
// decision about its certificate is remembered under; "" when err is not a
// TLS failure.
func CertificateAddress(err error) string {
	var te *rtsp.TLSError
	if errors.As(err, &te) {
		return te.Addr
	}
	return ""
}
