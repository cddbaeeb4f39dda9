package headers

import (
	"errors"
	"reflect"
	"testing"
)

// grammar is what each header type here has: Unmarshal reads the value
// off the wire, Marshal writes it back.
type grammar[T any] interface {
	*T
	Unmarshal(string) error
	Marshal() string
}

// unmarshalCase is one row of a header's table: in reads as want, and
// want writes back as out.
type unmarshalCase[T any] struct {
	name string
	in   string
	want T
	out  string
}

// testUnmarshal runs a header's table.
func testUnmarshal[T any, P grammar[T]](t *testing.T, cases []unmarshalCase[T]) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got T
			if err := P(&got).Unmarshal(c.in); err != nil {
				t.Fatalf("Unmarshal(%q): %v", c.in, err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("Unmarshal(%q)\n got %+v\nwant %+v", c.in, got, c.want)
			}
			if m := P(&got).Marshal(); m != c.out {
				t.Fatalf("Marshal = %q, want %q", m, c.out)
			}
		})
	}
}

// testRejects checks that every input fails with an error wrapping
// ErrSyntax, the one kind a caller branches on.
func testRejects[T any, P grammar[T]](t *testing.T, ins []string) {
	t.Helper()
	for _, in := range ins {
		var got T
		if err := P(&got).Unmarshal(in); !errors.Is(err, ErrSyntax) {
			t.Errorf("Unmarshal(%q) = %+v, %v; want ErrSyntax", in, got, err)
		}
	}
}

// fuzzRoundTrip is the body the fuzz targets share: v is rejected with
// ErrSyntax (ok false), or read, written back, and read again to the same
// value. It returns the value and its Marshal for a target's own checks.
func fuzzRoundTrip[T any, P grammar[T]](t *testing.T, v string) (got T, m string, ok bool) {
	t.Helper()
	if err := P(&got).Unmarshal(v); err != nil {
		if !errors.Is(err, ErrSyntax) {
			t.Fatalf("error %v does not wrap ErrSyntax", err)
		}
		return got, "", false
	}
	m = P(&got).Marshal()
	var back T
	if err := P(&back).Unmarshal(m); err != nil {
		t.Fatalf("Unmarshal(Marshal) of %q (%q): %v", v, m, err)
	}
	if !reflect.DeepEqual(back, got) {
		t.Fatalf("round trip of %q via %q\n got %+v\nwant %+v", v, m, back, got)
	}
	return got, m, true
}
