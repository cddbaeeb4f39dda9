// Package demo is rtspview's built-in demo stream: an in-process RTSP server
// looping an H.264 clip in real time, so there is something to watch with
// no camera at hand and tests have a well-behaved peer.
//
// It runs on the gortsplib server, written by someone else, so the viewer's
// own client is checked against an independent implementation; never import
// gortsplib's client. gortsplib gives TCP interleaved and UDP unicast, the
// HTTP and WebSocket tunnels on the RTSP port itself, RTSPS, and Basic and
// Digest auth.
package demo

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/auth"
	"github.com/bluenviron/gortsplib/v5/pkg/base"
	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/bluenviron/gortsplib/v5/pkg/format/rtph264"
	"github.com/bluenviron/gortsplib/v5/pkg/liberrors"
	"github.com/pion/rtp"

	"github.com/rtspview/rtspview/assets"
)

// Defaults for the zero Config.
const (
	DefaultAddr = "127.0.0.1:0"
	DefaultPath = "/demo"
	DefaultFPS  = 25
)

// payloadType is the dynamic RTP payload type of the H.264 stream.
const payloadType = 96

// rtpClockRate is the H.264 RTP clock (RFC 6184 section 8.2.1).
const rtpClockRate = 90000

// maxBurst is how many frames the pump sends at once to catch up after a
// late tick; after a longer stall (a suspended process, a loaded CI box) it
// jumps the timeline instead, as a camera that paused would.
const maxBurst = 5

// Config configures a demo Server. The zero value serves the built-in clip
// at rtsp://127.0.0.1:<free port>/demo over TCP, UDP and the HTTP tunnel,
// without authentication.
type Config struct {
	// Addr is the TCP address for RTSP and its tunnels; "127.0.0.1:0" (a
	// free port) when empty. The UDP RTP/RTCP pair is bound on the same host.
	Addr string
	// Path is the stream's path; "/demo" when empty.
	Path string
	// Username and Password, when Username is set, are required on DESCRIBE,
	// SETUP and PLAY.
	Username, Password string
	// AuthMethods are the challenges offered, one WWW-Authenticate header
	// each in this order; Basic and Digest MD5 when nil (gortsplib's
	// default). FFmpeg 5.1 answers the last Digest challenge, always with
	// MD5 (measured): it gets 401 when SHA-256 is offered alone or after
	// MD5, and plays when SHA-256 comes before MD5.
	AuthMethods []auth.VerifyMethod
	// DisableUDP offers only TCP interleaved and the tunnels. UDP is never
	// offered with TLSConfig set: gortsplib would carry SRTP on it, which
	// FFmpeg 5.1 and RTSPS cameras do not; they use TCP inside TLS.
	DisableUDP bool
	// TLSConfig, when set, serves RTSPS (rtsps://) only.
	TLSConfig *tls.Config
	// Clip is Annex-B H.264 starting with an IDR picture and without
	// B-frames (RTP timestamps are frame index / FPS); assets.DemoH264 when
	// nil. It must not be modified while the server runs.
	Clip []byte
	// FPS is the clip's frame rate; 25 when zero.
	FPS int
	// Logger says when a transport cannot be served (UDP that cannot be
	// bound); slog.Default() when nil.
	Logger *slog.Logger

	// listenUDP binds the UDP sockets; net.ListenUDP when nil. Tests make
	// it fail the way Wine 8's does ("wsaioctl: winapi error #10045").
	listenUDP func(network string, laddr *net.UDPAddr) (*net.UDPConn, error)
}

// Server loops a clip forever as a live RTSP stream to every reader.
type Server struct {
	path     string
	user     string
	pass     string
	url      string
	rtsp     *gortsplib.Server
	udp      bool // RTP over UDP is offered
	stream   *gortsplib.ServerStream
	ready    atomic.Pointer[gortsplib.ServerStream] // stream, once readers may join
	media    *description.Media
	aus      [][]*rtp.Packet
	keyAU    []bool // aus[i] holds an IDR picture
	frameDur time.Duration
	fps      int64

	// mu guards readers and gop. It also orders every write to a reader:
	// the pump and OnPlay both write to sessions, and a session's write
	// queue wants one writer at a time and packets in sequence order.
	mu sync.Mutex
	// readers are the playing sessions. The pump writes to each one itself
	// instead of through ServerStream, so that a new reader gets the cached
	// GOP and then the live packets with no gap and no duplicate between
	// them; gortsplib's stream would start the live packets on its own
	// schedule, after OnPlay returns.
	readers map[*gortsplib.ServerSession]struct{}
	// gop holds the packets sent since the last IDR, as sent (sequence
	// number, timestamp, NTP time), so that a new reader starts at a
	// keyframe at once, as gst-rtsp-server and most cameras do, instead of
	// waiting up to a GOP (1 s) for the next one.
	gop []sentPacket

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// sentPacket is one packet of the cached GOP. Payload aliases the clip's
// packetized access units, which never change.
type sentPacket struct {
	pkt rtp.Packet
	ntp time.Time
}

// Start starts a Server; it is listening when Start returns.
func Start(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.Path == "" {
		cfg.Path = DefaultPath
	}
	if !strings.HasPrefix(cfg.Path, "/") {
		cfg.Path = "/" + cfg.Path
	}
	if cfg.Clip == nil {
		cfg.Clip = assets.DemoH264
	}
	if cfg.FPS == 0 {
		cfg.FPS = DefaultFPS
	}
	if cfg.FPS < 0 || cfg.FPS > 1000 {
		return nil, fmt.Errorf("demo: FPS %d out of range 1..1000", cfg.FPS)
	}

	aus, sps, pps, err := parseClip(cfg.Clip)
	if err != nil {
		return nil, err
	}

	h264 := &format.H264{
		PayloadTyp:        payloadType,
		PacketizationMode: 1,
		SPS:               sps,
		PPS:               pps,
	}
	media := &description.Media{
		Type:    description.MediaTypeVideo,
		Formats: []format.Format{h264},
	}
	packets, err := packetize(aus)
	if err != nil {
		return nil, err
	}

	keyAU := make([]bool, len(aus))
	gopPackets, maxGOP := 0, 0
	for i, au := range aus {
		keyAU[i] = hasIDR(au)
		if keyAU[i] {
			gopPackets = 0
		}
		gopPackets += len(packets[i])
		maxGOP = max(maxGOP, gopPackets)
	}

	s := &Server{
		aus:      packets,
		keyAU:    keyAU,
		readers:  map[*gortsplib.ServerSession]struct{}{},
		gop:      make([]sentPacket, 0, maxGOP),
		media:    media,
		path:     cfg.Path,
		user:     cfg.Username,
		pass:     cfg.Password,
		frameDur: time.Second / time.Duration(cfg.FPS),
		fps:      int64(cfg.FPS),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return nil, fmt.Errorf("demo: Addr %q: %w", cfg.Addr, err)
	}
	withUDP := !cfg.DisableUDP && cfg.TLSConfig == nil
	err = s.startRTSP(cfg, maxGOP, withUDP)
	if err != nil && withUDP {
		// The demo is what a new user sees first: one transport that
		// cannot be served (Wine 8 fails every UDP bind with "wsaioctl:
		// winapi error #10045") must not take the picture away. TCP and
		// the tunnels do not need UDP, and clients fall back to them
		// (a UDP SETUP is answered 461 Unsupported Transport).
		// The warning is given only when TCP alone works: a TCP port in
		// use fails both ways and is reported as it is.
		if tcpErr := s.startRTSP(cfg, maxGOP, false); tcpErr == nil {
			log.Warn("demo: cannot serve RTP over UDP, serving TCP and the HTTP tunnel only", "err", err)
			err = nil
		}
	}
	if err != nil {
		return nil, err
	}

	s.stream = &gortsplib.ServerStream{
		Server: s.rtsp,
		Desc:   &description.Session{Medias: []*description.Media{media}},
	}
	if err := s.stream.Initialize(); err != nil {
		s.rtsp.Close()
		return nil, fmt.Errorf("demo: init stream: %w", err)
	}
	s.ready.Store(s.stream)

	s.url = buildURL(s.rtsp.NetListener().Addr(), cfg.Path, cfg.TLSConfig != nil)
	go s.pump()
	return s, nil
}

// startRTSP starts the gortsplib server, offering RTP over UDP when
// withUDP is set.
func (s *Server) startRTSP(cfg Config, maxGOP int, withUDP bool) error {
	s.rtsp = &gortsplib.Server{
		Handler:     &handler{s: s},
		RTSPAddress: cfg.Addr,
		TLSConfig:   cfg.TLSConfig,
		AuthMethods: cfg.AuthMethods,
		// A new reader's queue takes the whole cached GOP at once, on top
		// of the live packets that follow before its writer drains it.
		WriteQueueSize: queueSize(maxGOP),
	}
	s.udp = withUDP
	var udp *udpPair
	if withUDP {
		host, _, _ := net.SplitHostPort(cfg.Addr) // checked by Start
		listen := cfg.listenUDP
		if listen == nil {
			listen = net.ListenUDP
		}
		var err error
		if udp, err = listenUDPPair(host, listen); err != nil {
			return err
		}
		s.rtsp.UDPRTPAddress = udp.rtp.LocalAddr().String()
		s.rtsp.UDPRTCPAddress = udp.rtcp.LocalAddr().String()
		s.rtsp.ListenPacket = udp.listenPacket
	}
	if err := s.rtsp.Start(); err != nil {
		if udp != nil {
			udp.close() // gortsplib closes them only once they are handed over
		}
		return fmt.Errorf("demo: start RTSP server: %w", err)
	}
	return nil
}

// UDP reports whether RTP over UDP is offered: false when Config asked
// for none, with TLS, or when the UDP sockets could not be bound.
func (s *Server) UDP() bool { return s.udp }

// queueSize is gortsplib's per-session write queue for a GOP of gop
// packets: room for it twice over (the cached GOP, then live packets while
// the first are written), a power of two as gortsplib requires, at least
// gortsplib's default of 256.
func queueSize(gop int) int {
	n := 256
	for n < 2*gop && n < 1<<16 {
		n *= 2
	}
	return n
}

// packetize turns every access unit into RTP packets once, so the pump only
// stamps sequence numbers and timestamps: no per-frame encoding work.
func packetize(aus [][][]byte) ([][]*rtp.Packet, error) {
	// 1400 bytes of payload plus RTP, UDP and IPv6 headers stay under a
	// 1500-byte MTU with room for a VPN or tunnel header.
	enc := &rtph264.Encoder{PayloadType: payloadType, PacketizationMode: 1, PayloadMaxSize: 1400}
	if err := enc.Init(); err != nil {
		return nil, fmt.Errorf("demo: H.264 RTP encoder: %w", err)
	}
	var err error
	out := make([][]*rtp.Packet, len(aus))
	for i, au := range aus {
		// The encoder sets the marker bit on the last packet of each
		// access unit (RFC 6184 section 5.1).
		if out[i], err = enc.Encode(au); err != nil {
			return nil, fmt.Errorf("demo: packetize access unit %d: %w", i, err)
		}
	}
	return out, nil
}

func buildURL(addr net.Addr, path string, secure bool) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		host, port = "127.0.0.1", "0"
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	scheme := "rtsp"
	if secure {
		scheme = "rtsps"
	}
	return scheme + "://" + net.JoinHostPort(host, port) + path
}

// URL returns the stream's URL, such as rtsp://127.0.0.1:PORT/demo
// (rtsps:// with TLS), without credentials.
func (s *Server) URL() string { return s.url }

// Close disconnects every reader, stops listening and waits for all the
// goroutines the Server started. It is safe to call more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.stop)
		<-s.done
		s.stream.Close()
		s.rtsp.Close()
	})
	return nil
}

// pump writes one access unit per frame period, looping the clip. RTP
// timestamps follow the wall clock at 90 kHz and keep rising across loops,
// as a live camera's would.
func (s *Server) pump() {
	defer close(s.done)

	// RFC 3550 section 5.1: random initial sequence number and timestamp.
	seq := uint16(randUint32())
	tsBase := randUint32()
	ticker := time.NewTicker(s.frameDur)
	defer ticker.Stop()

	start := time.Now()
	slot := int64(0) // frame period on the timeline of the next frame
	next := 0        // index in s.aus of the next frame
	for {
		due := int64(time.Since(start) / s.frameDur)
		if due-slot > maxBurst {
			slot = due
		}
		for ; slot <= due; slot++ {
			ts := tsBase + uint32(slot*rtpClockRate/s.fps)
			ntp := start.Add(time.Duration(slot) * s.frameDur)
			seq = s.writeAU(next, seq, ts, ntp)
			next = (next + 1) % len(s.aus)
		}
		select {
		case <-s.stop:
			return
		case <-ticker.C:
		}
	}
}

// writeAU stamps access unit i with sequence numbers from seq on and
// timestamp ts, writes it to every reader and to the cached GOP, and
// returns the next sequence number.
func (s *Server) writeAU(i int, seq uint16, ts uint32, ntp time.Time) uint16 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keyAU[i] {
		s.gop = s.gop[:0]
	}
	for _, pkt := range s.aus[i] {
		pkt.SequenceNumber = seq
		pkt.Timestamp = ts
		seq++
		// The GOP is bounded by the clip: it is emptied at every IDR, and
		// the clip starts with one. Its capacity was sized in Start.
		s.gop = append(s.gop, sentPacket{pkt: *pkt, ntp: ntp})
		for ss := range s.readers {
			s.send(ss, pkt, ntp)
		}
	}
	return seq
}

// send writes one packet to one reader; s.mu is held. gortsplib marshals
// the packet before returning, so the caller may reuse it.
func (s *Server) send(ss *gortsplib.ServerSession, pkt *rtp.Packet, ntp time.Time) {
	if err := ss.WritePacketRTPWithNTP(s.media, pkt, ntp); err != nil {
		// Its write queue is full: a reader that cannot keep up is
		// dropped, as gortsplib's ServerStream drops it, rather than let
		// it see a stream with holes.
		delete(s.readers, ss)
		ss.Close()
	}
}

// addReader starts a session that was just answered PLAY: the cached GOP
// from its IDR at once, then the live packets as the pump writes them.
func (s *Server) addReader(ss *gortsplib.ServerSession) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.readers[ss]; ok {
		return // a second PLAY on a playing session
	}
	s.readers[ss] = struct{}{}
	for i := range s.gop {
		if _, ok := s.readers[ss]; !ok {
			return // dropped by send
		}
		s.send(ss, &s.gop[i].pkt, s.gop[i].ntp)
	}
}

func (s *Server) removeReader(ss *gortsplib.ServerSession) {
	s.mu.Lock()
	delete(s.readers, ss)
	s.mu.Unlock()
}

// handler answers gortsplib's callbacks for a read-only stream at one path.
type handler struct{ s *Server }

func (h *handler) authorize(conn *gortsplib.ServerConn, req *base.Request) error {
	if h.s.user == "" || conn.VerifyCredentials(req, h.s.user, h.s.pass) {
		return nil
	}
	// gortsplib turns this into 401 with WWW-Authenticate when no
	// credentials came, and closes the connection when wrong ones did.
	return liberrors.ErrServerAuth{}
}

// stream answers DESCRIBE and SETUP for path once the stream is ready; a
// client faster than Start sees 503 and may retry (RFC 2326 section 11.5).
func (h *handler) stream(path string) (*base.Response, *gortsplib.ServerStream, error) {
	if path != h.s.path {
		return &base.Response{StatusCode: base.StatusNotFound}, nil, nil
	}
	st := h.s.ready.Load()
	if st == nil {
		return &base.Response{StatusCode: base.StatusServiceUnavailable}, nil, nil
	}
	return &base.Response{StatusCode: base.StatusOK}, st, nil
}

// OnDescribe implements gortsplib.ServerHandlerOnDescribe.
func (h *handler) OnDescribe(ctx *gortsplib.ServerHandlerOnDescribeCtx) (*base.Response, *gortsplib.ServerStream, error) {
	if err := h.authorize(ctx.Conn, ctx.Request); err != nil {
		return &base.Response{StatusCode: base.StatusUnauthorized}, nil, err
	}
	return h.stream(ctx.Path)
}

// OnSetup implements gortsplib.ServerHandlerOnSetup.
func (h *handler) OnSetup(ctx *gortsplib.ServerHandlerOnSetupCtx) (*base.Response, *gortsplib.ServerStream, error) {
	if err := h.authorize(ctx.Conn, ctx.Request); err != nil {
		return &base.Response{StatusCode: base.StatusUnauthorized}, nil, err
	}
	return h.stream(ctx.Path)
}

// OnPlay implements gortsplib.ServerHandlerOnPlay. The path was checked on
// SETUP; clients vary in the URL they PLAY (with or without a trailing
// slash, the aggregate or a track URL), and gortsplib ties it to the session.
func (h *handler) OnPlay(ctx *gortsplib.ServerHandlerOnPlayCtx) (*base.Response, error) {
	if err := h.authorize(ctx.Conn, ctx.Request); err != nil {
		return &base.Response{StatusCode: base.StatusUnauthorized}, err
	}
	// gortsplib created the session's write queue before calling OnPlay
	// and starts draining it after the answer is sent (TCP) or right after
	// OnPlay (UDP), so what is queued here goes out first, in order.
	h.s.addReader(ctx.Session)
	return &base.Response{StatusCode: base.StatusOK}, nil
}

// OnPause implements gortsplib.ServerHandlerOnPause: a paused session gets
// nothing until its next PLAY, which starts it at the cached GOP again.
func (h *handler) OnPause(ctx *gortsplib.ServerHandlerOnPauseCtx) (*base.Response, error) {
	h.s.removeReader(ctx.Session)
	return &base.Response{StatusCode: base.StatusOK}, nil
}

// OnSessionClose implements gortsplib.ServerHandlerOnSessionClose.
func (h *handler) OnSessionClose(ctx *gortsplib.ServerHandlerOnSessionCloseCtx) {
	h.s.removeReader(ctx.Session)
}

// udpPair is an RTP/RTCP socket pair on consecutive ports, even port first
// (RFC 3550 section 11), bound before gortsplib starts so there is no window
// in which another process can take the ports.
type udpPair struct {
	rtp, rtcp *net.UDPConn
}

func listenUDPPair(host string, listen func(string, *net.UDPAddr) (*net.UDPConn, error)) (*udpPair, error) {
	addr, err := net.ResolveUDPAddr("udp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, fmt.Errorf("demo: UDP host %q: %w", host, err)
	}
	// Bounded: with ports mostly free, a handful of tries finds a pair.
	lastErr := errors.New("only odd ports were offered")
	for range 64 {
		rtpConn, err := listen("udp", addr)
		if err != nil {
			return nil, fmt.Errorf("demo: listen UDP on %q: %w", host, err)
		}
		port := rtpConn.LocalAddr().(*net.UDPAddr).Port
		if port%2 != 0 || port == 65535 {
			rtpConn.Close()
			continue
		}
		rtcpConn, err := listen("udp", &net.UDPAddr{IP: addr.IP, Port: port + 1, Zone: addr.Zone})
		if err != nil {
			lastErr = err
			rtpConn.Close()
			continue
		}
		return &udpPair{rtp: rtpConn, rtcp: rtcpConn}, nil
	}
	return nil, fmt.Errorf("demo: no free even/odd UDP port pair on %q: %w", host, lastErr)
}

// listenPacket hands gortsplib the pre-bound sockets.
func (p *udpPair) listenPacket(_, address string) (net.PacketConn, error) {
	switch address {
	case p.rtp.LocalAddr().String():
		return p.rtp, nil
	case p.rtcp.LocalAddr().String():
		return p.rtcp, nil
	}
	return nil, fmt.Errorf("demo: unexpected UDP listen on %q", address)
}

func (p *udpPair) close() {
	p.rtp.Close()
	p.rtcp.Close()
}

func randUint32() uint32 {
	var b [4]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return binary.BigEndian.Uint32(b[:])
}
