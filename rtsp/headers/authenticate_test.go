package headers

import (
	"errors"
	"reflect"
	"testing"
)

var authenticateCases = []unmarshalCase[Authenticate]{
	{
		name: "hikvision-style digest",
		in:   `Digest realm="IP Camera(C2358)", nonce="a8d4b0e6b2b7ee2c7c9e5d0ab8c3e4f1", stale="FALSE"`,
		want: Authenticate{Scheme: "Digest", Realm: "IP Camera(C2358)", Nonce: "a8d4b0e6b2b7ee2c7c9e5d0ab8c3e4f1"},
		out:  `Digest realm="IP Camera(C2358)", nonce="a8d4b0e6b2b7ee2c7c9e5d0ab8c3e4f1"`,
	},
	{
		name: "hikvision-style basic",
		in:   `Basic realm="IP Camera(C2358)"`,
		want: Authenticate{Scheme: "Basic", Realm: "IP Camera(C2358)"},
		out:  `Basic realm="IP Camera(C2358)"`,
	},
	{
		name: "camera sha-256 with quoted algorithm (gortsplib sample)",
		in:   `Digest realm="IP Camera(AB705)", nonce="fcc86deace979a488b2bfb89f4d0812c", algorithm="SHA-256", stale="FALSE"`,
		want: Authenticate{Scheme: "Digest", Realm: "IP Camera(AB705)", Nonce: "fcc86deace979a488b2bfb89f4d0812c", Algorithm: "SHA-256"},
		out:  `Digest realm="IP Camera(AB705)", nonce="fcc86deace979a488b2bfb89f4d0812c", algorithm=SHA-256`,
	},
	{
		name: "dahua-style digest",
		in:   `Digest realm="Login to 4M0123PAZ0000", nonce="1580462405"`,
		want: Authenticate{Scheme: "Digest", Realm: "Login to 4M0123PAZ0000", Nonce: "1580462405"},
		out:  `Digest realm="Login to 4M0123PAZ0000", nonce="1580462405"`,
	},
	{
		name: "axis-style realm, unquoted stale",
		in:   `Digest realm="AXIS_ACCC8E000000", nonce="0024e47aY398109708de9ccd8056c58a068a59540a99d3", stale=FALSE`,
		want: Authenticate{Scheme: "Digest", Realm: "AXIS_ACCC8E000000", Nonce: "0024e47aY398109708de9ccd8056c58a068a59540a99d3"},
		out:  `Digest realm="AXIS_ACCC8E000000", nonce="0024e47aY398109708de9ccd8056c58a068a59540a99d3"`,
	},
	{
		name: "live555-style",
		in:   `Digest realm="LIVE555 Streaming Media", nonce="a3ae8c7b5e3bd1a5f5c23f2a3c6c3d1f"`,
		want: Authenticate{Scheme: "Digest", Realm: "LIVE555 Streaming Media", Nonce: "a3ae8c7b5e3bd1a5f5c23f2a3c6c3d1f"},
		out:  `Digest realm="LIVE555 Streaming Media", nonce="a3ae8c7b5e3bd1a5f5c23f2a3c6c3d1f"`,
	},
	{
		name: "gortsplib / mediamtx md5",
		in:   `Digest realm="ipcam", nonce="4e5d3c2b1a09f8e7d6c5b4a392817161", algorithm="MD5"`,
		want: Authenticate{Scheme: "Digest", Realm: "ipcam", Nonce: "4e5d3c2b1a09f8e7d6c5b4a392817161", Algorithm: "MD5"},
		out:  `Digest realm="ipcam", nonce="4e5d3c2b1a09f8e7d6c5b4a392817161", algorithm=MD5`,
	},
	{
		name: "after failed auth: no spaces, empty opaque, stale true",
		in:   `Digest realm="4419b63f5e51",nonce="752a62306daf32b401a41004555c7663",opaque="",stale=TRUE`,
		want: Authenticate{Scheme: "Digest", Realm: "4419b63f5e51", Nonce: "752a62306daf32b401a41004555c7663", Stale: true},
		out:  `Digest realm="4419b63f5e51", nonce="752a62306daf32b401a41004555c7663", stale=true`,
	},
	{
		name: "rfc 7616 section 3.9.1",
		in: `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, ` +
			`nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`,
		want: Authenticate{
			Scheme: "Digest", Realm: "http-auth@example.org", QOP: []string{"auth", "auth-int"}, Algorithm: "SHA-256",
			Nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", Opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
		},
		out: `Digest realm="http-auth@example.org", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", ` +
			`opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", algorithm=SHA-256, qop="auth,auth-int"`,
	},
	{
		name: "rfc 2617 section 3.5",
		in: `Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ` +
			`opaque="5ccc069c403ebaf9f0171e9517f40e41"`,
		want: Authenticate{
			Scheme: "Digest", Realm: "testrealm@host.com", QOP: []string{"auth", "auth-int"},
			Nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", Opaque: "5ccc069c403ebaf9f0171e9517f40e41",
		},
		out: `Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ` +
			`opaque="5ccc069c403ebaf9f0171e9517f40e41", qop="auth,auth-int"`,
	},
	{
		name: "unquoted base64 nonce, lower-case scheme, upper-case keys, spaces around =",
		in:   "digest REALM = cam ,\tNonce=ab/cd+ef==, QOP=auth, Algorithm = md5",
		want: Authenticate{Scheme: "Digest", Realm: "cam", Nonce: "ab/cd+ef==", QOP: []string{"auth"}, Algorithm: "md5"},
		out:  `Digest realm="cam", nonce="ab/cd+ef==", algorithm=md5, qop="auth"`,
	},
	{
		name: "escapes and commas inside quotes",
		in:   `Digest realm="a \"quoted\", realm\\", nonce="n,1", opaque="x\y"`,
		want: Authenticate{Scheme: "Digest", Realm: `a "quoted", realm\`, Nonce: "n,1", Opaque: "xy"},
		out:  `Digest realm="a \"quoted\", realm\\", nonce="n,1", opaque="xy"`,
	},
	{
		name: "unknown params ignored, duplicate keeps first, userhash",
		in:   `Digest realm="r", domain="/a /b", nonce="n1", charset=UTF-8, nonce="n2", userhash=true, x-vendor="1"`,
		want: Authenticate{Scheme: "Digest", Realm: "r", Nonce: "n1", Userhash: true},
		out:  `Digest realm="r", nonce="n1", userhash=true`,
	},
	{
		name: "first of two challenges on one line",
		in:   `Basic realm="cam", Digest realm="cam", nonce="abc"`,
		want: Authenticate{Scheme: "Basic", Realm: "cam"},
		out:  `Basic realm="cam"`,
	},
	{
		name: "basic ignores digest-only params, no realm",
		in:   `BASIC nonce="x"`,
		want: Authenticate{Scheme: "Basic"},
		out:  `Basic realm=""`,
	},
	{
		name: "digest missing comma between params",
		in:   `Digest realm="r" nonce="n"`,
		want: Authenticate{Scheme: "Digest", Realm: "r", Nonce: "n"},
		out:  `Digest realm="r", nonce="n"`,
	},
	{
		name: "digest with empty unquoted realm",
		in:   `Digest realm=, nonce="n"`,
		want: Authenticate{Scheme: "Digest", Nonce: "n"},
		out:  `Digest realm="", nonce="n"`,
	},
}

func TestAuthenticateUnmarshal(t *testing.T) { testUnmarshal(t, authenticateCases) }

func TestAuthenticateUnmarshalErrors(t *testing.T) {
	testRejects[Authenticate](t, []string{
		"",
		"  , ",
		`NTLM`,
		`Negotiate abc==`,
		`Bearer realm="x"`,
		`Digest realm="x"`,                     // no nonce
		`Digest realm="x", nonce="abc`,         // unterminated
		`Digest realm="x\`,                     // unterminated after escape
		"Digest realm=\"a\x01b\", nonce=\"n\"", // control character
		"Digest realm=a\x7fb, nonce=\"n\"",     // control character, unquoted
		`Digest realm=a"b, nonce="n"`,          // stray quote
		`realm="x", nonce="y"`,                 // no scheme
		`"Digest" realm="x"`,                   // not a token
	})
}

func TestParseAuthenticates(t *testing.T) {
	cases := []struct {
		name   string
		values []string
		want   []Authenticate
	}{
		{
			name: "one per line, several lines (gortsplib server, axis)",
			values: []string{
				`Basic realm="ipcam"`,
				`Digest realm="ipcam", nonce="n1", algorithm="MD5"`,
				`Digest realm="ipcam", nonce="n1", algorithm="SHA-256"`,
			},
			want: []Authenticate{
				{Scheme: "Basic", Realm: "ipcam"},
				{Scheme: "Digest", Realm: "ipcam", Nonce: "n1", Algorithm: "MD5"},
				{Scheme: "Digest", Realm: "ipcam", Nonce: "n1", Algorithm: "SHA-256"},
			},
		},
		{
			name:   "several on one line, unknown schemes skipped",
			values: []string{`Negotiate abc==, Digest realm="r", nonce="n", NTLM, Basic realm="r"`},
			want: []Authenticate{
				{Scheme: "Digest", Realm: "r", Nonce: "n"},
				{Scheme: "Basic", Realm: "r"},
			},
		},
		{
			name:   "broken line and broken challenge skipped",
			values: []string{`Digest realm="r"`, `Digest realm="unterminated`, `Basic realm="ok"`},
			want:   []Authenticate{{Scheme: "Basic", Realm: "ok"}},
		},
		{
			name:   "good challenge before a syntax error on the same line is kept",
			values: []string{`Basic realm="r", Digest realm="x`},
			want:   []Authenticate{{Scheme: "Basic", Realm: "r"}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseAuthenticates(c.values)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestParseAuthenticatesNone(t *testing.T) {
	for _, values := range [][]string{
		nil,
		{""},
		{"NTLM", `Bearer realm="x"`},
		{`Digest realm="no nonce"`},
	} {
		got, err := ParseAuthenticates(values)
		if !errors.Is(err, ErrNoChallenge) {
			t.Errorf("ParseAuthenticates(%q) = %+v, %v; want ErrNoChallenge", values, got, err)
		}
	}
}

func TestQuoteString(t *testing.T) {
	for in, want := range map[string]string{
		"":              `""`,
		`a"b\c`:         `"a\"b\\c"`,
		"caf\xc3\xa9 x": "\"caf\xc3\xa9 x\"",
	} {
		if got := QuoteString(in); got != want {
			t.Errorf("QuoteString(%q) = %s, want %s", in, got, want)
		}
	}
}

func FuzzAuthenticate(f *testing.F) {
	for _, c := range authenticateCases {
		f.Add(c.in)
	}
	f.Add(`Negotiate abc==, Digest realm="r", nonce="n", NTLM, Basic realm="r"`)
	f.Fuzz(func(t *testing.T, v string) {
		// ParseAuthenticates shares the tokenizer; it must not panic either.
		if got, err := ParseAuthenticates([]string{v}); err == nil && len(got) == 0 {
			t.Fatalf("ParseAuthenticates(%q): no error and no challenge", v)
		}
		if _, m, ok := fuzzRoundTrip[Authenticate](t, v); ok && hasCTL(m) {
			t.Fatalf("Marshal of %q has a control character: %q", v, m)
		}
	})
}
