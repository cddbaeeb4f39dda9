package player

import (
	"errors"
	"sync"
	"time"

	"github.com/pion/rtp"
	"github.com/rtspview/rtspview/decode"
	"github.com/rtspview/rtspview/player/depack"
	"github.com/rtspview/rtspview/record"
	"github.com/rtspview/rtspview/rtsp"
)

// ErrAlreadyRecording is StartRecording's answer while a recording runs.
var ErrAlreadyRecording = errors.New("already recording")

// videoClock is the RTP clock of every video payload format played here
// (RFC 6184, RFC 7798, RFC 2435).
const videoClock = 90000

// recordTap hands what the packet path receives to a recorder as well as
// to the decoder, and keeps the current GOP for pre-record. It runs on the
// packet path whether or not the picture is decoded (a hidden tile), and
// never waits: Recorder.Push only queues.
type recordTap struct {
	mu  sync.Mutex
	rec *record.Recorder
	gop record.GOP

	att  *attempt       // the session src describes
	over *attempt       // a session that ended: what it still delivers is not recorded
	gen  uint64         // the playback generation (a seek starts a new file)
	src  *record.Source // shared by the units of one session

	// The audio track's own depacketizer: the audio goroutine's decodes
	// only while someone listens, and a recording needs the frames either
	// way.
	adp  depack.AudioDepacketizer
	apkt rtp.Packet
}

// StartRecording starts writing what the stream receives, without
// re-encoding, to files as cfg says (see record.Config). The first file
// begins at the last keyframe already received, so the picture on screen
// when the person asked is in it; with none yet, at the next one. It goes
// on while the stream is hidden (its session is then kept open) and over
// reconnects (each session in a new file) until StopRecording. The
// returned Recorder reports files, drops and a write error (Done, Err,
// Stats); a failed disk stops the recording, never the viewing.
func (s *Stream) StartRecording(cfg record.Config) (*record.Recorder, error) {
	t := &s.rec
	t.mu.Lock()
	if t.rec != nil {
		select {
		case <-t.rec.Done(): // stopped by itself: a new one may start
		default:
			t.mu.Unlock()
			return nil, ErrAlreadyRecording
		}
	}
	r := record.New(cfg)
	t.rec = r
	t.gop.Replay(r.Push)
	t.mu.Unlock()
	// A session parked while hidden opens again: recording needs it.
	select {
	case s.shown <- struct{}{}:
	default:
	}
	return r, nil
}

// StopRecording ends the recording: what is queued is written, the file
// finished. It returns the recording's first error, nil when there was
// none or no recording runs.
func (s *Stream) StopRecording() error {
	t := &s.rec
	t.mu.Lock()
	r := t.rec
	t.rec = nil
	t.mu.Unlock()
	if r == nil {
		return nil
	}
	return r.Close()
}

// Recorder returns the running recording, nil when none runs (or the one
// that stopped by itself, until StopRecording: its Err says why).
func (s *Stream) Recorder() *record.Recorder {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	return s.rec.rec
}

// recording reports whether a recording runs: a hidden stream then keeps
// its session.
func (s *Stream) recording() bool {
	s.rec.mu.Lock()
	defer s.rec.mu.Unlock()
	if s.rec.rec == nil {
		return false
	}
	select {
	case <-s.rec.rec.Done():
		return false
	default:
		return true
	}
}

// source returns the Source of a's session, a new one when a is not the
// session (or playback generation) the last units came from; that empties
// the GOP, whose timestamps belong to the session before. t.mu is held.
func (t *recordTap) source(a *attempt) *record.Source {
	gen := a.s.pb.gen.Load()
	if t.att == a && t.gen == gen && t.src != nil {
		return t.src
	}
	t.att, t.gen = a, gen
	t.src = &record.Source{Video: a.codec, VideoClock: videoClock}
	t.adp = nil
	if tr, ok := a.recordAudioTrack(); ok {
		recordAudio(t, tr)
	}
	t.gop.Reset()
	return t.src
}

// recordAudio describes audio track tr in t.src and opens its
// depacketizer; sound the recorder does not write is named in
// Source.AudioName and left out. t.mu is held.
func recordAudio(t *recordTap, tr rtsp.Track) {
	src := t.src
	dp, cfg, err := audioCodec(tr)
	if err != nil {
		src.AudioName = tr.AudioName()
		return
	}
	switch cfg.Codec {
	case decode.AudioAAC:
		if len(cfg.Extradata) == 0 {
			src.AudioName = tr.AudioName()
			return
		}
		src.Audio, src.AudioConfig = record.AudioAAC, cfg.Extradata
	case decode.AudioPCMA:
		src.Audio = record.AudioPCMA
	case decode.AudioPCMU:
		src.Audio = record.AudioPCMU
	default:
		src.AudioName = tr.AudioName()
		return
	}
	src.AudioClock, src.SampleRate, src.Channels = tr.ClockRate, tr.ClockRate, max(tr.Channels, 1)
	src.Reports = t.att.senderReports()
	t.adp = dp
}

// sessionEnded finishes the recording's file when a session ends (the
// camera dropped, or will be reconnected): it may be away for seconds or
// for good, and the file must be whole meanwhile. The next session's
// first keyframe begins the next file; the time between them is the gap.
func (t *recordTap) sessionEnded() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.att == nil {
		return
	}
	t.over, t.att, t.src = t.att, nil, nil
	t.gop.Reset()
	if t.rec != nil {
		t.rec.EndFile()
	}
}

// video takes one access unit from the packet path (a.mu is held).
func (t *recordTap) video(a *attempt, au depack.AccessUnit) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if a == t.over {
		return // after sessionEnded, a unit on its way from the old session
	}
	u := record.Unit{
		Source:   t.source(a),
		Kind:     record.Video,
		Data:     au.Data,
		RTPTime:  au.Timestamp,
		Keyframe: au.Keyframe,
		Arrived:  time.Unix(0, a.arrived),
	}
	t.gop.Add(u)
	if t.rec != nil {
		t.rec.Push(u)
	}
}

// audio takes one RTP packet of a's audio track from the packet path.
func (t *recordTap) audio(a *attempt, b []byte) {
	if a.lane != nil && a.lane.r.winner.Load() != a.lane {
		return // Auto's race: only the way shown is kept
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if a == t.over {
		return
	}
	src := t.source(a)
	if t.adp == nil || t.apkt.Unmarshal(b) != nil {
		return
	}
	frames, err := t.adp.Decode(&t.apkt)
	if err != nil {
		return
	}
	now := time.Now()
	for _, f := range frames {
		u := record.Unit{Source: src, Kind: record.Audio, Data: f.Data, RTPTime: f.Timestamp, Arrived: now}
		t.gop.Add(u)
		if t.rec != nil {
			t.rec.Push(u)
		}
	}
}
