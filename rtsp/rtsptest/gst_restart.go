package rtsptest

import (
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// GstServer is a gst-rtsp-server peer that a fault test can kill mid-stream
// and start again on the same port, as a camera that crashes or reboots
// does.
type GstServer struct {
	t    testing.TB
	o    GstOptions
	URL  string // the stream URL, the same after Restart
	Port int
	pid  int // the running server's process, 0 after Kill
}

// StartGstServer starts gst-rtsp-server like StartGst and keeps hold of its
// process. It stops when the test ends.
func StartGstServer(t testing.TB, o GstOptions) *GstServer {
	t.Helper()
	g := &GstServer{t: t, o: o}
	g.start()
	u, err := url.Parse(g.URL)
	if err != nil {
		t.Fatalf("gst-rtsp-server URL %q: %v", g.URL, err)
	}
	if g.Port, err = strconv.Atoi(u.Port()); err != nil {
		t.Fatalf("gst-rtsp-server URL %q has no port: %v", g.URL, err)
	}
	g.o.Port = g.Port // a restart comes back where clients look for it
	return g
}

func (g *GstServer) start() {
	g.t.Helper()
	// StartGst keeps its process to itself (its cleanup ends it). The
	// server's own pid comes back through a one-line shell prefix that
	// writes $$ and then execs the server in its place, so the pid is the
	// server's, not a wrapper's, and Kill ends exactly that process.
	pidFile := filepath.Join(g.t.TempDir(), "gst.pid")
	o := g.o
	o.Wrap = append(append([]string(nil), g.o.Wrap...), "/bin/sh", "-c", `echo $$ >"$0" && exec "$@"`, pidFile)
	g.URL = StartGst(g.t, o)
	b, err := os.ReadFile(pidFile)
	if err != nil {
		g.t.Fatalf("gst-rtsp-server pid: %v", err)
	}
	if g.pid, err = strconv.Atoi(strings.TrimSpace(string(b))); err != nil || g.pid <= 0 {
		g.t.Fatalf("gst-rtsp-server pid %q: %v", b, err)
	}
}

// Kill ends the server at once (SIGKILL, no TEARDOWN, no goodbye on its
// sockets beyond what the kernel sends), like a crash or a power cut of the
// camera's RTSP process.
func (g *GstServer) Kill() {
	g.t.Helper()
	if g.pid == 0 {
		return
	}
	p, err := os.FindProcess(g.pid)
	if err == nil {
		err = p.Kill()
	}
	if err != nil {
		g.t.Fatalf("kill gst-rtsp-server (pid %d): %v", g.pid, err)
	}
	// Bounded wait for the port to close, so a Restart right after finds
	// it free; the reaping itself is StartGst's cleanup.
	for i := 0; i < 100 && processAlive(g.pid); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	g.pid = 0
}

// Restart starts the server again on the same port and returns once it
// listens.
func (g *GstServer) Restart() {
	g.t.Helper()
	g.Kill()
	g.start()
}

// processAlive says whether pid still runs (a zombie, killed but not yet
// reaped, counts as gone: its sockets are closed).
func processAlive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// "pid (comm) S ...": the state follows the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] != 'Z'
}
