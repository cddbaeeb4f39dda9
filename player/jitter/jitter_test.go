package jitter

import (
	"slices"
	"testing"
	"time"

	"github.com/pion/rtp"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func pkt(seq uint16) *rtp.Packet {
	return &rtp.Packet{Header: rtp.Header{Version: 2, SequenceNumber: seq, SSRC: 1}}
}

// drain pops everything that may leave at now.
func drain(b *Buffer, now time.Time) []uint16 {
	var out []uint16
	for range 1 << 16 { // bounded: a buffer never holds this many
		p, ok := b.Pop(now)
		if !ok {
			return out
		}
		out = append(out, p.SequenceNumber)
	}
	panic("Pop never ran dry")
}

func seqs(from, to int) []uint16 {
	var s []uint16
	for i := from; i <= to; i++ {
		s = append(s, uint16(i))
	}
	return s
}

func TestBuffer(t *testing.T) {
	ms := time.Millisecond
	type step struct {
		at   time.Duration
		push []uint16
		want []uint16 // what Pop yields at `at` after the pushes
	}
	tests := []struct {
		name  string
		cfg   Config
		steps []step
		stats Stats
	}{
		{
			name:  "in order",
			steps: []step{{0, []uint16{1}, []uint16{1}}, {ms, []uint16{2, 3}, []uint16{2, 3}}},
			stats: Stats{Received: 3},
		},
		{
			name: "reordered within latency",
			steps: []step{
				{0, []uint16{1}, []uint16{1}},
				{0, []uint16{3}, nil},
				{10 * ms, []uint16{2}, []uint16{2, 3}},
			},
			stats: Stats{Received: 3, Reordered: 1},
		},
		{
			name: "gap given up after latency",
			steps: []step{
				{0, []uint16{1, 3}, []uint16{1}},
				{99 * ms, nil, nil},
				{100 * ms, nil, []uint16{3}},
				{100 * ms, []uint16{2}, nil}, // too late now
			},
			stats: Stats{Received: 3, Lost: 1, Late: 1},
		},
		{
			name: "latency counts from the packet after the gap",
			steps: []step{
				{0, []uint16{1}, []uint16{1}},
				{50 * ms, []uint16{3}, nil},
				{120 * ms, nil, nil},
				{150 * ms, nil, []uint16{3}},
			},
			stats: Stats{Received: 2, Lost: 1},
		},
		{
			name: "two gaps, both waited out at once",
			steps: []step{
				{0, []uint16{1, 3, 5}, []uint16{1}},
				{100 * ms, nil, []uint16{3, 5}},
			},
			stats: Stats{Received: 3, Lost: 2},
		},
		{
			name: "duplicates",
			steps: []step{
				{0, []uint16{1}, []uint16{1}},
				{0, []uint16{3, 3}, nil},
				{0, []uint16{2}, []uint16{2, 3}},
			},
			stats: Stats{Received: 4, Reordered: 1, Duplicates: 1},
		},
		{
			name:  "late after its slot passed",
			steps: []step{{0, []uint16{1, 2}, []uint16{1, 2}}, {0, []uint16{1}, nil}},
			stats: Stats{Received: 3, Late: 1},
		},
		{
			name:  "wraps 65535 to 0",
			steps: []step{{0, []uint16{65534, 65535, 0, 1}, []uint16{65534, 65535, 0, 1}}},
			stats: Stats{Received: 4},
		},
		{
			name: "reordered across the wrap",
			steps: []step{
				{0, []uint16{65534}, []uint16{65534}},
				{0, []uint16{0}, nil},
				{ms, []uint16{65535}, []uint16{65535, 0}},
			},
			stats: Stats{Received: 3, Reordered: 1},
		},
		{
			name: "gap across the wrap",
			steps: []step{
				{0, []uint16{65535, 1}, []uint16{65535}},
				{100 * ms, nil, []uint16{1}},
				{100 * ms, []uint16{0}, nil},
			},
			stats: Stats{Received: 3, Lost: 1, Late: 1},
		},
		{
			name: "full window gives up at once",
			cfg:  Config{Size: 4},
			steps: []step{
				{0, []uint16{1}, []uint16{1}},
				{0, []uint16{3, 4, 5}, nil},
				{0, []uint16{6}, []uint16{3, 4, 5, 6}},
			},
			stats: Stats{Received: 5, Lost: 1},
		},
		{
			name: "jump ahead of more than Size restarts",
			cfg:  Config{Size: 4},
			steps: []step{
				{0, []uint16{1, 3}, []uint16{1}},
				{0, []uint16{100}, []uint16{100}},
				{0, []uint16{101}, []uint16{101}},
			},
			stats: Stats{Received: 4, Resets: 1, Dropped: 1},
		},
		{
			name: "jump back of more than Size restarts",
			cfg:  Config{Size: 4},
			steps: []step{
				{0, []uint16{1000, 1001}, []uint16{1000, 1001}},
				{0, []uint16{10, 11}, []uint16{10, 11}},
			},
			stats: Stats{Received: 4, Resets: 1},
		},
		{
			name: "small jump back restarts after a run of late packets",
			steps: []step{
				{0, seqs(1000, 1009), seqs(1000, 1009)},
				{0, seqs(990, 1004), nil},
				{0, seqs(1005, 1012), seqs(1005, 1012)},
			},
			stats: Stats{Received: 33, Late: 15, Resets: 1},
		},
		{
			name: "owner not popping for a whole ring",
			cfg:  Config{Size: 4}, // ring of 8
			steps: []step{
				{0, seqs(1, 20), seqs(13, 20)},
			},
			stats: Stats{Received: 20, Dropped: 12},
		},
		{
			name: "restart after the first packet is 0",
			steps: []step{
				{0, []uint16{0}, []uint16{0}},
				{0, []uint16{65535}, nil},
				{0, []uint16{1}, []uint16{1}},
			},
			stats: Stats{Received: 3, Late: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			released := 0
			cfg := tt.cfg
			cfg.Release = func(*rtp.Packet) { released++ }
			b := New(cfg)
			for i, s := range tt.steps {
				now := t0.Add(s.at)
				for _, q := range s.push {
					b.Push(pkt(q), now)
				}
				if got := drain(b, now); !slices.Equal(got, s.want) {
					t.Fatalf("step %d: popped %v, want %v", i, got, s.want)
				}
			}
			if got := b.Stats(); got != tt.stats {
				t.Fatalf("stats %+v, want %+v", got, tt.stats)
			}
			st := tt.stats
			if want := int(st.Duplicates + st.Late + st.Dropped); released != want {
				t.Fatalf("released %d packets, want %d", released, want)
			}
		})
	}
}

func TestBufferState(t *testing.T) {
	b := New(Config{})
	if b.State() != Buffering {
		t.Fatalf("new buffer: %v", b.State())
	}
	b.Push(pkt(7), t0)
	if b.State() != Emitting {
		t.Fatalf("next packet held: %v", b.State())
	}
	b.Pop(t0)
	b.Push(pkt(9), t0)
	if b.State() != Buffering || b.Len() != 1 {
		t.Fatalf("waiting on a gap: %v, %d held", b.State(), b.Len())
	}
	if d, ok := b.Deadline(); !ok || !d.Equal(t0.Add(DefaultLatency)) {
		t.Fatalf("deadline %v %v", d, ok)
	}
	b.Push(pkt(8), t0)
	if b.State() != Emitting {
		t.Fatalf("gap filled: %v", b.State())
	}
	if _, ok := b.Deadline(); ok {
		t.Fatal("deadline without a gap")
	}
	for s, want := range map[State]string{Buffering: "Buffering", Emitting: "Emitting", State(7): "State(7)"} {
		if s.String() != want {
			t.Errorf("%d.String() = %q", int(s), s.String())
		}
	}
}

func TestBufferReset(t *testing.T) {
	var released []*rtp.Packet
	b := New(Config{Release: func(p *rtp.Packet) { released = append(released, p) }})
	b.Push(pkt(1), t0)
	b.Pop(t0)
	held := pkt(3)
	b.Push(held, t0)
	b.Reset()
	if b.Len() != 0 || len(released) != 1 || released[0] != held {
		t.Fatalf("reset kept %d, released %v", b.Len(), released)
	}
	// Any number continues after a reset, with no loss counted.
	b.Push(pkt(40000), t0)
	if got := drain(b, t0); !slices.Equal(got, []uint16{40000}) {
		t.Fatalf("after reset popped %v", got)
	}
	if b.Stats().Lost != 0 {
		t.Fatalf("lost %d", b.Stats().Lost)
	}
}

func TestBufferConfigDefaults(t *testing.T) {
	b := New(Config{Size: -1, Latency: -time.Second})
	if b.size != DefaultSize || b.latency != DefaultLatency || len(b.ring) != 2*DefaultSize {
		t.Fatalf("size %d latency %v ring %d", b.size, b.latency, len(b.ring))
	}
	if b := New(Config{Size: 1 << 20}); b.size != MaxSize {
		t.Fatalf("size %d not clamped", b.size)
	}
	if b := New(Config{Size: 100}); len(b.ring) != 256 {
		t.Fatalf("ring %d", len(b.ring))
	}
	New(Config{}).Push(nil, t0) // ignored, no panic
}

// BenchmarkBuffer pushes and pops one packet per op; every tenth pair of
// packets arrives swapped.
func BenchmarkBuffer(b *testing.B) {
	for _, reorder := range []bool{false, true} {
		name := "inorder"
		if reorder {
			name = "reorder10pct"
		}
		b.Run(name, func(b *testing.B) {
			buf := New(Config{})
			pkts := make([]*rtp.Packet, 20)
			for i := range pkts {
				pkts[i] = pkt(0)
			}
			now := t0
			b.ReportAllocs()
			for n := 0; n < b.N; n++ {
				m := n + 2 // the first packet sets the start: never swap it
				seq := uint16(m)
				if reorder && m%10 == 0 {
					seq++
				} else if reorder && m%10 == 1 {
					seq--
				}
				p := pkts[n%len(pkts)]
				p.SequenceNumber = seq
				buf.Push(p, now)
				for {
					if _, ok := buf.Pop(now); !ok {
						break
					}
				}
			}
			if s := buf.Stats(); s.Lost != 0 || s.Late != 0 {
				b.Fatalf("%+v", s)
			}
		})
	}
}

// TestBufferDeadline checks when an owner with no further packet must
// call Pop: the deadline is the first packet after the gap plus Latency,
// Pop gives nothing a moment before it and the packets after the gap at
// it, across the 65535 -> 0 wrap too.
func TestBufferDeadline(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name     string
		pushes   []uint16      // pushed at 0, then Pop at 0
		late     []uint16      // pushed at lateAt
		lateAt   time.Duration // when late arrives (counts for the deadline if first after the gap)
		deadline time.Duration // want; 0 means none
		want     []uint16      // popped at the deadline
	}{
		{name: "no gap, no deadline", pushes: []uint16{1, 2, 3}},
		{name: "empty", pushes: nil},
		{name: "lost before the last", pushes: []uint16{10, 12}, deadline: 100 * ms, want: []uint16{12}},
		{name: "lost 65535", pushes: []uint16{65534, 0, 1}, deadline: 100 * ms, want: []uint16{0, 1}},
		{name: "lost 0", pushes: []uint16{65535, 1}, deadline: 100 * ms, want: []uint16{1}},
		{name: "lost across the wrap, first after gap late", pushes: []uint16{65533}, late: []uint16{1, 2}, lateAt: 30 * ms, deadline: 130 * ms, want: []uint16{1, 2}},
		{name: "two gaps: the second waits its own latency", pushes: []uint16{65534, 0}, late: []uint16{2}, lateAt: 60 * ms, deadline: 100 * ms, want: []uint16{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(Config{})
			for _, q := range tt.pushes {
				b.Push(pkt(q), t0)
			}
			if len(tt.pushes) > 0 {
				drain(b, t0)
			}
			for _, q := range tt.late {
				b.Push(pkt(q), t0.Add(tt.lateAt))
			}
			d, ok := b.Deadline()
			if tt.deadline == 0 {
				if ok {
					t.Fatalf("deadline %v, want none", d.Sub(t0))
				}
				return
			}
			if !ok || !d.Equal(t0.Add(tt.deadline)) {
				t.Fatalf("deadline %v (%v), want %v", d.Sub(t0), ok, tt.deadline)
			}
			if got := drain(b, d.Add(-time.Nanosecond)); got != nil {
				t.Fatalf("popped %v before the deadline", got)
			}
			if got := drain(b, d); !slices.Equal(got, tt.want) {
				t.Fatalf("popped %v at the deadline, want %v", got, tt.want)
			}
		})
	}
}
