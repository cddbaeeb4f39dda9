package headers

import (
	"errors"
	"testing"
	"time"
)

var sessionCases = []struct {
	name string
	in   string
	want Session
	out  string
}{
	{"hikvision", "1273222592;timeout=60", Session{"1273222592", 60 * time.Second}, "1273222592;timeout=60"},
	{"axis space after separator", "0BE3C8BD; timeout=60", Session{"0BE3C8BD", 60 * time.Second}, "0BE3C8BD;timeout=60"},
	{"live555", "3D5B9C7C;timeout=65", Session{"3D5B9C7C", 65 * time.Second}, "3D5B9C7C;timeout=65"},
	{"gst-rtsp-server", "8RcBJ1zRbx1yfAi4;timeout=60", Session{"8RcBJ1zRbx1yfAi4", 60 * time.Second}, "8RcBJ1zRbx1yfAi4;timeout=60"},
	{"no timeout", "A3eqwsafq3rFASqew", Session{"A3eqwsafq3rFASqew", 0}, "A3eqwsafq3rFASqew"},
	{"spaces everywhere", "  12345678 ; timeout = 60 ", Session{"12345678", 60 * time.Second}, "12345678;timeout=60"},
	{"key in upper case, quoted value", `abc;Timeout="30"`, Session{"abc", 30 * time.Second}, "abc;timeout=30"},
	{"unparsable timeout ignored", "abc;timeout=sixty", Session{"abc", 0}, "abc"},
	{"negative timeout ignored", "abc;timeout=-5", Session{"abc", 0}, "abc"},
	{"overflowing timeout ignored", "abc;timeout=99999999999999999999", Session{"abc", 0}, "abc"},
	{"unknown params ignored", "abc;foo=bar;timeout=10;x", Session{"abc", 10 * time.Second}, "abc;timeout=10"},
	{"id with symbols", "$-_.+!", Session{"$-_.+!", 0}, "$-_.+!"},
}

func TestSessionUnmarshal(t *testing.T) {
	for _, c := range sessionCases {
		t.Run(c.name, func(t *testing.T) {
			var got Session
			if err := got.Unmarshal(c.in); err != nil {
				t.Fatalf("Unmarshal(%q): %v", c.in, err)
			}
			if got != c.want {
				t.Fatalf("Unmarshal(%q) = %+v, want %+v", c.in, got, c.want)
			}
			if m := got.Marshal(); m != c.out {
				t.Fatalf("Marshal = %q, want %q", m, c.out)
			}
		})
	}
}

func TestSessionUnmarshalErrors(t *testing.T) {
	for _, in := range []string{"", "  ", ";timeout=60", "ab\x00c"} {
		var s Session
		if err := s.Unmarshal(in); !errors.Is(err, ErrSyntax) {
			t.Errorf("Unmarshal(%q) = %+v, %v; want ErrSyntax", in, s, err)
		}
	}
}

func TestSessionMarshalSubSecondTimeout(t *testing.T) {
	if got := (Session{ID: "x", Timeout: 500 * time.Millisecond}).Marshal(); got != "x" {
		t.Fatalf("got %q", got)
	}
}

func FuzzSession(f *testing.F) {
	for _, c := range sessionCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, v string) {
		var s Session
		if err := s.Unmarshal(v); err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("error %v does not wrap ErrSyntax", err)
			}
			return
		}
		var back Session
		if err := back.Unmarshal(s.Marshal()); err != nil {
			t.Fatalf("Unmarshal(Marshal) of %q: %v", v, err)
		}
		if back != s {
			t.Fatalf("round trip of %q: got %+v, want %+v", v, back, s)
		}
	})
}
