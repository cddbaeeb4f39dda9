package player

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"image"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rtspview/rtspview/rtsp"
)

// Config configures a Stream. The zero value with a URL plays it over Auto
// with sane timeouts and no reconnect.
type Config struct {
	URL                string
	Transport          Transport
	Username, Password string // override the URL's credentials
	// Insecure accepts any TLS certificate (rtsps://, HTTPS tunnel).
	Insecure bool
	// TLSConfig, when set, is used as is for rtsps and the HTTPS tunnel.
	TLSConfig *tls.Config
	// TLSFor, when set, is asked for the TLS configuration of each server
	// the stream hand-shakes with, by the host:port actually dialed (the
	// UI answers with a pinned certificate the user accepted there); nil
	// falls back to TLSConfig. CertificateAddress names the same address
	// when a handshake fails.
	TLSFor func(addr string) *tls.Config
	// Timeout bounds each network step (dial, each request). 10 s when zero.
	Timeout time.Duration
	// MediaTimeout is how long PLAY may go without any RTP before the
	// attempt fails. 5 s when zero.
	MediaTimeout time.Duration
	// Reconnect keeps retrying, with backoff, after a failure that a retry
	// can fix (not a wrong password or a missing stream).
	Reconnect bool
	// TunnelPorts are the HTTP ports Auto tries when the RTSP port does not
	// answer; 80 and 8080 when nil. HTTPSPort is tried last; 443 when zero.
	TunnelPorts []int
	HTTPSPort   int
	// TunnelPort is the HTTP(S) port for an explicitly chosen tunnel
	// transport; 0 means the URL's port, else 80 (HTTP) or 443 (HTTPS).
	TunnelPort int
	// Proxy is an HTTP forward proxy for the HTTP/HTTPS tunnel
	// ("http://[user:pass@]host:port"); empty means the environment's
	// HTTP_PROXY/HTTPS_PROXY/NO_PROXY.
	Proxy string
	// CredentialURL is the address Username and Password (or the URL's
	// own) were given for; URL when empty. Credentials go only to its
	// host (see credentials): a camera's sub-stream address from a wall
	// file names its own host, and gets the main stream's login only when
	// that host is the same.
	CredentialURL string
	// CredentialHosts are other places that may receive the credentials:
	// a host (name or IP literal, no port) after a redirect, or a
	// "host:port" Auto guessed for a tunnel. Credentials always follow a
	// redirect on the given host; to any other host, and to a tunnel port
	// nobody gave, they go only if it is listed here. The UI adds one
	// after the person agrees (see CredentialsWithheldError); probe never
	// does.
	CredentialHosts []string
	// AllowBasic lets a password go in clear: a server that offers only
	// Basic authentication over a connection without TLS gets it. Off, such
	// a challenge fails with ErrBasicInClear (the UI asks; the choice is
	// kept per camera; probe --allow-basic). Digest is always preferred.
	AllowBasic bool
	// DecoderThreads per stream; 0 lets FFmpeg decide. A wall of cameras
	// wants 1 or 2.
	DecoderThreads int
	// Start plays a recorded stream from this normal play time (probe
	// --start 12s, like ffplay's -ss); ignored for live streams. A start
	// past the recording's end fails with ErrBeyondEnd.
	Start time.Duration
	// StartClock plays a recording with absolute times (an NVR's
	// a=range:clock=…) from this wall-clock time; it wins over Start.
	StartClock time.Time
	// Audio, when set, receives the stream's decoded sound from the start
	// (Stream.SetAudio changes it). Without one the audio track is set up
	// but not decoded.
	Audio AudioSink
	// OnFrame is called from the decoder goroutine after each new picture;
	// it must not block (the UI posts a refresh through fyne.Do).
	OnFrame func()
	// OnStatus is called on every state change, from the stream's
	// goroutines (the session's, and the decoder's for the first picture),
	// one call at a time and in the order of the changes.
	//
	// OnStatus must not call Close: Close waits for those goroutines,
	// and for the status lock the call holds, so it would wait for
	// itself. A callback that ends the stream calls `go s.Close()`.
	OnStatus func(Status)
}

// State is where a stream is in its life.
type State int

// States of a stream.
const (
	StateConnecting State = iota
	StatePlaying
	StateReconnecting
	StateFailed
	StateClosed
	// StatePaused: a recording paused on the server (Stream.Pause).
	StatePaused
	// StateEnded: a recording played to its end (RTCP BYE or the end of
	// its range). Not a failure: the session stays, Seek plays again.
	StateEnded
)

func (s State) String() string {
	names := [...]string{"connecting", "playing", "reconnecting", "failed", "closed", "paused", "ended"}
	if s < 0 || int(s) >= len(names) {
		return fmt.Sprintf("State(%d)", int(s))
	}
	return names[s]
}

// Status is a state with the words for it.
type Status struct {
	State State
	Text  string    // one line for the status bar
	Err   error     // the failure, for StateFailed/StateReconnecting
	Kind  ErrorKind // Classify(Err)
}

// Stream plays one camera: RTSP session → (jitter buffer) → depacketizer →
// decoder → newest-frame slot. It owns every goroutine it starts; Close
// stops them all and returns only then.
type Stream struct {
	cfg    Config
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	frames frameSlot
	auCh   chan *auBuf
	free   chan *auBuf
	boxW   atomic.Int32
	boxH   atomic.Int32
	hidden atomic.Bool // nothing is decoded (hidden.go)
	// hiddenAt is when the stream was last hidden (unix nanos), parked
	// true while its session is closed for it, shown wakes run then.
	hiddenAt atomic.Int64
	parked   atomic.Bool
	shown    chan struct{}

	shownCount    atomic.Uint64 // pictures shown (Stats.FramesShown)
	dropped       atomic.Uint64
	skipped       atomic.Uint64 // units the decode level left out (degrade.go)
	decodeLevel   atomic.Int32  // DecodeLevel
	concealed     atomic.Uint64 // pictures shown with parts concealed after loss
	decodeErrors  atomic.Uint64 // access units the decoder rejected
	decErr        chan error    // the decoder cannot be made: the stream fails
	snap          snapshots     // Snapshot's asks to the decode loop
	attemptStart  atomic.Int64  // unix nanos of the current attempt's start
	firstFrameDur atomic.Int64  // nanos, 0 until the first frame of the attempt
	srcW, srcH    atomic.Int32

	// statusMu orders status changes and their OnStatus calls: the
	// decoder's goroutine (firstPicture) and the session's both set it.
	statusMu sync.Mutex
	// showMu makes a picture's last check and its showing one step
	// against freeze (Pause): decodeloop.go.
	showMu sync.Mutex

	mu      sync.Mutex
	url     string // cfg.URL, or where redirects led
	stats   Stats
	status  Status
	client  *rtsp.Client
	att     *attempt // the packet path feeding from client
	meter   rateMeter
	closeMu sync.Once
	pb      playback  // range, position, pause, speed, seeks (playback*.go)
	rec     recordTap // the recording, and the GOP kept for it (recordtap.go)
	aud     audioFeed // the sound's queue, sink and counters (audioloop.go)
}

// Start begins playing cfg.URL in the background. Watch OnStatus (or Status)
// for progress and Frame for pictures.
func Start(cfg Config) *Stream {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MediaTimeout <= 0 {
		cfg.MediaTimeout = 5 * time.Second
	}
	if cfg.TunnelPorts == nil {
		cfg.TunnelPorts = []int{80, 8080}
	}
	if cfg.HTTPSPort == 0 {
		cfg.HTTPSPort = 443
	}
	s := &Stream{cfg: cfg, auCh: make(chan *auBuf, auQueue), free: make(chan *auBuf, auQueue), decErr: make(chan error, 1), shown: make(chan struct{}, 1)}
	for i := 0; i < auQueue; i++ {
		s.free <- &auBuf{}
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.snap.ask = make(chan *snapAsk)
	s.pb.init()
	s.url = cfg.URL
	s.stats.URL = RedactURL(cfg.URL)
	s.status = Status{State: StateConnecting, Text: "Connecting…"}
	s.aud.init(cfg.Audio)
	s.wg.Add(3)
	go s.decodeLoop()
	go s.audioLoop()
	go s.run()
	return s
}

// Close stops the stream: TEARDOWN with a short deadline, then every
// goroutine ends and the decoder is freed. Idempotent.
func (s *Stream) Close() {
	s.closeMu.Do(func() {
		s.cancel()
		s.wg.Wait()
		s.snapRelease()
		s.setStatus(Status{State: StateClosed, Text: "Stopped"})
	})
}

// Frame returns the newest picture and its sequence number. The image stays
// unchanged until the next call to Frame; changed says whether it is new.
func (s *Stream) Frame() (img *image.RGBA, seq uint64, changed bool) { return s.frames.take() }

// SetSize asks for pictures that fit in w×h pixels (keeping the aspect
// ratio, never larger than the source). 0,0 means the source size.
func (s *Stream) SetSize(w, h int) {
	s.boxW.Store(int32(w))
	s.boxH.Store(int32(h))
}

// Status returns the current state.
func (s *Stream) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Stats returns a snapshot of the stream's counters.
func (s *Stream) Stats() Stats {
	// Frames first, packets after: every frame counted here came from
	// packets of a client published (or folded into s.stats) by then, so
	// FramesShown never outruns PacketsReceived.
	shown := s.shownCount.Load()
	s.mu.Lock()
	st := s.stats
	st.Fallbacks = append([]Fallback(nil), s.stats.Fallbacks...)
	cl, att := s.client, s.att
	s.mu.Unlock()
	st.FramesShown = shown
	st.Parked = s.parked.Load()
	st.FramesDropped = s.dropped.Load()
	st.FramesSkipped = s.skipped.Load()
	st.DecodeLevel = DecodeLevel(s.decodeLevel.Load())
	st.FramesConcealed = s.concealed.Load()
	st.DecodeErrors = s.decodeErrors.Load()
	st.Width, st.Height = int(s.srcW.Load()), int(s.srcH.Load())
	if d := s.firstFrameDur.Load(); d > 0 {
		st.FirstFrameTime = time.Duration(d)
	}
	var bytes uint64
	if cl != nil {
		ts := cl.Stats(cl.VideoTrackIndex())
		att.addCounts(&st, ts)
		bytes = ts.BytesReceived
	}
	now := time.Now()
	st.FPS, st.Bitrate = s.meter.add(now, st.FramesShown, bytes)
	st.RatesMeasured = s.meter.measured(now)
	s.pb.fill(&st)
	if att != nil {
		if at := att.audio.Load(); at != nil {
			st.Audio = s.audioInfo(at, cl)
		}
	}
	return st
}

func (s *Stream) setStatus(st Status) {
	s.changeStatus(st, func(Status) bool { return true })
}

// changeStatus sets st when the status now passes when. The check, the
// change and the OnStatus call happen under statusMu, so two goroutines
// setting it cannot leave OnStatus's last word different from Status.
func (s *Stream) changeStatus(st Status, when func(now Status) bool) {
	if st.Err != nil && st.Kind == "" {
		st.Kind = Classify(st.Err)
	}
	s.statusMu.Lock()
	defer s.statusMu.Unlock()
	s.mu.Lock()
	if !when(s.status) {
		s.mu.Unlock()
		return
	}
	s.status = st
	s.mu.Unlock()
	if s.cfg.OnStatus != nil {
		s.cfg.OnStatus(st)
	}
}

// playingStatus is the status of a playing session: "Playing · TCP", or
// "Playing" while the transport is not known.
func playingStatus(transport string) Status {
	if transport == "" {
		return Status{State: StatePlaying, Text: "Playing"}
	}
	return Status{State: StatePlaying, Text: "Playing · " + strings.ToUpper(transport)}
}

// firstPicture runs on the decoder's goroutine at the first picture of an
// attempt, and says Playing. The session's goroutine may still be in its
// wait for media (connectOnce polls for the first packet; under load the
// decoder can show several pictures first) and says Playing again when
// play starts; until then the tile would read "Connecting…" over a live
// picture. Only a Connecting status is replaced: a failure or a reconnect
// the session's goroutine set meanwhile stands. The transport is the
// published client's, which Auto's race and a 461 fallback to TCP have
// already settled before any unit reaches the decoder.
func (s *Stream) firstPicture() {
	s.mu.Lock()
	cl := s.client
	s.mu.Unlock()
	tr := ""
	if cl != nil {
		tr = cl.Transport().String()
	}
	s.changeStatus(playingStatus(tr), func(now Status) bool { return now.State == StateConnecting })
}

// run is the stream's life: connect (with fallbacks), play until the
// session fails, and reconnect with backoff if asked to.
func (s *Stream) run() {
	defer s.wg.Done()
	if err := CheckInput(s.cfg); err != nil {
		// Only the person can fix it: no try, no retry.
		s.setStatus(Status{State: StateFailed, Text: Sentence(err, s.cfg.URL), Err: err, Kind: KindInput})
		return
	}
	redirects := 0
	try := 0 // tries of the current outage; 0 while none is under way
	for {
		err := s.session(try)
		if s.ctx.Err() != nil {
			return
		}
		if errors.Is(err, errParked) {
			if !s.park() {
				return
			}
			try = 0
			continue
		}
		s.rec.sessionEnded() // a recording's file is finished during the outage
		if s.firstFrameDur.Load() > 0 {
			// This session showed a picture: a later failure is a new
			// outage, with a fresh count and the short waits again.
			try = 0
		}
		var re *rtsp.RedirectError
		if errors.As(err, &re) && redirects < maxRedirects {
			// A REDIRECT while playing: go where the server says, now.
			redirects++
			if err = s.follow(re.Location); err == nil {
				continue
			}
		}
		kind := Classify(err)
		text := Sentence(err, s.cfg.URL)
		final := !s.cfg.Reconnect || kind == KindUnauthorized || kind == KindNotFound || kind == KindTLS || errors.Is(err, ErrNoVideo) || errors.Is(err, ErrNoDecoder) || errors.Is(err, ErrBeyondEnd)
		if final {
			s.setStatus(Status{State: StateFailed, Text: text, Err: err, Kind: kind})
			return
		}
		try++
		s.setStatus(Status{State: StateReconnecting, Text: fmt.Sprintf("Reconnecting (%d)… %s", try, text), Err: err, Kind: kind})
		wait := time.NewTimer(retryWait(try, kind))
		select {
		case <-s.ctx.Done():
			wait.Stop()
			return
		case <-wait.C:
		}
		s.mu.Lock()
		s.stats.Reconnects++
		s.mu.Unlock()
	}
}

// Waits between reconnect tries (see retryWait).
const (
	retryFirst      = 500 * time.Millisecond
	retryMax        = 10 * time.Second
	retryRefusedMax = 2 * time.Second
)

// retryWait is how long the try'th reconnect try of one outage waits:
// about 0.5 s, 1 s, 2 s, 4 s, 8 s, then up to 10 s. When the last failure was a
// refused connection (the host is up, its RTSP server is not: a restart
// or a reboot under way) the wait stops growing at 2 s: a refused dial
// costs the camera nothing, and the picture is back within about 2 s of
// the server. A camera that times out or answers 5xx gets the longer
// waits, so a busy one is not hammered.
//
// Each wait is drawn between half and one and a half times that (never
// past the cap): the 16
// tiles of one recorder that restarts all fail in the same instant, and
// without jitter they would come back in step, every try, and the
// recorder would get 16 sessions in one burst each time.
func retryWait(try int, kind ErrorKind) time.Duration {
	d := retryFirst << min(max(try-1, 0), 5) // 16 s at most before the cap
	limit := retryMax
	if kind == KindRefused {
		limit = retryRefusedMax
	}
	d = min(d, limit)
	return min(d/2+rand.N(d), limit)
}

// session connects by the configured transport (or Auto's chain of them)
// and plays until the session ends. It returns why it ended. try counts
// the reconnect tries of the current outage, 0 for a first connect.
func (s *Stream) session(try int) error {
	start := time.Now()
	s.attemptStart.Store(start.UnixNano())
	s.firstFrameDur.Store(0)
	if try > 0 {
		s.setStatus(Status{State: StateConnecting, Text: fmt.Sprintf("Reconnecting (%d)…", try)})
	} else {
		s.setStatus(Status{State: StateConnecting, Text: "Connecting…"})
	}
	s.mu.Lock()
	s.stats.Fallbacks = nil
	s.mu.Unlock()

	if s.cfg.Transport != TransportAuto {
		w := way{transport: s.cfg.Transport}
		if s.cfg.Transport == TransportHTTP || s.cfg.Transport == TransportHTTPS {
			w.tunnelPort = s.cfg.TunnelPort
		}
		cl, err := s.connect(w, start, s.cfg.MediaTimeout)
		if err != nil {
			return err
		}
		return s.play(cl)
	}
	return s.auto(start)
}
