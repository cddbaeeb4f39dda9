package sound

import "encoding/binary"

// MaxVolume is the loudest SetVolume takes: twice the sound as decoded,
// for a camera whose microphone is quiet. A sample the gain would carry
// past int16's range is held at its end (clipped), never wrapped round
// to the other sign, which would be a loud click.
const MaxVolume = 2

// unityGain is a gain of 1 in the fixed point scale works in: 1/4096 is
// finer than a slider's step, and a sample times the largest gain
// (32768 × 8192) stays within int32.
const unityGain = 1 << 12

// gainOf converts a volume, clamped to 0..MaxVolume, to scale's units.
func gainOf(v float64) int32 {
	if v != v { // NaN
		return 0
	}
	v = min(max(v, 0), MaxVolume)
	return int32(v*unityGain + 0.5)
}

// scale multiplies the little-endian 16-bit samples in p by gain (in
// units of 1/unityGain), saturating at int16's range.
func scale(p []byte, gain int32) {
	for i := 0; i+1 < len(p); i += 2 {
		s := int32(int16(binary.LittleEndian.Uint16(p[i:]))) * gain / unityGain
		s = min(max(s, -32768), 32767)
		binary.LittleEndian.PutUint16(p[i:], uint16(int16(s)))
	}
}
