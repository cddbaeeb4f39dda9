package player

import (
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
	// DecodeKeyframes decodes only keyframes (for MJPEG every fourth
	// picture): the tile moves once a GOP.
	DecodeKeyframes
)

// String names the level for Stats and logs.
func (l DecodeLevel) String() string {
	switch l {
	case DecodeReferences:
		return "reference pictures only"
	case DecodeKeyframes:
		return "keyframes only"
	}
	return "all pictures"
}

// Governor timing. A window is long enough to see a backlog build up and
// short enough that a tile freezes for no more than a moment before it
// steps down (two windows behind in a row: one is a burst). Stepping back up is tried after holdMin, and when that
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
	behindRun   int       // consecutive windows with a backlog
	changed     time.Time // the level's last change, or the last backlog
	steppedUp   time.Time // when the level last went back towards DecodeAll
	hold        time.Duration
	mjpegCount  uint32
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
	g.units++
	if waiting >= 2 {
		g.backlogged++
	}
	if now.Sub(g.windowStart) < governWindow {
		return g.level, false
	}
	// Behind: units overflowed the queue, or a quarter of them found a
	// backlog of two or more (a burst after a network stall is one or
	// two such units, not a quarter of a second's worth).
	behind := dropped > g.dropped || g.backlogged*4 > g.units
	g.windowStart, g.units, g.backlogged, g.dropped = now, 0, 0, dropped
	if behind {
		g.behindRun++
	} else {
		g.behindRun = 0
	}
	switch {
	case behind:
		// The hold counts from the last backlog, at the bottom too.
		g.changed = now
		// One window behind is a burst: a server that sends its cached
		// GOP to a new viewer at once, or the pictures a network stall
		// held back. Two in a row is a decoder that cannot keep up.
		if g.level == DecodeKeyframes || g.behindRun < 2 {
			break
		}
		g.behindRun = 0 // the next step down needs two more windows
		if !g.steppedUp.IsZero() && now.Sub(g.steppedUp) < relapseWithin {
			g.hold = min(2*g.hold, holdMax)
		}
		g.level++
	case !behind && g.level > DecodeAll && now.Sub(g.changed) >= g.hold:
		needKey = g.level == DecodeKeyframes
		g.level--
		g.changed, g.steppedUp = now, now
	}
	return g.level, needKey
}

// skip says whether a unit is left undecoded at level.
func (g *decodeGovernor) skip(level DecodeLevel, codec decode.Codec, data []byte, keyframe bool) bool {
	if level == DecodeAll {
		return false
	}
	if codec == decode.CodecMJPEG {
		// Every picture is whole: thin them out evenly.
		g.mjpegCount++
		if level == DecodeReferences {
			return g.mjpegCount%2 != 0
		}
		return g.mjpegCount%4 != 0
	}
	if keyframe {
		return false
	}
	if level == DecodeKeyframes {
		return true
	}
	return !isReference(codec, data)
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
