package player

import "time"

// timeline maps RTP timestamps of a PLAY to normal play time: the packet
// with timestamp rtptime is at npt base (RFC 2326 section 12.33).
type timeline struct {
	ok      bool
	base    time.Duration
	rtptime uint32
	rate    float64 // RTP clock rate in Hz
	// fromFirst: RTP-Info had no rtptime; the first packet of the new
	// range stands for base (what FFmpeg does too).
	fromFirst bool
}

// npt is the play time of the packet with RTP timestamp ts. The step
// from rtptime is read as a signed 32-bit number, so it survives the
// timestamp's wrap, and a timestamp just before rtptime (a B-frame's)
// maps just before base.
func (t timeline) npt(ts uint32) (time.Duration, bool) {
	if !t.ok || t.rate <= 0 {
		return 0, false
	}
	return t.base + time.Duration(float64(int32(ts-t.rtptime))/t.rate*float64(time.Second)), true
}
