package player

import (
	"math/rand/v2"
	"time"

	"github.com/rtspview/rtspview/decode"
)

// DecodeLevel is how much of a stream the decoder skips to keep up when
// the CPU cannot decode every picture of every camera on the wall (sixteen
// 1080p streams on two cores). Skipping whole pictures keeps each tile
// moving at a lower rate, where falling behind would drop units at random,
// smear the picture until the next keyframe and let the latency grow.
type DecodeLevel int32

const (
	// DecodeAll decodes every picture.
	DecodeAll DecodeLevel = iota
	// DecodeReferences skips the pictures no other picture refers to
	// (H.264 nal_ref_idc 0, H.265 sub-layer non-reference NAL types;
	// for MJPEG every second picture). Cameras that send none such skip
	// nothing here and go on to DecodeKeyframes when still behind.
	DecodeReferences
	// DecodeHalfGOP decodes the first half of each GOP (its keyframe and
	// the pictures after it, up to half the last GOP's length) and skips
	// the rest, for MJPEG every third picture. Every picture decoded has
	// its references, so the tile moves at the full rate for half of each
	// GOP and holds for the other half: about half the decoding, where
	// DecodeKeyframes would cut it to one picture a GOP.
	DecodeHalfGOP
	// DecodeQuarterGOP decodes the first quarter of each GOP (for MJPEG
	// every fourth picture).
	DecodeQuarterGOP
	// DecodeKeyframes decodes only keyframes (for MJPEG every sixth
	// picture): the tile moves once a GOP.
	DecodeKeyframes
)

// mjpegEvery is, for each level, one MJPEG picture in how many that is
// decoded: every picture is whole, so they are thinned out evenly.
var mjpegEvery = [...]uint32{DecodeAll: 1, DecodeReferences: 2, DecodeHalfGOP: 3, DecodeQuarterGOP: 4, DecodeKeyframes: 6}

// gopHead is, for the GOP levels, the part of each GOP decoded.
func gopHead(level DecodeLevel, gop int) int {
	switch level {
	case DecodeHalfGOP:
		return max(1, gop/2)
	case DecodeQuarterGOP:
		return max(1, gop/4)
	}
	return gop
}

// String names the level for Stats and logs.
func (l DecodeLevel) String() string {
	switch l {
	case DecodeReferences:
		return "reference pictures only"
	case DecodeHalfGOP:
		return "half of each GOP"
	case DecodeQuarterGOP:
		return "a quarter of each GOP"
	case DecodeKeyframes:
		return "keyframes only"
	}
	return "all pictures"
}

// Governor timing. A window (0.5–1.5 s, nextWindow) is long enough to see
// a backlog build up and short enough that a tile freezes for no more
// than a moment before it steps down. Stepping back up is tried after holdMin, and when that
// brings the backlog back within relapseWithin, the next try waits twice
// as long (up to holdMax): a wall that cannot take the full rate settles
// instead of stuttering between levels.
const (
	governWindow  = time.Second
	holdMin       = 5 * time.Second
	holdMax       = time.Minute
	relapseWithin = 10 * time.Second
)

// decodeGovernor decides the stream's DecodeLevel from how far the decoder
// is behind. The decode loop owns it: no locks.
type decodeGovernor struct {
	level       DecodeLevel
	windowStart time.Time
	units       int       // units taken off the queue in this window
	backlogged  int       // ... with two or more still waiting behind them
	dropped     uint64    // Stream.dropped at the window's start
	lastUnit    time.Time // when the previous unit was taken
	fresh       bool      // the window after a start, not judged (below)
	window      time.Duration
	// fixedWindow makes every window governWindow long (tests); else
	// each is drawn between half and one and a half of it (observe).
	fixedWindow bool
	changed     time.Time // the level's last change, or the last backlog
	steppedUp   time.Time // when the level last went back towards DecodeAll
	hold        time.Duration
	mjpegCount  uint32

	// The GOP (see), for the GOP levels: the position in it, the
	// keyframe being 1 (0: unknown, after a start), the last whole GOP's length
	// (0 before one), and whether a picture of this GOP was skipped at a
	// GOP level, whose successors then lack their references.
	sinceKey   int
	gop        int
	skippedGOP bool
}

// see counts unit positions in the GOP. The decode loop calls it for
// every unit it takes, skipped or decoded, before skip.
func (g *decodeGovernor) see(keyframe bool) {
	switch {
	case keyframe:
		if g.sinceKey > 0 {
			g.gop = g.sinceKey
		}
		g.sinceKey, g.skippedGOP = 1, false
	case g.sinceKey > 0:
		g.sinceKey++
	}
}

// observe notes one unit taken off the queue with waiting units still
// queued and dropped the stream's overflow count, and returns the level
// to decode it at, and whether the level went down from
// DecodeKeyframes (the references of the next inter picture were skipped:
// decoding must start again at a keyframe).
func (g *decodeGovernor) observe(now time.Time, waiting int, dropped uint64) (level DecodeLevel, needKey bool) {
	if g.windowStart.IsZero() {
		g.windowStart, g.changed, g.dropped, g.hold = now, now, dropped, holdMin
	}
	if now.Sub(g.lastUnit) > governWindow {
		// A start: the first units, or the first after a reconnect or
		// after being hidden. Servers send a new viewer their cached GOP
		// at once (the demo does, so do many media servers), which
		// looks like a backlog for a second while the decoder keeps up
		// well: the first window after a start is not judged.
		g.windowStart, g.units, g.backlogged, g.dropped = now, 0, 0, dropped
		g.fresh = true
		g.sinceKey = 0 // units went by uncounted: the GOP's position is lost
	}
	g.lastUnit = now
	g.units++
	if waiting >= 2 {
		g.backlogged++
	}
	if g.window == 0 {
		g.window = g.nextWindow()
	}
	if now.Sub(g.windowStart) < g.window {
		return g.level, false
	}
	g.window = g.nextWindow()
	// Behind: units overflowed the queue, or a quarter of them found a
	// backlog of two or more (a burst after a network stall is one or
	// two such units, not a quarter of a second's worth).
	overflowed := dropped > g.dropped && !g.fresh
	behind := overflowed || g.backlogged*4 > g.units && !g.fresh
	g.windowStart, g.units, g.backlogged, g.dropped, g.fresh = now, 0, 0, dropped, false
	switch {
	case behind:
		// The hold counts from the last backlog, at the bottom too.
		g.changed = now
		if g.level == DecodeKeyframes {
			break
		}
		if !g.steppedUp.IsZero() && now.Sub(g.steppedUp) < relapseWithin {
			g.hold = min(2*g.hold, holdMax)
		}
		// Units lost to a full queue: far behind, two steps at once
		// (the ladder has four; one a window would take seconds).
		step := DecodeLevel(1)
		if overflowed {
			step = 2
		}
		g.level = min(g.level+step, DecodeKeyframes)
	case !behind && g.level > DecodeAll && now.Sub(g.changed) >= g.hold:
		// Pictures of this GOP skipped at a GOP level leave the ones
		// after them without references: decoding more of the GOP must
		// wait for the next keyframe.
		needKey = g.level >= DecodeHalfGOP && g.skippedGOP
		g.level--
		g.changed, g.steppedUp = now, now
	}
	return g.level, needKey
}

// nextWindow is the length of the next window. Random lengths keep the
// tiles of a wall from judging in step: overloaded together, they would
// all step down together (23 of 25 1080p tiles at keyframes only and the
// CPU half idle, measured), where the first few to step relieve the rest.
func (g *decodeGovernor) nextWindow() time.Duration {
	if g.fixedWindow {
		return governWindow
	}
	return governWindow/2 + rand.N(governWindow)
}

// skip says whether a unit is left undecoded at level.
func (g *decodeGovernor) skip(level DecodeLevel, codec decode.Codec, data []byte, keyframe bool) bool {
	if level == DecodeAll {
		return false
	}
	if codec == decode.CodecMJPEG {
		g.mjpegCount++
		return g.mjpegCount%mjpegEvery[level] != 0
	}
	if keyframe {
		return false
	}
	switch level {
	case DecodeReferences:
		return !isReference(codec, data)
	case DecodeHalfGOP, DecodeQuarterGOP:
		// The unit at position sinceKey of the GOP (the keyframe is 1).
		// Before the first whole GOP, or when the position was lost (a
		// start), the head is not known: what has its references is
		// decoded, for at most a GOP.
		switch {
		case g.skippedGOP:
			return true
		case g.gop == 0 || g.sinceKey == 0 || g.sinceKey <= gopHead(level, g.gop):
			return false
		}
		g.skippedGOP = true
		return true
	}
	g.skippedGOP = true // DecodeKeyframes
	return true
}

// isReference reports whether any picture NAL unit of an Annex B access
// unit may be referred to by later pictures. Unknown or malformed input
// counts as a reference: skipping it could break what follows.
func isReference(codec decode.Codec, au []byte) bool {
	sawVCL := false
	for i := 0; i+3 < len(au); i++ {
		// A start code is 00 00 01 (after any number of zero bytes).
		if au[i] != 0 || au[i+1] != 0 || au[i+2] != 1 {
			continue
		}
		h := au[i+3]
		i += 3
		switch codec {
		case decode.CodecH264:
			typ := h & 0x1f
			if typ < 1 || typ > 5 {
				continue // not a slice
			}
			sawVCL = true
			if h&0x60 != 0 { // nal_ref_idc
				return true
			}
		case decode.CodecH265:
			typ := (h >> 1) & 0x3f
			if typ > 31 {
				continue // not a slice
			}
			sawVCL = true
			// Types 0-14 even are sub-layer non-reference (TRAIL_N,
			// TSA_N, STSA_N, RADL_N, RASL_N, RSV_VCL_N10/12/14);
			// everything else (odd, IRAP 16-23, reserved) is referenced.
			if typ > 14 || typ%2 == 1 {
				return true
			}
		default:
			return true
		}
	}
	return !sawVCL
}
