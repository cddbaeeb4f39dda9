//go:build linux

package onvif_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/onvif"
	"github.com/rtspview/rtspview/onvif/onviftest"
)

// The WS-Discovery path for real: two network namespaces joined by a
// veth pair, the simulated camera in one (joined to 239.255.255.250 on
// its end, answering by unicast with a 0.0.0.0 XAddr, after a garbage
// datagram and a spoofed answer to another MessageID, and twice), and
// Probe in the other, on every interface it finds there. Both sides are
// this test binary run again inside its namespace (helperEnv says which).

const helperEnv = "RTSPVIEW_ONVIF_NETNS_HELPER"

type probeReport struct {
	Found []onvif.Discovered
	Cam   onvif.Camera
	Err   string
}

func TestProbeMulticastNetns(t *testing.T) {
	if os.Geteuid() != 0 {
		peer.Missing(t, "root is missing: network namespaces need it (CI runs these tests as root)")
	}
	peer.Command(t, "ip")
	var b [3]byte
	_, _ = rand.Read(b[:])
	tag := hex.EncodeToString(b[:])
	devNS, viewNS := "rtspview-od-"+tag, "rtspview-ov-"+tag
	devIf, viewIf := "od"+tag, "ov"+tag
	sub := fmt.Sprintf("10.%d.%d", 200+int(b[0])%50, b[1])
	devIP, viewIP := sub+".1", sub+".2"
	ip := func(args ...string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if out, err := exec.CommandContext(ctx, "ip", args...).CombinedOutput(); err != nil {
			peer.Missing(t, "cannot set up network namespaces here (sandbox forbids it?): ip %s: %v %s", strings.Join(args, " "), err, out)
		}
	}
	for _, ns := range []string{devNS, viewNS} {
		ip("netns", "add", ns)
		t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	}
	ip("link", "add", devIf, "type", "veth", "peer", "name", viewIf)
	ip("link", "set", devIf, "netns", devNS)
	ip("link", "set", viewIf, "netns", viewNS)
	for _, s := range [][3]string{{devNS, devIf, devIP}, {viewNS, viewIf, viewIP}} {
		ip("-n", s[0], "addr", "add", s[2]+"/24", "dev", s[1])
		ip("-n", s[0], "link", "set", s[1], "up")
		ip("-n", s[0], "link", "set", "lo", "up")
		ip("-n", s[0], "route", "add", "default", "dev", s[1])
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	dev := exec.CommandContext(ctx, "ip", "netns", "exec", devNS, self, "-test.run=^TestNetnsHelper$")
	dev.Env = append(os.Environ(), helperEnv+"=device", "HELPER_IF="+devIf, "HELPER_IP="+devIP)
	stdin, _ := dev.StdinPipe()
	stdout, _ := dev.StdoutPipe()
	dev.Stderr = os.Stderr
	dev.WaitDelay = 2 * time.Second
	if err := dev.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); _ = dev.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if !strings.HasPrefix(line, "READY ") {
		t.Fatalf("device helper: %q %v", line, err)
	}
	endpoint := strings.TrimSpace(strings.TrimPrefix(line, "READY "))

	view := exec.CommandContext(ctx, "ip", "netns", "exec", viewNS, self, "-test.run=^TestNetnsHelper$")
	view.Env = append(os.Environ(), helperEnv+"=probe")
	view.Stderr = os.Stderr
	out, err := view.Output()
	if err != nil {
		t.Fatalf("probe helper: %v %s", err, out)
	}
	var rep probeReport
	if err := json.NewDecoder(strings.NewReader(string(out[max(strings.IndexByte(string(out), '{'), 0):]))).Decode(&rep); err != nil {
		t.Fatalf("probe helper said %q: %v", out, err)
	}
	if rep.Err != "" || len(rep.Found) != 1 {
		t.Fatalf("found %+v, error %q (want exactly the one camera: no spoofed, no duplicate)", rep.Found, rep.Err)
	}
	d := rep.Found[0]
	want := "http://" + devIP + ":8080/onvif/device_service"
	if d.Endpoint != endpoint || d.XAddr() != want || d.From != devIP || len(d.XAddrs) != 2 {
		t.Errorf("found %+v, want endpoint %s at %s (0.0.0.0 replaced, the IPv6 one second)", d, endpoint, want)
	}
	if si := onvif.ParseScopes(d.Scopes); si.Name != "Front Door" || si.Location != "Back Yard" {
		t.Errorf("scopes %v", d.Scopes)
	}
	if len(rep.Cam.Profiles) != 2 || rep.Cam.Info.Manufacturer != "Bars Camera Co" || rep.Cam.Profiles[0].URL != "rtsp://"+devIP+":554/main" {
		t.Errorf("described %+v", rep.Cam)
	}
}

// TestNetnsHelper is the two sides of TestProbeMulticastNetns; run on its
// own (without helperEnv) it has nothing to do.
func TestNetnsHelper(t *testing.T) {
	switch os.Getenv(helperEnv) {
	case "device":
		netnsDevice(t)
	case "probe":
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		var rep probeReport
		found, err := onvif.Probe(ctx, onvif.ProbeOptions{})
		rep.Found = found
		if err != nil {
			rep.Err = err.Error()
		} else if len(found) > 0 {
			dctx, dcancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer dcancel()
			rep.Cam, _, err = onvif.Describe(dctx, onvif.Config{XAddr: found[0].XAddr(), Username: "admin", Password: "pw"}, found[0].Scopes)
			if err != nil {
				rep.Err = err.Error()
			}
		}
		b, _ := json.Marshal(rep)
		fmt.Printf("%s\n", b)
	}
}

func netnsDevice(t *testing.T) {
	ifc, err := net.InterfaceByName(os.Getenv("HELPER_IF"))
	if err != nil {
		t.Fatal(err)
	}
	devIP := os.Getenv("HELPER_IP")
	dev := onviftest.New(onviftest.Options{Username: "admin", Password: "pw", ZeroXAddr: true, Prefixes: "hik",
		Name: "Front Door", Location: "Back Yard", Manufacturer: "Bars Camera Co", Model: "BC-1",
		Profiles: []onviftest.Profile{
			{Token: "p1", Name: "main", Width: 1920, Height: 1080, URL: "rtsp://0.0.0.0:554/main"},
			{Token: "p2", Name: "sub", Width: 640, Height: 360, URL: "rtsp://0.0.0.0:554/sub"},
		}})
	ln, err := net.Listen("tcp", devIP+":8080")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: dev, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	group, _ := net.ResolveUDPAddr("udp4", onvif.DiscoveryAddr)
	pc, err := net.ListenMulticastUDP("udp4", ifc, group)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan int, 1)
	go func() {
		done <- dev.AnswerProbes(pc, onviftest.ProbeAnswer{
			XAddrs: "http://[fe80::dead]:8080/onvif/device_service http://0.0.0.0:8080/onvif/device_service", Noise: true, Twice: true})
	}()
	fmt.Printf("READY %s\n", dev.Endpoint())
	_, _ = io.Copy(io.Discard, os.Stdin) // until the test closes stdin
	pc.Close()
	<-done
}
