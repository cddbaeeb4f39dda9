package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestRedactText(t *testing.T) {
	for in, want := range map[string]string{
		"dial rtsp://admin:s3cret@10.0.0.5:554/live": "dial rtsp://admin:xxxxx@10.0.0.5:554/live",
		"rtsp://admin:p@ss@cam/x and rtsps://u:v@h":  "rtsp://admin:xxxxx@cam/x and rtsps://u:xxxxx@h",
		"rtsp://viewer@cam/x":                        "rtsp://viewer@cam/x",
		"Authorization: Basic YWRtaW46czNjcmV0":      "Authorization: [redacted]",
		"proxy http://u:pw@proxy:3128 refused":       "proxy http://u:xxxxx@proxy:3128 refused",
	} {
		if got := redactText(in); got != want {
			t.Errorf("redactText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestVerboseLogRedacts(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: redactAttr}))
	log.Debug("x", "url", "rtsp://a:s3cret@h/p", "authorization", "Digest response=abc", "err", errors.New("GET rtsp://a:s3cret@h/p failed"))
	if out := buf.String(); strings.Contains(out, "s3cret") || strings.Contains(out, "response=abc") {
		t.Fatalf("secret in the log: %s", out)
	}
}

// TestProbeInputExitsTwo: mistakes in the person's own input exit 2 with a
// sentence saying what to fix, and --json still prints one object.
func TestProbeInputExitsTwo(t *testing.T) {
	for _, args := range [][]string{
		{"--json", "rtsp://admin:s3cret@cam:99999/x"},
		{"--json", "--transport", "carrier-pigeon", "rtsp://cam/x"},
		{"--json", "--transport", "http", "--proxy", "proxy-without-scheme", "rtsp://cam/x"},
		{"--json", "cam/x"},
	} {
		var out, errOut bytes.Buffer
		if rc := runProbe(args, &out, &errOut); rc != 2 {
			t.Errorf("%v: exit %d, want 2", args, rc)
		}
		var res probeResult
		if err := json.Unmarshal(out.Bytes(), &res); err != nil || res.ErrorKind != "input" || !strings.HasPrefix(res.Error, "Check the ") {
			t.Errorf("%v: %q (%v)", args, out.String(), err)
		}
		if strings.Contains(out.String()+errOut.String(), "s3cret") {
			t.Errorf("%v: password in the output", args)
		}
	}
}
