package ui

import (
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/player"
)

// Trust on first use (see player/trust.go): a certificate the user accepted
// is remembered in the app's preferences as "trust.<host:port>" →
// fingerprint, and pinned whenever that address is dialed again.

// trustPrefix starts the preference key of a trusted fingerprint.
const trustPrefix = "trust."

// Dialog words, shared with the tests.
const (
	trustTitle        = "Check this camera's certificate"
	trustChangedTitle = "This camera's certificate has changed"
	trustConfirm      = "Trust this camera"
	trustCancel       = "Cancel"
)

func trustKey(addr string) string { return trustPrefix + addr }

// prefs is the app's preferences, nil when there is no app (never in the
// window; guarded so a missing app cannot panic).
func prefs() fyne.Preferences {
	if a := fyne.CurrentApp(); a != nil {
		return a.Preferences()
	}
	return nil
}

// trustedFingerprint returns the fingerprint trusted for addr, or "".
func trustedFingerprint(addr string) string {
	p := prefs()
	if p == nil || addr == "" {
		return ""
	}
	return p.String(trustKey(addr))
}

// rememberFingerprint stores the user's decision for addr.
func rememberFingerprint(addr, fp string) {
	if p := prefs(); p != nil && addr != "" {
		p.SetString(trustKey(addr), fp)
	}
}

// pinnedTLS returns the pinned configuration for the TLS address addr (as
// the stream dials it) when the user trusted a certificate there, else nil:
// system roots, or --insecure, which asked not to check at all. A pinned
// certificate is checked under --insecure too: the flag is for cameras
// nobody has vouched for, and must not let a pinned camera's certificate
// change silently (a camera replaced, or someone in between).
func (v *Viewer) pinnedTLS(addr string) *tls.Config {
	fp := trustedFingerprint(addr)
	if fp == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil
	}
	return player.PinnedTLSConfig(host, fp)
}

// askTrust shows the certificate the camera presented and lets the user
// trust it. changed says a different certificate was trusted before: that
// is worth a warning, because it is also what an interception looks like.
func (v *Viewer) askTrust(ts *tileState, addr string, cert *x509.Certificate, changed bool) {
	v.mu.Lock()
	url, user, pass, tr, tunnelPort := ts.url, ts.user, ts.pass, ts.transport, ts.tunnelPort
	v.mu.Unlock()
	if addr == "" {
		return
	}
	fp := player.Fingerprint(cert)
	title := trustTitle
	if changed {
		title = trustChangedTitle
	}
	d := dialog.NewCustomConfirm(title, trustConfirm, trustCancel, trustContent(addr, cert, fp, changed, time.Now()), func(ok bool) {
		if !ok {
			return // the tile stays failed; Play asks again
		}
		rememberFingerprint(addr, fp)
		v.mu.Lock()
		for i, t := range v.tiles {
			if t == ts {
				v.selected = i
			}
		}
		v.mu.Unlock()
		v.openWith(url, user, pass, false, tr, tunnelPort)
	}, v.win)
	if changed {
		d.SetConfirmImportance(widget.DangerImportance)
	}
	d.Resize(fyne.NewSize(600, 0))
	d.Show()
}

// trustContent is the body of the dialog: where, the fingerprint to compare,
// and who the certificate says it is. Only host:port is named, never the
// URL, so no credentials can show.
func trustContent(addr string, cert *x509.Certificate, fp string, changed bool, now time.Time) fyne.CanvasObject {
	var rows []fyne.CanvasObject
	if changed {
		warn := widget.NewLabel("The certificate has CHANGED since you trusted this camera. " +
			"The camera may have been reset or replaced, or someone may be intercepting the connection. " +
			"Trust the new certificate only if you know why it changed.")
		warn.Importance = widget.DangerImportance
		warn.TextStyle.Bold = true
		warn.Wrapping = fyne.TextWrapWord
		rows = append(rows, warn)
	}
	intro := widget.NewLabel(fmt.Sprintf("The camera at %s presented a certificate that this computer cannot verify. "+
		"Compare its fingerprint with the one shown in the camera's settings before you trust it.", addr))
	intro.Wrapping = fyne.TextWrapWord
	rows = append(rows, intro, widget.NewLabelWithStyle("SHA-256 fingerprint", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))

	fpLabel := widget.NewLabelWithStyle(fingerprintLines(fp), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	fpLabel.Selectable = true
	// Two fixed lines of 16 pairs read best; a narrow window may still
	// break them further rather than cut them off.
	fpLabel.Wrapping = fyne.TextWrapBreak
	rows = append(rows, fpLabel)

	issuer := certName(cert.Issuer)
	if cert.CheckSignatureFrom(cert) == nil && cert.Issuer.String() == cert.Subject.String() {
		issuer = "itself (self-signed)"
	}
	form := widget.NewForm(
		widget.NewFormItem("Issued to", wrapped(certName(cert.Subject))),
		widget.NewFormItem("Issued by", wrapped(issuer)),
		widget.NewFormItem("Valid", wrapped(validity(cert, now))),
	)
	if names := certNames(cert); names != "" {
		form.Append("Names", wrapped(names))
	}
	rows = append(rows, form)
	return container.NewVBox(rows...)
}

func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// fingerprintLines splits the 32 pairs into two lines of 16.
func fingerprintLines(fp string) string {
	const half = 16*3 - 1
	if len(fp) == 32*3-1 {
		return fp[:half] + "\n" + fp[half+1:]
	}
	return fp
}

// certName is "CN (O)", the parts a person recognises, or the whole
// distinguished name when it has neither.
func certName(n pkix.Name) string {
	org := strings.Join(n.Organization, ", ")
	switch {
	case n.CommonName != "" && org != "":
		return fmt.Sprintf("%s (%s)", n.CommonName, org)
	case n.CommonName != "":
		return n.CommonName
	case org != "":
		return org
	case n.String() != "":
		return n.String()
	}
	return "(no name)"
}

// validity is "2025-01-02 to 2026-01-02", with a note when now is outside.
func validity(cert *x509.Certificate, now time.Time) string {
	const day = "2006-01-02"
	s := cert.NotBefore.UTC().Format(day) + " to " + cert.NotAfter.UTC().Format(day)
	switch {
	case now.After(cert.NotAfter):
		s += " (expired)"
	case now.Before(cert.NotBefore):
		s += " (not yet valid)"
	}
	return s
}

// certNames lists the DNS names and addresses the certificate is for; a
// mismatch with the address dialed is a common reason for the question.
func certNames(cert *x509.Certificate) string {
	var names []string
	names = append(names, cert.DNSNames...)
	for _, ip := range cert.IPAddresses {
		names = append(names, ip.String())
	}
	return strings.Join(names, ", ")
}
