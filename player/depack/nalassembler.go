package depack

import (
	"fmt"
	"slices"

	"github.com/pion/rtp"
)

// nalClass is what the assembler needs to know about a NAL unit.
type nalClass uint8

const (
	nalOther nalClass = iota // SEI, AUD, filler, anything not below
	nalVCL                   // a slice of a picture a decoder cannot start at
	nalKey                   // a slice of an IDR (H.264) or IRAP (H.265) picture
	nalParam                 // a VPS, SPS or PPS
)

// nalInfo is the classification of one NAL unit by a codec.
type nalInfo struct {
	class nalClass
	// firstSlice is set for VCL units that begin a picture (H.264
	// first_mb_in_slice == 0, H.265 first_slice_segment_in_pic_flag).
	firstSlice bool
	// psKind orders parameter sets for prepending (VPS < SPS < PPS);
	// psID is their id and psValid says whether it could be parsed.
	psKind  uint8
	psID    uint32
	psValid bool
	// recovery is set for an SEI unit holding a recovery point message.
	recovery bool
}

var (
	errTooLarge = fmt.Errorf("%w (%d bytes): %w",
		ErrAccessUnitTooLarge, MaxAccessUnitSize, ErrWaitKeyframe)
	errFragmentWithoutStart = fmt.Errorf("%w: fragment whose start fragment was never received: %w",
		ErrMalformed, ErrWaitKeyframe)
	errNilPacket         = fmt.Errorf("%w: nil packet", ErrMalformed)
	errLostFragmentStart = fmt.Errorf("%w: fragment whose start fragment was lost skipped", ErrPacketsLost)
)

// nalAssembler is the codec-independent half of the H.264 and H.265
// depacketizers: it follows sequence numbers, decides where access units
// begin and end, assembles their NAL units in Annex-B form in reused
// buffers, remembers parameter sets and gates output on keyframes. The
// codec half parses its payload format and calls appendNALs and the fu*
// methods.
//
// Per packet the flow is begin, the codec's parsing, end, result.
type nalAssembler struct {
	classify func(nal []byte) nalInfo
	required uint8 // parameter-set kinds a decoder needs to start
	ps       paramSetStore

	seq seqTracker

	// Two buffers alternate: when a packet with a new timestamp completes
	// the previous unit (cameras that never set the marker bit), that
	// unit is returned from one buffer while the packet starts the next
	// unit in the other, so the packet is not lost.
	bufs [2][]byte
	cur  int

	// The unit in progress, in bufs[cur].
	active   bool   // a unit has begun
	broken   bool   // it lost data: drop its remaining packets
	ts       uint32 // its RTP timestamp
	hasVCL   bool   // it holds at least one slice
	keyStart bool   // its first slice begins a keyframe
	psMask   uint8  // parameter-set kinds it carries in-band
	fu       bool   // a fragmented NAL unit is open
	fuStart  int    // offset of that NAL unit's header in bufs[cur]
	recovery bool   // it carries a recovery point SEI
	recStart bool   // its first slice begins a picture at that recovery point
	damaged  bool   // packets of it were lost: delivered marked Damaged
	afterGap bool   // it began right after lost packets, which may have been its head

	// waitKey is set from the start, after a change of source and after
	// an unrecoverable unit (oversized, unsupported): units are dropped
	// until one a decoder can start at. Ordinary packet loss after that
	// does not set it: damaged units are delivered marked, for the
	// decoder to conceal.
	waitKey bool

	out outQueue
}

func (a *nalAssembler) init(classify func([]byte) nalInfo, required uint8) {
	a.classify = classify
	a.required = required
	a.ps = newParamSetStore()
	a.waitKey = true
}

// rememberParamSet stores nal if it is a parameter set (used for the
// sets from the SDP).
func (a *nalAssembler) rememberParamSet(nal []byte) {
	if info := a.classify(nal); info.class == nalParam && info.psValid {
		a.ps.put(info.psKind, info.psID, nal)
	}
}

// reset forgets everything about the stream but its parameter sets, which
// stay valid across a reconnect to the same camera and are replaced by id
// when new ones arrive.
func (a *nalAssembler) reset() {
	a.seq.reset()
	a.active, a.broken, a.fu = false, false, false
	a.waitKey = true
	a.out = outQueue{}
}

func (a *nalAssembler) setErr(err error) { a.out.setErr(err) }

// begin handles sequence numbers and unit boundaries for pkt. It returns
// true when the payload belongs to a healthy unit and should be parsed.
func (a *nalAssembler) begin(pkt *rtp.Packet) bool {
	a.out.startCall()

	gap := false
	switch a.seq.check(&pkt.Header) {
	case seqStale:
		a.setErr(ErrOutOfOrder)
		return false
	case seqNewSource:
		// A new SSRC is a new encoder (a camera reboot, a failover): its
		// pictures never refer to the old ones, so start over at its
		// first keyframe.
		a.waitKey = true
		a.setErr(ErrWaitKeyframe)
		a.active, a.fu = false, false
	case seqGap:
		if a.waitKey && !a.keyInProgress() {
			// Nothing delivered yet, and no keyframe under way: the lost
			// packets may have been the start of one.
			a.setErr(ErrWaitKeyframe)
			if a.active {
				lostTS := a.ts
				a.active, a.fu = false, false
				if pkt.Timestamp == lostTS {
					a.startBroken(lostTS)
				}
			}
			break
		}
		// The lost packets belonged to the unit in progress (its middle
		// or its end), to the unit this packet starts (its head), or
		// were whole units. Each damaged unit still goes to the decoder,
		// marked, and FFmpeg conceals what is missing: waiting for an
		// intact keyframe instead freezes the picture for good at a few
		// percent loss, because a keyframe spans dozens of packets. For
		// the same reason a keyframe whose start arrived is the place to
		// begin even when later packets of it are lost.
		gap = true
		a.setErr(ErrPacketsLost)
		if a.active && !a.broken {
			// A fragmented NAL unit cut short keeps what arrived: the
			// decoder uses the macroblocks before the cut.
			a.fuFinish()
			a.damaged = true
			if pkt.Timestamp != a.ts {
				a.complete()
			}
		}
	}

	if a.active && pkt.Timestamp != a.ts {
		// A new timestamp ends the previous unit even without a marker
		// bit (docs/QUIRKS.md #17).
		if a.broken {
			a.active = false
		} else {
			a.complete()
		}
	}
	if a.active && a.broken {
		if pkt.Marker {
			a.active = false
		}
		a.setErr(ErrWaitKeyframe)
		return false
	}
	if !a.active {
		a.start(pkt.Timestamp)
		a.afterGap = gap
	}
	return true
}

// end closes the unit on the marker bit (RFC 6184 section 5.1, RFC 7798
// section 4.1: set on the last packet of an access unit).
func (a *nalAssembler) end(marker bool) {
	if !marker || !a.active {
		return
	}
	switch {
	case a.broken:
		a.active = false
	case a.fu:
		// Some cameras set the marker on every packet. A marker in the
		// middle of a fragmented NAL unit cannot end the unit; the end
		// fragment or the next timestamp will.
	default:
		a.complete()
	}
}

// result returns what this call produced.
func (a *nalAssembler) result() (AccessUnit, error) {
	if a.waitKey && (!a.active || a.broken) {
		// The packet went into nothing a decoder could start at.
		// Packets of a unit that may still become a keyframe get
		// ErrMorePacketsNeeded.
		return a.out.finish(ErrWaitKeyframe)
	}
	return a.out.finish(ErrMorePacketsNeeded)
}

func (a *nalAssembler) start(ts uint32) {
	a.active, a.broken, a.fu = true, false, false
	a.ts = ts
	a.hasVCL, a.keyStart, a.psMask = false, false, 0
	a.recovery, a.recStart, a.damaged, a.afterGap = false, false, false, false
	a.bufs[a.cur] = a.bufs[a.cur][:0]
}

func (a *nalAssembler) startBroken(ts uint32) {
	a.start(ts)
	a.broken = true
}

// fail drops the unit in progress: its remaining packets are discarded and
// the decoder must wait for a keyframe.
func (a *nalAssembler) fail(err error) {
	a.broken, a.fu, a.waitKey = true, false, true
	a.setErr(err)
}

// damage handles a payload that cannot be used (malformed, or a fragment
// whose start was lost). Before the first keyframe the unit is dropped as
// by fail; after it the payload is skipped, what the unit already holds is
// kept, and the unit is delivered marked Damaged.
func (a *nalAssembler) damage(err error) {
	if a.waitKey && !a.keyInProgress() {
		a.fail(err)
		return
	}
	a.fuFinish()
	a.damaged = true
	a.setErr(err)
}

// keyInProgress reports whether the unit in progress began with the first
// slice of a keyframe or of a recovery point picture.
func (a *nalAssembler) keyInProgress() bool {
	return a.active && !a.broken && (a.keyStart || a.recStart)
}

// lostStart handles a continuation fragment whose start never arrived:
// joining a stream mid-fragment is normal; after a loss the rest of that
// NAL unit is useless without its header and is skipped.
func (a *nalAssembler) lostStart() {
	switch {
	case a.waitKey && !a.keyInProgress():
		a.fail(ErrWaitKeyframe)
	case a.damaged || a.afterGap:
		a.damage(errLostFragmentStart)
	default:
		a.damage(errFragmentWithoutStart)
	}
}

// complete finishes the unit in progress and emits it if a decoder can
// use it.
func (a *nalAssembler) complete() {
	if a.fu {
		// The end fragment never came although no packet was lost: the
		// sender forgot the E bit. The data is all there; keep it.
		a.fuFinish()
	}
	a.active = false
	if a.broken || !a.hasVCL {
		// Parameter sets or SEI alone are remembered, not decoded.
		return
	}
	entry := a.keyStart || a.recStart
	usable := entry && (a.psMask|a.ps.kinds)&a.required == a.required
	if a.waitKey && !usable {
		a.setErr(ErrWaitKeyframe)
		return
	}
	buf := a.bufs[a.cur]
	if entry && a.psMask&a.required != a.required {
		// Prepend every remembered parameter set, in kind order, so a
		// decoder can start here (docs/QUIRKS.md #16). Moving the unit within
		// its own buffer costs no allocation once the buffer has grown.
		n := a.ps.annexBSize()
		old := len(buf)
		buf = slices.Grow(buf, n)[:old+n]
		copy(buf[n:], buf[:old])
		a.ps.writeAnnexB(buf[:n])
		a.bufs[a.cur] = buf
	}
	if usable {
		a.waitKey = false
	}
	a.out.emit(AccessUnit{Data: buf, Timestamp: a.ts, Keyframe: a.keyStart,
		Recovery: a.recStart && !a.keyStart, Damaged: a.damaged})
	a.cur ^= 1
}

// flush completes the unit in progress as if its end had arrived, and
// reports whether a unit came out. The owner calls it when no packet has
// come for a while: the marker packet of the last picture before a pause
// may be lost, and without this the picture would wait for the next one.
func (a *nalAssembler) flush() (AccessUnit, bool) {
	a.out.startCall()
	if a.active && !a.broken && a.hasVCL {
		// Without the marker nothing says the unit is whole.
		a.damaged = true
		a.complete()
	}
	au, err := a.out.finish(nil)
	return au, err == nil && au.Data != nil
}

// write appends b to the unit, enforcing MaxAccessUnitSize.
func (a *nalAssembler) write(b []byte) bool {
	buf := a.bufs[a.cur]
	if len(buf)+len(b) > MaxAccessUnitSize {
		a.fail(errTooLarge)
		a.bufs[a.cur] = buf[:0]
		return false
	}
	a.bufs[a.cur] = append(buf, b...)
	return true
}

// appendNALs appends the NAL unit p, or each NAL unit of p when a camera
// put Annex-B start codes in the payload (docs/QUIRKS.md #17). Empty NAL units
// are skipped.
func (a *nalAssembler) appendNALs(p []byte) {
	if a.fu {
		a.fuFinish()
	}
	for len(p) > 0 && !a.broken {
		var nal []byte
		nal, p = splitAnnexB(p)
		if len(nal) == 0 {
			continue
		}
		if !a.write(startCode[:]) || !a.write(nal) {
			return
		}
		a.note(nal)
	}
}

// fuBegin opens a fragmented NAL unit whose reconstructed header is hdr.
func (a *nalAssembler) fuBegin(hdr, data []byte) {
	if a.fu {
		a.fuFinish()
	}
	if a.broken || !a.write(startCode[:]) {
		return
	}
	a.fuStart = len(a.bufs[a.cur])
	if !a.write(hdr) || !a.write(data) {
		return
	}
	a.fu = true
	if len(data) > 0 {
		// The header and the first payload byte say whether a slice
		// starts a keyframe; deciding now spares copying the fragments
		// of pictures that will be dropped anyway.
		buf := a.bufs[a.cur]
		if info := a.classify(buf[a.fuStart:]); info.class == nalVCL || info.class == nalKey {
			a.noteSlice(info)
		}
	}
}

// fuAppend adds a middle or end fragment.
func (a *nalAssembler) fuAppend(data []byte) {
	if a.fu && !a.broken {
		a.write(data)
	}
}

// fuFinish closes the fragmented NAL unit and records what it holds.
func (a *nalAssembler) fuFinish() {
	if !a.fu || a.broken {
		return
	}
	a.fu = false
	buf := a.bufs[a.cur]
	for len(buf) > a.fuStart && buf[len(buf)-1] == 0 {
		buf = buf[:len(buf)-1]
	}
	if len(buf) == a.fuStart {
		// Nothing but zeros: drop the start code too.
		a.bufs[a.cur] = buf[:a.fuStart-len(startCode)]
		return
	}
	a.bufs[a.cur] = buf
	// Some vendors put several NAL units, separated by start codes, in
	// one fragmented unit; the Annex-B output is right as it is, but each
	// must be classified.
	for rest := buf[a.fuStart:]; len(rest) > 0; {
		var nal []byte
		nal, rest = splitAnnexB(rest)
		if len(nal) > 0 {
			a.note(nal)
		}
	}
}

// note records what the NAL unit just appended means for the unit.
func (a *nalAssembler) note(nal []byte) {
	info := a.classify(nal)
	switch info.class {
	case nalKey, nalVCL:
		a.noteSlice(info)
	case nalParam:
		a.psMask |= 1 << info.psKind
		if info.psValid {
			a.ps.put(info.psKind, info.psID, nal)
		}
	default:
		if info.recovery && !a.hasVCL {
			a.recovery = true
		}
	}
}

// noteSlice records a slice; the first one of a unit decides whether a
// decoder can start at it.
func (a *nalAssembler) noteSlice(info nalInfo) {
	if a.hasVCL {
		return
	}
	a.hasVCL = true
	a.keyStart = info.class == nalKey && info.firstSlice
	a.recStart = a.recovery && info.firstSlice
	if a.afterGap && !info.firstSlice {
		// The unit's first slice was among the lost packets.
		a.damaged = true
	}
	if a.waitKey && !a.keyStart && !a.recStart {
		// Not a picture a decoder can start at: skip copying the rest
		// of it.
		a.broken, a.fu = true, false
	}
}
