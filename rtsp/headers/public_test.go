package headers

import (
	"errors"
	"reflect"
	"testing"
)

var publicCases = []struct {
	name string
	in   string
	want Public
}{
	{
		"gortsplib / mediamtx",
		"DESCRIBE, ANNOUNCE, SETUP, PLAY, RECORD, PAUSE, GET_PARAMETER, TEARDOWN",
		Public{"DESCRIBE", "ANNOUNCE", "SETUP", "PLAY", "RECORD", "PAUSE", "GET_PARAMETER", "TEARDOWN"},
	},
	{
		"live555",
		"OPTIONS, DESCRIBE, SETUP, TEARDOWN, PLAY, PAUSE, GET_PARAMETER, SET_PARAMETER",
		Public{"OPTIONS", "DESCRIBE", "SETUP", "TEARDOWN", "PLAY", "PAUSE", "GET_PARAMETER", "SET_PARAMETER"},
	},
	{
		"no spaces",
		"OPTIONS,DESCRIBE,PLAY,PAUSE,SETUP,TEARDOWN,SET_PARAMETER",
		Public{"OPTIONS", "DESCRIBE", "PLAY", "PAUSE", "SETUP", "TEARDOWN", "SET_PARAMETER"},
	},
	{"empty items and tabs", " OPTIONS ,,\tDESCRIBE\t, ", Public{"OPTIONS", "DESCRIBE"}},
	{"empty", "", nil},
}

func TestPublicUnmarshal(t *testing.T) {
	for _, c := range publicCases {
		t.Run(c.name, func(t *testing.T) {
			var got Public
			if err := got.Unmarshal(c.in); err != nil {
				t.Fatalf("Unmarshal(%q): %v", c.in, err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("Unmarshal(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestPublicHas(t *testing.T) {
	var p Public
	if err := p.Unmarshal("OPTIONS, DESCRIBE, get_parameter"); err != nil {
		t.Fatal(err)
	}
	for method, want := range map[string]bool{
		"GET_PARAMETER": true, "describe": true, "OPTIONS": true,
		"SET_PARAMETER": false, "GET": false, "": false,
	} {
		if got := p.Has(method); got != want {
			t.Errorf("Has(%q) = %v, want %v", method, got, want)
		}
	}
}

func TestPublicMarshal(t *testing.T) {
	if got := (Public{"OPTIONS", "PLAY"}).Marshal(); got != "OPTIONS, PLAY" {
		t.Fatalf("got %q", got)
	}
}

func TestPublicUnmarshalErrors(t *testing.T) {
	var p Public
	if err := p.Unmarshal("OPTIONS, DESC\x01RIBE"); !errors.Is(err, ErrSyntax) {
		t.Fatalf("got %v", err)
	}
}

func FuzzPublic(f *testing.F) {
	for _, c := range publicCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, v string) {
		p, _, _ := fuzzRoundTrip[Public](t, v)
		for _, m := range p {
			if !p.Has(m) {
				t.Fatalf("Has(%q) false for a listed method", m)
			}
		}
	})
}
