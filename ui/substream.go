package ui

import (
	"fyne.io/fyne/v2"

	"github.com/rtspview/rtspview/internal/wall"
	"github.com/rtspview/rtspview/player"
)

// subStreamWidth is the tile width, in device pixels, under which a camera
// with a sub_url plays its sub-stream: a 2×2 wall on a 1280 px window and
// smaller. Cameras' sub-streams are 640×360 or less, so below this the main
// stream would be decoded only to be scaled down.
const subStreamWidth = 640

// subStreamTicks is how many status ticks (one a second) a tile must want
// the other stream before it switches: a window being dragged across the
// threshold does not flap between the two.
const subStreamTicks = 2

// handover is a tile's stream being replaced without a black frame: the
// old stream stays attached and playing until the new one has decoded its
// first picture (a transport switch, main ↔ sub-stream). Guarded by
// Viewer.mu.
type handover struct {
	// keep asks the next openWith of the tile to hand over rather than
	// blank the tile at once.
	keep bool
	// old is the stream the tile still shows while gen's stream
	// connects; nil when no handover is in flight.
	old    *player.Stream
	gen    uint64
	oldGen uint64 // old's number, to give it the tile back (abandonSub)
	// sub asks openWith to dial the camera's sub_url; playingSub is what
	// the current stream dials.
	sub, playingSub bool
	// ticks counts the status ticks the tile has wanted the other stream.
	ticks int
	// subFailed: the sub-stream did not play; the tile stays on the main
	// stream until the camera's addresses are edited.
	subFailed bool
}

// beginHandover runs in openWith under v.mu, with cur the tile's stream
// being replaced and gen the new stream's number. It returns the streams
// to close now and whether the tile keeps showing the old picture.
func (ts *tileState) beginHandover(cur *player.Stream, gen uint64) (closeNow []*player.Stream, keep bool) {
	ho := &ts.ho
	keep, ho.keep = ho.keep, false
	if !keep || (cur == nil && ho.old == nil) {
		// A plain open: whatever the tile had goes.
		closeNow = append(closeNow, cur, ho.old)
		ho.old = nil
		return closeNow, false
	}
	if ho.old != nil {
		// A second switch before the first showed a picture: the
		// tile still shows ho.old; the stream never seen goes.
		closeNow = append(closeNow, cur)
	} else {
		ho.old, ho.oldGen = cur, gen-1
	}
	ho.gen = gen
	return closeNow, true
}

// dialURL is the address the tile's stream dials for rawURL: the
// camera's sub-stream when the tile asked for it. The main stream's user
// name and password go with it (a camera's streams share one login).
func (ts *tileState) dialURL(rawURL, user, pass string) (string, string, string) {
	cam := ts.w.cam
	ts.ho.playingSub = false
	if !ts.ho.sub || cam.SubURL == "" || wall.StripPassword(rawURL) != wall.StripPassword(cam.URL) {
		return rawURL, user, pass
	}
	ts.ho.playingSub = true
	if user == "" {
		user = player.URLUser(rawURL)
	}
	if pass == "" {
		pass = urlPassword(rawURL)
	}
	return cam.SubURL, user, pass
}

// frameFor is the OnFrame of the tile's gen'th stream: while it hands
// over, its first picture swaps it in; otherwise the tile shows it.
func (v *Viewer) frameFor(ts *tileState, gen uint64) func() {
	return func() {
		v.mu.Lock()
		waiting := ts.ho.old != nil && ts.ho.gen == gen
		v.mu.Unlock()
		if !waiting {
			ts.tile.FrameReady()
			return
		}
		v.do(func() { v.finishHandover(ts, gen) })
	}
}

// finishHandover attaches the gen'th stream to the tile and closes the one
// it replaces. The new picture is set in the same UI-thread call as the
// attach, so no blank frame is painted between them. UI thread.
func (v *Viewer) finishHandover(ts *tileState, gen uint64) {
	v.mu.Lock()
	if ts.ho.old == nil || ts.ho.gen != gen {
		v.mu.Unlock()
		return
	}
	old := ts.ho.old
	ts.ho.old = nil
	s := ts.stream
	st := ts.status
	v.mu.Unlock()
	w, h := ts.tile.lastW, ts.tile.lastH
	ts.tile.Attach(s)
	ts.tile.showFrame()
	if st.State != player.StatePlaying && st.State != player.StateEnded {
		ts.tile.SetOverlay(st.Text)
	}
	if w > 0 && h > 0 {
		ts.tile.lastW, ts.tile.lastH = w, h
		s.SetSize(w, h)
	}
	v.closeInBackground(old)
}

// holdForHandover runs in onStatus: while the tile still shows its old
// stream, "Connecting…" of the new one is not put over a live picture; a
// failing new stream ends the handover so its error is what the tile says.
func (v *Viewer) holdForHandover(ts *tileState, gen uint64, st player.Status) bool {
	v.mu.Lock()
	waiting := ts.ho.old != nil && ts.ho.gen == gen
	v.mu.Unlock()
	if !waiting {
		return false
	}
	switch st.State {
	case player.StateConnecting:
		return true
	case player.StateFailed, player.StateReconnecting:
		if v.abandonSub(ts, gen) {
			return true
		}
		v.finishHandover(ts, gen)
	}
	return false
}

// abandonSub gives the tile back to the main stream it still shows when
// the sub-stream it was switching to fails: a broken sub_url must not
// take a working camera off the wall. UI thread.
func (v *Viewer) abandonSub(ts *tileState, gen uint64) bool {
	v.mu.Lock()
	ho := &ts.ho
	if ho.old == nil || ho.gen != gen || !ho.playingSub || ho.old.Status().State != player.StatePlaying {
		v.mu.Unlock()
		return false
	}
	failed := ts.stream
	ts.stream, ts.gen, ts.status = ho.old, ho.oldGen, ho.old.Status()
	ho.old, ho.playingSub, ho.sub, ho.subFailed = nil, false, false, true
	v.mu.Unlock()
	v.closeInBackground(failed)
	return true
}

// reopen restarts the tile's camera in place over tr, handing over to the
// new stream, with the password the tile already has. openWith works on
// the selected tile, so the selection is pointed at ts for the call and
// put back. UI thread.
func (v *Viewer) reopen(ts *tileState, rawURL, user, pass string, tr player.Transport, tunnelPort int) {
	v.mu.Lock()
	prev := v.selected
	i := -1
	for j, o := range v.tiles {
		if o == ts {
			i = j
		}
	}
	if i < 0 {
		v.mu.Unlock()
		return
	}
	v.selected = i
	ts.ho.keep = true
	v.mu.Unlock()
	v.openWith(rawURL, user, pass, false, tr, tunnelPort)
	v.mu.Lock()
	if prev < len(v.tiles) {
		v.selected = prev
	}
	v.mu.Unlock()
}

// transportPicked runs when the transport selector changes: a person
// picking another transport switches the selected tile's camera to it at
// once. Selecting a tile sets the selector to the tile's own transport,
// which is no change and reopens nothing.
func (v *Viewer) transportPicked() {
	v.mu.Lock()
	if len(v.tiles) == 0 {
		v.mu.Unlock()
		return
	}
	ts := v.tiles[v.selected]
	tr := v.selectedTransport()
	same := ts.stream == nil || ts.transport == tr
	url, user, pass := ts.url, ts.user, ts.pass
	v.mu.Unlock()
	if same {
		return
	}
	v.reopen(ts, url, user, pass, tr, v.tunnelPortValue())
	v.refreshStatus()
}

// checkSubStreams switches each tile of a camera with a sub_url to the
// stream its width calls for, once it has wanted it for subStreamTicks
// ticks. UI thread, from the status tick.
func (v *Viewer) checkSubStreams() {
	v.mu.Lock()
	tiles := append([]*tileState(nil), v.tiles...)
	v.mu.Unlock()
	for _, ts := range tiles {
		if want, ok := v.wantsSubStream(ts); ok {
			v.mu.Lock()
			if want == ts.ho.playingSub {
				ts.ho.ticks = 0
				v.mu.Unlock()
				continue
			}
			ts.ho.ticks++
			due := ts.ho.ticks >= subStreamTicks
			url, user, pass, tr, port := ts.url, ts.user, ts.pass, ts.transport, ts.tunnelPort
			if due {
				ts.ho.ticks = 0
				ts.ho.sub = want
			}
			v.mu.Unlock()
			if due {
				v.reopen(ts, url, user, pass, tr, port)
			}
		}
	}
}

// wantsSubStream says whether the tile should play its sub-stream, and
// whether it is in a state to switch at all: a camera with a sub_url,
// playing, not already handing over, laid out.
func (v *Viewer) wantsSubStream(ts *tileState) (want, ok bool) {
	v.mu.Lock()
	idle := ts.stream == nil || ts.ho.old != nil || ts.status.State != player.StatePlaying
	v.mu.Unlock()
	if idle || ts.ho.subFailed || ts.w.cam.SubURL == "" || wall.StripPassword(ts.url) != wall.StripPassword(ts.w.cam.URL) || !ts.tile.Visible() {
		ts.ho.ticks = 0
		return false, false
	}
	size := ts.tile.Size()
	if size.Width <= 0 {
		return false, false
	}
	scale := float32(1)
	if c := fyne.CurrentApp().Driver().CanvasForObject(ts.tile); c != nil {
		scale = c.Scale()
	}
	return size.Width*scale < subStreamWidth, true
}
