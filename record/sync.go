package record

import "time"

// SenderReport is what an RTCP sender report says of one track's clocks
// (RFC 3550 §6.4.1): at the sender's wall-clock instant NTP, the track's
// RTP clock read RTPTime. A sender takes every track's NTP from one clock,
// so two tracks' reports place their units on one timeline.
type SenderReport struct {
	NTP     time.Time // zero before the first report
	RTPTime uint32
}

// Sender reports and the sound's place in a file. Without them each
// track is anchored at its first unit's arrival, which puts the sound off
// the picture by however much longer one track's packets took (a camera's
// encoders, the network's queues: tens to hundreds of milliseconds). With
// both tracks' reports, the sound's anchor is moved so that a sound
// sample and a picture the sender made at one instant get one time in
// the file.
const (
	// reportsEvery is how often (in the sound's own time) the writer
	// asks for the newest reports: a second.
	reportsEvery = time.Second
	// resyncOver: once placed, the sound moves again only when the
	// reports put it further than this off, as when the camera's sound
	// clock drifts from its picture clock over a long file. Each move is
	// a short gap in the sound (later) or a few frames left out
	// (earlier); 20 ms is below what anyone sees as lip sync.
	resyncOver = 20 * time.Millisecond
)

// extend is the tick of timestamp ts, near the last one unwrapped.
func (c *clock) extend(ts uint32) int64 {
	return c.ext + int64(int32(ts-c.last))
}

// followReports places the sound by the sender reports (see reportsEvery),
// at audio tick t. Called from the recorder's goroutine only: Source.Reports
// may take a lock of the session's.
func (w *writer) followReports(t int64) {
	if w.src.Reports == nil || !w.vc.ok || (w.asked && time.Duration((t-w.askedAt)*int64(time.Second)/w.ac.rate) < reportsEvery) {
		return
	}
	w.asked, w.askedAt = true, t
	v, a := w.src.Reports()
	if v.NTP.IsZero() || a.NTP.IsZero() {
		return
	}
	// The video report's instant, on our clock (arrival), less the
	// sender's: what the sender's clock is behind ours, picture path
	// included. The sound's tick 0 goes where the sender's clock, so
	// shifted, puts it.
	behind := w.vc.at(w.vc.extend(v.RTPTime)).Sub(v.NTP)
	anchor := a.NTP.Add(behind).Add(-time.Duration(w.ac.extend(a.RTPTime) * int64(time.Second) / w.ac.rate))
	if d := anchor.Sub(w.ac.anchor); w.synced && d.Abs() < resyncOver {
		return
	}
	w.ac.anchor, w.synced = anchor, true
	if w.file != nil && w.stats.SyncedBy != "" {
		w.stats.SyncedBy = BySenderReports
	}
	if w.aReady {
		w.aBase = w.ac.tick(w.stats.Start)
	}
}
