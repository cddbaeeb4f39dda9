package player

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"image"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"

	"github.com/rtspview/rtspview/decode"
	"github.com/rtspview/rtspview/player/depack"
	"github.com/rtspview/rtspview/player/jitter"
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
	// TLSConfig, when set, is used as is for rtsps and the HTTPS tunnel
	// (the UI passes one that pins a certificate the user accepted).
	TLSConfig *tls.Config
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
	// CredentialHosts are other hosts (names or IP literals, no port) that
	// may receive the credentials after a redirect. Credentials always
	// follow a redirect on the URL's own host; to any other host they go
	// only if it is listed here. The UI adds one after the person agrees
	// (see CredentialsWithheldError); probe never does.
	CredentialHosts []string
	// DecoderThreads per stream; 0 lets FFmpeg decide. A wall of cameras
	// wants 1 or 2.
	DecoderThreads int
	// OnFrame is called from the decoder goroutine after each new picture;
	// it must not block (the UI posts a refresh through fyne.Do).
	OnFrame func()
	// OnStatus is called from the stream's goroutine on every state change.
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
)

func (s State) String() string {
	return [...]string{"connecting", "playing", "reconnecting", "failed", "closed"}[s]
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

	decoded       atomic.Uint64
	dropped       atomic.Uint64
	concealed     atomic.Uint64 // pictures shown with parts concealed after loss
	decodeErrors  atomic.Uint64 // access units the decoder rejected
	decErr        chan error    // the decoder cannot be made: the stream fails
	attemptStart  atomic.Int64  // unix nanos of the current attempt's start
	firstFrameDur atomic.Int64  // nanos, 0 until the first frame of the attempt
	srcW, srcH    atomic.Int32

	mu      sync.Mutex
	url     string // cfg.URL, or where redirects led
	stats   Stats
	status  Status
	client  *rtsp.Client
	att     *attempt // the packet path feeding from client
	meter   rateMeter
	closeMu sync.Once
}

type auBuf struct {
	data     []byte
	codec    decode.Codec
	keyframe bool
	damaged  bool // packets of it were lost: the decoder conceals
}

// auQueue bounds received-but-not-yet-decoded access units. When decoding
// falls behind, units are dropped rather than queued: latency stays low and
// memory bounded.
const auQueue = 4

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
	s := &Stream{cfg: cfg, auCh: make(chan *auBuf, auQueue), free: make(chan *auBuf, auQueue), decErr: make(chan error, 1)}
	for i := 0; i < auQueue; i++ {
		s.free <- &auBuf{}
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.url = cfg.URL
	s.stats.URL = RedactURL(cfg.URL)
	s.status = Status{State: StateConnecting, Text: "Connecting…"}
	s.wg.Add(2)
	go s.decodeLoop()
	go s.run()
	return s
}

// Close stops the stream: TEARDOWN with a short deadline, then every
// goroutine ends and the decoder is freed. Idempotent.
func (s *Stream) Close() {
	s.closeMu.Do(func() {
		s.cancel()
		s.wg.Wait()
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
	// frames_decoded never outruns packets_received.
	decoded := s.decoded.Load()
	s.mu.Lock()
	st := s.stats
	st.Fallbacks = append([]Fallback(nil), s.stats.Fallbacks...)
	cl, att := s.client, s.att
	s.mu.Unlock()
	st.FramesDecoded = decoded
	st.FramesDropped = s.dropped.Load()
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
	st.FPS, st.Bitrate = s.meter.add(time.Now(), st.FramesDecoded, bytes)
	return st
}

func (s *Stream) setStatus(st Status) {
	if st.Err != nil && st.Kind == "" {
		st.Kind = Classify(st.Err)
	}
	s.mu.Lock()
	s.status = st
	s.mu.Unlock()
	if s.cfg.OnStatus != nil {
		s.cfg.OnStatus(st)
	}
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
	backoff := time.Second
	redirects := 0
	for attempt := 0; ; attempt++ {
		err := s.session(attempt > 0)
		if s.ctx.Err() != nil {
			return
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
		final := !s.cfg.Reconnect || kind == KindUnauthorized || kind == KindNotFound || kind == KindTLS || errors.Is(err, ErrNoVideo) || errors.Is(err, ErrNoDecoder)
		if final {
			s.setStatus(Status{State: StateFailed, Text: text, Err: err, Kind: kind})
			return
		}
		s.setStatus(Status{State: StateReconnecting, Text: fmt.Sprintf("%s Retrying in %v…", text, backoff), Err: err, Kind: kind})
		select {
		case <-s.ctx.Done():
			return
		case <-time.After(backoff):
		}
		if backoff < 10*time.Second {
			backoff *= 2
		}
		s.mu.Lock()
		s.stats.Reconnects++
		s.mu.Unlock()
	}
}

// way is one transport to try: which, and on which port for a tunnel.
type way struct {
	transport  Transport
	tunnelPort int
	lane       *lane // Auto's race this way runs in (auto.go); nil outside one
}

// label is how the status line names the way: "TCP", "HTTP tunnel on 80".
func (w way) label() string {
	if w.tunnelPort > 0 {
		return fmt.Sprintf("%s on %d", w.transport.Label(), w.tunnelPort)
	}
	return w.transport.Label()
}

// portTrouble says in a few words why a port did not work: "port 554
// closed" (refused) or "port 554 does not answer" (silently dropped).
func portTrouble(rawURL string, port int, err error) string {
	if port == 0 {
		if u, perr := rtsp.ParseURL(rawURL); perr == nil {
			_, p, _ := net.SplitHostPort(rtsp.HostPort(u))
			fmt.Sscan(p, &port)
		}
	}
	switch Classify(err) {
	case KindRefused:
		return fmt.Sprintf("port %d closed", port)
	case KindTimeout:
		return fmt.Sprintf("port %d does not answer", port)
	case KindTLS:
		return fmt.Sprintf("port %d: TLS failed", port)
	case KindNotFound:
		return fmt.Sprintf("port %d: no such stream", port)
	}
	return fmt.Sprintf("port %d: not an RTSP tunnel", port)
}

// session connects by the configured transport (or Auto's chain of them)
// and plays until the session ends. It returns why it ended.
func (s *Stream) session(again bool) error {
	start := time.Now()
	s.attemptStart.Store(start.UnixNano())
	s.firstFrameDur.Store(0)
	if again {
		s.setStatus(Status{State: StateConnecting, Text: "Reconnecting…"})
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

func (s *Stream) tunnels(start time.Time, note func(way, string), lastErr error) error {
	if s.ctx.Err() != nil {
		return lastErr
	}
	// An RTSP server that answered (and refused, or sent no video) is the
	// failure to name: "nothing is listening" on the last tunnel port would
	// send the person looking for a server that is up.
	primary := lastErr
	answered := errors.Is(primary, errNoMedia) || (Classify(primary) != KindRefused && Classify(primary) != KindTimeout)
	var ways []way
	for _, p := range s.cfg.TunnelPorts {
		ways = append(ways, way{transport: TransportHTTP, tunnelPort: p})
	}
	ways = append(ways, way{transport: TransportHTTPS, tunnelPort: s.cfg.HTTPSPort})
	for _, w := range ways {
		cl, err := s.connect(w, start, s.cfg.MediaTimeout)
		if err == nil {
			return s.play(cl)
		}
		switch Classify(err) {
		case KindUnauthorized, KindNotFound:
			return err
		}
		note(w, portTrouble(s.cfg.URL, w.tunnelPort, err))
		lastErr = err
		if s.ctx.Err() != nil {
			break
		}
	}
	if answered {
		return primary
	}
	return lastErr
}

// attempt is the per-connection packet path, run on the client's reader
// goroutine(s): jitter buffer (UDP only) → depacketizer → AU queue.
type attempt struct {
	s       *Stream
	pt      uint8
	codec   decode.Codec
	dp      depack.Depacketizer
	jb      *jitter.Buffer
	pkt     rtp.Packet
	pool    []*rtp.Packet
	bufs    map[*rtp.Packet][]byte
	skipped bool  // a unit was dropped because the queue overflowed
	lane    *lane // Auto's race (auto.go) this attempt runs in; nil outside one

	// UDP only: the give-up timer (packetpath.go) shares the path with
	// the reader goroutine.
	mu      sync.Mutex
	timer   *time.Timer
	armed   bool
	closed  bool
	lastIn  time.Time // when the last packet was pushed
	flusher depack.Flusher
	counts  jitterCounts
}

// autoDialTimeout bounds each of Auto's dials (the RTSP port, each tunnel
// port): a SYN that goes unanswered this long is being dropped by a firewall.
const autoDialTimeout = 4 * time.Second

// maxRedirects bounds how many 3xx/REDIRECT hops one attempt follows.
const maxRedirects = 5

// connect opens a session by way w, following redirects (QUIRKS #12: keep
// the credentials for the same host only, never downgrade rtsps to rtsp).
func (s *Stream) connect(w way, start time.Time, mediaWait time.Duration) (*rtsp.Client, error) {
	for hop := 0; ; hop++ {
		cl, err := s.connectOnce(w, start, mediaWait)
		var re *rtsp.RedirectError
		if !errors.As(err, &re) {
			return cl, s.withheld(err)
		}
		if hop == maxRedirects {
			return nil, fmt.Errorf("%w: more than %d redirects", rtsp.ErrProtocol, maxRedirects)
		}
		if err := s.follow(re.Location); err != nil {
			return nil, err
		}
	}
}

func (s *Stream) connectOnce(w way, start time.Time, mediaWait time.Duration) (*rtsp.Client, error) {
	ctx := s.ctx
	if w.lane != nil {
		ctx = w.lane.ctx // the race cancels a loser
	}
	rc := rtsp.Config{
		Transport: w.transport.rtsp(),
		Timeout:   s.cfg.Timeout,
		TLSConfig: s.cfg.TLSConfig,
		Tunnel:    rtsp.TunnelConfig{Port: w.tunnelPort},
	}
	if s.cfg.Proxy != "" {
		p, err := parseProxy(s.cfg.Proxy)
		if err != nil {
			return nil, err
		}
		rc.Tunnel.Proxy = p
	}
	if rc.TLSConfig == nil && s.cfg.Insecure {
		rc.TLSConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the user asked for --insecure
	}
	a := &attempt{lane: w.lane}
	// Through the variable: a 461 fallback below replaces the attempt
	// before any packet can arrive.
	rc.OnPacket = func(track int, b []byte) { a.onPacket(track, b) }
	if s.cfg.Transport == TransportAuto && w.transport != TransportUDP && w.transport != TransportTCP {
		// Each tunnel guess gets a short dial bound so the chain ends soon.
		rc.Timeout = min(rc.Timeout, autoDialTimeout)
	}
	s.mu.Lock()
	target := s.url
	s.mu.Unlock()
	// Only to the host they were given for (or one the person allowed).
	rc.Username, rc.Password, _ = s.credentials(target)
	dctx := ctx
	if s.cfg.Transport == TransportAuto {
		// Auto is guessing: a port behind a firewall that drops SYNs must
		// cost one short bound, not the full request Timeout, or the chain
		// (RTSP port, 80, 8080, 443) outlasts probe's 20 s. Only the dial
		// is bounded; a slow camera keeps Timeout for each request.
		var cancel context.CancelFunc
		dctx, cancel = context.WithTimeout(ctx, min(s.cfg.Timeout, autoDialTimeout))
		defer cancel()
	}
	cl, err := rtsp.Dial(dctx, target, rc)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			s.unpublish(cl)
			s.teardown(cl)
			a.stop()
		}
	}()
	if err := cl.Options(ctx); err != nil {
		return nil, err
	}
	desc, err := cl.Describe(ctx)
	if err != nil {
		return nil, err
	}
	track, codec, err := pickVideo(desc)
	if err != nil {
		return nil, err
	}
	dp, err := newDepacketizer(track, codec)
	if err != nil {
		return nil, err
	}
	// Only UDP reorders; interleaved TCP arrives in order. Set up before
	// SETUP: the client delivers no packet of a track before it is set up.
	a.init(s, track.PayloadType, codec, dp, w.transport == TransportUDP)
	if err := cl.Setup(ctx, track); err != nil {
		if s.cfg.Transport != TransportAuto || w.transport != TransportUDP ||
			!errors.Is(err, rtsp.ErrTransportUnsupported) || cl.UseTCP() != nil {
			return nil, err
		}
		// 461: the server does not do UDP. Ask for TCP on this same
		// connection, as FFmpeg does; see rtsp.Client.UseTCP for why not
		// a new one.
		s.note(w, "server refused UDP")
		if w.lane != nil {
			w.lane.tcp.Store(true)
		}
		w.transport = TransportTCP
		mediaWait = max(mediaWait, s.cfg.MediaTimeout) // UDP's shorter wait no longer applies
		a.stop()
		a = &attempt{lane: w.lane}
		a.init(s, track.PayloadType, codec, dp, false)
		if err := cl.Setup(ctx, track); err != nil {
			return nil, err
		}
	}
	if w.lane != nil {
		// A lane is published by the race when it wins (race.claim).
		w.lane.ready(cl, track.Index, a)
	} else {
		// Published before PLAY, not after the first packet: the decoder may
		// show a picture before this goroutine sees that packet, and Stats
		// must never count a frame without the packets it came from.
		s.mu.Lock()
		s.client, s.att = cl, a
		s.mu.Unlock()
	}
	if err := cl.Play(ctx); err != nil {
		return nil, err
	}
	connectTime := time.Since(start)
	if w.lane != nil {
		if err := w.lane.await(ctx, cl, track.Index, mediaWait); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	s.stats.ConnectTime = connectTime
	s.stats.Transport = w.transport.String()
	s.stats.Via = w.label()
	s.stats.TLS = cl.TLS()
	s.stats.Codec = codec.String()
	s.mu.Unlock()
	// Wait for the first RTP packet: without it this way does not work.
	deadline := time.NewTimer(mediaWait)
	defer deadline.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for cl.Stats(track.Index).PacketsReceived == 0 {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-cl.Done():
			return nil, cl.Err()
		case <-deadline.C:
			return nil, errNoMedia
		case <-tick.C:
		}
	}
	ok = true
	return cl, nil
}

// unpublish takes a failed attempt's client out of Stats, keeping the
// packets it received in the totals (frames decoded from them stay
// counted too).
func (s *Stream) unpublish(cl *rtsp.Client) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.client != cl {
		return
	}
	s.att.addCounts(&s.stats, cl.Stats(cl.VideoTrackIndex()))
	s.client, s.att = nil, nil
}

// play watches a playing session until it ends: the server closes it, media
// stops for MediaTimeout, or the stream is closed.
func (s *Stream) play(cl *rtsp.Client) error {
	defer func() {
		s.mu.Lock()
		att := s.att
		att.addCounts(&s.stats, cl.Stats(cl.VideoTrackIndex()))
		s.client, s.att = nil, nil
		s.mu.Unlock()
		s.teardown(cl)
		att.stop()
	}()
	s.mu.Lock()
	tr := s.stats.Transport
	s.mu.Unlock()
	s.setStatus(Status{State: StatePlaying, Text: "Playing · " + strings.ToUpper(tr)})
	idx := cl.VideoTrackIndex()
	last := cl.Stats(idx).PacketsReceived
	lastAt := time.Now()
	playStart := lastAt
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return s.ctx.Err()
		case <-cl.Done():
			return cl.Err()
		case err := <-s.decErr:
			return err
		case now := <-tick.C:
			n := cl.Stats(idx).PacketsReceived
			if n != last {
				last, lastAt = n, now
			} else if now.Sub(lastAt) > s.cfg.MediaTimeout {
				return errNoMedia
			}
			if s.firstFrameDur.Load() == 0 && now.Sub(playStart) > noPictureTimeout {
				return ErrNoPicture
			}
		}
	}
}

func (s *Stream) teardown(cl *rtsp.Client) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	select {
	case <-cl.Done():
	default:
		_ = cl.Teardown(ctx)
	}
	cl.Close()
}

func pickVideo(d *rtsp.Description) (rtsp.Track, decode.Codec, error) {
	for _, t := range d.Tracks {
		if t.Media != "video" {
			continue
		}
		switch t.Codec {
		case rtsp.CodecH264:
			return t, decode.CodecH264, nil
		case rtsp.CodecH265:
			return t, decode.CodecH265, nil
		case rtsp.CodecMJPEG:
			return t, decode.CodecMJPEG, nil
		}
	}
	var found []string
	for _, t := range d.Tracks {
		found = append(found, t.Media+"/"+t.Codec)
	}
	return rtsp.Track{}, 0, fmt.Errorf("%w (stream has %v)", ErrNoVideo, found)
}

func newAttempt(s *Stream, pt uint8, codec decode.Codec, dp depack.Depacketizer, reorder bool) *attempt {
	a := &attempt{}
	a.init(s, pt, codec, dp, reorder)
	return a
}

func (a *attempt) init(s *Stream, pt uint8, codec decode.Codec, dp depack.Depacketizer, reorder bool) {
	a.s, a.pt, a.codec, a.dp = s, pt, codec, dp
	if reorder {
		a.bufs = map[*rtp.Packet][]byte{}
		a.jb = jitter.New(jitter.Config{Release: a.release})
		a.flusher, _ = dp.(depack.Flusher)
		a.timer = time.AfterFunc(time.Hour, a.onTimer)
		a.timer.Stop()
	}
}

// onPacket runs on the RTSP client's reader goroutine for every RTP packet.
func (a *attempt) onPacket(_ int, b []byte) {
	if a.jb == nil {
		if err := a.pkt.Unmarshal(b); err != nil {
			return
		}
		a.feed(&a.pkt)
		return
	}
	// UDP: the jitter buffer keeps packets, so copy into pooled ones.
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return
	}
	var p *rtp.Packet
	if n := len(a.pool); n > 0 {
		p, a.pool = a.pool[n-1], a.pool[:n-1]
	} else {
		p = &rtp.Packet{}
	}
	buf := append(a.bufs[p][:0], b...)
	if err := p.Unmarshal(buf); err != nil {
		a.bufs[p] = buf
		a.pool = append(a.pool, p)
		return
	}
	a.bufs[p] = buf
	now := time.Now()
	a.jb.Push(p, now)
	a.lastIn = now
	a.drain(now)
	if !a.armed {
		// One timer per attempt, re-armed at most once per latency
		// period rather than per packet.
		a.armed = true
		a.timer.Reset(jitter.DefaultLatency)
	}
}

// release returns a packet (and its buffer) to the attempt's pool; the
// jitter buffer calls it for packets it drops.
func (a *attempt) release(p *rtp.Packet) {
	if len(a.pool) < 512 {
		a.pool = append(a.pool, p)
	} else {
		delete(a.bufs, p)
	}
}

func (a *attempt) feed(p *rtp.Packet) {
	if p.PayloadType != a.pt {
		return
	}
	au, err := a.dp.Decode(p)
	switch {
	case err == nil:
	case errors.Is(err, depack.ErrMorePacketsNeeded):
		return
	case errors.Is(err, depack.ErrWaitKeyframe):
		return
	default:
		return // malformed packet or loss: the depacketizer goes on by itself
	}
	a.s.queue(a, au)
}

// queue hands an access unit to the decoder without ever blocking the
// network path.
func (s *Stream) queue(a *attempt, au depack.AccessUnit) {
	if a.lane != nil && !a.lane.admit() {
		return // a rival way in Auto's race is (or may be) the one shown
	}
	var b *auBuf
	select {
	case b = <-s.free:
	default:
		// Decoder is behind: drop this unit.
		a.skipped = true
		s.dropped.Add(1)
		return
	}
	// The unit after a dropped one may refer to it: it goes marked
	// damaged, as after a lost packet, and FFmpeg conceals. Waiting for
	// the next keyframe instead would freeze the picture for up to a GOP
	// over a stall of a few frames (the jitter buffer releases several
	// pictures at once after waiting for a lost packet).
	damaged := au.Damaged || a.skipped
	a.skipped = false
	b.data = append(b.data[:0], au.Data...)
	b.codec = a.codec
	b.keyframe = au.Keyframe
	b.damaged = damaged
	s.auCh <- b // never blocks: auCh has room for every buffer in free
}

// decodeLoop owns the decoder for the stream's life.
func (s *Stream) decodeLoop() {
	defer s.wg.Done()
	var dec *decode.Decoder
	defer func() {
		if dec != nil {
			dec.Close()
		}
	}()
	var codec, failed decode.Codec
	for {
		var b *auBuf
		select {
		case <-s.ctx.Done():
			return
		case b = <-s.auCh:
		}
		if b.codec == failed {
			s.free <- b // no decoder for it: the session is failing
			continue
		}
		if dec == nil || codec != b.codec {
			if dec != nil {
				dec.Close()
			}
			var err error
			if dec, err = s.newDecoder(b.codec); err != nil {
				s.free <- b
				failed = b.codec
				continue
			}
			codec = b.codec
		}
		if sw, sh := dec.SourceSize(); sw > 0 {
			w, h := fit(sw, sh, int(s.boxW.Load()), int(s.boxH.Load()))
			dec.SetOutputSize(w, h)
		}
		out, err := s.decodeUnit(dec, b)
		s.free <- b
		if err != nil || out == nil {
			continue
		}
		sw, sh := dec.SourceSize()
		s.srcW.Store(int32(sw))
		s.srcH.Store(int32(sh))
		s.frames.publish(out)
		s.decoded.Add(1)
		if s.firstFrameDur.Load() == 0 {
			s.firstFrameDur.Store(time.Now().UnixNano() - s.attemptStart.Load())
		}
		if s.cfg.OnFrame != nil {
			s.cfg.OnFrame()
		}
	}
}

// fit returns the largest size with the source's aspect ratio inside the
// box, never larger than the source (the GPU upscales for free; swscale
// would spend CPU on pixels that carry no detail). Sizes are even, which
// the chroma planes of 4:2:0 video want.
func fit(srcW, srcH, boxW, boxH int) (int, int) {
	if boxW <= 0 || boxH <= 0 || (boxW >= srcW && boxH >= srcH) {
		return srcW, srcH
	}
	w, h := boxW, boxW*srcH/srcW
	if h > boxH {
		w, h = boxH*srcW/srcH, boxH
	}
	w, h = w&^1, h&^1
	if w < 2 || h < 2 {
		return 2, 2
	}
	return w, h
}

func newDepacketizer(t rtsp.Track, codec decode.Codec) (depack.Depacketizer, error) {
	switch codec {
	case decode.CodecH264:
		mode := 0
		if v := t.Fmtp["packetization-mode"]; v == "1" {
			mode = 1
		}
		return depack.NewH264(t.Fmtp["sprop-parameter-sets"], mode), nil
	case decode.CodecH265:
		return depack.NewH265(t.Fmtp["sprop-vps"], t.Fmtp["sprop-sps"], t.Fmtp["sprop-pps"]), nil
	case decode.CodecMJPEG:
		return depack.NewJPEG(), nil
	}
	return nil, fmt.Errorf("%w: %s depacketizer", ErrNoVideo, codec)
}
