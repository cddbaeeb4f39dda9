package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

func probeJSON(t *testing.T, args ...string) (probeResult, int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(append([]string{"probe", "--json"}, args...), &out, &errb)
	var res probeResult
	if out.Len() > 0 {
		dec := json.NewDecoder(&out)
		if err := dec.Decode(&res); err != nil {
			t.Fatalf("stdout is not one JSON object: %v\n%s", err, out.String())
		}
		if dec.More() {
			t.Fatal("more than one JSON value on stdout")
		}
	}
	return res, code, errb.String()
}

func TestProbeContract(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{Username: "viewer", Password: "s3cret-pw"})
	gst := rtsptest.StartGst(t, rtsptest.GstOptions{Codec: "h264", Width: 1280, Height: 720, FPS: 25})
	withCreds := strings.Replace(srv.URL(), "rtsp://", "rtsp://viewer:s3cret-pw@", 1)
	for _, tc := range []struct{ name, url string }{{"demo", withCreds}, {"gst", gst}} {
		for _, tr := range []string{"tcp", "udp"} {
			t.Run(tc.name+"/"+tr, func(t *testing.T) {
				res, code, stderr := probeJSON(t, "--transport", tr, tc.url)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				if res.Transport != tr || res.TLS || res.Video.Codec != "H264" || res.Video.Width != 1280 || res.Video.Height != 720 {
					t.Fatalf("%+v", res)
				}
				if res.FramesShown < 25 || res.ConnectMS < 0 || res.FirstFrameMS <= 0 || res.FirstFrameMS < res.ConnectMS || res.PacketsReceived == 0 || res.Error != "" || res.ErrorKind != "" {
					t.Fatalf("%+v", res)
				}
				if strings.Contains(res.URL, "s3cret-pw") {
					t.Fatalf("password in url %q", res.URL)
				}
			})
		}
	}
	t.Run("password from environment", func(t *testing.T) {
		t.Setenv("RTSPVIEW_PASSWORD", "s3cret-pw")
		res, code, stderr := probeJSON(t, "--transport", "tcp", "--frames", "3", "--user", "viewer", srv.URL())
		if code != 0 || res.FramesShown < 3 {
			t.Fatalf("exit %d %+v %s", code, res, stderr)
		}
	})

	closed := rtsptest.ClosedPort(t)
	silent := rtsptest.SilentServer(t)
	failures := []struct {
		name string
		args []string
		kind string
	}{
		{"unauthorized", []string{"--transport", "tcp", strings.Replace(srv.URL(), "rtsp://", "rtsp://viewer:nope@", 1)}, "unauthorized"},
		{"not_found", []string{"--transport", "tcp", strings.Replace(withCreds, "/demo", "/missing", 1)}, "not_found"},
		{"refused", []string{"--transport", "tcp", fmt.Sprintf("rtsp://127.0.0.1:%d/s", closed)}, "refused"},
		{"timeout", []string{"--transport", "tcp", "--timeout", "2s", "rtsp://" + silent + "/s"}, "timeout"},
	}
	for _, f := range failures {
		t.Run(f.name, func(t *testing.T) {
			res, code, stderr := probeJSON(t, f.args...)
			if code != 1 || res.ErrorKind != f.kind || res.Error == "" {
				t.Fatalf("exit %d kind %q error %q", code, res.ErrorKind, res.Error)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") != 0 || stderr == "" {
				t.Fatalf("stderr should be one sentence: %q", stderr)
			}
			if strings.Contains(stderr+res.Error+res.URL, "nope@") || strings.Contains(stderr+res.Error+res.URL, "s3cret") {
				t.Fatal("credentials leaked")
			}
		})
	}
}

func TestProbeUsage(t *testing.T) {
	for _, args := range [][]string{
		{"probe"},
		{"probe", "--transport", "carrier-pigeon", "rtsp://127.0.0.1/s"},
		{"probe", "--frames", "0", "rtsp://127.0.0.1/s"},
		{"probe", "http://127.0.0.1/s"},
		{"probe", "--no-such-flag", "rtsp://127.0.0.1/s"},
		{"probe", "rtsp://a/s", "rtsp://b/s"},
	} {
		var out, errb bytes.Buffer
		if code := Run(args, &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestProbeTLS(t *testing.T) {
	cert := rtsptest.NewCert(t, "127.0.0.1")
	gst := rtsptest.StartGst(t, rtsptest.GstOptions{})
	front := rtsptest.StartStunnel(t, cert, strings.TrimSuffix(strings.TrimPrefix(gst, "rtsp://"), "/test"))
	for _, tc := range []struct {
		name, transport, url string
	}{
		{"rtsps", "tcp", "rtsps://" + front + "/test"},
		{"https tunnel", "https", "rtsp://" + front + "/test"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, code, _ := probeJSON(t, "--transport", tc.transport, "--frames", "5", tc.url)
			if code != 1 || res.ErrorKind != "tls" {
				t.Fatalf("self-signed without --insecure: exit %d %+v", code, res)
			}
			res, code, stderr := probeJSON(t, "--transport", tc.transport, "--frames", "5", "--insecure", tc.url)
			if code != 0 || !res.TLS || res.Transport != tc.transport || res.FramesShown < 5 {
				t.Fatalf("--insecure: exit %d %+v %s", code, res, stderr)
			}
		})
	}
}

func TestBenchCommand(t *testing.T) {
	var out, errb bytes.Buffer
	code := Run([]string{"bench", "--streams", "3", "--duration", "1s", "--json"}, &out, &errb)
	var res benchResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || code != 0 {
		t.Fatalf("exit %d %v: %s %s", code, err, out.String(), errb.String())
	}
	if res.Streams != 3 || res.PlayingCount != 3 || res.FramesTotal == 0 || res.FPSMin <= 0 {
		t.Fatalf("%+v", res)
	}
	if code := Run([]string{"bench", "--size", "big"}, &out, &errb); code != 2 {
		t.Fatalf("bad --size: exit %d", code)
	}
}
