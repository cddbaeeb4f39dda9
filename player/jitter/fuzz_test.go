package jitter

import (
	"encoding/binary"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/pion/rtp"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite the seed files under testdata/fuzz")

// Fuzz input: a Size byte, then 3-byte operations: a byte whose low bit
// chooses Push (sequence number in the next two bytes) or Pop, and whose
// upper bits advance the clock by that many milliseconds.
func FuzzBuffer(f *testing.F) {
	for _, s := range fuzzSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		size := int(data[0]) // 0 means the default
		data = data[1:]

		owner := map[*rtp.Packet]string{} // where each pushed packet is now
		held := 0
		b := New(Config{Size: size, Release: func(p *rtp.Packet) {
			if owner[p] != "held" {
				t.Fatalf("released a packet that is %q", owner[p])
			}
			owner[p] = "released"
			held--
		}})
		now := t0
		var last int64 // extended number of the last packet popped
		resets := uint64(0)
		popped := false
		for ; len(data) >= 3; data = data[3:] {
			now = now.Add(time.Duration(data[0]>>1) * time.Millisecond)
			if data[0]&1 == 1 {
				p := pkt(binary.BigEndian.Uint16(data[1:]))
				owner[p] = "held"
				held++
				b.Push(p, now)
			} else if p, ok := b.Pop(now); ok {
				if owner[p] != "held" {
					t.Fatalf("Pop returned a packet that is %q", owner[p])
				}
				owner[p] = "popped"
				held--
				// Between restarts, packets leave in strictly increasing
				// sequence order.
				ext := b.next - 1
				if st := b.Stats(); popped && st.Resets == resets && ext <= last {
					t.Fatalf("popped %d after %d", ext, last)
				}
				last, resets, popped = ext, b.Stats().Resets, true
			}
			if b.Len() != held {
				t.Fatalf("buffer says it holds %d, %d are unaccounted for", b.Len(), held)
			}
			if b.Len() > len(b.ring) {
				t.Fatalf("holds %d in a ring of %d", b.Len(), len(b.ring))
			}
		}
		// Everything held leaves once the clock has run past Latency.
		for range held {
			if _, ok := b.Pop(now.Add(time.Hour)); !ok {
				t.Fatalf("%d packets stuck", b.Len())
			}
		}
		if b.Len() != 0 {
			t.Fatalf("%d packets left", b.Len())
		}
	})
}

func fuzzSeeds() map[string][]byte {
	op := func(push bool, advanceMS byte, seq uint16) []byte {
		c := advanceMS << 1
		if push {
			c |= 1
		}
		return []byte{c, byte(seq >> 8), byte(seq)}
	}
	seed := func(size byte, ops ...[]byte) []byte {
		out := []byte{size}
		for _, o := range ops {
			out = append(out, o...)
		}
		return out
	}
	return map[string][]byte{
		"reorder-wrap": seed(0, op(true, 0, 65534), op(false, 0, 0), op(true, 1, 0), op(true, 1, 65535),
			op(false, 0, 0), op(false, 0, 0), op(false, 0, 0)),
		"gap-timeout": seed(4, op(true, 0, 1), op(true, 0, 3), op(false, 50, 0), op(false, 60, 0), op(true, 0, 2)),
		"jump": seed(4, op(true, 0, 10), op(true, 0, 9000), op(true, 0, 8000), op(false, 0, 0),
			op(false, 0, 0), op(true, 0, 8001), op(true, 0, 8001), op(false, 0, 0)),
		"no-pop": seed(2, op(true, 0, 1), op(true, 0, 2), op(true, 0, 3), op(true, 0, 4), op(true, 0, 5),
			op(true, 0, 6), op(false, 0, 0)),
	}
}

// TestWriteFuzzCorpus writes the seeds as files under testdata/fuzz when
// run with -update-corpus.
func TestWriteFuzzCorpus(t *testing.T) {
	if !*updateCorpus {
		t.Skip("run with -update-corpus to rewrite testdata/fuzz seeds")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzBuffer")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range fuzzSeeds() {
		content := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
		if err := os.WriteFile(filepath.Join(dir, "seed-"+name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
