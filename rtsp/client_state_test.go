package rtsp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// closingServer answers OPTIONS, DESCRIBE and SETUP like a camera and
// closes the connection right after writing the SETUP answer, the way a
// camera that reaches its client limit (or crashes) mid-handshake does.
// UDP SETUPs get server ports that nothing listens on.
func closingServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				serveUntilSetup(c)
			}()
		}
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	return ln.Addr().String()
}

func serveUntilSetup(c net.Conn) {
	const sdp = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:track1\r\n"
	br := bufio.NewReader(c)
	for i := 0; i < 10; i++ { // a handshake is three requests; bound the loop anyway
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		method := strings.Fields(line)[0]
		hdr := map[string]string{}
		for {
			l, err := br.ReadString('\n')
			if err != nil {
				return
			}
			if l = strings.TrimSpace(l); l == "" {
				break
			}
			k, v, _ := strings.Cut(l, ":")
			hdr[strings.ToLower(k)] = strings.TrimSpace(v)
		}
		resp := "RTSP/1.0 200 OK\r\nCSeq: " + hdr["cseq"] + "\r\n"
		switch method {
		case "OPTIONS":
			resp += "Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n"
		case "DESCRIBE":
			resp += fmt.Sprintf("Content-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s", len(sdp), sdp)
		case "SETUP":
			tr := hdr["transport"]
			if i := strings.Index(tr, "client_port="); i >= 0 {
				resp += "Transport: RTP/AVP;unicast;" + tr[i:] + ";server_port=9-10\r\n"
			} else {
				resp += "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n"
			}
			resp += "Session: 1234\r\n\r\n"
			_, _ = c.Write([]byte(resp))
			return // and close: the answer and the FIN arrive together
		default:
			resp += "\r\n"
		}
		if _, err := c.Write([]byte(resp)); err != nil {
			return
		}
	}
}

// TestCloseRightAfterSetup is the race of a server that closes right after
// answering SETUP: the client fails while Setup is on its way to adding the
// track. Close must still return (no UDP read loop left blocked on an open
// socket), and no goroutine may outlive it.
func TestCloseRightAfterSetup(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // after the server's cleanup
	addr := closingServer(t)
	for _, tr := range []Transport{TransportUDP, TransportTCP} {
		t.Run(tr.String(), func(t *testing.T) {
			// The window is a few microseconds wide; enough rounds hit it
			// on most runs if the closed-check is missing, and each round is
			// bounded.
			for round := 0; round < 25; round++ {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				c, err := Dial(ctx, "rtsp://"+addr+"/s", Config{Transport: tr, Timeout: 3 * time.Second})
				if err != nil {
					cancel()
					t.Fatal(err)
				}
				d, err := c.Describe(ctx)
				if err != nil {
					cancel()
					c.Close()
					t.Fatal(err)
				}
				setupErr := c.Setup(ctx, d.Tracks[0])
				if setupErr != nil && !errors.Is(setupErr, ErrClosed) {
					t.Errorf("round %d: SETUP failed with %v, want success or ErrClosed", round, setupErr)
				}
				<-c.Done() // the server has closed: the client notices
				if st := c.State(); st != StateClosed {
					t.Errorf("round %d: state %v after the server closed", round, st)
				}
				// PLAY on a dead client names why it died, not the order.
				if err := c.Play(ctx); !errors.Is(err, ErrClosed) {
					t.Errorf("round %d: PLAY after close: %v, want ErrClosed", round, err)
				}
				closed := make(chan struct{})
				go func() { c.Close(); close(closed) }()
				select {
				case <-closed:
				case <-time.After(3 * time.Second):
					cancel()
					t.Fatalf("round %d: Close hung after the server closed right after SETUP", round)
				}
				cancel()
			}
		})
	}
}

// TestClientStateOrder checks that calls out of order are refused with a
// *StateError naming the state, and that PLAY cannot run twice (which
// would start a second keepalive loop).
func TestClientStateOrder(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // after the server's cleanup
	s := startSessionServer(t, "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN", 60)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := Dial(ctx, "rtsp://"+s.ln.Addr().String()+"/s", Config{Transport: TransportTCP})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	wantState := func(step string, err error, state ClientState) {
		t.Helper()
		var se *StateError
		if !errors.As(err, &se) || !errors.Is(err, ErrInvalidState) || se.State != state {
			t.Fatalf("%s: got %v, want a *StateError in state %v", step, err, state)
		}
	}
	if got := c.State(); got != StateInitial {
		t.Fatalf("state after Dial: %v", got)
	}
	wantState("PLAY before SETUP", c.Play(ctx), StateInitial)
	wantState("SETUP before DESCRIBE", c.Setup(ctx, Track{Control: "rtsp://" + s.ln.Addr().String() + "/s/track1"}), StateInitial)
	d, err := c.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantState("PLAY before SETUP", c.Play(ctx), StateDescribed)
	if err := c.Setup(ctx, d.Tracks[0]); err != nil {
		t.Fatal(err)
	}
	if got := c.State(); got != StateSetUp {
		t.Fatalf("state after SETUP: %v", got)
	}
	if err := c.Play(ctx); err != nil {
		t.Fatal(err)
	}
	wantState("second PLAY", c.Play(ctx), StatePlaying)
	_, err = c.Describe(ctx)
	wantState("DESCRIBE while playing", err, StatePlaying)
	if err := c.Options(ctx); err != nil {
		t.Fatalf("OPTIONS while playing: %v", err)
	}
	if got := c.State().String(); got != "playing" {
		t.Fatalf("State().String() = %q", got)
	}
	c.Close()
	if got := c.State(); got != StateClosed {
		t.Fatalf("state after Close: %v", got)
	}
	if err := c.Options(ctx); !errors.Is(err, ErrClosed) {
		t.Fatalf("OPTIONS after Close: %v", err)
	}
}
