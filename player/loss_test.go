package player

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// impairment is what the relay does to RTP: each packet is dropped,
// held back and sent after the next one (reordered), or sent twice, with
// these probabilities.
type impairment struct {
	drop, reorder, duplicate float64
}

// relayCounts is what the relay did, over all its sessions.
type relayCounts struct {
	sent       int // RTP packets the server sent
	dropped    int // of them, dropped
	droppedPre int // dropped before the session's first forwarded packet: the client cannot count those
	reordered  int
	duplicated int
	frames     int // pictures the server sent (marker bits)
}

// lossyRelay sits between an RTSP server and a client that plays over
// UDP. It passes the RTSP connection through, rewriting the client_port of
// each SETUP (and of its answer) so that the server sends RTP to the
// relay, and forwards that RTP to the client's port with random drops,
// swaps and duplicates. RTCP passes untouched. The randomness is seeded:
// a run is repeatable up to the server's timing.
type lossyRelay struct {
	t        *testing.T
	ln       net.Listener
	upstream string

	mu      sync.Mutex
	imp     impairment
	rng     *rand.Rand
	counts  relayCounts
	closers []io.Closer
	wg      sync.WaitGroup
}

func startLossyRelay(t *testing.T, serverURL string, imp impairment, seed uint64) (*lossyRelay, string) {
	t.Helper()
	u := strings.TrimPrefix(serverURL, "rtsp://")
	host, path, _ := strings.Cut(u, "/")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &lossyRelay{t: t, ln: ln, upstream: host, imp: imp, rng: rand.New(rand.NewPCG(seed, seed^0x5eed))}
	r.wg.Add(1)
	go r.accept()
	t.Cleanup(r.close)
	return r, "rtsp://" + ln.Addr().String() + "/" + path
}

func (r *lossyRelay) setImpairment(imp impairment) {
	r.mu.Lock()
	r.imp = imp
	r.mu.Unlock()
}

func (r *lossyRelay) snapshot() relayCounts {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.counts
}

func (r *lossyRelay) track(c io.Closer) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closers == nil {
		return false // closed
	}
	r.closers = append(r.closers, c)
	return true
}

func (r *lossyRelay) close() {
	r.ln.Close()
	r.mu.Lock()
	cs := r.closers
	r.closers = nil
	r.mu.Unlock()
	for _, c := range cs {
		c.Close()
	}
	r.wg.Wait()
}

func (r *lossyRelay) accept() {
	defer r.wg.Done()
	r.mu.Lock()
	r.closers = []io.Closer{}
	r.mu.Unlock()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.DialTimeout("tcp", r.upstream, 5*time.Second)
		if err != nil {
			c.Close()
			continue
		}
		if !r.track(c) || !r.track(s) {
			c.Close()
			s.Close()
			return
		}
		ports := &portMap{}
		r.wg.Add(2)
		go r.pipe(s, c, ports, true)
		go r.pipe(c, s, ports, false)
	}
}

// portMap remembers, per RTSP connection, which relay ports stand for
// which client ports.
type portMap struct {
	mu sync.Mutex
	m  map[string]string // "relay-rtp-relay-rtcp" -> "client-rtp-client-rtcp"
}

var clientPortRE = regexp.MustCompile(`client_port=(\d+)-(\d+)`)

// pipe copies RTSP messages from src to dst, rewriting Transport headers:
// requests (toServer) get relay ports, answers get the client's back.
func (r *lossyRelay) pipe(dst, src net.Conn, ports *portMap, toServer bool) {
	defer r.wg.Done()
	defer dst.Close()
	br := bufio.NewReader(src)
	for {
		var head bytes.Buffer
		length := 0
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Content-Length") {
				length, _ = strconv.Atoi(strings.TrimSpace(v))
			}
			if ok := strings.HasPrefix(strings.ToLower(line), "transport:"); ok {
				line = r.rewrite(line, ports, toServer)
			}
			head.WriteString(line)
			if line == "\r\n" || line == "\n" {
				break
			}
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(br, body); err != nil {
			return
		}
		if _, err := dst.Write(append(head.Bytes(), body...)); err != nil {
			return
		}
	}
}

func (r *lossyRelay) rewrite(line string, ports *portMap, toServer bool) string {
	m := clientPortRE.FindStringSubmatch(line)
	if m == nil {
		return line
	}
	ports.mu.Lock()
	defer ports.mu.Unlock()
	if ports.m == nil {
		ports.m = map[string]string{}
	}
	if !toServer {
		for relay, client := range ports.m {
			line = strings.Replace(line, "client_port="+relay, "client_port="+client, 1)
		}
		return line
	}
	rtpIn, err1 := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	rtcpIn, err2 := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err1 != nil || err2 != nil || !r.track(rtpIn) || !r.track(rtcpIn) {
		r.t.Errorf("relay UDP ports: %v %v", err1, err2)
		return line
	}
	cRTP, _ := strconv.Atoi(m[1])
	cRTCP, _ := strconv.Atoi(m[2])
	relay := fmt.Sprintf("%d-%d", rtpIn.LocalAddr().(*net.UDPAddr).Port, rtcpIn.LocalAddr().(*net.UDPAddr).Port)
	ports.m[relay] = m[1] + "-" + m[2]
	r.wg.Add(2)
	go r.forward(rtpIn, cRTP, true)
	go r.forward(rtcpIn, cRTCP, false)
	return strings.Replace(line, m[0], "client_port="+relay, 1)
}

// forward sends what arrives on in to the client's port, impaired for RTP.
func (r *lossyRelay) forward(in *net.UDPConn, port int, impair bool) {
	defer r.wg.Done()
	to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port}
	buf := make([]byte, 65536)
	var held []byte
	forwarded := false
	for {
		n, err := in.Read(buf)
		if err != nil {
			return
		}
		pkt := append([]byte(nil), buf[:n]...)
		if !impair || n < 12 {
			_, _ = in.WriteToUDP(pkt, to)
			continue
		}
		r.mu.Lock()
		r.counts.sent++
		if pkt[1]&0x80 != 0 {
			r.counts.frames++
		}
		roll := r.rng.Float64()
		imp := r.imp
		var drop, hold, dup bool
		switch {
		case roll < imp.drop:
			drop = true
			r.counts.dropped++
			if !forwarded {
				r.counts.droppedPre++
			}
		case roll < imp.drop+imp.reorder && held == nil:
			hold = true
			r.counts.reordered++
		case roll < imp.drop+imp.reorder+imp.duplicate:
			dup = true
			r.counts.duplicated++
		}
		r.mu.Unlock()
		switch {
		case drop:
			continue
		case hold:
			held = pkt // goes out after the next packet: a swap
			continue
		}
		_, _ = in.WriteToUDP(pkt, to)
		forwarded = true
		if dup {
			_, _ = in.WriteToUDP(pkt, to)
		}
		if held != nil {
			_, _ = in.WriteToUDP(held, to)
			held = nil
		}
	}
}

// ffmpegFrames runs ffmpeg as a second client for d and returns how many
// frames it decoded.
func ffmpegFrames(ctx context.Context, url string, d time.Duration) (int, error) {
	// passthrough: count decoded frames, not the constant-rate output
	// the null muxer would otherwise pad with duplicates.
	cmd := exec.CommandContext(ctx, "ffmpeg", "-nostdin", "-hide_banner", "-rtsp_transport", "udp", "-i", url,
		"-t", fmt.Sprintf("%.1f", d.Seconds()), "-fps_mode", "passthrough", "-f", "null", "-")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("ffmpeg: %w: %s", err, out[max(0, len(out)-300):])
	}
	m := regexp.MustCompile(`frame=\s*(\d+)`).FindAllSubmatch(out, -1)
	if m == nil {
		return 0, fmt.Errorf("ffmpeg printed no frame count: %s", out[max(0, len(out)-300):])
	}
	return strconv.Atoi(string(m[len(m)-1][1]))
}

// TestPlaybackThroughLossyRelay plays gst-rtsp-server (720p25 H.264, an
// IDR per second) over UDP through a relay that drops 5 %, reorders 2 %
// and duplicates 1 % of the RTP packets, with ffmpeg playing through the
// same relay at the same time. The picture must keep coming (>= 95 % of
// the frames sent, and no fewer than ffmpeg shows), packets_lost must be
// exactly what the relay dropped (the swaps stay far inside the jitter
// buffer's window), and once the relay stops impairing, the stream plays
// clean again.
func TestPlaybackThroughLossyRelay(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	peer.Command(t, "ffmpeg")
	gst := rtsptest.StartGst(t, rtsptest.GstOptions{Codec: "h264", Width: 1280, Height: 720, FPS: 25})
	lossy := impairment{drop: 0.05, reorder: 0.02, duplicate: 0.01}
	relay, url := startLossyRelay(t, gst, lossy, 10)
	// ffmpeg gets a relay of its own, with the same seed: the same
	// impairment, and counts that are ours alone.
	_, ffURL := startLossyRelay(t, gst, lossy, 10)

	const lossyFor, cleanFor = 10 * time.Second, 3 * time.Second
	ffmpegDone := make(chan struct{})
	var ffFrames int
	var ffErr error
	ctx, cancel := context.WithTimeout(context.Background(), lossyFor+10*time.Second)
	defer cancel()
	go func() {
		defer close(ffmpegDone)
		ffFrames, ffErr = ffmpegFrames(ctx, ffURL, lossyFor)
	}()

	first := make(chan struct{})
	var once sync.Once
	s := Start(Config{URL: url, Transport: TransportUDP, OnFrame: func() { once.Do(func() { close(first) }) }})
	defer s.Close()
	select {
	case <-first:
	case <-time.After(10 * time.Second):
		t.Fatalf("no picture within 10 s through the lossy relay: %+v, %+v", s.Status(), s.Stats())
	}
	start, r0 := s.Stats(), relay.snapshot()
	time.Sleep(lossyFor)
	lossyEnd, r1 := s.Stats(), relay.snapshot()
	relay.setImpairment(impairment{})
	time.Sleep(cleanFor)
	end, r2 := s.Stats(), relay.snapshot()
	<-ffmpegDone

	sent := r1.frames - r0.frames
	shown := int(lossyEnd.FramesShown - start.FramesShown)
	t.Logf("lossy %v: server sent %d frames, %d packets; relay dropped %d, reordered %d, duplicated %d",
		lossyFor, sent, r1.sent-r0.sent, r1.dropped-r0.dropped, r1.reordered-r0.reordered, r1.duplicated-r0.duplicated)
	t.Logf("rtspview showed %d frames (%.1f %%), %d concealed, %d decode errors, %d dropped behind; ffmpeg decoded %d frames in %v (err %v)",
		shown, 100*float64(shown)/float64(sent), lossyEnd.FramesConcealed-start.FramesConcealed,
		lossyEnd.DecodeErrors-start.DecodeErrors, lossyEnd.FramesDropped-start.FramesDropped, ffFrames, lossyFor, ffErr)
	t.Logf("whole run: relay sent %d packets, dropped %d (%d before the first forwarded one); client counted %d lost, %d reordered, %d duplicates",
		r2.sent, r2.dropped, r2.droppedPre, end.PacketsLost, end.PacketsReordered, end.PacketsDuplicated)

	if s.Status().State != StatePlaying {
		t.Fatalf("status %+v", s.Status())
	}
	// Pictures the player left out on purpose because the CPU could not
	// keep up (decoding fell behind, or degrade.go skipping on a loaded
	// machine) are not pictures lost to the network: they count as
	// accounted for, and are logged.
	cpuLeftOut := func(from, to Stats) int {
		return int(to.FramesDropped-from.FramesDropped) + int(to.FramesSkipped-from.FramesSkipped)
	}
	if lost := cpuLeftOut(start, lossyEnd); float64(shown+lost) < 0.95*float64(sent) {
		t.Errorf("showed %d of %d frames sent under loss (%d left out for the CPU), want >= 95 %%", shown, sent, lost)
	}
	if lossyEnd.FramesConcealed == start.FramesConcealed {
		t.Error("no frame counted as concealed under 5 % loss")
	}
	// ffmpeg's window is its own (-t counts from its first timestamp, and
	// it joined at another moment), so compare shares, not counts: its
	// share is what it decoded of the 25 fps the server sends. An ffmpeg
	// that failed or decoded nothing leaves the comparison unmade, and
	// that is a failure, not a pass.
	if ffErr != nil || ffFrames == 0 {
		t.Errorf("ffmpeg through the same relay: %d frames, %v", ffFrames, ffErr)
	} else if ffShare := math.Min(1, float64(ffFrames)/(25*lossyFor.Seconds())); float64(shown+cpuLeftOut(start, lossyEnd))/float64(sent) < 0.95*ffShare {
		// Pictures left out for the CPU count as accounted for here too:
		// under -race our player runs several times slower than the
		// ffmpeg beside it, and skips pictures where ffmpeg does not.
		t.Errorf("showed %d of %d frames (%d left out for the CPU), ffmpeg %d of %.0f in the same run",
			shown, sent, cpuLeftOut(start, lossyEnd), ffFrames, 25*lossyFor.Seconds())
	}
	// Every drop after the first forwarded packet is a sequence number the
	// client never saw; swaps are one packet apart, far inside the jitter
	// buffer's 100 ms, so none is given up on and then arrives late.
	if want := uint64(r2.dropped - r2.droppedPre); end.PacketsLost != want {
		t.Errorf("packets_lost %d, relay dropped %d after the first forwarded packet", end.PacketsLost, want)
	}
	// A duplicate right behind its original, once that has left the
	// buffer, is a late packet rather than a held duplicate: only bound it.
	if end.PacketsDuplicated > uint64(r2.duplicated) {
		t.Errorf("duplicates %d, relay duplicated only %d", end.PacketsDuplicated, r2.duplicated)
	}
	// Recovered: clean packets, so no more concealment, and the frame
	// rate is back to the source's (an IDR comes every second).
	cleanShown, cleanSent := int(end.FramesShown-lossyEnd.FramesShown), r2.frames-r1.frames
	t.Logf("clean %v: showed %d of %d frames, %d left out for the CPU (decode level %v)",
		cleanFor, cleanShown, cleanSent, cpuLeftOut(lossyEnd, end), end.DecodeLevel)
	if float64(cleanShown+cpuLeftOut(lossyEnd, end)) < 0.9*float64(cleanSent) {
		t.Errorf("after the loss stopped: showed %d of %d frames (%d left out for the CPU)", cleanShown, cleanSent, cpuLeftOut(lossyEnd, end))
	}
	if end.FramesConcealed-lossyEnd.FramesConcealed > 3 {
		t.Errorf("%d frames concealed after the loss stopped", end.FramesConcealed-lossyEnd.FramesConcealed)
	}
	img, _, _ := s.Frame()
	checkPicture(t, img, 1280, 720)
}
