package ui

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"github.com/rtspview/rtspview/internal/secrets"
	"github.com/rtspview/rtspview/internal/wall"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp"
)

// wallState is the window's side of the wall file (internal/wall): the
// document as read, so its unknown keys are written back; the file edits
// go to; and the camera passwords (internal/secrets). UI thread only.
type wallState struct {
	ready bool
	doc   *wall.Wall
	path  string // "" = a temporary wall: nothing is saved
	store *secrets.Store
	// loading is true while the wall's cameras are being opened: opening
	// them is not an edit to save.
	loading bool
	// pending is the wall entry the next openWith is opening, so the new
	// tile takes its name, sub-stream and unknown keys.
	pending *wall.Camera
	// saved is the last content written (or read): a save that would
	// write the same bytes is skipped.
	saved []byte
	// inKeyring are the secrets.Key of cameras whose password the wall
	// says is in the keyring: only those are looked up there, so playing
	// some address never makes rtspview read a person's keyring.
	inKeyring map[string]bool
}

// tileWall is a tile's entry on the wall.
type tileWall struct {
	cam wall.Camera
	// temporary: opened from the command line or the demo; shown, never
	// saved.
	temporary bool
	// toldSessionOnly: the tile has said once that its password is kept
	// for the session only; the sentence leaves the picture at noteUntil.
	toldSessionOnly bool
	noteUntil       time.Time
}

// sessionNoteFor is how long the session-only sentence stays on the
// picture: long enough to read, not for good over the camera's view.
const sessionNoteFor = 10 * time.Second

// expireNotes takes the session-only sentence off tiles whose time for it
// is up (the status tick). UI thread.
func (v *Viewer) expireNotes() {
	now := time.Now()
	v.mu.Lock()
	tiles := append([]*tileState(nil), v.tiles...)
	v.mu.Unlock()
	for _, ts := range tiles {
		if ts.w.noteUntil.IsZero() || now.Before(ts.w.noteUntil) {
			continue
		}
		ts.w.noteUntil = time.Time{}
		if ts.tile.Overlay() == sessionOnlyText {
			ts.tile.SetOverlay("")
		}
	}
}

// walls returns the wall state, set up from the options on first use.
func (v *Viewer) walls() *wallState {
	ws := &v.wall
	if ws.ready {
		return ws
	}
	ws.ready = true
	ws.doc, ws.path, ws.store = v.opts.Wall, v.opts.WallPath, v.opts.Secrets
	if ws.doc == nil {
		ws.doc = &wall.Wall{Version: wall.Version, Layout: wall.LayoutAuto}
	}
	if ws.store == nil {
		ws.store = secrets.New()
	}
	ws.saved, _ = ws.doc.Marshal()
	ws.inKeyring = map[string]bool{}
	ws.noteKeyring(ws.doc.Cameras)
	return ws
}

func (ws *wallState) noteKeyring(cams []wall.Camera) {
	for _, c := range cams {
		if c.PasswordRef == wall.PasswordRefKeyring {
			user, _ := c.Credentials()
			ws.inKeyring[secrets.Key(c.URL, user)] = true
		}
	}
}

// openWall opens the wall's cameras, each in a new tile, over its own
// transport. Runs on the UI thread from Start.
func (v *Viewer) openWall() {
	ws := v.walls()
	if v.opts.Notice != "" {
		// A dialog, not only the status line: the line is the selected
		// tile's within a second, and a wall that did not open is
		// something a person must see to go and fix the file.
		v.status.SetText(v.opts.Notice)
		v.inform("The saved wall was not opened", v.opts.Notice, 560)
	}
	ws.loading = true
	defer func() { ws.loading = false }()
	for _, cam := range ws.doc.Cameras {
		v.openCamera(cam)
	}
}

// openCamera opens one wall entry in a new tile.
func (v *Viewer) openCamera(cam wall.Camera) {
	tr, err := player.ParseTransport(cam.Transport)
	if err != nil {
		tr = player.TransportAuto // wall.Parse only lets known ones through
	}
	user, pass := cam.Credentials()
	v.walls().pending = &cam
	v.openWith(cam.URL, user, pass, true, tr, 0)
}

// recallPassword fills in the password this session (or, for a wall
// camera saved with one, the keyring) knows for the camera at rawURL, so a
// password is asked once: Play, a transport switch and a reconnect reuse
// it. A password given (typed, or in the address) wins.
func (v *Viewer) recallPassword(rawURL, user, pass string) (string, string) {
	if pass != "" || urlPassword(rawURL) != "" {
		return user, pass
	}
	ws := v.walls()
	u := user
	if u == "" {
		u = player.URLUser(rawURL)
	}
	if su, sp, ok := ws.store.Lookup(rawURL, u, u != "" && ws.inKeyring[secrets.Key(rawURL, u)]); ok {
		return su, sp
	}
	return user, pass
}

// urlPassword is a password written in rawURL, read as the player reads
// it (rtsp.ParseURL): one holding '/', '?', '#' or a space too.
func urlPassword(rawURL string) string {
	u, err := rtsp.ParseURL(rawURL)
	if err != nil {
		return ""
	}
	if p, _ := u.User.Password(); p != "" {
		return p
	}
	return rtsp.QueryPassword(u) // ?password=, ?pwd=: kept out of the file too
}

// wallChanged runs after openWith put a stream in ts: the tile's wall
// entry follows what it plays, its name is shown, and the wall is saved.
func (v *Viewer) wallChanged(ts *tileState) {
	ws := v.walls()
	fresh := ts.w.cam.URL == ""
	if ws.pending != nil {
		ts.w.cam, ws.pending = *ws.pending, nil
	} else if fresh && v.launching && !ws.loading {
		ts.w.temporary = true // an address from the command line, or the demo
	}
	addr := wall.StripPassword(ts.url)
	if wall.StripPassword(ts.w.cam.URL) != addr {
		if !fresh {
			// Another camera in this tile: the old one's name and keys
			// are not this one's.
			ts.w.cam = wall.Camera{}
		}
		if !v.launching {
			ts.w.temporary = false // typed in the window: part of the wall
		}
	}
	ts.w.cam.URL = addr
	ts.w.cam.Transport = ts.transport.String()
	if ts.user != "" && ts.user != player.URLUser(addr) {
		ts.w.cam.User = ts.user
	}
	v.nameTiles() // ui/names.go
	if !v.opts.Kiosk {
		// A wall in kiosk mode offers no menu, and no pause or LIVE bar.
		ts.tile.setMenu(func(_ *Tile, at fyne.Position) { v.showTileMenu(ts, at) })
	} else {
		ts.tile.bar.off = true
	}
	v.ptzAttach(ts) // a camera that moves gets its controls (ui/tileptz.go)
	v.saveWall()
}

// displayName is the camera's name, or its host when it has none, as the
// window paints it (cleanText: a name from someone else's wall file may
// hold direction overrides and control characters).
func displayName(c wall.Camera) string {
	if name := strings.TrimSpace(cleanText(c.Name)); name != "" {
		return name
	}
	if u, err := rtsp.ParseURL(c.URL); err == nil {
		return cleanText(u.Hostname())
	}
	return ""
}

// sessionOnlyText is what a tile says, once, when its password could not
// go to a keyring.
const sessionOnlyText = "No keyring on this system: the password is kept until rtspview closes"

// wallPlaying runs when ts starts playing and returns the tile's overlay
// text (normally none). A password the camera just accepted is kept for
// the session and, for a camera on the saved wall, in the keyring.
func (v *Viewer) wallPlaying(ts *tileState) string {
	ws := v.walls()
	user, pass := ts.user, ts.pass
	if pass == "" {
		user, pass = ts.w.cam.User, urlPassword(ts.url)
		if user == "" {
			user = player.URLUser(ts.url)
		}
	}
	if pass == "" {
		return ""
	}
	if user == "" {
		user = player.URLUser(ts.url)
	}
	persist := ws.path != "" && !ts.w.temporary
	key := secrets.Key(ts.url, user)
	if _, known, ok := ws.store.Lookup(ts.url, user, false); ok && known == pass && (!persist || ws.inKeyring[key] || ts.w.toldSessionOnly) {
		return "" // a reconnect: nothing new to keep
	}
	err := ws.store.Remember(ts.url, user, pass, persist)
	if !persist {
		return ""
	}
	if errors.Is(err, secrets.ErrNoKeyring) {
		// The file's reference stays: the keyring may be back next
		// session (a desktop session rather than a bare X), with the
		// password still in it.
		if !ts.w.toldSessionOnly {
			ts.w.toldSessionOnly = true
			ts.w.noteUntil = time.Now().Add(sessionNoteFor)
			return sessionOnlyText
		}
		return ""
	}
	ws.inKeyring[key] = true
	ts.w.cam.User, ts.w.cam.PasswordRef = user, wall.PasswordRefKeyring
	v.saveWall()
	return ""
}

// currentWall is the wall as the window shows it: the document read, with
// the tiles that are not temporary as its cameras, and the selected one.
func (v *Viewer) currentWall() *wall.Wall {
	ws := v.walls()
	w := *ws.doc
	w.Cameras = nil
	w.Selected = 0
	v.mu.Lock()
	for i, ts := range v.tiles {
		if !ts.w.temporary && ts.w.cam.URL != "" {
			w.Cameras = append(w.Cameras, ts.w.cam)
			if i == v.selected {
				w.Selected = len(w.Cameras) // from 1
			}
		}
	}
	v.mu.Unlock()
	return &w
}

// saveWall writes the wall file after an edit (never while the wall is
// being opened, and not when nothing changed).
func (v *Viewer) saveWall() {
	ws := v.walls()
	if ws.path == "" || ws.loading || v.launching {
		return
	}
	w := v.currentWall()
	data, err := w.Marshal()
	if err != nil || bytes.Equal(data, ws.saved) {
		return
	}
	if err := wall.Save(ws.path, w); err != nil {
		v.status.SetText(fmt.Sprintf("The wall was not saved: %v", err))
		return
	}
	ws.saved = data
}
