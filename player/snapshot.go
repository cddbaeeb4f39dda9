package player

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sync"
	"time"

	"github.com/rtspview/rtspview/decode"
)

// snapshotWait bounds how long Snapshot waits for a picture when the
// decoder no longer holds the one on screen: a live camera shows its next
// one within a frame interval, and a person waits for the dialog.
const snapshotWait = 3 * time.Second

// Errors from Snapshot, worded for a person: the UI shows them as they are.
var (
	// ErrSnapshotNone: no picture was decoded within snapshotWait.
	ErrSnapshotNone = fmt.Errorf("no picture arrived to save in %v", snapshotWait)
	// ErrSnapshotHidden: the stream is hidden (SetHidden) and decodes
	// nothing, and the decoder no longer holds its last picture.
	ErrSnapshotHidden = errors.New("the camera is hidden and decodes nothing; show it to save a picture")
	// ErrSnapshotPaused: the stream is paused and its picture is not
	// held (paused before any picture, or across a decoder change).
	ErrSnapshotPaused = errors.New("the stream is paused and its picture is no longer held; play it to save a picture")
	// ErrSnapshotClosed: the stream was closed.
	ErrSnapshotClosed = errors.New("the stream is closed")
)

// snapshots carries Snapshot's requests to the decode loop, which alone
// may touch the decoder. Everything but ask is owned by the decode loop.
type snapshots struct {
	ask chan *snapAsk
	// The decoder and its Serial when the last picture was published:
	// while both still hold, the decoder holds the picture on screen.
	dec     *decode.Decoder
	serial  uint64
	waiting []*snapAsk // for the next published picture
	// kept is the picture on screen while paused: the pictures decoded
	// then are not shown but replace it in the decoder (a live pause
	// decodes on). Taken once per pause, freed at the next shown one.
	kept *decode.Picture
}

// maxSnapWaiting bounds the asks waiting for a picture; the oldest is
// answered ErrSnapshotNone when more come (each caller gives up after
// snapshotWait anyway).
const maxSnapWaiting = 4

// snapAsk is one Snapshot call. The answer and the caller giving up can
// race: whichever comes second frees the picture.
type snapAsk struct {
	mu       sync.Mutex
	answered chan struct{}
	gone     bool
	pic      *decode.Picture
	err      error
}

func (a *snapAsk) answer(pic *decode.Picture, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.gone {
		if pic != nil {
			pic.Free()
		}
		return
	}
	a.pic, a.err = pic, err
	close(a.answered)
}

// abandon is called by the caller when it stops waiting.
func (a *snapAsk) abandon() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.gone = true
	if a.pic != nil {
		a.pic.Free()
		a.pic = nil
	}
}

// Snapshot returns the picture on screen, or the next one decoded, at the
// size it was decoded at, whatever SetSize asked for the screen: what a
// snapshot of a camera should save. It waits at most 3 s (and ctx); a
// hidden or paused stream whose decoder no longer holds the picture says
// so at once. The conversion to RGBA runs on the caller's goroutine.
func (s *Stream) Snapshot(ctx context.Context) (*image.RGBA, error) {
	t := time.NewTimer(snapshotWait)
	defer t.Stop()
	a := &snapAsk{answered: make(chan struct{})}
	select {
	case s.snap.ask <- a:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.ctx.Done():
		return nil, ErrSnapshotClosed
	case <-t.C:
		return nil, ErrSnapshotNone
	}
	select {
	case <-a.answered:
	case <-ctx.Done():
		a.abandon()
		return nil, ctx.Err()
	case <-s.ctx.Done():
		a.abandon()
		return nil, ErrSnapshotClosed
	case <-t.C:
		a.abandon()
		return nil, ErrSnapshotNone
	}
	if a.err != nil {
		return nil, a.err
	}
	defer a.pic.Free()
	return a.pic.RGBA()
}

// snapAsked answers a, on the decode loop: at once from the picture on
// screen when the decoder still holds it, else with the next one.
func (s *Stream) snapAsked(dec *decode.Decoder, a *snapAsk) {
	switch {
	case dec != nil && dec == s.snap.dec && dec.Serial() == s.snap.serial:
		a.answer(dec.Hold())
	case s.snap.kept != nil:
		a.answer(s.snap.kept.Ref())
	case s.hidden.Load():
		a.answer(nil, ErrSnapshotHidden)
	case s.pb.paused.Load():
		a.answer(nil, ErrSnapshotPaused)
	default:
		if len(s.snap.waiting) == maxSnapWaiting {
			s.snap.waiting[0].answer(nil, ErrSnapshotNone)
			s.snap.waiting = append(s.snap.waiting[:0], s.snap.waiting[1:]...)
		}
		s.snap.waiting = append(s.snap.waiting, a)
	}
}

// snapPublished notes that dec's newest picture went on screen and answers
// the asks waiting for it. No allocation when none waits.
func (s *Stream) snapPublished(dec *decode.Decoder) {
	s.snap.dec, s.snap.serial = dec, dec.Serial()
	if s.snap.kept != nil {
		s.snap.kept.Free()
		s.snap.kept = nil
	}
	for i, a := range s.snap.waiting {
		a.answer(dec.Hold())
		s.snap.waiting[i] = nil
	}
	s.snap.waiting = s.snap.waiting[:0]
}

// snapKeep runs on the decode loop before each access unit is decoded:
// while paused, it keeps the picture on screen before the decoder replaces
// it with one that is not shown. Playing, it costs an atomic load.
func (s *Stream) snapKeep(dec *decode.Decoder) {
	if !s.pb.paused.Load() || s.snap.kept != nil || dec == nil || dec != s.snap.dec || dec.Serial() != s.snap.serial {
		return
	}
	if p, err := dec.Hold(); err == nil {
		s.snap.kept = p
	}
}

// snapRelease frees the kept picture once the decode loop has ended.
func (s *Stream) snapRelease() {
	if s.snap.kept != nil {
		s.snap.kept.Free()
		s.snap.kept = nil
	}
}
