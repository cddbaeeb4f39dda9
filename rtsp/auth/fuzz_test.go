package auth

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/icholy/digest"
)

// lookalike replaces a credential with one of the same shape (empty or not,
// control character or not, colon or not), so that an error that differs
// between the two must have been built from the credential's content.
func lookalike(s string) string {
	if s == "" {
		return ""
	}
	r := "zz"
	if hasCTL(s) {
		r += "\x01"
	}
	if strings.Contains(s, ":") {
		r += ":"
	}
	return r
}

func FuzzNewSender(f *testing.F) {
	for _, seed := range [][2]string{
		{rfc7616MD5, rfc7616SHA256},
		{`Basic realm="ipcam"`, `Digest realm="ipcam", nonce="49a772c102662e1ed5c1002f9d6685cd", algorithm="MD5"`},
		{`Digest realm="IP Camera(AB705)", nonce="fcc86deace979a488b2bfb89f4d0812c", algorithm="SHA-256", stale="FALSE"`, ""},
		{`Digest realm="api@example.org", qop="auth", algorithm=SHA-512-256, nonce="5TsQ", opaque="HRPC", userhash=true`, "NTLM"},
		{`Digest realm="r", nonce="n", algorithm=MD5-sess`, `Digest realm="r", nonce="n", qop="auth-int"`},
		{`Negotiate abc==, Digest realm="r", nonce="n", NTLM, Basic realm="r"`, `Digest realm="a \"b\" \\", nonce="x,y"`},
	} {
		f.Add(seed[0], seed[1], "admin", "12345", "DESCRIBE", "rtsp://127.0.0.1:8554/stream?ch=1")
	}
	f.Add(`Basic realm="x"`, "", "do:main", "pa:ss", "OPTIONS", "*")
	f.Add(`Digest realm="x", nonce="n", qop="auth"`, "", "caf\xc3\xa9", "\x00", "PLAY", "rtsp://h/a")

	f.Fuzz(func(t *testing.T, h1, h2, user, pass, method, uri string) {
		values := []string{h1, h2}
		s, err := NewSender(values, user, pass)

		// Errors may not depend on what the credentials say, only on their
		// shape: then they cannot reveal them.
		_, altErr := NewSender(values, lookalike(user), lookalike(pass))
		if (err == nil) != (altErr == nil) {
			t.Fatalf("outcome depends on credential content: %v vs %v", err, altErr)
		}
		if err != nil {
			if err.Error() != altErr.Error() {
				t.Fatalf("error text depends on credential content: %q vs %q", err, altErr)
			}
			if !errors.Is(err, ErrNoUser) && !errors.Is(err, ErrBadCredentials) && !errors.Is(err, ErrNoUsableChallenge) {
				t.Fatalf("error %v wraps no sentinel", err)
			}
			return
		}

		if hasCTL(method) || hasCTL(uri) {
			return // documented as the caller's job
		}
		out := s.Authorization(method, uri)
		if hasCTL(out) {
			t.Fatalf("control character in %q", out)
		}
		switch s.Scheme() {
		case SchemeBasic:
			raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(out, "Basic "))
			if !strings.HasPrefix(out, "Basic ") || err != nil || string(raw) != user+":"+pass {
				t.Fatalf("bad Basic value %q", out)
			}
		case SchemeDigest:
			cred, err := digest.ParseCredentials(out)
			if err != nil {
				t.Fatalf("library cannot parse %q: %v", out, err)
			}
			// The library's reader replaces invalid UTF-8, so compare only
			// when everything is valid.
			if !utf8.ValidString(out) {
				return
			}
			wantUser := user
			if s.chal.Userhash {
				wantUser = cred.Username // a hash: checked by TestSHA512256WithUserhash
			}
			if cred.Username != wantUser || cred.Realm != s.chal.Realm || cred.Nonce != s.chal.Nonce ||
				cred.URI != uri || cred.Opaque != s.chal.Opaque || cred.Response == "" {
				t.Fatalf("parsed back %+v from %q", cred, out)
			}
			if len(s.chal.QOP) > 0 && (cred.QOP != "auth" || cred.Nc != 1 || cred.Cnonce == "") {
				t.Fatalf("qop fields wrong in %q", out)
			}
		default:
			t.Fatalf("scheme %q", s.Scheme())
		}
	})
}
