package record

import (
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestBudgetTakeGive(t *testing.T) {
	type step struct {
		give    bool
		n       int
		ok      bool // take's answer
		usedNow int
	}
	for _, c := range []struct {
		name  string
		limit int
		steps []step
	}{
		{"fits exactly", 100, []step{{n: 60, ok: true, usedNow: 60}, {n: 40, ok: true, usedNow: 100}}},
		{"one byte over is refused whole", 100, []step{{n: 60, ok: true, usedNow: 60}, {n: 41, usedNow: 60}, {n: 40, ok: true, usedNow: 100}}},
		{"a unit bigger than the budget", 100, []step{{n: 101, usedNow: 0}, {n: 1, ok: true, usedNow: 1}}},
		{"given back, taken again", 100, []step{{n: 100, ok: true, usedNow: 100}, {n: 1, usedNow: 100},
			{give: true, n: 30, usedNow: 70}, {n: 30, ok: true, usedNow: 100}, {give: true, n: 100, usedNow: 0}}},
		{"empty units cost nothing", 10, []step{{n: 10, ok: true, usedNow: 10}, {n: 0, ok: true, usedNow: 10}}},
		{"zero limit is the default", 0, []step{{n: DefaultBudget, ok: true, usedNow: DefaultBudget}, {n: 1, usedNow: DefaultBudget}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := NewBudget(c.limit)
			if c.limit == 0 && b.Limit() != DefaultBudget {
				t.Fatalf("NewBudget(0).Limit() = %d, want DefaultBudget %d", b.Limit(), DefaultBudget)
			}
			for i, s := range c.steps {
				if s.give {
					b.give(s.n)
				} else if ok := b.take(s.n); ok != s.ok {
					t.Errorf("step %d: take(%d) = %v, want %v", i, s.n, ok, s.ok)
				}
				if b.Used() != s.usedNow {
					t.Errorf("step %d: Used() = %d, want %d", i, b.Used(), s.usedNow)
				}
			}
		})
	}
	if SharedBudget().Limit() != DefaultBudget || SharedBudget() != SharedBudget() {
		t.Errorf("SharedBudget: limit %d, want one budget of DefaultBudget", SharedBudget().Limit())
	}
}

// TestBudgetConcurrent: many takers and givers at once never hold more
// than the limit between them, and all of it comes back. Run it with
// -race.
func TestBudgetConcurrent(t *testing.T) {
	const limit = 1 << 16
	b := NewBudget(limit)
	var holding atomic.Int64 // what the goroutines hold: raised after a take, lowered before a give
	var refused atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 1))
			var mine []int
			for range 20000 {
				if len(mine) > 0 && rng.IntN(2) == 0 {
					n := mine[len(mine)-1]
					mine = mine[:len(mine)-1]
					holding.Add(-int64(n))
					b.give(n)
					continue
				}
				n := 1 + rng.IntN(limit/8)
				if !b.take(n) {
					refused.Add(1)
					continue
				}
				if h := holding.Add(int64(n)); h > limit {
					t.Errorf("the takers hold %d bytes, limit %d", h, limit)
					return
				}
				if u := b.Used(); u > 2*limit {
					// Failed takes add for a moment before taking back:
					// never more than each taker's one unit.
					t.Errorf("Used() = %d", u)
					return
				}
				mine = append(mine, n)
			}
			for _, n := range mine {
				holding.Add(-int64(n))
				b.give(n)
			}
		}()
	}
	wg.Wait()
	if b.Used() != 0 {
		t.Errorf("after everything was given back Used() = %d", b.Used())
	}
	if refused.Load() == 0 {
		t.Error("no take was refused: the test did not press against the limit")
	}
}

// TestRecorderBudget: two recorders on one budget. While the first holds
// all of it (its disk stalls), the second drops, and after a dropped
// picture takes none until a keyframe; what the first frees is the
// second's again; a closed recorder gives back everything it held.
func TestRecorderBudget(t *testing.T) {
	_, us := DemoUnits()
	for i := range us {
		us[i].RTPTime, us[i].Arrived = uint32(i*3600), time.Now()
	}
	k, p1, p2, p3 := us[0], us[1], us[2], us[3]
	if !k.Keyframe || p1.Keyframe || p2.Keyframe || p3.Keyframe {
		t.Fatal("the demo clip does not begin with a keyframe and three pictures after it")
	}
	stall := make(chan struct{})
	setWriteFile(t, func(f *os.File, b []byte) (int, error) {
		if strings.Contains(f.Name(), string(os.PathSeparator)+"stalled"+string(os.PathSeparator)) {
			<-stall
		}
		return f.Write(b)
	})
	limit := len(k.Data) + len(p1.Data) + len(p2.Data)
	b := NewBudget(limit)
	dir := t.TempDir()
	a := New(Config{Dir: dir, Camera: "stalled", Budget: b})
	c := New(Config{Dir: dir, Camera: "other", Budget: b})
	release := sync.OnceFunc(func() { close(stall) })
	defer a.Close()
	defer c.Close()
	defer release()

	for i, u := range []Unit{k, p1, p2} {
		if !a.Push(u) {
			t.Fatalf("the first recorder dropped unit %d with the budget free", i)
		}
	}
	if b.Used() != limit {
		t.Fatalf("Used() = %d after three units of %d bytes", b.Used(), limit)
	}
	if a.Push(p3) {
		t.Error("a unit past the spent budget was taken")
	}
	if c.Push(k) || c.Push(p1) {
		t.Error("the second recorder took a unit while the first held the whole budget")
	}
	if sa, sc := a.Stats(), c.Stats(); sa.Dropped != 1 || sc.Dropped != 2 || sc.Queued != 0 || sa.Queued != limit || sa.Queued >= DefaultQueue {
		t.Errorf("dropped %d and %d, queued %d and %d; want 1 and 2, %d (under its own cap) and 0",
			sa.Dropped, sc.Dropped, sa.Queued, sc.Queued, limit)
	}

	release() // the disk goes on
	// The first recorder writes its queue and keeps some buffers to reuse,
	// still charged; closing it gives back every byte.
	if err := a.Close(); err != nil {
		t.Error(err)
	}
	if b.Used() != 0 {
		t.Errorf("Used() = %d after the first recorder closed, want all given back", b.Used())
	}
	if st := a.Stats(); len(st.Files) != 1 || st.Files[0].VideoFrames != 3 {
		t.Errorf("first recorder: files %+v, want one of the 3 pictures taken", st.Files)
	}
	// Room again, but the second recorder's last picture was dropped: the
	// pictures after it refer to it.
	if c.Push(p2) {
		t.Error("a picture after a dropped one was taken before a keyframe")
	}
	k2 := k
	k2.RTPTime = 100 * 3600
	p := p1
	p.RTPTime = 101 * 3600
	if !c.Push(k2) || !c.Push(p) {
		t.Error("the keyframe after the drop (or the picture after it) was not taken with the budget free")
	}
	if err := c.Close(); err != nil {
		t.Error(err)
	}
	if b.Used() != 0 {
		t.Errorf("Used() = %d after both recorders closed", b.Used())
	}
	if st := c.Stats(); st.Dropped != 3 || len(st.Files) != 1 || st.Files[0].VideoFrames != 2 {
		t.Errorf("second recorder: dropped %d, files %+v; want 3 dropped, one file of 2 pictures", st.Dropped, st.Files)
	}
}
