// Package rtsptest starts loopback RTSP peers for tests, the way
// net/http/httptest starts HTTP servers: gst-rtsp-server (Debian's, through
// python3-gi), the in-process demo server (gortsplib), and scripted
// misbehaving servers. Every peer listens on 127.0.0.1 only and is stopped
// by t.Cleanup.
package rtsptest

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/peer"
)

//go:embed gst_rtsp_server.py
var gstScript []byte

// GstPython is Debian's interpreter; a pyenv or venv python has no gi.
const GstPython = "/usr/bin/python3"

// GstOptions configures a gst-rtsp-server peer. The zero value serves a
// live moving test pattern as H.264 1280×720 at 25 fps (a keyframe every
// second) on /test without authentication.
type GstOptions struct {
	Codec          string // h264 (default), h265, mjpeg
	Width, Height  int    // 1280×720 when either is zero
	FPS            int    // 25 when zero; also the keyframe interval
	Path           string // "/test" when empty
	User, Password string // require them when User is set
	// Auth picks the challenges sent with User set: "" offers Basic and
	// Digest (MD5), one WWW-Authenticate header each; "digest" or "basic"
	// offers only that one.
	Auth string
	// TLSCert and TLSKey are PEM files: serve rtsps://. TLSCertKeyPEM is
	// one PEM holding both (Cert.PEMFile) and is used when TLSCert is empty.
	TLSCert, TLSKey string
	TLSCertKeyPEM   string
	// IntraRefresh (h264) encodes with x264's periodic intra refresh:
	// an IDR only at the start, then a recovery point SEI at each 2 s
	// refresh wave, as low-bitrate cameras do. A client that joins the
	// shared stream late never sees an IDR.
	IntraRefresh bool
	// Port to listen on; 0 picks a free one.
	Port int
	// TCPOnly offers only TCP interleaved
	// (RTSPMediaFactory.set_protocols(TCP)): a UDP SETUP gets 461
	// Unsupported Transport.
	TCPOnly bool
	// File serves this MP4 (H.264) as recorded media instead of the live
	// pattern: one pipeline per client, seekable, with its duration in
	// the SDP's a=range. Codec, size and FPS do not apply. See MakeClip.
	File string
	// Wrap prefixes the server's command line, e.g. {"ip", "netns",
	// "exec", NS} to run it inside a network namespace.
	Wrap []string
	// Audio adds a sound track to the live pattern: a sine of AudioFreq
	// Hz (1000 when zero) as "aac" (mpeg4-generic, 48 kHz stereo),
	// "latm" (MP4A-LATM), "pcma" or "pcmu" (8 kHz mono), "opus", or
	// "g722" (16 kHz mono; a codec the player does not decode).
	Audio     string
	AudioFreq int
}

// NeedGst is peer.Missing's gate for gst-rtsp-server: Debian's python3
// with the GstRtspServer introspection data, which StartGst runs.
func NeedGst(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(GstPython); err != nil {
		peer.Missing(t, "gst-rtsp-server is missing: it runs on Debian's %s; install python3-gi and gir1.2-gst-rtsp-server-1.0 (scripts/setup.sh installs them): %v", GstPython, err)
	}
	check := exec.Command(GstPython, "-c", "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer")
	if out, err := check.CombinedOutput(); err != nil {
		peer.Missing(t, "gst-rtsp-server through python3-gi is missing: install python3-gi and gir1.2-gst-rtsp-server-1.0 (scripts/setup.sh installs them): %v %s", err, out)
	}
}

// StartGst starts gst-rtsp-server and returns its stream URL (without
// credentials). It stops when the test ends.
func StartGst(t testing.TB, o GstOptions) string {
	t.Helper()
	NeedGst(t)
	script := filepath.Join(t.TempDir(), "gst_rtsp_server.py")
	if err := os.WriteFile(script, gstScript, 0o755); err != nil {
		t.Fatal(err)
	}
	if o.Codec == "" {
		o.Codec = "h264"
	}
	if o.Width == 0 || o.Height == 0 {
		o.Width, o.Height = 1280, 720
	}
	if o.FPS == 0 {
		o.FPS = 25
	}
	if o.Path == "" {
		o.Path = "/test"
	}
	args := []string{script, "--port", fmt.Sprint(o.Port), "--path", o.Path, "--codec", o.Codec,
		"--size", fmt.Sprintf("%dx%d", o.Width, o.Height), "--fps", fmt.Sprint(o.FPS)}
	if o.User != "" {
		args = append(args, "--user", o.User, "--password", o.Password)
		if o.Auth != "" {
			args = append(args, "--auth", o.Auth)
		}
	}
	if o.IntraRefresh {
		args = append(args, "--intra-refresh")
	}
	if o.TCPOnly {
		args = append(args, "--tcp-only")
	}
	if o.File != "" {
		args = append(args, "--file", o.File)
	}
	if o.Audio != "" {
		args = append(args, "--audio", o.Audio)
		if o.AudioFreq != 0 {
			args = append(args, "--audio-freq", fmt.Sprint(o.AudioFreq))
		}
	}
	tls := o.TLSCert != "" || o.TLSCertKeyPEM != ""
	switch {
	case o.TLSCert != "":
		args = append(args, "--tls-cert", o.TLSCert)
		if o.TLSKey != "" {
			args = append(args, "--tls-key", o.TLSKey)
		}
	case o.TLSCertKeyPEM != "":
		args = append(args, "--tls-cert", o.TLSCertKeyPEM)
	}
	argv := append(append(append([]string(nil), o.Wrap...), GstPython), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	stdin, err := cmd.StdinPipe() // the script exits when stdin closes
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &syncWriter{w: &stderr}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "READY" {
				select {
				case ready <- f[1]:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case port := <-ready:
		scheme := "rtsp"
		if tls {
			scheme = "rtsps"
		}
		return fmt.Sprintf("%s://127.0.0.1:%s%s", scheme, port, o.Path)
	case <-time.After(15 * time.Second):
		t.Fatalf("gst-rtsp-server did not start within 15 s: %s", stderr.String())
	}
	return ""
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// StartDemo starts the in-process demo server (gortsplib) for the test.
func StartDemo(t testing.TB, cfg demo.Config) *demo.Server {
	t.Helper()
	s, err := demo.Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// FreePort returns a loopback TCP port that was free a moment ago, for a
// peer that must be told its port (stunnel, tinyproxy). Another process may
// take it in between: prefer listening on port 0 where the peer allows it.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// SilentServer accepts TCP connections and never answers; it returns its
// address.
func SilentServer(t testing.TB) string {
	t.Helper()
	return ScriptedServer(t, func(c net.Conn) {
		_, _ = io.Copy(io.Discard, c)
	})
}

// ScriptedServer runs handler for every connection to a loopback listener
// and returns its address. Connections are closed when handler returns or
// the test ends, whichever is first.
func ScriptedServer(t testing.TB, handler func(net.Conn)) string {
	t.Helper()
	return ScriptedServerOn(t, "127.0.0.1:0", handler)
}

// ScriptedServerOn is ScriptedServer listening on addr, such as
// "127.0.0.2:0" for a second host on loopback (Linux routes all of
// 127.0.0.0/8 to lo): redirect tests need a server on another host.
func ScriptedServerOn(t testing.TB, addr string, handler func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		peer.Missing(t, "loopback address %s is missing: cannot listen on it: %v", addr, err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				handler(c)
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return ln.Addr().String()
}

// FFmpegFirstFrame runs `ffmpeg -v error -rtsp_transport transport -i url
// -frames:v 1 -f null -` and returns its wall time, process start included:
// the reference our first-frame time is compared with in benchmarks and
// scripts (never asserted in tests).
func FFmpegFirstFrame(ctx context.Context, url, transport string) (time.Duration, error) {
	start := time.Now()
	cmd := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-rtsp_transport", transport, "-i", url, "-frames:v", "1", "-f", "null", "-")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("ffmpeg -rtsp_transport %s: %w: %s", transport, err, bytes.TrimSpace(out))
	}
	return time.Since(start), nil
}

// FFmpegDecode runs ffmpeg as a second client decoding n frames; tests use
// it to show a server works independently of our client.
func FFmpegDecode(ctx context.Context, url, transport string, n int) error {
	cmd := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-rtsp_transport", transport, "-i", url, "-frames:v", fmt.Sprint(n), "-f", "null", "-")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("ffmpeg -rtsp_transport %s: %w: %s", transport, err, bytes.TrimSpace(out))
	}
	return nil
}
