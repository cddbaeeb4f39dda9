package player

import (
	"context"
	"time"

	"github.com/rtspview/rtspview/rtsp"
)

// maxHeld bounds the packets kept while a PLAY's answer is awaited (about
// 6 MB of 1500-byte packets): more than a second of 20 Mb/s video, far
// more than a loopback or LAN server sends before its answer.
const maxHeld = 4096

// playFrom sends the session's PLAY with o on attempt a and ties the
// answer's RTP-Info to a's packet path. flush starts a new generation:
// the jitter buffer, depacketizer and decoder forget what they hold, and
// packets from before this PLAY are dropped.
//
// afterPause says the server was paused when this PLAY went out: every
// packet after it is new, with or without RTP-Info.
func (s *Stream) playFrom(ctx context.Context, cl *rtsp.Client, a *attempt, track int, o rtsp.PlayOptions, flush, afterPause bool) (rtsp.PlayResult, error) {
	if flush {
		s.pb.newGen(time.Now())
	}
	a.beginHold(flush)
	res, err := cl.PlayRange(ctx, o)
	if err != nil {
		a.endHold(nil, timeline{}, false)
		return res, err
	}
	ts, _ := res.SyncFor(track)
	tl := s.pb.timelineFor(o, res, ts)
	// A seek while playing answered without RTP-Info's seq: the held
	// packets cannot be told from those sent before the PLAY, so they go.
	// After a PAUSE none of them is old.
	a.endHold(&ts, tl, flush && !afterPause && ts.SeqNum == nil)
	s.pb.played(o, res)
	return res, nil
}
