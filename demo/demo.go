// Package demo is rtspview's built-in demo stream: an in-process RTSP server
// looping an H.264 clip in real time. It runs on the gortsplib server, a
// peer written by someone else, so the viewer's own client is checked
// against an independent implementation. Never import gortsplib's client.
package demo

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/bluenviron/gortsplib/v5"
	"github.com/bluenviron/gortsplib/v5/pkg/auth"
	"github.com/bluenviron/gortsplib/v5/pkg/base"
	"github.com/bluenviron/gortsplib/v5/pkg/description"
	"github.com/bluenviron/gortsplib/v5/pkg/format"
	"github.com/bluenviron/gortsplib/v5/pkg/format/rtph264"
	"github.com/bluenviron/gortsplib/v5/pkg/liberrors"

	"github.com/rtspview/rtspview/assets"
)

// Config configures the demo server. The zero value serves the built-in
// clip at rtsp://127.0.0.1:<free port>/demo over TCP, UDP and the HTTP
// tunnel, without authentication.
type Config struct {
	Addr               string // listen address; "127.0.0.1:0" when empty
	Path               string // stream path; "/demo" when empty
	Username, Password string // when set, DESCRIBE/SETUP/PLAY need them
	// AuthMethods are the challenges offered (Basic, Digest MD5, Digest
	// SHA-256); Basic and Digest MD5 when nil.
	AuthMethods []auth.VerifyMethod
	DisableUDP  bool
	TLSConfig   *tls.Config // serve rtsps:// when set
	Clip        []byte      // Annex-B H.264; assets.DemoH264 when nil
	FPS         int         // 25 when zero
}

// Server is a running demo server.
type Server struct {
	cfg    Config
	srv    *gortsplib.Server
	stream *gortsplib.ServerStream
	media  *description.Media
	aus    [][][]byte
	url    string
	stop   chan struct{}
	wg     sync.WaitGroup
	once   sync.Once
}

// Start listens and begins streaming; it returns once clients can connect.
func Start(cfg Config) (*Server, error) {
	if cfg.Addr == "" {
		cfg.Addr = "127.0.0.1:0"
	}
	if cfg.Path == "" {
		cfg.Path = "/demo"
	}
	if !strings.HasPrefix(cfg.Path, "/") {
		cfg.Path = "/" + cfg.Path
	}
	if cfg.Clip == nil {
		cfg.Clip = assets.DemoH264
	}
	if cfg.FPS <= 0 {
		cfg.FPS = 25
	}
	aus := SplitAccessUnits(cfg.Clip)
	if len(aus) == 0 {
		return nil, errors.New("demo: clip has no access units")
	}
	sps, pps := paramSets(aus)
	if sps == nil || pps == nil {
		return nil, errors.New("demo: clip has no SPS/PPS")
	}
	s := &Server{cfg: cfg, aus: aus, stop: make(chan struct{})}
	s.media = &description.Media{
		Type:    description.MediaTypeVideo,
		Formats: []format.Format{&format.H264{PayloadTyp: 96, PacketizationMode: 1, SPS: sps, PPS: pps}},
	}
	// Basic and Digest MD5 unless asked otherwise: ffmpeg 5.1 (and so
	// ffplay) answers the last challenge it sees and cannot do SHA-256.
	methods := cfg.AuthMethods
	if methods == nil {
		methods = []auth.VerifyMethod{auth.VerifyMethodBasic, auth.VerifyMethodDigestMD5}
	}
	var lastErr error
	for attempt := 0; attempt < 20; attempt++ {
		h := &handler{s: s}
		srv := &gortsplib.Server{
			Handler:     h,
			RTSPAddress: cfg.Addr,
			TLSConfig:   cfg.TLSConfig,
			AuthMethods: methods,
		}
		if !cfg.DisableUDP && cfg.TLSConfig == nil {
			host, _, _ := net.SplitHostPort(cfg.Addr)
			p := evenPort()
			srv.UDPRTPAddress = net.JoinHostPort(host, fmt.Sprint(p))
			srv.UDPRTCPAddress = net.JoinHostPort(host, fmt.Sprint(p+1))
		}
		if err := srv.Start(); err != nil {
			lastErr = err
			if srv.UDPRTPAddress != "" && strings.Contains(err.Error(), "address already in use") {
				continue // the random UDP pair was taken: pick another
			}
			return nil, fmt.Errorf("demo: %w", err)
		}
		s.srv = srv
		break
	}
	if s.srv == nil {
		return nil, fmt.Errorf("demo: %w", lastErr)
	}
	s.stream = &gortsplib.ServerStream{Server: s.srv, Desc: &description.Session{Medias: []*description.Media{s.media}}}
	if err := s.stream.Initialize(); err != nil {
		s.srv.Close()
		return nil, fmt.Errorf("demo: %w", err)
	}
	scheme := "rtsp"
	if cfg.TLSConfig != nil {
		scheme = "rtsps"
	}
	s.url = fmt.Sprintf("%s://%s%s", scheme, s.srv.NetListener().Addr().String(), cfg.Path)
	s.wg.Add(1)
	go s.loop()
	return s, nil
}

// URL is where clients connect, e.g. rtsp://127.0.0.1:40321/demo.
func (s *Server) URL() string { return s.url }

// Close stops streaming and the server and waits for its goroutines.
func (s *Server) Close() error {
	s.once.Do(func() {
		close(s.stop)
		s.wg.Wait()
		s.stream.Close()
		s.srv.Close()
	})
	return nil
}

// loop sends the clip forever in real time with continuous 90 kHz
// timestamps, so a client never sees the loop point as a discontinuity.
func (s *Server) loop() {
	defer s.wg.Done()
	enc := &rtph264.Encoder{PayloadType: 96, PacketizationMode: 1, PayloadMaxSize: 1400}
	if err := enc.Init(); err != nil {
		return
	}
	frameDur := time.Second / time.Duration(s.cfg.FPS)
	tick := time.NewTicker(frameDur)
	defer tick.Stop()
	start := time.Now()
	var ts uint32
	for n := 0; ; n++ {
		au := s.aus[n%len(s.aus)]
		pkts, err := enc.Encode(au)
		if err == nil {
			ntp := start.Add(time.Duration(n) * frameDur)
			for _, p := range pkts {
				p.Timestamp = ts
				_ = s.stream.WritePacketRTPWithNTP(s.media, p, ntp)
			}
		}
		ts += uint32(90000 / s.cfg.FPS)
		select {
		case <-s.stop:
			return
		case <-tick.C:
		}
	}
}

type handler struct{ s *Server }

func (h *handler) check(conn *gortsplib.ServerConn, req *base.Request, path string) (*base.Response, error) {
	if path != h.s.cfg.Path && path != strings.TrimPrefix(h.s.cfg.Path, "/") && "/"+path != h.s.cfg.Path {
		return &base.Response{StatusCode: base.StatusNotFound}, nil
	}
	if h.s.cfg.Username != "" && !conn.VerifyCredentials(req, h.s.cfg.Username, h.s.cfg.Password) {
		return &base.Response{StatusCode: base.StatusUnauthorized}, liberrors.ErrServerAuth{}
	}
	return &base.Response{StatusCode: base.StatusOK}, nil
}

// OnDescribe implements gortsplib.ServerHandlerOnDescribe.
func (h *handler) OnDescribe(ctx *gortsplib.ServerHandlerOnDescribeCtx) (*base.Response, *gortsplib.ServerStream, error) {
	res, err := h.check(ctx.Conn, ctx.Request, ctx.Path)
	if res.StatusCode != base.StatusOK {
		return res, nil, err
	}
	return res, h.s.stream, nil
}

// OnSetup implements gortsplib.ServerHandlerOnSetup.
func (h *handler) OnSetup(ctx *gortsplib.ServerHandlerOnSetupCtx) (*base.Response, *gortsplib.ServerStream, error) {
	res, err := h.check(ctx.Conn, ctx.Request, ctx.Path)
	if res.StatusCode != base.StatusOK {
		return res, nil, err
	}
	return res, h.s.stream, nil
}

// OnPlay implements gortsplib.ServerHandlerOnPlay.
func (h *handler) OnPlay(ctx *gortsplib.ServerHandlerOnPlayCtx) (*base.Response, error) {
	res, err := h.check(ctx.Conn, ctx.Request, ctx.Path)
	return res, err
}

func evenPort() int {
	var b [2]byte
	_, _ = rand.Read(b[:])
	return 20000 + int(binary.BigEndian.Uint16(b[:])%15000)*2
}

// SplitAccessUnits splits an Annex-B H.264 stream into access units of NAL
// units (without start codes). A new unit starts at an AUD, SPS, PPS or SEI
// that follows a picture, or at a slice whose first_mb_in_slice is 0 (the
// top bit of the first byte after the NAL header, ue(v) for 0 being "1").
func SplitAccessUnits(b []byte) [][][]byte {
	var aus [][][]byte
	var cur [][]byte
	hasVCL := false
	for _, nalu := range splitNALUs(b) {
		if len(nalu) == 0 {
			continue
		}
		typ := nalu[0] & 0x1f
		newAU := false
		switch {
		case typ == 9 || typ == 7 || typ == 8 || typ == 6:
			newAU = hasVCL
		case typ >= 1 && typ <= 5:
			newAU = hasVCL && len(nalu) > 1 && nalu[1]&0x80 != 0
		}
		if newAU {
			aus = append(aus, cur)
			cur, hasVCL = nil, false
		}
		if typ == 9 {
			continue // AUDs are not needed over RTP
		}
		cur = append(cur, nalu)
		if typ >= 1 && typ <= 5 {
			hasVCL = true
		}
	}
	if hasVCL {
		aus = append(aus, cur)
	}
	return aus
}

func splitNALUs(b []byte) [][]byte {
	var out [][]byte
	start := -1
	for i := 0; i+2 < len(b); {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			if start >= 0 {
				end := i
				for end > start && b[end-1] == 0 {
					end--
				}
				out = append(out, b[start:end])
			}
			i += 3
			start = i
			continue
		}
		i++
	}
	if start >= 0 && start < len(b) {
		out = append(out, b[start:])
	}
	return out
}

func paramSets(aus [][][]byte) (sps, pps []byte) {
	for _, au := range aus {
		for _, n := range au {
			switch n[0] & 0x1f {
			case 7:
				if sps == nil {
					sps = n
				}
			case 8:
				if pps == nil {
					pps = n
				}
			}
		}
	}
	return sps, pps
}
