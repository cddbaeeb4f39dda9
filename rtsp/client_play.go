package rtsp

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/rtspview/rtspview/rtsp/headers"
)

// PlayOptions says where and how fast a PLAY starts (RFC 2326 sections
// 10.5, 12.29 and 12.34).
type PlayOptions struct {
	// Start is the normal play time to play from; used when Clock is zero
	// and Resume is false.
	Start time.Duration
	// Clock, when not zero, asks for an absolute position instead
	// ("Range: clock=20261128T220000Z-"), for an NVR's recordings.
	Clock time.Time
	// Resume sends PLAY without Range: after PAUSE the server goes on
	// from where it paused (section 10.5), a live stream from now.
	Resume bool
	// Scale is the playback speed; 0 and 1 send no Scale header.
	Scale float64
}

func (o PlayOptions) rangeHeader() string {
	switch {
	case o.Resume:
		return ""
	case !o.Clock.IsZero():
		return headers.Range{Clock: &headers.ClockRange{Start: o.Clock}}.Marshal()
	}
	return headers.Range{Start: o.Start}.Marshal()
}

// TrackSync ties a set-up track's RTP numbering to the PLAY's range: the
// first packet of the new range has SeqNum, and Timestamp is the RTP time
// of the range start (RFC 2326 section 12.33). Either may be missing.
type TrackSync struct {
	Index     int // Track.Index
	SeqNum    *uint16
	Timestamp *uint32
}

// PlayResult is what the server answered to PLAY.
type PlayResult struct {
	// Range is the answer's Range header: where the server really starts
	// (it may snap a seek to a keyframe); nil when absent or unreadable.
	Range *headers.Range
	// Sync has one entry per set-up track that RTP-Info named.
	Sync []TrackSync
	// Scale is the speed the server plays at: its Scale answer, else 1.
	Scale float64
	// ScaleRefused is true when a Scale other than 1 was asked for and
	// the server refused it or plays at another speed.
	ScaleRefused bool
}

// SyncFor returns the RTP-Info entry of the track with the given index.
func (r PlayResult) SyncFor(track int) (TrackSync, bool) {
	for _, s := range r.Sync {
		if s.Index == track {
			return s, true
		}
	}
	return TrackSync{}, false
}

// PlayRange sends PLAY on the session's tracks with o's Range and Scale:
// the first PLAY, a seek while playing or paused, or a resume after PAUSE.
// A server may answer a seek without pausing first (gst-rtsp-server,
// live555 and gortsplib do); see Pause for one that wants it.
//
// When the server refuses a Scale (a 4xx other than 401) the PLAY is sent
// again without it and ScaleRefused says so; a server that answers with
// another Scale, or none, plays at its own speed and ScaleRefused is set
// as well.
func (c *Client) PlayRange(ctx context.Context, o PlayOptions) (PlayResult, error) {
	if err := c.checkState("PLAY", StateSetUp, StatePlaying, StatePaused); err != nil {
		return PlayResult{}, err
	}
	c.mu.Lock()
	again := c.state == StatePlaying || c.state == StatePaused
	c.mu.Unlock()
	res, resp, err := c.sendPlay(ctx, o)
	var se *StatusError
	if err != nil && wantsScale(o.Scale) && errors.As(err, &se) && se.Code >= 400 && se.Code < 500 && se.Code != 401 {
		o.Scale = 0
		res, resp, err = c.sendPlay(ctx, o)
		res.ScaleRefused = true
	}
	if err != nil {
		return PlayResult{}, err
	}
	res.Scale = 1
	if v := strings.TrimSpace(resp.Header.Get("Scale")); v != "" {
		if f, perr := strconv.ParseFloat(v, 64); perr == nil && f != 0 && !math.IsInf(f, 0) && !math.IsNaN(f) {
			res.Scale = f
		}
	}
	if wantsScale(o.Scale) && math.Abs(res.Scale-o.Scale) > 0.01 {
		res.ScaleRefused = true
	}
	if again {
		// A seek or resume: the sequence numbers jump to where the server
		// restarts, which is not loss (RFC 3550's counts would take it
		// for thousands of lost packets).
		c.mu.Lock()
		tracks := append([]*setupTrack(nil), c.tracks...)
		c.mu.Unlock()
		for _, t := range tracks {
			sync, _ := res.SyncFor(t.Index)
			t.stats.resync(sync.SeqNum)
		}
	}
	if err := c.startPlaying(); err != nil {
		return PlayResult{}, err
	}
	return res, nil
}

func wantsScale(s float64) bool { return s != 0 && s != 1 }

// sendPlay sends one PLAY per control target (docs/QUIRKS.md #10) and
// reads the last answer's Range and RTP-Info.
func (c *Client) sendPlay(ctx context.Context, o PlayOptions) (PlayResult, *Response, error) {
	var resp *Response
	var res PlayResult
	newPlay := func(u string) *Request {
		req := c.newRequest("PLAY", u)
		if r := o.rangeHeader(); r != "" {
			req.Header.Set("Range", r)
		}
		if wantsScale(o.Scale) {
			req.Header.Set("Scale", strconv.FormatFloat(o.Scale, 'f', -1, 64))
		}
		return req
	}
	for _, u := range c.controlTargets() {
		var err error
		resp, err = c.do(ctx, newPlay(u))
		// A camera whose tracks took SETUP without its access token may
		// still want it on the aggregate URL (docs/QUIRKS.md #9).
		if alt := queryCarried(u, c.url); err != nil && alt != u && refusedWithoutQuery(err) {
			if resp, err = c.do(ctx, newPlay(alt)); err == nil {
				c.mu.Lock()
				c.queryCarried = true
				c.desc.Control = queryCarried(c.desc.Control, c.url)
				c.mu.Unlock()
			}
		}
		if err != nil {
			return PlayResult{}, resp, err
		}
		c.readPlayAnswer(resp, &res)
	}
	return res, resp, nil
}

// readPlayAnswer adds an answer's Range and RTP-Info to res. An unreadable
// header is left out rather than failing a PLAY that did start: the player
// then falls back to the first packet after the answer.
func (c *Client) readPlayAnswer(resp *Response, res *PlayResult) {
	var r headers.Range
	if v := resp.Header.Get("Range"); v != "" && r.Unmarshal(v) == nil {
		res.Range = &r
	}
	var info headers.RTPInfo
	if v := resp.Header.Get("RTP-Info"); v == "" || info.Unmarshal(v) != nil {
		return
	}
	c.mu.Lock()
	tracks := append([]*setupTrack(nil), c.tracks...)
	c.mu.Unlock()
	for _, t := range tracks {
		if e, ok := matchRTPInfo(info, t.Control, len(tracks) == 1); ok {
			res.Sync = append(res.Sync, TrackSync{Index: t.Index, SeqNum: e.SeqNum, Timestamp: e.Timestamp})
		}
	}
}

// matchRTPInfo finds the entry for a track's control URL. Servers write
// the URL absolute, relative ("trackID=1", "stream=0") or with another
// host form; with a single track and a single entry the entry is its.
func matchRTPInfo(info headers.RTPInfo, control string, only bool) (headers.RTPInfoEntry, bool) {
	for _, e := range info {
		if e.URL == "" {
			continue
		}
		if e.URL == control || strings.HasSuffix(control, "/"+strings.TrimPrefix(e.URL, "/")) ||
			strings.HasSuffix(e.URL, "/"+lastSegment(control)) {
			return e, true
		}
	}
	if only && len(info) == 1 {
		return info[0], true
	}
	return headers.RTPInfoEntry{}, false
}

func lastSegment(u string) string {
	u, _, _ = strings.Cut(u, "?")
	return u[strings.LastIndex(u, "/")+1:]
}

// controlTargets are the URLs PLAY and PAUSE go to: the aggregate control,
// or each track's own when the session has none (docs/QUIRKS.md #10).
func (c *Client) controlTargets() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.desc.Aggregate {
		return []string{c.desc.Control}
	}
	targets := make([]string, 0, len(c.tracks))
	for _, t := range c.tracks {
		targets = append(targets, t.Control)
	}
	return targets
}

// startPlaying turns the client to StatePlaying and starts the keepalive
// goroutine on the first PLAY only: a seek or resume keeps the one loop.
func (c *Client) startPlaying() error {
	c.mu.Lock()
	if c.state == StateClosed {
		err := c.closeErr
		c.mu.Unlock()
		return fmt.Errorf("PLAY: %w", err)
	}
	c.state = StatePlaying
	start := !c.keepalive
	c.keepalive = true
	if start {
		c.wg.Add(1) // under mu while not closed, as in Setup
	}
	c.mu.Unlock()
	if start {
		go c.keepaliveLoop()
	}
	return nil
}

// Pause sends PAUSE (RFC 2326 section 10.6): the server stops sending and
// keeps the position; PlayRange with Resume goes on from there, with a
// Start from elsewhere. Keepalives go on while paused, or the server ends
// the session. A server without PAUSE answers 405 or 501 (a *StatusError);
// the client then stays playing.
func (c *Client) Pause(ctx context.Context) error {
	if err := c.checkState("PAUSE", StatePlaying, StatePaused); err != nil {
		return err
	}
	for _, u := range c.controlTargets() {
		if _, err := c.do(ctx, c.newRequest("PAUSE", u)); err != nil {
			return err
		}
	}
	return c.advance("PAUSE", StatePaused)
}

// CanPause reports whether the server listed PAUSE in its OPTIONS answer;
// true when it listed nothing (many cameras answer OPTIONS with an empty
// Public and still pause).
func (c *Client) CanPause() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.public) == 0 || c.public.Has("PAUSE")
}

// Goodbyes counts RTCP BYE packets received on any track (RFC 3550
// section 6.6). A server sends one at the end of a recording: the stream
// ended, it did not fail.
func (c *Client) Goodbyes() uint64 { return c.byes.Load() }

// Description returns the session description DESCRIBE got; nil before.
func (c *Client) Description() *Description {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.desc
}
