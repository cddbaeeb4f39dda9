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

	// speed, when not 0, asks for it with a Speed header (RFC 2326
	// §12.35) instead of Scale: PlayRange's second try at a server that
	// refused the Scale.
	speed float64
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
	// BySpeed: the server refused the Scale but took the same speed as
	// a Speed header (RFC 2326 §12.35: it delivers the stream that much
	// faster, timestamps unchanged), which its answer echoed; Scale is
	// then that speed.
	BySpeed bool
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
// again with the same speed as a Speed header, which some recorders take
// instead (BySpeed, when the answer echoes it), and then with neither;
// ScaleRefused says the speed was not had. A server that answers with
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
	if asked := o.Scale; wantsScale(asked) && refusedHeader(err) {
		res, resp, err = c.playWithoutScale(ctx, o, asked)
	} else if err == nil {
		res.Scale = 1
		if f, ok := headerFloat(resp, "Scale"); ok {
			res.Scale = f
		}
		if wantsScale(asked) && math.Abs(res.Scale-asked) > 0.01 {
			res.ScaleRefused = true
		}
	}
	if err != nil {
		return PlayResult{}, err
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

// playWithoutScale follows a refused Scale: the same speed asked as a
// Speed header (forward only: Speed is a delivery rate), taken when the
// answer echoes it; else a PLAY with neither. An answer without the echo
// may mean a server that ignored Speed or one that took it silently: the
// result says refused, and the player's PLAY without either that follows
// leaves the server at 1x whichever it was.
func (c *Client) playWithoutScale(ctx context.Context, o PlayOptions, asked float64) (PlayResult, *Response, error) {
	o.Scale = 0
	if asked > 0 {
		o.speed = asked
		res, resp, err := c.sendPlay(ctx, o)
		if err == nil {
			if f, ok := headerFloat(resp, "Speed"); ok && math.Abs(f-asked) <= 0.01 {
				res.Scale, res.BySpeed = f, true
				return res, resp, nil
			}
			res.Scale, res.ScaleRefused = 1, true
			return res, resp, nil
		}
		if !refusedHeader(err) {
			return res, resp, err
		}
		o.speed = 0
	}
	res, resp, err := c.sendPlay(ctx, o)
	res.Scale, res.ScaleRefused = 1, true
	return res, resp, err
}

// refusedHeader: a 4xx other than 401, the way a server turns down a
// header it does not take (456, or 400/451 on some).
func refusedHeader(err error) bool {
	var se *StatusError
	return errors.As(err, &se) && se.Code >= 400 && se.Code < 500 && se.Code != 401
}

// headerFloat reads a Scale or Speed answer: a finite number other than 0.
func headerFloat(resp *Response, name string) (float64, bool) {
	if resp == nil {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(resp.Header.Get(name)), 64)
	if err != nil || f == 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

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
		if o.speed != 0 {
			req.Header.Set("Speed", strconv.FormatFloat(o.speed, 'f', -1, 64))
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
