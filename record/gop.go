package record

// GOP bounds: a few seconds of a 4K camera's pictures and sound. A stream
// whose keyframes are further apart than this holds keeps no pre-record
// until a GOP fits again.
const (
	gopMaxBytes = 24 << 20
	gopMaxUnits = 2048
)

// GOP keeps the units received since the last keyframe, so that a
// recording started now begins at the picture the viewer already sees
// (the moment that made the person press Record is in the file). It owns
// copies of the units; its buffers are reused from one GOP to the next.
// Not safe for concurrent use.
type GOP struct {
	units []Unit
	bufs  [][]byte // the backing of units[i].Data, kept across GOPs
	bytes int
	ok    bool // units begins at a keyframe and fit the bounds
}

// Add keeps a copy of u. A video keyframe starts the GOP afresh; a unit
// that would pass the bounds empties it until the next keyframe.
func (g *GOP) Add(u Unit) {
	if u.Kind == Video && u.Keyframe {
		g.reset()
		g.ok = true
	}
	if !g.ok {
		return
	}
	if g.bytes+len(u.Data) > gopMaxBytes || len(g.units) >= gopMaxUnits {
		g.reset()
		return
	}
	i := len(g.units)
	if i == len(g.bufs) {
		g.bufs = append(g.bufs, nil)
	}
	g.bufs[i] = append(g.bufs[i][:0], u.Data...)
	u.Data = g.bufs[i]
	g.units = append(g.units, u)
	g.bytes += len(u.Data)
}

// Len is how many units the GOP holds.
func (g *GOP) Len() int { return len(g.units) }

// Replay hands every unit held to push, oldest first. The units' Data
// is valid only during the call (Recorder.Push copies it).
func (g *GOP) Replay(push func(Unit) bool) {
	for _, u := range g.units {
		push(u)
	}
}

// Reset forgets what is held, e.g. at a new session whose timestamps do
// not continue these. Its buffers are kept for the next GOP.
func (g *GOP) Reset() {
	g.reset()
	g.ok = false
}

func (g *GOP) reset() {
	clear(g.units)
	g.units = g.units[:0]
	g.bytes = 0
	g.ok = false
	// Each buffer keeps the largest unit it ever held: when together
	// they pass twice the bound, start over rather than hold them.
	n := 0
	for _, b := range g.bufs {
		n += cap(b)
	}
	if n > 2*gopMaxBytes {
		g.bufs = nil
	}
}
