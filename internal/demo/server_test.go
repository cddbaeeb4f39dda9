package demo

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gortsplib/v5/pkg/auth"
	"github.com/pion/rtp"
	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/assets"
	"github.com/rtspview/rtspview/internal/peer"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func needFFmpeg(t *testing.T) {
	t.Helper()
	peer.Command(t, "ffmpeg")
}

func start(t *testing.T, cfg Config) *Server {
	t.Helper()
	s, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func withUser(url, userinfo string) string {
	i := strings.Index(url, "://")
	return url[:i+3] + userinfo + "@" + url[i+3:]
}

// ffmpeg runs the ffmpeg command as an independent client, bounded to 20 s.
func ffmpeg(transport, url string, frames int) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-rtsp_transport", transport,
		"-i", url, "-frames:v", strconv.Itoa(frames), "-f", "null", "-").CombinedOutput()
}

func TestFFmpegPlaysEveryTransport(t *testing.T) {
	needFFmpeg(t)
	s := start(t, Config{})
	for _, tr := range []string{"tcp", "udp", "http"} {
		t.Run(tr, func(t *testing.T) {
			if out, err := ffmpeg(tr, s.URL(), 25); err != nil {
				t.Fatalf("ffmpeg -rtsp_transport %s: %v: %s", tr, err, out)
			}
		})
	}
}

func TestDisableUDP(t *testing.T) {
	needFFmpeg(t)
	s := start(t, Config{DisableUDP: true})
	if out, err := ffmpeg("udp", s.URL(), 1); err == nil {
		t.Fatalf("ffmpeg played over UDP with UDP disabled: %s", out)
	}
	if out, err := ffmpeg("tcp", s.URL(), 5); err != nil {
		t.Fatalf("tcp: %v: %s", err, out)
	}
}

// TestUDPListenFails makes every UDP bind fail as it does under Wine 8:
// the demo still starts, says so in the log, answers a UDP SETUP with 461
// and plays over TCP to a real client (ffmpeg) and to one that asks for
// nothing (ffmpeg's default tries UDP, gets 461, then TCP).
func TestUDPListenFails(t *testing.T) {
	needFFmpeg(t)
	var logged bytes.Buffer
	wine := errors.New("wsaioctl: winapi error #10045")
	s := start(t, Config{
		Logger: slog.New(slog.NewTextHandler(&logged, nil)),
		listenUDP: func(_ string, laddr *net.UDPAddr) (*net.UDPConn, error) {
			return nil, &net.OpError{Op: "listen", Net: "udp", Addr: laddr, Err: wine}
		},
	})
	if s.UDP() {
		t.Fatal("UDP() = true with every UDP bind failing")
	}
	if !strings.Contains(logged.String(), "TCP") || !strings.Contains(logged.String(), "10045") {
		t.Fatalf("log does not say UDP failed and TCP is served: %q", logged.String())
	}
	c := dial(t, s)
	defer c.nc.Close()
	if res := c.do(t, "DESCRIBE", s.URL(), "Accept: application/sdp"); res.status != 200 {
		t.Fatalf("DESCRIBE: %d", res.status)
	}
	if res := c.do(t, "SETUP", s.URL()+"/trackID=0", "Transport: RTP/AVP;unicast;client_port=40000-40001"); res.status != 461 {
		t.Fatalf("UDP SETUP answered %d, want 461 Unsupported Transport", res.status)
	}
	if out, err := ffmpeg("tcp", s.URL(), 5); err != nil {
		t.Fatalf("tcp: %v: %s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-i", s.URL(),
		"-frames:v", "5", "-f", "null", "-").CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg with no transport option: %v: %s", err, out)
	}
}

// TestStartWithUDP is the control for TestUDPListenFails: UDP is offered
// when it can be bound, and nothing is logged.
func TestStartWithUDP(t *testing.T) {
	var logged bytes.Buffer
	s := start(t, Config{Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	if !s.UDP() || logged.Len() != 0 {
		t.Fatalf("UDP() = %v, log %q; want UDP and no log", s.UDP(), logged.String())
	}
}

func TestFFprobeSees720pH264(t *testing.T) {
	needFFmpeg(t)
	s := start(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-rtsp_transport", "tcp",
		"-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height",
		"-of", "csv=p=0", s.URL()).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe: %v: %s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "h264,1280,720" {
		t.Fatalf("ffprobe says %q, want h264,1280,720", got)
	}
}

func TestAuth(t *testing.T) {
	needFFmpeg(t)
	for _, tc := range []struct {
		name    string
		methods []auth.VerifyMethod
	}{
		{"default Basic and Digest MD5", nil},
		{"Basic only", []auth.VerifyMethod{auth.VerifyMethodBasic}},
		{"Digest MD5 only", []auth.VerifyMethod{auth.VerifyMethodDigestMD5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, Config{Username: "viewer", Password: "s3cret", AuthMethods: tc.methods})
			if out, err := ffmpeg("tcp", withUser(s.URL(), "viewer:s3cret"), 5); err != nil {
				t.Fatalf("right credentials: %v: %s", err, out)
			}
			for name, url := range map[string]string{
				"wrong password": withUser(s.URL(), "viewer:wrong"),
				"wrong user":     withUser(s.URL(), "intruder:s3cret"),
				"no credentials": s.URL(),
			} {
				out, err := ffmpeg("tcp", url, 1)
				if err == nil {
					t.Fatalf("%s: ffmpeg played", name)
				}
				if !bytes.Contains(out, []byte("401")) {
					t.Fatalf("%s: want a 401, ffmpeg said %s", name, out)
				}
			}
		})
	}
}

// TestAuthChallenges checks the WWW-Authenticate headers, since ffmpeg
// cannot tell which scheme it used.
func TestAuthChallenges(t *testing.T) {
	s := start(t, Config{Username: "u", Password: "p",
		AuthMethods: []auth.VerifyMethod{auth.VerifyMethodDigestSHA256, auth.VerifyMethodDigestMD5, auth.VerifyMethodBasic}})
	c := dial(t, s)
	res := c.do(t, "DESCRIBE", s.URL(), "Accept: application/sdp")
	if res.status != 401 {
		t.Fatalf("DESCRIBE without credentials: %d, want 401", res.status)
	}
	got := res.header["www-authenticate"]
	if len(got) != 3 || !strings.Contains(got[0], "SHA-256") || !strings.Contains(got[1], "MD5") || !strings.HasPrefix(got[2], "Basic") {
		t.Fatalf("WWW-Authenticate = %q, want SHA-256, MD5, Basic in order", got)
	}
	basic := "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("u:p"))
	if res := c.do(t, "DESCRIBE", s.URL(), "Accept: application/sdp", basic); res.status != 200 {
		t.Fatalf("DESCRIBE with Basic credentials: %d", res.status)
	}
}

func TestRTSPS(t *testing.T) {
	needFFmpeg(t)
	s := start(t, Config{TLSConfig: selfSigned(t), Username: "u", Password: "p"})
	if !strings.HasPrefix(s.URL(), "rtsps://127.0.0.1:") {
		t.Fatalf("URL %q is not rtsps", s.URL())
	}
	// ffmpeg does not verify certificates unless told to.
	for _, tr := range []string{"tcp", "https"} { // https: the HTTP tunnel inside TLS
		if out, err := ffmpeg(tr, withUser(s.URL(), "u:p"), 25); err != nil {
			t.Fatalf("rtsps, -rtsp_transport %s: %v: %s", tr, err, out)
		}
	}
	if out, err := ffmpeg("tcp", withUser(strings.Replace(s.URL(), "rtsps://", "rtsp://", 1), "u:p"), 1); err == nil {
		t.Fatalf("plain RTSP to the TLS port played: %s", out)
	}
}

func TestWrongPath(t *testing.T) {
	s := start(t, Config{Path: "cam1"})
	if !strings.HasSuffix(s.URL(), "/cam1") {
		t.Fatalf("URL %q, want path /cam1", s.URL())
	}
	c := dial(t, s)
	if res := c.do(t, "DESCRIBE", strings.TrimSuffix(s.URL(), "cam1")+"demo", "Accept: application/sdp"); res.status != 404 {
		t.Fatalf("DESCRIBE of another path: %d, want 404", res.status)
	}
	if res := c.do(t, "DESCRIBE", s.URL(), "Accept: application/sdp"); res.status != 200 {
		t.Fatalf("DESCRIBE: %d", res.status)
	}
}

func TestSDP(t *testing.T) {
	s := start(t, Config{})
	c := dial(t, s)
	res := c.do(t, "DESCRIBE", s.URL(), "Accept: application/sdp")
	if res.status != 200 {
		t.Fatalf("DESCRIBE: %d", res.status)
	}
	_, sps, pps, err := parseClip(assets.DemoH264)
	if err != nil {
		t.Fatal(err)
	}
	sdp := string(res.body)
	for _, want := range []string{
		"m=video 0 RTP/AVP 96",
		"a=rtpmap:96 H264/90000",
		"packetization-mode=1",
		"sprop-parameter-sets=" + base64.StdEncoding.EncodeToString(sps) + "," + base64.StdEncoding.EncodeToString(pps),
	} {
		if !strings.Contains(sdp, want) {
			t.Errorf("SDP lacks %q:\n%s", want, sdp)
		}
	}
}

// TestRTPStream reads the stream over TCP interleaved across two loop
// seams (100 fps makes the 100-frame clip loop every second) and checks
// what a client relies on: contiguous sequence numbers, one marker bit at
// the end of each access unit, timestamps rising by 90000/fps per frame
// through the seam, an IDR every 25 frames, and real-time pacing.
func TestRTPStream(t *testing.T) {
	const fps, frames = 100, 250
	s := start(t, Config{FPS: fps})
	c := dial(t, s)
	c.play(t, s.URL(), "RTP/AVP/TCP;unicast;interleaved=0-1")

	var (
		prev      *rtp.Packet
		aus       int
		auNALs    []int // NAL types of the access unit being read
		idrAt     []int // access unit indexes holding an IDR
		firstTime time.Time
	)
	_ = c.nc.SetReadDeadline(time.Now().Add(15 * time.Second))
	for aus < frames {
		ch, payload := c.readInterleaved(t)
		if ch != 0 {
			continue // RTCP sender reports
		}
		var pkt rtp.Packet
		if err := pkt.Unmarshal(payload); err != nil {
			t.Fatal(err)
		}
		if prev == nil {
			firstTime = time.Now()
		} else {
			if pkt.SequenceNumber != prev.SequenceNumber+1 {
				t.Fatalf("sequence %d after %d", pkt.SequenceNumber, prev.SequenceNumber)
			}
			step := pkt.Timestamp - prev.Timestamp
			// After a stall of more than maxBurst frames (a loaded
			// machine) the pump jumps its timeline by whole frames, as
			// a camera that paused would: more than maxBurst+1 of them.
			stall := step%(90000/fps) == 0 && step/(90000/fps) > maxBurst+1
			if stall && prev.Marker {
				t.Logf("access unit %d: the timeline jumped %d frames after a stall", aus, step/(90000/fps))
			}
			switch {
			case prev.Marker && step != 90000/fps && !stall:
				t.Fatalf("access unit %d: timestamp step %d, want %d", aus, step, 90000/fps)
			case !prev.Marker && pkt.Timestamp != prev.Timestamp:
				t.Fatalf("access unit %d: timestamp changed without a marker bit", aus)
			}
		}
		auNALs = append(auNALs, payloadNALTypes(pkt.Payload)...)
		if pkt.Marker {
			for _, typ := range auNALs {
				if typ == naluSliceIDR {
					idrAt = append(idrAt, aus)
					break
				}
			}
			auNALs = auNALs[:0]
			aus++
		}
		p := pkt
		prev = &p
	}
	elapsed := time.Since(firstTime)

	if len(idrAt) < frames/25-1 {
		t.Fatalf("IDRs at %v: too few", idrAt)
	}
	for i := 1; i < len(idrAt); i++ {
		if idrAt[i]-idrAt[i-1] != 25 {
			t.Fatalf("IDRs at access units %v, want every 25", idrAt)
		}
	}
	// Only a lower bound: a loaded machine may be slower, never faster.
	// The cached GOP (up to 24 frames of the 25-frame GOP) comes at once.
	if min := time.Duration(frames-1-maxBurst-24) * time.Second / fps; elapsed < min {
		t.Fatalf("%d frames in %v, faster than real time (%v)", frames, elapsed, min)
	}
}

// TestNewReaderStartsAtKeyframe joins the stream in the middle of a GOP,
// over TCP and over UDP: the first access unit a reader gets is the cached
// IDR, and from there the packets run on without a gap into the live ones.
func TestNewReaderStartsAtKeyframe(t *testing.T) {
	s := start(t, Config{})
	for _, transport := range []string{"tcp", "udp"} {
		t.Run(transport, func(t *testing.T) {
			// Somewhere inside the 1 s GOP, never at its start.
			time.Sleep(time.Duration(300+time.Now().UnixNano()%500) * time.Millisecond)
			c := dial(t, s)
			defer c.nc.Close()
			var read func() []byte
			if transport == "tcp" {
				c.play(t, s.URL(), "RTP/AVP/TCP;unicast;interleaved=0-1")
				_ = c.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
				read = func() []byte {
					for {
						if ch, payload := c.readInterleaved(t); ch == 0 {
							return payload
						}
					}
				}
			} else {
				pc, err := net.ListenPacket("udp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				defer pc.Close()
				port := pc.LocalAddr().(*net.UDPAddr).Port
				c.play(t, s.URL(), fmt.Sprintf("RTP/AVP;unicast;client_port=%d-%d", port, port+1))
				_ = pc.SetReadDeadline(time.Now().Add(5 * time.Second))
				buf := make([]byte, 2048)
				read = func() []byte {
					n, _, err := pc.ReadFrom(buf)
					if err != nil {
						t.Fatalf("RTP over UDP: %v", err)
					}
					return append([]byte(nil), buf[:n]...)
				}
			}
			// 40 access units: the cached part of the GOP and live ones.
			var prev *rtp.Packet
			var first []int
			for aus := 0; aus < 40; {
				var pkt rtp.Packet
				if err := pkt.Unmarshal(read()); err != nil {
					t.Fatal(err)
				}
				if aus == 0 {
					first = append(first, payloadNALTypes(pkt.Payload)...)
				}
				// Loopback UDP does not reorder or lose at this rate.
				if prev != nil && pkt.SequenceNumber != prev.SequenceNumber+1 {
					t.Fatalf("access unit %d: sequence %d after %d", aus, pkt.SequenceNumber, prev.SequenceNumber)
				}
				if pkt.Marker {
					aus++
				}
				prev = &pkt
			}
			if !slices.Contains(first, naluSliceIDR) {
				t.Fatalf("first access unit has NAL types %v, want an IDR (%d)", first, naluSliceIDR)
			}
		})
	}
}

// payloadNALTypes lists the NAL unit types an RFC 6184 payload starts:
// a single NAL unit, each unit of a STAP-A, or a FU-A with the S bit.
func payloadNALTypes(p []byte) []int {
	if len(p) == 0 {
		return nil
	}
	switch typ := int(p[0] & 0x1f); typ {
	case 24: // STAP-A
		var types []int
		for p = p[1:]; len(p) > 2; {
			n := int(binary.BigEndian.Uint16(p))
			if n == 0 || 2+n > len(p) {
				break
			}
			types = append(types, int(p[2]&0x1f))
			p = p[2+n:]
		}
		return types
	case 28: // FU-A
		if len(p) > 1 && p[1]&0x80 != 0 {
			return []int{int(p[1] & 0x1f)}
		}
		return nil
	default:
		return []int{typ}
	}
}

func TestUDPServerPorts(t *testing.T) {
	s := start(t, Config{})
	c := dial(t, s)
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	port := pc.LocalAddr().(*net.UDPAddr).Port
	res := c.play(t, s.URL(), fmt.Sprintf("RTP/AVP;unicast;client_port=%d-%d", port, port+1))
	tr := strings.Join(res.header["transport"], ",")
	i := strings.Index(tr, "server_port=")
	if i < 0 {
		t.Fatalf("Transport %q has no server_port", tr)
	}
	var rtpPort, rtcpPort int
	if _, err := fmt.Sscanf(tr[i:], "server_port=%d-%d", &rtpPort, &rtcpPort); err != nil {
		t.Fatalf("Transport %q: %v", tr, err)
	}
	if rtpPort%2 != 0 || rtcpPort != rtpPort+1 {
		t.Fatalf("server_port=%d-%d, want an even port and the next one (RFC 3550 section 11)", rtpPort, rtcpPort)
	}
	_ = pc.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 2048)
	n, from, err := pc.ReadFrom(buf)
	if err != nil {
		t.Fatalf("no RTP over UDP: %v", err)
	}
	if from.(*net.UDPAddr).Port != rtpPort {
		t.Fatalf("RTP came from port %d, want server_port %d", from.(*net.UDPAddr).Port, rtpPort)
	}
	var pkt rtp.Packet
	if err := pkt.Unmarshal(buf[:n]); err != nil || pkt.PayloadType != 96 {
		t.Fatalf("not H.264 RTP: %v %+v", err, pkt.Header)
	}
}

// TestCloseStopsEverything closes the server while a TCP and a UDP reader
// are playing; every goroutine it started must be gone.
func TestCloseStopsEverything(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	s, err := Start(Config{})
	if err != nil {
		t.Fatal(err)
	}
	tcp := dial(t, s)
	tcp.play(t, s.URL(), "RTP/AVP/TCP;unicast;interleaved=0-1")
	_ = tcp.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	tcp.readInterleaved(t)

	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	port := pc.LocalAddr().(*net.UDPAddr).Port
	udp := dial(t, s)
	udp.play(t, s.URL(), fmt.Sprintf("RTP/AVP;unicast;client_port=%d-%d", port, port+1))

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil { // idempotent
		t.Fatal(err)
	}
	// The server hung up on its readers.
	_ = tcp.nc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.Copy(io.Discard, tcp.nc); err != nil {
		t.Fatalf("TCP reader not closed by Close: %v", err)
	}
	tcp.nc.Close()
	udp.nc.Close()
	if c, err := net.Dial("tcp", strings.TrimSuffix(strings.TrimPrefix(s.URL(), "rtsp://"), "/demo")); err == nil {
		c.Close()
		t.Fatal("still listening after Close")
	}
}

func TestStartErrors(t *testing.T) {
	s := start(t, Config{})
	host := strings.TrimSuffix(strings.TrimPrefix(s.URL(), "rtsp://"), "/demo")
	if _, err := Start(Config{Addr: host}); err == nil {
		t.Fatal("a second server started on a port in use")
	}
	if _, err := Start(Config{FPS: -1}); err == nil {
		t.Fatal("negative FPS accepted")
	}
	if _, err := Start(Config{Addr: "no port"}); err == nil {
		t.Fatal("an address without a port was accepted")
	}
}

func TestURLForWildcardAddress(t *testing.T) {
	s := start(t, Config{Addr: "0.0.0.0:0", DisableUDP: true})
	if !strings.HasPrefix(s.URL(), "rtsp://127.0.0.1:") || !strings.HasSuffix(s.URL(), "/demo") {
		t.Fatalf("URL %q: want rtsp://127.0.0.1:PORT/demo", s.URL())
	}
}

// rtspConn is a bare RTSP 1.0 client for checks ffmpeg cannot make. It is
// test code: it trusts the server under test.
type rtspConn struct {
	nc   net.Conn
	br   *bufio.Reader
	cseq int
}

type response struct {
	status int
	header map[string][]string // lower-case names
	body   []byte
}

func dial(t *testing.T, s *Server) *rtspConn {
	t.Helper()
	host := s.URL()[strings.Index(s.URL(), "://")+3:]
	host = host[:strings.Index(host, "/")]
	nc, err := net.DialTimeout("tcp", host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	return &rtspConn{nc: nc, br: bufio.NewReader(nc)}
}

func (c *rtspConn) do(t *testing.T, method, url string, headers ...string) response {
	t.Helper()
	c.cseq++
	req := fmt.Sprintf("%s %s RTSP/1.0\r\nCSeq: %d\r\n", method, url, c.cseq)
	for _, h := range headers {
		req += h + "\r\n"
	}
	_ = c.nc.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c.nc, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	for {
		// RTP may precede a response (interleaved frames start with '$').
		b, err := c.br.Peek(1)
		if err != nil {
			t.Fatal(err)
		}
		if b[0] != '$' {
			break
		}
		c.readInterleaved(t)
	}
	line, err := c.br.ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	var res response
	if _, err := fmt.Sscanf(line, "RTSP/1.0 %d", &res.status); err != nil {
		t.Fatalf("status line %q: %v", line, err)
	}
	res.header = map[string][]string{}
	for {
		line, err := c.br.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		k, v, _ := strings.Cut(line, ":")
		k = strings.ToLower(strings.TrimSpace(k))
		res.header[k] = append(res.header[k], strings.TrimSpace(v))
	}
	if cl := res.header["content-length"]; len(cl) == 1 {
		n, _ := strconv.Atoi(cl[0])
		res.body = make([]byte, n)
		if _, err := io.ReadFull(c.br, res.body); err != nil {
			t.Fatal(err)
		}
	}
	return res
}

// play sends DESCRIBE, SETUP with transport and PLAY, and returns the
// SETUP response.
func (c *rtspConn) play(t *testing.T, url, transport string) response {
	t.Helper()
	if res := c.do(t, "DESCRIBE", url, "Accept: application/sdp"); res.status != 200 {
		t.Fatalf("DESCRIBE: %d", res.status)
	}
	setup := c.do(t, "SETUP", url+"/trackID=0", "Transport: "+transport)
	if setup.status != 200 {
		t.Fatalf("SETUP %s: %d", transport, setup.status)
	}
	session, _, _ := strings.Cut(strings.Join(setup.header["session"], ""), ";")
	if res := c.do(t, "PLAY", url+"/", "Session: "+session); res.status != 200 {
		t.Fatalf("PLAY: %d", res.status)
	}
	return setup
}

// readInterleaved reads one RFC 2326 section 10.12 frame.
func (c *rtspConn) readInterleaved(t *testing.T) (channel byte, payload []byte) {
	t.Helper()
	var hdr [4]byte
	if _, err := io.ReadFull(c.br, hdr[:]); err != nil {
		t.Fatal(err)
	}
	if hdr[0] != '$' {
		t.Fatalf("expected an interleaved frame, got %q", hdr)
	}
	payload = make([]byte, binary.BigEndian.Uint16(hdr[2:]))
	if _, err := io.ReadFull(c.br, payload); err != nil {
		t.Fatal(err)
	}
	return hdr[1], payload
}

// selfSigned returns a server TLS config with a throwaway certificate for
// 127.0.0.1 (rtsptest has a richer one, but demo must not import it).
func selfSigned(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}
