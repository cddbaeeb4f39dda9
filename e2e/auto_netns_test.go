package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// The tests in this file prove Auto's fallback chain (player/stream.go,
// session and tunnels) against ports that are really blocked: each case
// gets a private network namespace with only its own loopback, nftables
// rules inside it, gst-rtsp-server inside it and the real rtspview binary
// inside it. The host's network is never touched; the namespace is deleted
// when the case ends.

// Rule sets, one per blocking situation. Older nft (1.0.6, Debian 12)
// wants each statement on its own line.
const (
	nftDropUDP = `table inet rtspview {
	chain in {
		type filter hook input priority 0;
		meta l4proto udp drop
	}
}
`
	// Dropped, not refused: a SYN to 554 gets no answer at all, as behind a
	// firewall that discards, so the dial has to time out.
	nftDrop554 = `table inet rtspview {
	chain in {
		type filter hook input priority 0;
		tcp dport 554 drop
	}
}
`
	nftDropTCP = `table inet rtspview {
	chain in {
		type filter hook input priority 0;
		meta l4proto tcp drop
	}
}
`
)

// Bounds the cases assert. They are behaviour bounds (how long a viewer
// waits before Auto has found a way or given up), not speed benchmarks.
const (
	// UDP gets a 300 ms head start after PLAY, then TCP races it.
	boundUDPBlocked = 5 * time.Second
	// boundUDPBlockedPicture is the first picture with UDP dropped: the
	// head start, TCP's setup and a keyframe it asks for. An Auto that
	// waited out UDP's 2 s of silence before trying TCP would fail it.
	boundUDPBlockedPicture = 1500 * time.Millisecond
	// A server that refuses UDP (461) costs one SETUP round trip.
	boundUDPRefused = 5 * time.Second
	// A refused RTSP port costs nothing; the rest is the tunnel and 25 frames.
	boundPortClosed = 6 * time.Second
	// A dropped RTSP port costs one Auto dial bound (4 s) before port 80 is
	// refused at once and 8080 answers.
	boundPortDropped = 8 * time.Second
	// Nothing answers and everything refuses: no waiting at all.
	boundAllRefused = 3 * time.Second
	// Nothing answers and everything is dropped: four dial bounds, and the
	// chain must end by itself before probe's default --timeout (20 s) cuts
	// it off, so that every way tried is reported.
	boundAllDropped = 20 * time.Second
	// hardLimit kills a probe that hangs; the assertions use the bounds above.
	hardLimit = 45 * time.Second
)

// netns is one private network namespace with loopback up.
type netns struct {
	t    *testing.T
	name string
}

// requireNetns is peer's gate for network namespaces and nftables: it
// skips, or fails where peers are required, when they cannot be used here.
func requireNetns(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		peer.Missing(t, "root is missing: network namespaces need it (CI runs these tests as root)")
	}
	for _, tool := range []string{"ip", "nft"} {
		peer.Command(t, tool)
	}
	rtsptest.NeedGst(t)
}

// newNetns creates a namespace that t.Cleanup deletes. A sandbox that
// forbids namespaces even to root is reported as unavailable, not failed.
func newNetns(t *testing.T) *netns {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	name := "rtspview-" + hex.EncodeToString(b[:])
	if out, err := cmdOutput(10*time.Second, "ip", "netns", "add", name); err != nil {
		peer.Missing(t, "cannot create a network namespace here (sandbox forbids it?): ip netns add: %v %s", err, out)
	}
	n := &netns{t: t, name: name}
	t.Cleanup(func() {
		if out, err := cmdOutput(10*time.Second, "ip", "netns", "del", name); err != nil {
			t.Errorf("ip netns del %s: %v %s", name, err, out)
		}
	})
	if out, err := n.exec(10*time.Second, nil, "ip", "link", "set", "lo", "up"); err != nil {
		peer.Missing(t, "cannot configure a network namespace here: ip link set lo up: %v %s", err, out)
	}
	// An empty rule listing tells whether nf_tables works in a namespace at
	// all, before any rule of ours can be blamed.
	if out, err := n.exec(10*time.Second, nil, "nft", "list", "ruleset"); err != nil {
		peer.Missing(t, "nftables does not work in a network namespace here: %v %s", err, out)
	}
	return n
}

// command returns an exec.Cmd that runs argv inside the namespace.
func (n *netns) command(ctx context.Context, argv ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.name}, argv...)...)
}

// exec runs argv inside the namespace with stdin, bounded by d.
func (n *netns) exec(d time.Duration, stdin io.Reader, argv ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := n.command(ctx, argv...)
	cmd.Stdin = stdin
	cmd.WaitDelay = time.Second
	return cmd.CombinedOutput()
}

// block loads an nftables rule set into the namespace.
func (n *netns) block(rules string) {
	n.t.Helper()
	if out, err := n.exec(10*time.Second, strings.NewReader(rules), "nft", "-f", "-"); err != nil {
		n.t.Fatalf("nft -f -: %v %s\n%s", err, out, rules)
	}
}

// startGst starts gst-rtsp-server on 127.0.0.1:port inside the namespace,
// serving H.264 640×360 at 25 fps on /test (small, so that parallel cases
// do not starve each other of CPU). It stops when the test ends.
func (n *netns) startGst(port int) {
	n.t.Helper()
	n.startGstWith(rtsptest.GstOptions{Port: port})
}

// startGstWith is startGst with more options (o.Port must be set).
func (n *netns) startGstWith(o rtsptest.GstOptions) {
	n.t.Helper()
	o.Width, o.Height = 640, 360
	o.Wrap = []string{"ip", "netns", "exec", n.name}
	port := o.Port
	url := rtsptest.StartGst(n.t, o)
	if want := fmt.Sprintf("rtsp://127.0.0.1:%d/test", port); url != want {
		n.t.Fatalf("gst-rtsp-server serves %s, asked for %s", url, want)
	}
}

// autoProbe is one run of `rtspview probe --json` inside the namespace.
type autoProbe struct {
	res     probeResult
	code    int
	stderr  string
	elapsed time.Duration
}

// probe runs the binary's probe command inside the namespace and parses its
// one JSON object. elapsed is the whole command, process start included.
func (n *netns) probe(bin string, args ...string) autoProbe {
	t := n.t
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), hardLimit)
	defer cancel()
	cmd := n.command(ctx, append([]string{bin, "probe", "--json"}, args...)...)
	cmd.WaitDelay = 2 * time.Second
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	start := time.Now()
	err := cmd.Run()
	p := autoProbe{elapsed: time.Since(start), stderr: errb.String()}
	if ctx.Err() != nil {
		t.Fatalf("probe %v still running after %v: %s", args, hardLimit, errb.String())
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		p.code = ee.ExitCode()
	default:
		t.Fatalf("probe %v: %v", args, err)
	}
	dec := json.NewDecoder(&out)
	if err := dec.Decode(&p.res); err != nil {
		t.Fatalf("probe %v: stdout is not one JSON object: %v\nstdout: %s\nstderr: %s", args, err, out.String(), errb.String())
	}
	if dec.More() {
		t.Fatalf("probe %v: more than one JSON value on stdout", args)
	}
	t.Logf("probe %s: exit %d in %v: transport %s, fallbacks %+v, frames %d, error_kind %q",
		strings.Join(args, " "), p.code, p.elapsed.Round(time.Millisecond), p.res.Transport, p.res.Fallbacks, p.res.FramesShown, p.res.ErrorKind)
	return p
}

// played checks a successful probe: exit 0, the transport Auto ended on,
// 25 decoded frames of the gst stream, within bound.
func (p autoProbe) played(t *testing.T, transport string, bound time.Duration) {
	t.Helper()
	if p.code != 0 {
		t.Fatalf("exit %d, want 0: %s", p.code, p.stderr)
	}
	r := p.res
	if r.Transport != transport || r.Error != "" || r.ErrorKind != "" {
		t.Fatalf("transport %q error %q (%s), want %q and no error", r.Transport, r.Error, r.ErrorKind, transport)
	}
	if r.FramesShown < 25 || r.Video.Codec != "H264" || r.Video.Width != 640 || r.Video.Height != 360 || r.PacketsReceived == 0 {
		t.Fatalf("did not play the stream: %+v", r)
	}
	if p.elapsed > bound {
		t.Fatalf("Auto took %v to play over %s, want at most %v", p.elapsed, transport, bound)
	}
}

// failed checks a failed probe: exit 1, one sentence on stderr, the error
// kind, within bound.
func (p autoProbe) failed(t *testing.T, kind string, bound time.Duration) {
	t.Helper()
	if p.code != 1 || p.res.ErrorKind != kind || p.res.Error == "" {
		t.Fatalf("exit %d error_kind %q error %q, want exit 1 and %q", p.code, p.res.ErrorKind, p.res.Error, kind)
	}
	if s := strings.TrimSpace(p.stderr); s == "" || strings.Contains(s, "\n") {
		t.Fatalf("stderr should be one sentence: %q", p.stderr)
	}
	if p.elapsed > bound {
		t.Fatalf("Auto took %v to give up, want at most %v", p.elapsed, bound)
	}
}

// wantFallbacks checks the ways Auto left, in order: each transport and
// its short reason (player's portTrouble wording: "port 554 closed" when
// refused, "port 554 does not answer" when dropped); a reason that is not
// about a port only has to contain the given words.
func wantFallbacks(t *testing.T, got []player.Fallback, want []player.Fallback) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("fallbacks %+v, want %+v", got, want)
	}
	for i, w := range want {
		g := got[i]
		if g.Transport != w.Transport {
			t.Errorf("fallbacks[%d].transport = %q, want %q (%+v)", i, g.Transport, w.Transport, got)
		}
		if strings.HasPrefix(w.Reason, "port ") && g.Reason != w.Reason || !strings.Contains(g.Reason, w.Reason) {
			t.Errorf("fallbacks[%d].reason = %q, want %q", i, g.Reason, w.Reason)
		}
	}
}

// allWays are the fallbacks of a chain that found nothing: the RTSP port
// (554, tried as UDP first; TCP on a dead port is skipped), the HTTP
// tunnel on 80 and 8080, then HTTPS on 443, each failing the same way.
func allWays(trouble string) []player.Fallback {
	return []player.Fallback{
		{Transport: "udp", Reason: "port 554 " + trouble},
		{Transport: "http", Reason: "port 80 " + trouble},
		{Transport: "http", Reason: "port 8080 " + trouble},
		{Transport: "https", Reason: "port 443 " + trouble},
	}
}

func TestAutoTransportNetns(t *testing.T) {
	requireNetns(t)
	// One namespace up front: a sandbox that forbids them skips (or fails)
	// here once, with the reason, before anything is built.
	newNetns(t)
	bin, _ := buildViewer(t)

	// 1. A firewall drops every UDP datagram: SETUP over UDP succeeds (it
	// is RTSP over TCP) but no RTP arrives, so after a 300 ms head start
	// Auto races TCP on the same port against it, and TCP wins.
	t.Run("udp_blocked", func(t *testing.T) {
		t.Parallel()
		ns := newNetns(t)
		ns.startGst(8554)
		url := "rtsp://127.0.0.1:8554/test"
		// Control: the same namespace without the rule plays over UDP with
		// no fallback, so the fallback below is the rule's doing.
		open := ns.probe(bin, "--transport", "auto", url)
		open.played(t, "udp", boundUDPBlocked)
		wantFallbacks(t, open.res.Fallbacks, nil)

		ns.block(nftDropUDP)
		// The rule really blocks UDP: UDP alone gets no video.
		only := ns.probe(bin, "--transport", "udp", "--timeout", "3s", url)
		only.failed(t, "timeout", 5*time.Second)

		p := ns.probe(bin, "--transport", "auto", url)
		p.played(t, "tcp", boundUDPBlocked)
		wantFallbacks(t, p.res.Fallbacks, []player.Fallback{{Transport: "udp", Reason: "UDP blocked"}})
		d := time.Duration(p.res.FirstFrameMS) * time.Millisecond
		t.Logf("first picture after %v with UDP dropped", d)
		if d <= 0 || d > boundUDPBlockedPicture {
			t.Fatalf("first picture after %v with UDP dropped, want at most %v", d, boundUDPBlockedPicture)
		}
	})

	// 1b. The server refuses UDP (461 Unsupported Transport, gst-rtsp-server
	// with its factory set to TCP only) and nothing blocks anything: Auto
	// asks for TCP on the same connection at once.
	t.Run("udp_refused", func(t *testing.T) {
		t.Parallel()
		ns := newNetns(t)
		ns.startGstWith(rtsptest.GstOptions{Port: 8554, TCPOnly: true})
		// Three runs: a second connection after the 461 met gst-rtsp-server
		// still unpreparing the first one's media (503) only some of the
		// time.
		for range 3 {
			p := ns.probe(bin, "--transport", "auto", "rtsp://127.0.0.1:8554/test")
			p.played(t, "tcp", boundUDPRefused)
			wantFallbacks(t, p.res.Fallbacks, []player.Fallback{{Transport: "udp", Reason: "server refused UDP"}})
		}
	})

	// 2. Nothing on the RTSP port (554, refused at once) and the server on
	// port 80: Auto skips TCP on the dead port and tunnels over HTTP to 80.
	t.Run("rtsp_port_closed_http_80", func(t *testing.T) {
		t.Parallel()
		ns := newNetns(t)
		ns.startGst(80)
		p := ns.probe(bin, "--transport", "auto", "rtsp://127.0.0.1/test")
		p.played(t, "http", boundPortClosed)
		wantFallbacks(t, p.res.Fallbacks, []player.Fallback{{Transport: "udp", Reason: "port 554 closed"}})
	})

	// 3. The RTSP port silently dropped (the dial times out), port 80
	// refused, the server on 8080: Auto ends on the HTTP tunnel via 8080.
	t.Run("rtsp_port_dropped_http_8080", func(t *testing.T) {
		t.Parallel()
		ns := newNetns(t)
		ns.block(nftDrop554)
		ns.startGst(8080)
		p := ns.probe(bin, "--transport", "auto", "rtsp://127.0.0.1/test")
		p.played(t, "http", boundPortDropped)
		wantFallbacks(t, p.res.Fallbacks, []player.Fallback{
			{Transport: "udp", Reason: "port 554 does not answer"},
			{Transport: "http", Reason: "port 80 closed"},
		})
	})

	// 4. Nothing works: Auto gives up with every way it tried in fallbacks.
	t.Run("all_refused", func(t *testing.T) {
		t.Parallel()
		ns := newNetns(t)
		p := ns.probe(bin, "--transport", "auto", "rtsp://127.0.0.1/test")
		p.failed(t, "refused", boundAllRefused)
		wantFallbacks(t, p.res.Fallbacks, allWays("closed"))
	})
	t.Run("all_dropped", func(t *testing.T) {
		t.Parallel()
		ns := newNetns(t)
		ns.block(nftDropTCP)
		// probe's default --timeout (20 s): the chain has to end by itself.
		p := ns.probe(bin, "--transport", "auto", "rtsp://127.0.0.1/test")
		p.failed(t, "timeout", boundAllDropped)
		wantFallbacks(t, p.res.Fallbacks, allWays("does not answer"))
	})
}

// cmdOutput runs a host command bounded by d.
func cmdOutput(d time.Duration, name string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.WaitDelay = time.Second
	return cmd.CombinedOutput()
}
