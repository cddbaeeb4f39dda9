package auth_test

import (
	"bufio"
	"context"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/rtsp/auth"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// startGstServer runs testdata/gst_auth_server.py and returns its address.
// The server stops when its stdin closes, at the latest when ctx expires.
func startGstServer(t *testing.T, method string) string {
	t.Helper()
	rtsptest.NeedGst(t)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	cmd := exec.CommandContext(ctx, rtsptest.GstPython, "testdata/gst_auth_server.py", method, testUser, testPass)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		_ = cmd.Wait()
		cancel()
	})

	portc := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(stdout).ReadString('\n')
		portc <- strings.TrimSpace(line)
	}()
	select {
	case line := <-portc:
		if _, err := strconv.Atoi(line); err != nil {
			t.Fatalf("gst server did not start: %q %s", line, stderr.String())
		}
		return net.JoinHostPort("127.0.0.1", line)
	case <-time.After(15 * time.Second):
		t.Fatalf("gst server did not report its port: %s", stderr.String())
	}
	return ""
}

func TestGstRTSPServer(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, c := range []struct {
		method, scheme, algorithm string
	}{
		{"basic", auth.SchemeBasic, ""},
		{"digest", auth.SchemeDigest, auth.AlgorithmMD5}, // RFC 2069 style: no qop, no algorithm
	} {
		t.Run(c.method, func(t *testing.T) {
			addr := startGstServer(t, c.method)
			uri := "rtsp://" + addr + "/stream"

			s, res, err := describeWithAuthURI(t, addr, uri, testUser, testPass)
			if err != nil {
				t.Fatal(err)
			}
			if s.Scheme() != c.scheme || s.Algorithm() != c.algorithm {
				t.Fatalf("picked %s %q, want %s %q", s.Scheme(), s.Algorithm(), c.scheme, c.algorithm)
			}
			if res.status != 200 || !strings.Contains(res.body, "m=video") {
				t.Fatalf("authenticated DESCRIBE: status %d body %q", res.status, res.body)
			}

			_, res, err = describeWithAuthURI(t, addr, uri, testUser, "wrong")
			if err != nil {
				t.Fatal(err)
			}
			if res.status != 401 {
				t.Fatalf("wrong password: status %d, want 401", res.status)
			}
		})
	}
}
