package rtsp

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestStatusErrorKinds(t *testing.T) {
	for _, tc := range []struct {
		code int
		want error
	}{
		{401, ErrUnauthorized}, {403, ErrUnauthorized}, {407, ErrUnauthorized},
		{404, ErrNotFound}, {410, ErrNotFound},
		{461, ErrTransportUnsupported},
		{408, ErrTimeout}, {504, ErrTimeout},
		{453, ErrUnavailable}, {454, ErrUnavailable},
		{500, ErrUnavailable}, {501, ErrUnavailable}, {502, ErrUnavailable}, {503, ErrUnavailable}, {551, ErrUnavailable},
		{400, ErrProtocol}, {451, ErrProtocol}, {455, ErrProtocol},
	} {
		err := fmt.Errorf("DESCRIBE: %w", &StatusError{Method: "DESCRIBE", Code: tc.code})
		if !errors.Is(err, tc.want) {
			t.Errorf("%d: want %v, got %v", tc.code, tc.want, errors.Unwrap(err))
		}
	}
	if StatusText(503) != "Service Unavailable" || StatusText(299) != "" {
		t.Fatal("StatusText")
	}
}

// TestServerErrorAnswers plays the answers a busy camera or a
// gst-rtsp-server that cannot build its pipeline gives to DESCRIBE.
func TestServerErrorAnswers(t *testing.T) {
	for _, tc := range []struct {
		code   int
		reason string
		want   error
	}{
		{503, "Service Unavailable", ErrUnavailable},
		{453, "Not Enough Bandwidth", ErrUnavailable},
		{500, "Internal Server Error", ErrUnavailable},
		{454, "Session Not Found", ErrUnavailable},
		{451, "Parameter Not Understood", ErrProtocol},
	} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			addr, _ := scripted(t, func(m, cseq string, n int) string {
				if m == "OPTIONS" {
					return "RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n"
				}
				return fmt.Sprintf("RTSP/1.0 %d %s\r\nCSeq: %s\r\n\r\n", tc.code, tc.reason, cseq)
			})
			err := describeOnce(t, "rtsp://"+addr+"/s", Config{})
			var se *StatusError
			if !errors.Is(err, tc.want) || !errors.As(err, &se) || se.Code != tc.code {
				t.Fatalf("want %v carrying %d, got %v", tc.want, tc.code, err)
			}
		})
	}
}

func TestNoCredentialsIsItsOwnCase(t *testing.T) {
	addr, _ := scripted(t, func(m, cseq string, n int) string {
		return "RTSP/1.0 401 Unauthorized\r\nCSeq: " + cseq + "\r\nWWW-Authenticate: Basic realm=\"cam\"\r\n\r\n"
	})
	err := describeOnce(t, "rtsp://"+addr+"/s", Config{})
	if !errors.Is(err, ErrUnauthorized) || !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("no credentials: got %v", err)
	}
	err = describeOnce(t, "rtsp://u:wrong@"+addr+"/s", Config{})
	if !errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrNoCredentials) {
		t.Fatalf("wrong credentials: got %v", err)
	}
}

func TestInputErrors(t *testing.T) {
	for _, tc := range []struct {
		err   error
		field string
	}{
		{func() error { _, err := ParseURL("http://cam/s"); return err }(), "address"},
		{func() error { _, err := ParseTransport("carrier-pigeon"); return err }(), "transport"},
	} {
		var ie *InputError
		if !errors.Is(tc.err, ErrInput) || !errors.As(tc.err, &ie) || ie.Field != tc.field {
			t.Errorf("want an InputError for %s, got %v", tc.field, tc.err)
		}
	}
}

// TestDebugLogHasNoCredentials: the debug log names requests and answers
// but never the password, nor what went in the Authorization header.
func TestDebugLogHasNoCredentials(t *testing.T) {
	addr, _ := scripted(t, func(m, cseq string, n int) string {
		return "RTSP/1.0 401 Unauthorized\r\nCSeq: " + cseq + "\r\nWWW-Authenticate: Basic realm=\"cam\"\r\n\r\n"
	})
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	_ = describeOnce(t, "rtsp://admin:s3cret-pw@"+addr+"/s", Config{Logger: log})
	out := buf.String()
	// Basic's header is base64("admin:s3cret-pw").
	for _, secret := range []string{"s3cret-pw", base64.StdEncoding.EncodeToString([]byte("admin:s3cret-pw")), "Basic "} {
		if strings.Contains(out, secret) {
			t.Fatalf("debug log holds %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "rtsp: answer") || !strings.Contains(out, "status=401") {
		t.Fatalf("debug log lacks the answers:\n%s", out)
	}
}
