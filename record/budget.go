package record

import "sync/atomic"

// DefaultBudget is how many bytes all the recorders of a process may hold
// for the disk together (SharedBudget): a wall of 16 cameras on a disk too
// slow for them holds at most this much, not 16 × DefaultQueue (768 MiB).
const DefaultBudget = 256 << 20

// Budget bounds the bytes that several recorders hold for the disk
// together: the units queued and the buffers kept to reuse. Each Recorder
// still has its own Config.Queue; a unit is taken only when both have room,
// and when either is spent the recorder drops it the same way (the next
// picture it takes is a keyframe). A recorder gives back what it frees.
//
// Taking costs one atomic add per unit that needs a new buffer (a reused
// buffer is already counted, and costs nothing); giving back, one per
// batch the disk has written. Safe for concurrent use.
type Budget struct {
	limit int64
	used  atomic.Int64
	// gives counts the give calls: a reader that sees it unchanged across
	// several reads saw no bytes freed between them (the tests' check of
	// the recorders' sum).
	gives atomic.Uint64
}

// NewBudget returns a budget of limit bytes; DefaultBudget when limit ≤ 0.
func NewBudget(limit int) *Budget {
	if limit <= 0 {
		limit = DefaultBudget
	}
	return &Budget{limit: int64(limit)}
}

var shared = NewBudget(DefaultBudget)

// SharedBudget is the process's budget, DefaultBudget bytes: every
// Recorder whose Config.Budget is nil draws on it.
func SharedBudget() *Budget { return shared }

// Limit is the budget's size in bytes.
func (b *Budget) Limit() int { return int(b.limit) }

// Used is how many bytes the recorders hold now.
func (b *Budget) Used() int { return int(b.used.Load()) }

// take charges n bytes; false, charging nothing, when they do not fit. A
// take that fails may for a moment make a concurrent one fail too (both
// see the other's bytes); what is charged never passes the limit.
func (b *Budget) take(n int) bool {
	if b.used.Add(int64(n)) <= b.limit {
		return true
	}
	b.used.Add(-int64(n))
	return false
}

// give returns n bytes taken before.
func (b *Budget) give(n int) {
	if n == 0 {
		return
	}
	b.used.Add(-int64(n))
	b.gives.Add(1)
}

// calm reports whether the budget is at most half used: only then does a
// recorder keep written buffers to reuse, so that kept buffers never hold
// more than half of it, and a disk that cannot keep up leaves the budget to
// the units waiting for it.
func (b *Budget) calm() bool { return b.used.Load() <= b.limit/2 }
