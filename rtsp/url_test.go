package rtsp

import (
	"errors"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in       string
		hostPort string
		user     string
		pass     string
		path     string
		query    string
		redacted string
	}{
		{"rtsp://cam/stream", "cam:554", "", "", "/stream", "", "rtsp://cam/stream"},
		{"rtsps://cam/stream", "cam:322", "", "", "/stream", "", "rtsps://cam/stream"},
		{"rtsp://admin:secret@10.0.0.5:8554/live/ch1?subtype=0&channel=1", "10.0.0.5:8554", "admin", "secret", "/live/ch1", "subtype=0&channel=1", "rtsp://admin@10.0.0.5:8554/live/ch1?subtype=0&channel=1"},
		{"rtsp://[::1]:8554/s", "[::1]:8554", "", "", "/s", "", "rtsp://[::1]:8554/s"},
		{"rtsp://[fe80::1]/s", "[fe80::1]:554", "", "", "/s", "", "rtsp://[fe80::1]/s"},
		{"rtsp://admin:p@ss#w?rd@cam/s", "cam:554", "admin", "p@ss#w?rd", "/s", "", "rtsp://admin@cam/s"},
		{"rtsp://admin:p%40ss@cam/s", "cam:554", "admin", "p@ss", "/s", "", "rtsp://admin@cam/s"},
		{"rtsp://admin:50%off@cam/s", "cam:554", "admin", "50%off", "/s", "", "rtsp://admin@cam/s"},
		{"RTSP://Cam:554", "Cam:554", "", "", "", "", "rtsp://Cam:554"},
		{"  rtsp://cam/s  ", "cam:554", "", "", "/s", "", "rtsp://cam/s"},
		// A password in the query stays on the wire and is masked wherever
		// the address is shown or written.
		{"rtsp://cam/cam/realmonitor?channel=1&user=admin&password=s3cret", "cam:554", "", "", "/cam/realmonitor", "channel=1&user=admin&password=s3cret", "rtsp://cam/cam/realmonitor?channel=1&user=admin&password=xxxxx"},
		{"rtsp://cam/videoMain?usr=admin&PWD=s3cret&x", "cam:554", "", "", "/videoMain", "usr=admin&PWD=s3cret&x", "rtsp://cam/videoMain?usr=admin&PWD=xxxxx&x"},
		{"rtsp://cam/s?pass=s3cret&passwd=s3cret2", "cam:554", "", "", "/s", "pass=s3cret&passwd=s3cret2", "rtsp://cam/s?pass=xxxxx&passwd=xxxxx"},
		{"rtsp://cam/s?passport=1", "cam:554", "", "", "/s", "passport=1", "rtsp://cam/s?passport=1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			u, err := ParseURL(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := HostPort(u); got != tt.hostPort {
				t.Errorf("HostPort = %q, want %q", got, tt.hostPort)
			}
			var user, pass string
			if u.User != nil {
				user = u.User.Username()
				pass, _ = u.User.Password()
			}
			if user != tt.user || pass != tt.pass {
				t.Errorf("user %q pass %q", user, pass)
			}
			if u.Path != tt.path || u.RawQuery != tt.query {
				t.Errorf("path %q query %q", u.Path, u.RawQuery)
			}
			if got := Redact(u); got != tt.redacted {
				t.Errorf("Redact = %q, want %q", got, tt.redacted)
			}
			if tt.pass != "" && strings.Contains(Redact(u), tt.pass) {
				t.Errorf("password leaked: %q", Redact(u))
			}
		})
	}
}

func TestParseURLErrors(t *testing.T) {
	for _, in := range []string{"", "http://cam/s", "cam/s", "rtsp://", "rtsp://:554/s", "rtsp://cam:99999/s", "rtsp://cam:abc/s", "rtsp://user:secret@"} {
		_, err := ParseURL(in)
		var ie *InputError
		if !errors.Is(err, ErrInput) || !errors.As(err, &ie) || ie.Field != "address" {
			t.Errorf("%q: want an address *InputError, got %v", in, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: password in error %q", in, err)
		}
	}
}

func FuzzParseURL(f *testing.F) {
	f.Add("rtsp://admin:secret@10.0.0.5:8554/live/ch1?subtype=0")
	f.Add("rtsps://[::1]/s")
	f.Add("rtsp://a:b@c@d/e#f")
	f.Fuzz(func(t *testing.T, s string) {
		u, err := ParseURL(s)
		if err != nil {
			return
		}
		_ = HostPort(u)
		if u.User != nil {
			if p, ok := u.User.Password(); ok && len(p) > 3 && strings.Contains(Redact(u), "@") && strings.Contains(strings.SplitN(Redact(u), "@", 2)[0], ":"+p) {
				t.Fatalf("password in redacted %q", Redact(u))
			}
		}
	})
}

// TestRedactStringMasksQueryPasswordsInBadAddresses: an address that does
// not parse is still shown without its passwords.
func TestRedactStringMasksQueryPasswordsInBadAddresses(t *testing.T) {
	for in, want := range map[string]string{
		"rtsp://cam:99999/s?user=a&password=s3cret": "rtsp://cam:99999/s?user=a&password=xxxxx",
		"rtsp://a:s3cret@cam:99999/s?pwd=s3cret":    "rtsp://a:xxxxx@cam:99999/s?pwd=xxxxx",
	} {
		if got := RedactString(in); got != want {
			t.Errorf("RedactString(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestQueryPasswordRoundTrip: a password in the query is read, emptied for
// a file, and filled back in to dial, every other byte kept.
func TestQueryPasswordRoundTrip(t *testing.T) {
	u, err := ParseURL("rtsp://cam/cam/realmonitor?channel=1&user=admin&password=p%26ss%20w&subtype=0")
	if err != nil {
		t.Fatal(err)
	}
	if got := QueryPassword(u); got != "p&ss w" {
		t.Fatalf("QueryPassword = %q", got)
	}
	if got := QueryUser(u); got != "admin" {
		t.Fatalf("QueryUser = %q", got)
	}
	kept := WithoutQueryPassword(u)
	if got := kept.String(); got != "rtsp://cam/cam/realmonitor?channel=1&user=admin&password=&subtype=0" {
		t.Fatalf("WithoutQueryPassword = %q", got)
	}
	if QueryPassword(kept) != "" {
		t.Fatal("a password left after WithoutQueryPassword")
	}
	back := FillQueryPassword(kept, "p&ss w")
	if QueryPassword(back) != "p&ss w" || back.Query().Get("channel") != "1" || back.Query().Get("subtype") != "0" {
		t.Fatalf("FillQueryPassword = %q", back.String())
	}
	// A value already there is not replaced.
	if got := FillQueryPassword(u, "other"); QueryPassword(got) != "p&ss w" {
		t.Fatalf("FillQueryPassword replaced a given password: %q", got.String())
	}
	plain, _ := ParseURL("rtsp://cam/s?usr=bob&pwd=&x=1")
	if QueryUser(plain) != "bob" || QueryPassword(plain) != "" {
		t.Fatalf("usr/pwd: %q %q", QueryUser(plain), QueryPassword(plain))
	}
}
