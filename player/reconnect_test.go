package player

import (
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/demo"
)

// TestReconnectAfterServerRestart kills the server mid-stream and starts a
// new one on the same address: the stream must say it is reconnecting and
// then play again, with frames flowing.
func TestReconnectAfterServerRestart(t *testing.T) {
	srv, err := demo.Start(demo.Config{})
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimSuffix(strings.TrimPrefix(srv.URL(), "rtsp://"), "/demo")
	states := make(chan State, 64)
	s := Start(Config{URL: srv.URL(), Transport: TransportTCP, Reconnect: true, MediaTimeout: 2 * time.Second,
		OnStatus: func(st Status) {
			select {
			case states <- st.State:
			default:
			}
		}})
	defer s.Close()
	waitState := func(want State, limit time.Duration) {
		t.Helper()
		deadline := time.After(limit)
		for {
			select {
			case st := <-states:
				if st == want {
					return
				}
			case <-deadline:
				t.Fatalf("no %v within %v (status %+v)", want, limit, s.Status())
			}
		}
	}
	waitState(StatePlaying, 10*time.Second)
	srv.Close()
	waitState(StateReconnecting, 5*time.Second)
	before := s.Stats().FramesShown
	srv2, err := demo.Start(demo.Config{Addr: addr})
	if err != nil {
		t.Fatal(err)
	}
	defer srv2.Close()
	waitState(StatePlaying, 15*time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for s.Stats().FramesShown < before+10 {
		if time.Now().After(deadline) {
			t.Fatalf("no frames after reconnecting: %+v", s.Stats())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if s.Stats().Reconnects < 1 {
		t.Fatalf("reconnects %d", s.Stats().Reconnects)
	}
}
