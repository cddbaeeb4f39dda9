package player

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rtspview/rtspview/rtsp"
)

// Auto's ways, best first: UDP on the RTSP port (lowest delay); TCP on the
// same port, on the same connection when the server refuses UDP (461), or
// raced against UDP when UDP stays silent after PLAY (a firewall dropping
// it); then, when the RTSP port itself does not answer, the HTTP tunnel on
// the usual web ports and HTTPS.
//
// rtsps:// has its own, shorter list (autoTLS): TLS over TCP on the RTSP
// port, then the HTTPS tunnel. Plain UDP would carry the video in clear and
// the HTTP tunnel everything, so an rtsps address never takes either.

const (
	// autoHeadStart is how long UDP may stay silent after PLAY before TCP
	// is started beside it. A camera sends its first packet within a frame
	// period of PLAY (40 ms at 25 fps), a few more on a slow link; behind a
	// firewall that drops UDP nothing ever comes, and waiting the whole
	// autoUDPWait for that was most of Auto's 3.1 s to a first picture.
	autoHeadStart = 300 * time.Millisecond
	// autoUDPWait is how long UDP may stay silent after PLAY before it is
	// given up for good.
	autoUDPWait = 2 * time.Second
)

// errLostRace ends a lane whose rival delivered a picture first.
var errLostRace = errors.New("another way delivered video first")

// race is Auto's contest between UDP and TCP on the RTSP port. The first
// lane whose packet path hands an access unit to the decoder wins (the
// depacketizers deliver nothing before a keyframe or recovery point, so
// that is the first picture the decoder can show); the packet path drops
// every other lane's units, so the decoder only ever sees one stream. The
// goroutine running Stream.auto owns the race and its lanes: it starts
// them, cancels the losers and waits for all of them.
type race struct {
	s       *Stream
	claimMu sync.Mutex           // one claim at a time (claim)
	winner  atomic.Pointer[lane] // set once, after the winner's client is published
	decided chan struct{}        // closed when winner is set
	live    atomic.Int32         // lanes still connecting or waiting
	wg      sync.WaitGroup
	lanes   []*lane
}

// lane is one way in the race: a goroutine running Stream.connect.
type lane struct {
	r      *race
	w      way
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{} // closed when connect returned; cl and err are set
	cl     *rtsp.Client
	err    error

	played chan struct{} // closed when the server answered PLAY
	tcp    atomic.Bool   // a UDP lane the server moved to TCP (461)

	mu    sync.Mutex // guards the fields below
	setUp *rtsp.Client
	track int
	att   *attempt
}

func newRace(s *Stream) *race {
	return &race{s: s, decided: make(chan struct{})}
}

// run starts a lane for w. mediaWait is how long it may stay without any
// RTP after PLAY.
func (r *race) run(w way, start time.Time, mediaWait time.Duration) *lane {
	l := &lane{r: r, done: make(chan struct{}), played: make(chan struct{})}
	l.ctx, l.cancel = context.WithCancel(r.s.ctx)
	w.lane = l
	l.w = w
	r.lanes = append(r.lanes, l)
	r.live.Add(1)
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		l.cl, l.err = r.s.connect(w, start, mediaWait)
		r.live.Add(-1)
		close(l.done)
	}()
	return l
}

// stop cancels every lane but the winner and waits for all of them; a
// loser tears its session down on its way out.
func (r *race) stop() {
	r.cancelLosers()
	r.wg.Wait()
	for _, l := range r.lanes {
		l.cancel() // the winner's context ends with Stream's
	}
}

func (r *race) cancelLosers() {
	w := r.winner.Load()
	for _, l := range r.lanes {
		if l != w {
			l.cancel()
		}
	}
}

// claim makes l the winner if there is none yet, and publishes its client
// and packet path for Stats before the first unit reaches the decoder, so
// that no frame is ever counted without its packets. The winner is stored
// only after that publication, so whoever sees it (admit on the packet
// path, await on the lane's goroutine) sees the client published too;
// claimMu makes the two claims of one lane, and of rival lanes, one at a
// time.
func (r *race) claim(l *lane) bool {
	if w := r.winner.Load(); w != nil {
		return w == l
	}
	r.claimMu.Lock()
	defer r.claimMu.Unlock()
	if w := r.winner.Load(); w != nil {
		return w == l
	}
	l.mu.Lock()
	cl, att := l.setUp, l.att
	l.mu.Unlock()
	r.s.mu.Lock()
	r.s.client, r.s.att = cl, att
	r.s.mu.Unlock()
	r.winner.Store(l)
	close(r.decided)
	return true
}

// admit runs on the packet path (Stream.queue) for every access unit of
// the lane: true when the unit may go to the decoder.
func (l *lane) admit() bool {
	if w := l.r.winner.Load(); w != nil {
		return w == l
	}
	return l.r.claim(l)
}

// ready records the lane's session after SETUP, before PLAY: no packet
// can reach admit before that.
func (l *lane) ready(cl *rtsp.Client, track int, a *attempt) {
	l.mu.Lock()
	l.setUp, l.track, l.att = cl, track, a
	l.mu.Unlock()
}

// silent reports whether the lane is set up and has received no RTP.
func (l *lane) silent() bool {
	l.mu.Lock()
	cl, track := l.setUp, l.track
	l.mu.Unlock()
	return cl == nil || cl.Stats(track).PacketsReceived == 0
}

// await runs on the lane's goroutine after PLAY until the lane has won
// (nil) or cannot: it lost, the session ended, or no RTP came within
// mediaWait. A lane that receives packets wins at once while it runs alone
// (UDP that works is never second-guessed by a TCP lane started later),
// and after mediaWait even if no unit has come yet (a camera with a long
// GOP), so that the race ends in bounded time.
func (l *lane) await(ctx context.Context, cl *rtsp.Client, track int, mediaWait time.Duration) error {
	close(l.played)
	wait := time.NewTimer(mediaWait)
	defer wait.Stop()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	expired, asked := false, false
	for {
		if w := l.r.winner.Load(); w != nil {
			if w == l {
				return nil
			}
			return errLostRace
		}
		got := cl.Stats(track).PacketsReceived > 0
		if got && (expired || l.r.live.Load() == 1) {
			l.r.claim(l)
			continue
		}
		if got && !asked && l.r.live.Load() > 1 {
			// Racing, this lane joined mid-GOP: ask for a keyframe now
			// rather than wait up to a GOP for the next (the packet
			// before it told the client the sender's SSRC).
			asked = cl.RequestKeyframe(track)
		}
		if expired {
			return errNoMedia
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-cl.Done():
			return cl.Err()
		case <-l.r.decided:
		case <-wait.C:
			expired = true
		case <-tick.C:
		}
	}
}

// refusedUDP is how Auto reads a failed UDP lane for its fallbacks.
func refusedUDP(err error) string {
	switch {
	case errors.Is(err, errNoMedia), errors.Is(err, errLostRace):
		return "UDP blocked (no video arrived over UDP)"
	}
	return "server refused UDP"
}

// note adds a way Auto left, and why, to Stats.Fallbacks.
func (s *Stream) note(w way, reason string) {
	s.mu.Lock()
	s.stats.Fallbacks = append(s.stats.Fallbacks, Fallback{Transport: w.transport.String(), Reason: reason})
	s.mu.Unlock()
}

// auto connects by Auto's ways and plays the first that works until the
// session ends. It returns why it ended.
func (s *Stream) auto(start time.Time) error {
	if s.wantsTLS() {
		return s.autoTLS(start)
	}
	r := newRace(s)
	defer r.stop()
	udp := r.run(way{transport: TransportUDP}, start, autoUDPWait)
	var tcp *lane
	startTCP := func() {
		tcp = r.run(way{transport: TransportTCP}, start, s.cfg.MediaTimeout)
	}
	var (
		played    = udp.played
		headStart <-chan time.Time
		decided   = r.decided
		udpDone   = udp.done
		tcpDone   <-chan struct{}
	)
	for udpDone != nil || tcpDone != nil {
		select {
		case <-played:
			played = nil
			if !udp.tcp.Load() {
				t := time.NewTimer(autoHeadStart)
				defer t.Stop()
				headStart = t.C
			}
		case <-headStart:
			headStart = nil
			if tcp == nil && r.winner.Load() == nil && udp.silent() {
				startTCP()
				tcpDone = tcp.done
			}
		case <-decided:
			decided = nil
			headStart = nil
			r.cancelLosers()
		case <-udpDone:
			udpDone, played, headStart = nil, nil, nil
			if udp.err == nil {
				r.cancelLosers()
				return s.play(udp.cl)
			}
			if r.winner.Load() == udp {
				return udp.err // it won, then its session ended
			}
			switch Classify(udp.err) {
			case KindUnauthorized, KindNotFound, KindTLS:
				return udp.err
			case KindRefused, KindTimeout:
				if tcp == nil && !errors.Is(udp.err, errNoMedia) {
					// The RTSP port itself does not answer: TCP on it
					// would not either.
					s.note(udp.w, portTrouble(s.cfg.URL, 0, udp.err))
					return s.tunnels(start, s.note, udp.err)
				}
			}
			if s.ctx.Err() != nil {
				return udp.err
			}
			if tcp == nil {
				startTCP()
				tcpDone = tcp.done
			}
		case <-tcpDone:
			tcpDone = nil
			if tcp.err == nil {
				r.cancelLosers()
				reason := refusedUDP(errNoMedia)
				if !udp.silent() {
					reason = "TCP delivered a picture first"
				}
				s.note(udp.w, reason)
				return s.play(tcp.cl)
			}
			if r.winner.Load() == tcp {
				return tcp.err
			}
			switch Classify(tcp.err) {
			case KindUnauthorized, KindNotFound, KindTLS:
				return tcp.err
			}
		}
	}
	// Neither UDP nor TCP on the RTSP port played, and the port answered.
	if s.ctx.Err() != nil {
		return s.ctx.Err()
	}
	s.note(udp.w, refusedUDP(udp.err))
	s.note(tcp.w, "TCP failed: "+Sentence(tcp.err, s.cfg.URL))
	return s.tunnels(start, s.note, tcp.err)
}

// wantsTLS reports whether the stream's address is rtsps://.
func (s *Stream) wantsTLS() bool {
	u, err := rtsp.ParseURL(s.cfg.URL)
	return err == nil && u.Scheme == "rtsps"
}

// autoTLS is Auto for rtsps://: TLS over TCP on the RTSP port, then the
// HTTPS tunnel, and nothing else.
func (s *Stream) autoTLS(start time.Time) error {
	w := way{transport: TransportTCP}
	cl, err := s.connect(w, start, s.cfg.MediaTimeout)
	if err == nil {
		return s.play(cl)
	}
	switch Classify(err) {
	case KindUnauthorized, KindNotFound, KindTLS, KindInput:
		return err
	}
	if s.ctx.Err() != nil {
		return err
	}
	if Classify(err) == KindRefused || Classify(err) == KindTimeout {
		s.note(w, portTrouble(s.cfg.URL, 0, err))
	} else {
		s.note(w, "TCP failed: "+Sentence(err, s.cfg.URL))
	}
	return s.tunnels(start, s.note, err)
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
	if !s.wantsTLS() {
		for _, p := range s.cfg.TunnelPorts {
			ways = append(ways, way{transport: TransportHTTP, tunnelPort: p})
		}
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

// autoDialTimeout bounds each of Auto's dials (the RTSP port, each tunnel
// port): a SYN that goes unanswered this long is being dropped by a firewall.
const autoDialTimeout = 4 * time.Second
