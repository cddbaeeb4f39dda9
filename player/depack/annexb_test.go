package depack

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// readNALs reads an Annex-B file from testdata and splits it into NAL units.
func readNALs(t testing.TB, name string) [][]byte {
	t.Helper()
	return readNALsFile(t, filepath.Join("testdata", name))
}

// readNALsFile reads an Annex-B file and splits it into NAL units.
func readNALsFile(t testing.TB, name string) [][]byte {
	t.Helper()
	raw, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("read test media (regenerate with testdata/gen.sh): %v", err)
	}
	var nals [][]byte
	for rest := raw; len(rest) > 0; {
		var nal []byte
		nal, rest = splitAnnexB(rest)
		if len(nal) > 0 {
			nals = append(nals, nal)
		}
	}
	if len(nals) == 0 {
		t.Fatalf("%s: no NAL units", name)
	}
	return nals
}

// groupH264 groups the NAL units of an H.264 elementary stream into access
// units (H.264 section 7.4.1.2.3): an AUD, SPS, PPS or SEI after a slice,
// or a slice with first_mb_in_slice == 0 after a slice, begins a new one.
func groupH264(nals [][]byte) [][][]byte {
	var aus [][][]byte
	var cur [][]byte
	sawVCL := false
	for _, nal := range nals {
		t := nal[0] & 0x1f
		vcl := t >= 1 && t <= 5
		first := vcl && len(nal) > 1 && nal[1]&0x80 != 0
		if sawVCL && (t == 9 || t == 7 || t == 8 || t == 6 || first) {
			aus = append(aus, cur)
			cur, sawVCL = nil, false
		}
		cur = append(cur, nal)
		sawVCL = sawVCL || vcl
	}
	if len(cur) > 0 {
		aus = append(aus, cur)
	}
	return aus
}

// joinAnnexB writes NAL units with 4-byte start codes.
func joinAnnexB(nals ...[]byte) []byte {
	var b []byte
	for _, n := range nals {
		b = append(b, 0, 0, 0, 1)
		b = append(b, n...)
	}
	return b
}

func TestSplitAnnexB(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want [][]byte
	}{
		{"bare NAL", []byte{0x65, 1, 2}, [][]byte{{0x65, 1, 2}}},
		{"4-byte start code", []byte{0, 0, 0, 1, 0x67, 1}, [][]byte{{0x67, 1}}},
		{"3-byte start code", []byte{0, 0, 1, 0x67, 1}, [][]byte{{0x67, 1}}},
		{"two NALs", []byte{0, 0, 0, 1, 0x67, 1, 0, 0, 1, 0x68, 2}, [][]byte{{0x67, 1}, {0x68, 2}}},
		{"bare then start code", []byte{0x67, 1, 0, 0, 0, 1, 0x68, 2}, [][]byte{{0x67, 1}, {0x68, 2}}},
		{"trailing zeros", []byte{0x67, 1, 0, 0}, [][]byte{{0x67, 1}}},
		{"empty NAL between start codes", []byte{0, 0, 1, 0, 0, 1, 0x68}, [][]byte{{0x68}}},
		{"only zeros", []byte{0, 0, 0}, nil},
		{"only start code", []byte{0, 0, 0, 1}, nil},
		{"zero byte not a start code", []byte{0, 0x67}, [][]byte{{0, 0x67}}},
		{"emulation prevention kept", []byte{0x65, 0, 0, 3, 1}, [][]byte{{0x65, 0, 0, 3, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got [][]byte
			for rest := tt.in; len(rest) > 0; {
				var nal []byte
				nal, rest = splitAnnexB(rest)
				if len(nal) > 0 {
					got = append(got, nal)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %x, want %x", got, tt.want)
			}
			for i := range got {
				if !bytes.Equal(got[i], tt.want[i]) {
					t.Fatalf("NAL %d: got %x, want %x", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestBitReaderUE(t *testing.T) {
	tests := []struct {
		in     []byte
		want   uint32
		wantOK bool
	}{
		{[]byte{0x80}, 0, true},               // 1
		{[]byte{0x40}, 1, true},               // 010
		{[]byte{0x60}, 2, true},               // 011
		{[]byte{0x20}, 3, true},               // 00100
		{[]byte{0x00, 0x80, 0x00}, 255, true}, // 8 zeros, 1, 00000000: 2^8-1+0
		{[]byte{0x00}, 0, false},              // runs out
		{nil, 0, false},
		{[]byte{0, 0, 0, 0, 0}, 0, false}, // more than 31 leading zeros
	}
	for _, tt := range tests {
		r := bitReader{b: tt.in}
		got, ok := r.ue()
		if ok != tt.wantOK || (ok && got != tt.want) {
			t.Errorf("ue(%x) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestRBSPPrefix(t *testing.T) {
	var tmp [4]byte
	got := rbspPrefix(tmp[:], []byte{1, 0, 0, 3, 0, 0, 3, 7})
	if !bytes.Equal(got, []byte{1, 0, 0, 0}) {
		t.Fatalf("got %x", got)
	}
	var big [16]byte
	got = rbspPrefix(big[:], []byte{0, 0, 3, 1, 0, 0, 3})
	if !bytes.Equal(got, []byte{0, 0, 1, 0, 0}) {
		t.Fatalf("got %x", got)
	}
}
