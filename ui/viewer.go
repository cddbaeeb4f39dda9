package ui

import (
	"errors"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/rtspview/rtspview/internal/secrets"
	"github.com/rtspview/rtspview/internal/wall"
	"github.com/rtspview/rtspview/player"
)

// Options are what main passes to the window.
type Options struct {
	URLs       []string
	Transport  player.Transport
	Insecure   bool
	Proxy      string        // HTTP proxy for the tunnel transports; "" = environment
	Screenshot string        // write a PNG of the canvas after After, then quit
	After      time.Duration // delay before Screenshot
	// Start and StartClock play the recordings given at launch from
	// there (--start, as ffplay's -ss); live streams ignore them.
	Start      time.Duration
	StartClock time.Time
	// Wall is the camera wall to open (see internal/wall), WallPath the
	// file edits are saved into ("" saves nothing: a temporary wall).
	// URLs open as temporary tiles beside it and are never saved.
	Wall     *wall.Wall
	WallPath string
	// Notice is a sentence for the status line at start (a wall file
	// that could not be read).
	Notice string
	// Secrets keeps camera passwords; nil uses the OS keyring.
	Secrets *secrets.Store
	// Fullscreen starts the window fullscreen (--fullscreen; F leaves).
	Fullscreen bool
	// Kiosk shows the wall alone, fullscreen, with no address bar, menu
	// or dialog; tiles reconnect for ever and only KioskQuit leaves
	// (--kiosk, ui/kiosk.go).
	Kiosk bool
	// StatsFile, when set, gets a JSON report of what each tile paints
	// every second and at exit (ui/paintstats.go; scripts/bench-wall.sh).
	StatsFile string
}

// Viewer is the main window's content: address bar, transport selector,
// grid of tiles and status line.
type Viewer struct {
	win       fyne.Window
	opts      Options
	address   *widget.Entry
	transport *widget.Select
	play      *widget.Button
	add       *widget.Button
	status    *widget.Label
	// The tunnel row shows when an HTTP/HTTPS tunnel is picked: its port
	// (empty: the address's port, else 80/443) and an optional proxy.
	tunnelRow  *fyne.Container
	tunnelPort *widget.Entry
	proxy      *widget.Entry
	grid       *fyne.Container
	wall       wallState   // the wall file and the passwords (ui/wall.go)
	view       wallView    // layout, pages, full tile, tour (ui/pages.go)
	snd        viewerSound // the sound, and the stream that has it (ui/sound.go)
	stats      *statsFile  // Options.StatsFile's writer, nil without (ui/paintstats.go)
	clock      *paintClock // the tiles' pictures go up together (ui/painttick.go)
	keys       wallKeys    // the wall's keys, stats overlay switch, Remove question (ui/wallarea.go)
	bar        addressBar  // what the address bar shows, Add's state (ui/addressbar.go)

	// cams is Find cameras, PTZ and cameras that moved (ui/findcameras.go).
	cams cameraFinder
	// recs are the running recordings by the stream each records
	// (ui/recording.go). Guarded by mu.
	recs recordings

	// do brings work from other goroutines onto the UI thread: fyne.Do.
	// Fyne's test driver runs fyne.Do on the calling goroutine, so tests
	// put a serializing one here (two streams' callbacks would otherwise
	// change widgets at the same time).
	do func(func())
	// launching is true while Start opens the URLs given at launch (UI
	// thread only).
	launching bool
	// minimised: the window is out of sight, every stream hidden
	// (ui/minimised.go). UI thread only.
	minimised bool
	// kioskWait is how long a kiosk tile that gave up waits to open its
	// camera again (kioskRetryWait; tests shorten it).
	kioskWait time.Duration
	// kioskQuit ends kiosk mode on KioskQuit: closing the window (tests,
	// whose windows close at their end, count the calls instead).
	kioskQuit func()

	mu       sync.Mutex
	tiles    []*tileState
	selected int
	stop     chan struct{}
	wg       sync.WaitGroup
}

type tileState struct {
	tile   *Tile
	stream *player.Stream
	url    string
	user   string
	pass   string
	// dial is the address the tile's stream dials: url, or the camera's
	// sub_url (dialURL). Its host is the one a question names.
	dial string
	// How the stream was opened, to reopen it the same way once its
	// certificate is trusted: transport and tunnel port.
	transport  player.Transport
	tunnelPort int
	gen        uint64 // counts the streams opened in this tile
	status     player.Status
	// credHosts are hosts this tile's camera redirected to that the person
	// agreed to send the credentials to (player.Config.CredentialHosts).
	credHosts []string
	w         tileWall // name and wall entry (ui/wall.go)
	ho        handover // stream switch without a black frame (ui/substream.go)
	// skippedSeen is the stream's Stats.FramesSkipped at the last tick
	// (ui/painttick.go: the tile says "Reduced frame rate" while it grows).
	skippedSeen uint64
	rec         tileRecording // R or the wall's record key (ui/recording.go)
}

// NewViewer builds the window content in win. Call Start to begin playing
// opts.URLs and Close to stop everything.
func NewViewer(win fyne.Window, opts Options) *Viewer {
	v := &Viewer{win: win, opts: opts, stop: make(chan struct{}), do: fyne.Do, kioskWait: kioskRetryWait}
	v.clock = newPaintClock(func(f func()) { v.do(f) }) // v.do may be swapped by tests
	v.status = widget.NewLabel("Paste an rtsp:// or rtsps:// address and press Enter.")
	v.status.Truncation = fyne.TextTruncateEllipsis
	v.grid = container.NewGridWithColumns(1)
	v.view.slots = container.New(&slotLayout{})
	about := widget.NewButtonWithIcon("", theme.InfoIcon(), v.showAbout)
	var content fyne.CanvasObject = container.NewBorder(v.newAddressBar(container.NewHBox(v.newWallButton(), about)), v.newViewBar(), nil, nil, v.initWallKeys())
	if opts.Kiosk {
		// The bars are built (the wall's state lives in their widgets)
		// but not shown.
		content = v.kioskContent(v.keys.area)
	}
	win.SetContent(content)
	win.Canvas().SetOnTypedKey(v.typedKey)
	if opts.Fullscreen {
		win.SetFullScreen(true)
	}
	return v
}

// Start plays the URLs given at launch and starts the status ticker.
func (v *Viewer) Start() {
	v.startSound()
	v.launching = true // the URLs given at launch take opts.Start
	v.openWall()
	v.restoreView()
	v.startWallRecordings() // a camera's "record" key (ui/recording.go)
	for i, u := range v.opts.URLs {
		v.open(u, "", "", i > 0)
	}
	v.launching = false
	if len(v.opts.URLs) == 1 {
		// The demo's real address too: it shows a new user what a stream
		// address looks like, and ffplay or VLC can open the same one.
		v.showAddress(v.opts.URLs[0])
	}
	v.wg.Add(1)
	go v.tick()
	if v.opts.StatsFile != "" {
		v.startStatsFile()
	}
}

// Close stops every stream and the ticker; it returns when all are gone.
func (v *Viewer) Close() {
	select {
	case <-v.stop:
		return
	default:
		close(v.stop)
	}
	v.wg.Wait()
	v.stopRecordings() // every file finished before its stream goes
	v.clock.stop()
	v.mu.Lock()
	tiles := v.tiles
	v.mu.Unlock()
	v.writeFinalStats(tiles)
	var wg sync.WaitGroup
	for _, ts := range tiles {
		for _, s := range []*player.Stream{ts.stream, ts.ho.old} {
			if s != nil {
				wg.Add(1)
				go func(s *player.Stream) { defer wg.Done(); s.Close() }(s)
			}
		}
	}
	wg.Wait()
	for _, ts := range tiles {
		ts.tile.bar.Wait() // its controls end with their closed streams
	}
	v.closeSound()
}

// open starts a stream for rawURL in the selected tile or a new one, over
// the transport and tunnel port in the window. Runs on the UI thread.
func (v *Viewer) open(rawURL, user, pass string, add bool) {
	v.openWith(rawURL, user, pass, add, v.selectedTransport(), v.tunnelPortValue())
}

// openWith is open over transport tr (and tunnelPort for a tunnel). A
// certificate the user trusted for an address is pinned whenever the stream
// dials that address (player.Config.TLSFor), so the question is asked once
// per camera and port, whichever way Auto ends up taking.
func (v *Viewer) openWith(rawURL, user, pass string, add bool, tr player.Transport, tunnelPort int) {
	user, pass = v.recallPassword(rawURL, user, pass)
	v.mu.Lock()
	var ts *tileState
	if add || len(v.tiles) == 0 {
		ts = &tileState{tile: NewTile()}
		ts.tile.clock = v.clock
		v.tiles = append(v.tiles, ts)
		v.selected = len(v.tiles) - 1
		ts.tile.onTap = v.tileTapped
		ts.tile.onDoubleTap = v.tileDoubleTapped
		ts.tile.drag.on = v.tileDragged
		ts.tile.do = v.do
	} else {
		ts = v.tiles[v.selected]
	}
	old := ts.stream
	if ts.url != rawURL {
		ts.credHosts = nil // an agreement about one camera's redirect, not another's
	}
	// Basic in clear is the camera's own choice, kept in its wall entry;
	// the entry being opened (a wall camera) is not the tile's yet.
	allowBasic := ts.w.cam.AllowBasic && addressHost(ts.w.cam.URL) == addressHost(rawURL)
	if p := v.walls().pending; p != nil {
		allowBasic = p.AllowBasic
	}
	ts.url, ts.user, ts.pass = rawURL, user, pass
	credHosts := append([]string(nil), ts.credHosts...)
	ts.transport, ts.tunnelPort = tr, tunnelPort
	ts.gen++
	gen := ts.gen
	closeNow, keep := ts.beginHandover(old, gen)
	dial, dialUser, dialPass := ts.dialURL(rawURL, user, pass)
	ts.dial = dial
	v.mu.Unlock()
	for _, s := range closeNow {
		v.closeInBackground(s)
	}
	tile := ts.tile
	cfg := player.Config{
		URL:            dial,
		Transport:      tr,
		Username:       dialUser,
		Password:       dialPass,
		Insecure:       v.opts.Insecure,
		TLSFor:         v.pinnedTLS,
		Proxy:          strings.TrimSpace(v.proxy.Text),
		TunnelPort:     tunnelPort,
		Reconnect:      true,
		DecoderThreads: decoderThreads(len(v.tiles)),
		OnFrame:        v.frameFor(ts, gen),
		OnStatus: func(st player.Status) {
			v.do(func() { v.onStatus(ts, gen, st) })
		},
	}
	// The login was given for rawURL, the camera's main address: when
	// the tile dials the camera's sub_url, the player sends it only if
	// that address is on the same host (a wall file from someone else
	// may point sub_url anywhere).
	cfg.CredentialURL = rawURL
	cfg.CredentialHosts = credHosts
	cfg.AllowBasic = allowBasic
	if v.launching {
		cfg.Start, cfg.StartClock = v.opts.Start, v.opts.StartClock
	}
	s := player.Start(cfg)
	v.mu.Lock()
	ts.stream = s
	v.mu.Unlock()
	if keep {
		s.SetSize(tile.lastW, tile.lastH)
	} else {
		tile.Attach(s)
		tile.SetOverlay("Connecting…")
	}
	if add && !v.walls().loading && !v.launching {
		v.showNewTile()
	}
	v.layoutGrid()
	v.wallChanged(ts)
	v.routeSound()
}

// decoderThreads keeps a wall of cameras from oversubscribing the CPU:
// frame threads per stream only pay off when there are few streams.
func decoderThreads(n int) int {
	if n <= 1 {
		return 0
	}
	return 1
}

func (v *Viewer) selectTile(t *Tile) {
	v.mu.Lock()
	label := ""
	for i, ts := range v.tiles {
		if ts.tile == t {
			v.selected = i
			v.showAddress(ts.url)
			label = ts.transport.Label()
		}
	}
	v.mu.Unlock()
	v.markTiles()
	if !v.view.touring {
		// The selection is saved as the page is, so a wall started again
		// (after a power cut too) comes back on the same camera. A tour's
		// selection is the tour's: not saved.
		v.saveWall()
	}
	if label != "" {
		// The selector shows the camera's own transport, so Play on a
		// wall camera does not switch (and save) it to another one. Set
		// outside v.mu: a change of the selector (transportPicked) takes it.
		v.transport.SetSelected(label)
	}
	v.refreshStatus()
}

// layoutGrid lays the tiles out after one came or went (ui/pages.go).
func (v *Viewer) layoutGrid() { v.arrange() }

// onStatus runs on the UI thread for every state change of the gen'th
// stream opened in the tile ts (perhaps one already replaced).
func (v *Viewer) onStatus(ts *tileState, gen uint64, st player.Status) {
	v.mu.Lock()
	if ts.gen != gen {
		// A replaced stream's last words (it is closing): not this tile's
		// state, and no dialog should come up for it.
		v.mu.Unlock()
		return
	}
	current := ts.stream != nil && ts.stream.Status().State == st.State
	// again: a second Playing (the decoder's first picture, then the
	// session's PLAY answer: player.Stream.firstPicture) or Ended.
	again := ts.status.State == st.State
	ts.status = st
	sub := ts.ho.playingSub // this stream dials the camera's sub_url
	v.mu.Unlock()
	v.cameraMoved(ts, st) // an ONVIF camera that stopped answering (ui/cameramoved.go)
	if v.holdForHandover(ts, gen, st) {
		if st.State == player.StateFailed && sub {
			// The sub-stream failed and the tile went back to its
			// main stream; a question it failed on is still asked.
			v.askQuestion(ts, st, true)
		}
		return
	}
	ts.tile.bar.Update() // paused, ended, live: the bar shows it at once
	if !current && st.State != player.StateFailed {
		return
	}
	switch st.State {
	case player.StatePlaying, player.StateEnded: // the bar says Ended
		// A note put up since the first Playing (the session-only
		// password, no sound device) stays for its time.
		if text := v.wallPlaying(ts); text != "" || !again {
			ts.tile.SetOverlay(text)
		}
	default:
		ts.tile.SetOverlay(st.Text)
	}
	if v.opts.Kiosk {
		v.kioskStatus(ts, gen, st) // no dialogs: the tile says it, or tries again
		v.refreshStatus()
		return
	}
	if !v.askQuestion(ts, st, sub) && st.State == player.StateFailed && st.Kind == player.KindUnauthorized {
		v.askPassword(ts)
	}
	if st.State == player.StateFailed && st.Kind == player.KindTLS {
		if cert, ok := player.UntrustedCertificate(st.Err); ok {
			v.askTrust(ts, player.CertificateAddress(st.Err), cert, errors.Is(st.Err, player.ErrCertificateChanged))
		}
	}
	v.refreshStatus()
}

// askQuestion asks the person what only they can decide when st failed
// on it: credentials held back from a host or port they were not given
// for, or a camera offering Basic in clear. It reports whether it asked.
// sub: the failed stream dialed the camera's sub_url.
func (v *Viewer) askQuestion(ts *tileState, st player.Status, sub bool) bool {
	if v.opts.Kiosk {
		return false // the main stream plays on; nobody is there to ask
	}
	if cw, ok := withheldCredentials(st); ok {
		v.askSendCredentials(ts, cw, sub)
		return true
	}
	if basicInClear(st) {
		v.askAllowBasic(ts, sub)
		return true
	}
	return false
}

// Tiles returns the tiles in grid order (for tests).
func (v *Viewer) Tiles() []*Tile {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := make([]*Tile, len(v.tiles))
	for i, ts := range v.tiles {
		out[i] = ts.tile
	}
	return out
}

// closeInBackground closes a stream the window no longer shows. TEARDOWN
// must not freeze the window, but the viewer owns the goroutine: Close
// waits for it. A nil stream is nothing to close.
func (v *Viewer) closeInBackground(s *player.Stream) {
	if v.keepForRecording(s) || s == nil { // ui/recording.go
		return
	}
	v.wg.Add(1)
	go func() {
		defer v.wg.Done()
		s.Close()
	}()
}
