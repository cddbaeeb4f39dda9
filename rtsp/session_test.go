package rtsp

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"

	"github.com/rtspview/rtspview/internal/peer"
)

// sessionServer is a scripted RTSP server that records what the client
// does after PLAY: keepalives, receiver reports, teardown.
type sessionServer struct {
	t          *testing.T
	ln         net.Listener
	public     string
	timeout    int
	mu         sync.Mutex
	keepalives []string // methods of requests after PLAY
	keepAt     []time.Time
	playAt     time.Time
	rrs        int
	plis, firs []uint32 // media SSRCs of keyframe requests (RequestKeyframe)
	firSeqs    []uint8  // the FIR entries' command sequence numbers
	rrReports  int
	teardown   bool
	clientRTP  int
	udpRTP     *net.UDPConn
	udpRTCP    *net.UDPConn
	wg         sync.WaitGroup
	// changed wakes waitFor after each keepalive or RTCP packet recorded
	// (and anything else a test reports with notify).
	changed chan struct{}
}

// notify wakes waitFor; a wake already pending covers this one.
func (s *sessionServer) notify() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// waitFor waits until ok (called under s.mu) holds, checking it at every
// notify, and fails the test when it does not within limit (a failure
// bound, not a timing assertion).
func (s *sessionServer) waitFor(limit time.Duration, what string, ok func() bool) {
	s.t.Helper()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		done := ok()
		s.mu.Unlock()
		if done {
			return
		}
		select {
		case <-s.changed:
		case <-deadline.C:
			s.mu.Lock()
			defer s.mu.Unlock()
			s.t.Fatalf("%s: not within %v (keepalives %v, receiver reports %d)", what, limit, s.keepalives, s.rrs)
		}
	}
}

func startSessionServer(t *testing.T, public string, timeout int) *sessionServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &sessionServer{t: t, ln: ln, public: public, timeout: timeout, changed: make(chan struct{}, 1)}
	s.udpRTP, _ = net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	s.udpRTCP, _ = net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	s.wg.Add(2)
	go s.accept()
	go s.readUDPRTCP()
	t.Cleanup(func() {
		ln.Close()
		s.udpRTP.Close()
		s.udpRTCP.Close()
		s.wg.Wait()
	})
	return s
}

func (s *sessionServer) readUDPRTCP() {
	defer s.wg.Done()
	buf := make([]byte, 2048)
	for {
		n, err := s.udpRTCP.Read(buf)
		if err != nil {
			return
		}
		s.countRR(buf[:n])
	}
}

func (s *sessionServer) countRR(b []byte) {
	pkts, err := rtcp.Unmarshal(b)
	if err != nil {
		return
	}
	for _, p := range pkts {
		s.mu.Lock()
		switch p := p.(type) {
		case *rtcp.ReceiverReport:
			s.rrs++
			s.rrReports += len(p.Reports)
		case *rtcp.PictureLossIndication:
			s.plis = append(s.plis, p.MediaSSRC)
		case *rtcp.FullIntraRequest:
			for _, e := range p.FIR {
				s.firs = append(s.firs, e.SSRC)
				s.firSeqs = append(s.firSeqs, e.SequenceNumber)
			}
		}
		s.mu.Unlock()
	}
	s.notify()
}

func (s *sessionServer) accept() {
	defer s.wg.Done()
	c, err := s.ln.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	br := bufio.NewReader(c)
	sdp := "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:track1\r\n"
	var stop chan struct{}
	defer func() {
		if stop != nil {
			close(stop)
		}
	}()
	for {
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		b, err := br.Peek(1)
		if err != nil {
			return
		}
		if b[0] == '$' {
			var h [4]byte
			if _, err := io.ReadFull(br, h[:]); err != nil {
				return
			}
			p := make([]byte, int(h[2])<<8|int(h[3]))
			if _, err := io.ReadFull(br, p); err != nil {
				return
			}
			if h[1] == 1 {
				s.countRR(p)
			}
			continue
		}
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		method := strings.Fields(line)[0]
		hdr := map[string]string{}
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				return
			}
			l = strings.TrimSpace(l)
			if l == "" {
				break
			}
			k, v, _ := strings.Cut(l, ":")
			hdr[strings.ToLower(k)] = strings.TrimSpace(v)
		}
		resp := "RTSP/1.0 200 OK\r\nCSeq: " + hdr["cseq"] + "\r\n"
		s.mu.Lock()
		keepalive := !s.playAt.IsZero() && (method == "OPTIONS" || method == "GET_PARAMETER")
		if keepalive {
			s.keepalives = append(s.keepalives, method)
			s.keepAt = append(s.keepAt, time.Now())
		}
		s.mu.Unlock()
		switch method {
		case "OPTIONS":
			resp += "Public: " + s.public + "\r\n"
		case "DESCRIBE":
			resp += fmt.Sprintf("Content-Type: application/sdp\r\nContent-Base: rtsp://%s/s/\r\nContent-Length: %d\r\n\r\n%s", s.ln.Addr(), len(sdp), sdp)
			_, _ = c.Write([]byte(resp))
			continue
		case "SETUP":
			tr := hdr["transport"]
			resp += fmt.Sprintf("Session: 12345678;timeout=%d\r\n", s.timeout)
			if strings.Contains(tr, "client_port=") {
				var a, b int
				fmt.Sscanf(tr[strings.Index(tr, "client_port=")+len("client_port="):], "%d-%d", &a, &b)
				s.mu.Lock()
				s.clientRTP = a
				s.mu.Unlock()
				resp += fmt.Sprintf("Transport: RTP/AVP;unicast;client_port=%d-%d;server_port=%d-%d\r\n", a, b,
					s.udpRTP.LocalAddr().(*net.UDPAddr).Port, s.udpRTCP.LocalAddr().(*net.UDPAddr).Port)
			} else {
				// Renumbered channels (docs/QUIRKS.md #11) would be 0-1 here anyway.
				resp += "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n"
			}
		case "PLAY":
			s.mu.Lock()
			s.playAt = time.Now()
			s.mu.Unlock()
			stop = make(chan struct{})
			go s.sendRTP(c, stop)
		case "TEARDOWN":
			s.mu.Lock()
			s.teardown = true
			s.mu.Unlock()
		}
		_, _ = c.Write([]byte(resp + "\r\n"))
		if keepalive {
			s.notify() // answered: the keepalive is done
		}
	}
}

// sendRTP sends one packet every 20 ms: interleaved on c, or over UDP to
// the client's port.
func (s *sessionServer) sendRTP(c net.Conn, stop chan struct{}) {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for seq := uint16(0); ; seq++ {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		p := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: seq, Timestamp: uint32(seq) * 1800, SSRC: 0xabc, Marker: true}, Payload: []byte{0x65, 0x88, 0x80}}
		b, _ := p.Marshal()
		s.mu.Lock()
		port := s.clientRTP
		s.mu.Unlock()
		if port != 0 {
			_, _ = s.udpRTP.WriteToUDP(b, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
			continue
		}
		frame := append([]byte{'$', 0, byte(len(b) >> 8), byte(len(b))}, b...)
		_, _ = c.Write(frame)
	}
}

func TestKeepaliveAndReceiverReports(t *testing.T) {
	for _, tc := range []struct {
		name      string
		transport Transport
		public    string
		method    string
	}{
		{"tcp/GET_PARAMETER", TransportTCP, "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER", "GET_PARAMETER"},
		{"udp/OPTIONS", TransportUDP, "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN", "OPTIONS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startSessionServer(t, tc.public, 2)
			var got int
			var mu sync.Mutex
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, d := DialDescribed(ctx, t, "rtsp://"+s.ln.Addr().String()+"/s", Config{Transport: tc.transport, OnPacket: func(_ int, b []byte) {
				mu.Lock()
				got++
				mu.Unlock()
				s.notify()
			}}, true)
			defer c.Close()
			if d.Tracks[0].Control != "rtsp://"+s.ln.Addr().String()+"/s/track1" {
				t.Fatalf("control %q", d.Tracks[0].Control)
			}
			if err := c.Setup(ctx, d.Tracks[0]); err != nil {
				t.Fatal(err)
			}
			if err := c.Play(ctx); err != nil {
				t.Fatal(err)
			}
			// timeout=2 → keepalives every second; the first RR goes out
			// at once; a packet comes every 20 ms.
			s.waitFor(5*time.Second, "two keepalives, a receiver report and 50 packets", func() bool {
				mu.Lock()
				defer mu.Unlock()
				return len(s.keepalives) >= 2 && s.rrs >= 1 && got >= 50
			})
			if err := c.Teardown(ctx); err != nil {
				t.Fatal(err)
			}
			s.mu.Lock()
			defer s.mu.Unlock()
			if len(s.keepalives) < 2 {
				t.Fatalf("keepalives %v, want ≥2", s.keepalives)
			}
			for i, m := range s.keepalives {
				if m != tc.method {
					t.Fatalf("keepalive %d is %s, want %s", i, m, tc.method)
				}
				if d := s.keepAt[i].Sub(s.playAt); d > time.Duration(i+1)*1200*time.Millisecond {
					t.Fatalf("keepalive %d after %v: not inside half the session timeout", i, d)
				}
			}
			if s.rrs < 1 || s.rrReports < 1 {
				t.Fatalf("receiver reports %d (blocks %d)", s.rrs, s.rrReports)
			}
			if !s.teardown {
				t.Fatal("no TEARDOWN")
			}
			mu.Lock()
			defer mu.Unlock()
			if got < 50 {
				t.Fatalf("only %d RTP packets delivered", got)
			}
			if st := c.Stats(0); st.PacketsReceived < 50 || st.PacketsLost != 0 {
				t.Fatalf("stats %+v", st)
			}
		})
	}
}

// TestUDPDropsForeignPackets sends RTP to the client's port from another
// address: only the server's packets may reach OnPacket.
func TestUDPDropsForeignPackets(t *testing.T) {
	s := startSessionServer(t, "OPTIONS, DESCRIBE, SETUP, PLAY", 60)
	var mu sync.Mutex
	ssrcs := map[uint32]int{}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, d := DialDescribed(ctx, t, "rtsp://"+s.ln.Addr().String()+"/s", Config{Transport: TransportUDP, OnPacket: func(_ int, b []byte) {
		var p rtp.Packet
		if p.Unmarshal(b) == nil {
			mu.Lock()
			ssrcs[p.SSRC]++
			mu.Unlock()
		}
	}}, false)
	defer c.Close()
	if err := c.Setup(ctx, d.Tracks[0]); err != nil {
		t.Fatal(err)
	}
	if err := c.Play(ctx); err != nil {
		t.Fatal(err)
	}
	spoof, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 2)})
	if err != nil {
		peer.Missing(t, "loopback address 127.0.0.2 is missing: the test sends from it as a second host: %v", err)
	}
	defer spoof.Close()
	s.mu.Lock()
	port := s.clientRTP
	s.mu.Unlock()
	for i := 0; i < 50; i++ {
		p := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: uint16(i), SSRC: 0xbad}, Payload: []byte{1}}
		b, _ := p.Marshal()
		_, _ = spoof.WriteToUDP(b, &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if ssrcs[0xbad] != 0 {
		t.Fatalf("%d foreign packets delivered", ssrcs[0xbad])
	}
	if ssrcs[0xabc] < 5 {
		t.Fatalf("server packets: %d", ssrcs[0xabc])
	}
}
