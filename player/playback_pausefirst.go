package player

import (
	"context"
	"errors"
	"fmt"

	"github.com/rtspview/rtspview/rtsp"
)

// seekPlay sends the PLAY of a seek or speed change with o, pausing
// first where the server needs it, and learns that need from a 455 or a
// PLAY answered without RTP-Info.
func (s *Stream) seekPlay(ctx context.Context, cl *rtsp.Client, a *attempt, o rtsp.PlayOptions) (rtsp.PlayResult, error) {
	track := cl.VideoTrackIndex()
	pauseFirst := s.pb.mustPauseFirst() && cl.State() == rtsp.StatePlaying
	if pauseFirst {
		if err := cl.Pause(ctx); err != nil {
			return rtsp.PlayResult{}, fmt.Errorf("seek: %w", err)
		}
	}
	wasPaused := pauseFirst || cl.State() == rtsp.StatePaused
	res, err := s.playFrom(ctx, cl, a, track, o, true, wasPaused)
	var se *rtsp.StatusError
	retry := errors.As(err, &se) && se.Code == 455
	if ts, _ := res.SyncFor(track); err == nil && ts.SeqNum == nil && !wasPaused && cl.CanPause() {
		// No RTP-Info seq: packets sent before the seek cannot be told
		// from those after it. gortsplib's server, for one, gives
		// RTP-Info only to a PLAY after PAUSE (or the first). Do that
		// now and for every later seek.
		retry = true
	}
	if retry {
		// 455 Method Not Valid in This State, or no RTP-Info: this
		// server wants PAUSE before a PLAY that moves (RFC 2326
		// section 10.5).
		s.pb.learnPauseFirst()
		if perr := cl.Pause(ctx); perr != nil {
			return res, fmt.Errorf("seek: %w", perr)
		}
		res, err = s.playFrom(ctx, cl, a, track, o, true, true)
	}
	if err != nil {
		return res, fmt.Errorf("seek: %w", err)
	}
	return res, nil
}
