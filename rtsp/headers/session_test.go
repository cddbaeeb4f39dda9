package headers

import (
	"testing"
	"time"
)

var sessionCases = []unmarshalCase[Session]{
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

func TestSessionUnmarshal(t *testing.T) { testUnmarshal(t, sessionCases) }

func TestSessionUnmarshalErrors(t *testing.T) {
	testRejects[Session](t, []string{"", "  ", ";timeout=60", "ab\x00c"})
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
	f.Fuzz(func(t *testing.T, v string) { fuzzRoundTrip[Session](t, v) })
}
