package player

import "time"

// FrameArrival returns when the last RTP packet of the picture the latest
// Frame call returned arrived at this viewer; zero when unknown (no
// picture yet, or one published without a time).
//
// The UI measures the pipeline's latency from this time, the arrival of
// an access unit's last RTP packet, to the moment it hands the decoded
// picture to the canvas: the part of the delay this viewer adds (jitter buffer, decode
// queue, decoding, scaling, the hop to the UI thread), not the camera's
// encoder or the network.
//
// The arrival time travels by value, never allocated: attempt.arrived is
// stamped once per packet on the reader goroutine (packetpath.go), copied
// into the pooled auBuf when a unit completes, and from there into the
// frame slot beside the picture (frame.go), where it swaps with the
// picture's buffer so the UI reads the time of the very picture it shows.
//
// Over UDP the stamp is that of the latest packet when the jitter buffer
// released the unit's last one, so time a packet waited in the jitter
// buffer for a reordered one is not counted; over TCP it is exact.
func (s *Stream) FrameArrival() time.Time {
	ns := s.frames.arrival()
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}
