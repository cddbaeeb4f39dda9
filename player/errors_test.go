package player

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/rtsp"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

func TestSentences(t *testing.T) {
	status := func(code int) error {
		return fmt.Errorf("DESCRIBE: %w", &rtsp.StatusError{Method: "DESCRIBE", Code: code, Reason: "anything the server likes"})
	}
	_, badURL := rtsp.ParseURL("rtsp://cam:99999/s")
	_, badTransport := ParseTransport("carrier-pigeon")
	for _, tc := range []struct {
		err  error
		kind ErrorKind
		want string
	}{
		{status(503), KindUnavailable, "The camera is busy or cannot start this stream (503 Service Unavailable)."},
		{status(500), KindUnavailable, "The camera is busy or cannot start this stream (500 Internal Server Error)."},
		{status(453), KindUnavailable, "(453 Not Enough Bandwidth)."},
		{status(454), KindUnavailable, "(454 Session Not Found)."},
		{status(451), KindProtocol, "The camera turned down the DESCRIBE request (451 Parameter Not Understood)."},
		{status(401), KindUnauthorized, "Camera refused the password."},
		{fmt.Errorf("DESCRIBE: %w", errors.Join(rtsp.ErrUnauthorized, rtsp.ErrNoCredentials)), KindUnauthorized, "The camera wants a username and password."},
		{badURL, KindInput, `Check the address: port "99999" is not a number from 1 to 65535.`},
		{badTransport, KindInput, `Check the transport: "carrier-pigeon" is not one of auto, udp, tcp, http or https.`},
		{CheckInput(Config{URL: "rtsp://cam/s", Proxy: "http://user:pw@"}), KindInput, "Check the proxy: it must look like http://host:port."},
		{CheckInput(Config{URL: "rtsp://cam/s", Proxy: "https://user:pw@proxy:3128"}), KindInput, "Check the proxy: an https:// proxy (TLS to the proxy) is not supported; give its plain http:// address."},
		{fmt.Errorf("garbage: %w", rtsp.ErrProtocol), KindProtocol, "answered something this viewer does not understand."},
	} {
		if got := Classify(tc.err); got != tc.kind {
			t.Errorf("%v: kind %s, want %s", tc.err, got, tc.kind)
		}
		if got := Sentence(tc.err, "rtsp://cam/s"); !strings.HasSuffix(got, tc.want) {
			t.Errorf("%v: sentence %q, want …%q", tc.err, got, tc.want)
		}
	}
	if s := Sentence(CheckInput(Config{URL: "rtsp://cam/s", Proxy: "ftp://user:pw@x"}), ""); strings.Contains(s, "pw") {
		t.Errorf("proxy password in %q", s)
	}
}

// statusServer answers OPTIONS with 200 and everything else with code, as a
// camera at its client limit (503) or a gst-rtsp-server that cannot build
// its pipeline does.
func statusServer(t *testing.T, code int, reason string) string {
	return rtsptest.ScriptedServer(t, func(c net.Conn) {
		br := bufio.NewReader(c)
		for i := 0; i < 20; i++ {
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			cseq := ""
			for {
				l, err := br.ReadString('\n')
				if err != nil {
					return
				}
				if l = strings.TrimSpace(l); l == "" {
					break
				}
				if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "CSeq") {
					cseq = strings.TrimSpace(v)
				}
			}
			ans := fmt.Sprintf("RTSP/1.0 %d %s\r\nCSeq: %s\r\n\r\n", code, reason, cseq)
			if strings.HasPrefix(line, "OPTIONS ") {
				ans = "RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY\r\n\r\n"
			}
			if _, err := c.Write([]byte(ans)); err != nil {
				return
			}
		}
	})
}

func TestStreamServerErrors(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	for _, tc := range []struct {
		code   int
		reason string
	}{{503, "Service Unavailable"}, {453, "Not Enough Bandwidth"}, {500, "Internal Server Error"}} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			addr := statusServer(t, tc.code, tc.reason)
			_, st, _ := playFrames(t, Config{URL: "rtsp://" + addr + "/cam", Transport: TransportTCP}, 1, 10*time.Second)
			if st.State != StateFailed || st.Kind != KindUnavailable || !strings.Contains(st.Text, fmt.Sprint(tc.code)) {
				t.Fatalf("status %+v", st)
			}
		})
	}
	t.Run("retried when reconnecting", func(t *testing.T) {
		// The camera may free a slot: unavailable is worth another try.
		addr := statusServer(t, 503, "Service Unavailable")
		got := make(chan Status, 8)
		s := Start(Config{URL: "rtsp://" + addr + "/cam", Transport: TransportTCP, Reconnect: true,
			OnStatus: func(st Status) {
				select {
				case got <- st:
				default:
				}
			}})
		defer s.Close()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case st := <-got:
				if st.State == StateFailed {
					t.Fatalf("gave up: %+v", st)
				}
				if st.State == StateReconnecting {
					if st.Kind != KindUnavailable {
						t.Fatalf("%+v", st)
					}
					return
				}
			case <-deadline:
				t.Fatal("no reconnect")
			}
		}
	})
}

// TestInputErrorsFailAtOnce: a mistake in the address or the proxy is
// reported before anything is dialled and never retried.
func TestInputErrorsFailAtOnce(t *testing.T) {
	for name, cfg := range map[string]Config{
		"bad port":   {URL: "rtsp://127.0.0.1:99999/s", Reconnect: true},
		"no scheme":  {URL: "127.0.0.1/s", Reconnect: true},
		"bad proxy":  {URL: "rtsp://127.0.0.1:1/s", Proxy: "proxy:3128", Transport: TransportHTTP, Reconnect: true},
		"empty host": {URL: "rtsp://:554/s", Reconnect: true},
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, st, _ := playFrames(t, cfg, 1, 5*time.Second)
			if st.State != StateFailed || st.Kind != KindInput || !strings.HasPrefix(st.Text, "Check the ") {
				t.Fatalf("status %+v", st)
			}
			if d := time.Since(start); d > time.Second {
				t.Fatalf("took %v", d)
			}
		})
	}
}

// TestStatsNeverCountFramesWithoutPackets: probe --frames 1 once reported
// a decoded frame and no packets; the snapshot must hold them together.
func TestStatsNeverCountFramesWithoutPackets(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{})
	for round := 0; round < 8; round++ {
		stats, st, _ := playFrames(t, Config{URL: srv.URL(), Transport: TransportTCP}, 1, 15*time.Second)
		// The first picture may come before the attempt turns Playing.
		if st.State == StateFailed {
			t.Fatalf("round %d: %+v", round, st)
		}
		if stats.FramesShown > 0 && stats.PacketsReceived == 0 {
			t.Fatalf("round %d: %d frames decoded from 0 packets", round, stats.FramesShown)
		}
	}
}

// TestStateStringNeverPanics: a state this version does not know (from a
// newer caller, or a zeroed field read wrong) prints its number.
func TestStateStringNeverPanics(t *testing.T) {
	for s, want := range map[State]string{StateConnecting: "connecting", StateEnded: "ended", State(42): "State(42)", State(-1): "State(-1)"} {
		if got := s.String(); got != want {
			t.Errorf("State(%d).String() = %q, want %q", int(s), got, want)
		}
	}
}
