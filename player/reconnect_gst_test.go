package player

import (
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// restartLog records a stream's statuses and pictures with their times.
type restartLog struct {
	mu       sync.Mutex
	statuses []timedStatus
	frames   []time.Time
	changed  chan struct{}
}

type timedStatus struct {
	at time.Time
	st Status
}

func newRestartLog() *restartLog { return &restartLog{changed: make(chan struct{}, 1)} }

func (l *restartLog) onStatus(st Status) {
	l.mu.Lock()
	l.statuses = append(l.statuses, timedStatus{time.Now(), st})
	l.mu.Unlock()
	l.poke()
}

func (l *restartLog) onFrame() {
	l.mu.Lock()
	l.frames = append(l.frames, time.Now())
	l.mu.Unlock()
	l.poke()
}

func (l *restartLog) poke() {
	select {
	case l.changed <- struct{}{}:
	default:
	}
}

// waitFor polls cond (under the log's lock) on every change, for at most
// limit.
func (l *restartLog) waitFor(t *testing.T, what string, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for {
		l.mu.Lock()
		ok := cond()
		l.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-l.changed:
		case <-time.After(50 * time.Millisecond):
		case <-deadline.C:
			t.Fatalf("no %s within %v; statuses:\n%s", what, limit, l.dump())
		}
	}
}

// framesAfter counts pictures shown after at. Call with mu held.
func (l *restartLog) framesAfter(at time.Time) (n int, first time.Time) {
	for _, f := range l.frames {
		if f.After(at) {
			if n == 0 {
				first = f
			}
			n++
		}
	}
	return n, first
}

// tries returns when each reconnect try began (its "Reconnecting (n)…"
// connect status), after at. Call with mu held.
func (l *restartLog) tries(at time.Time) []time.Time {
	var out []time.Time
	for _, s := range l.statuses {
		if s.at.After(at) && s.st.State == StateConnecting && strings.HasPrefix(s.st.Text, "Reconnecting (") {
			out = append(out, s.at)
		}
	}
	return out
}

func (l *restartLog) dump() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	t0 := time.Time{}
	if len(l.statuses) > 0 {
		t0 = l.statuses[0].at
	}
	for _, s := range l.statuses {
		fmt.Fprintf(&b, "  %6.2fs %v %q\n", s.at.Sub(t0).Seconds(), s.st.State, s.st.Text)
	}
	return b.String()
}

// TestReconnectAfterGstRestart kills gst-rtsp-server mid-stream and starts
// it again on the same port 5 s later, as when a camera's RTSP process
// crashes and comes back. The stream must say "Reconnecting (n)…", try at
// most 10 s apart, show a picture again within 3 s of the server's return,
// stop trying on Close, and leave no goroutine behind.
func TestReconnectAfterGstRestart(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // after the server's cleanup
	gst := rtsptest.StartGstServer(t, rtsptest.GstOptions{Width: 640, Height: 360})

	log := newRestartLog()
	s := Start(Config{URL: gst.URL, Transport: TransportTCP, Reconnect: true,
		Timeout: 3 * time.Second, MediaTimeout: 2 * time.Second,
		OnStatus: log.onStatus, OnFrame: log.onFrame})
	closed := false
	defer func() {
		if !closed {
			s.Close()
		}
	}()
	log.waitFor(t, "10 pictures", 15*time.Second, func() bool { n, _ := log.framesAfter(time.Time{}); return n >= 10 })

	const outage = 5 * time.Second
	killed := time.Now()
	gst.Kill()
	log.waitFor(t, `"Reconnecting (1)…"`, 5*time.Second, func() bool {
		for _, st := range log.statuses {
			if st.at.After(killed) && st.st.State == StateReconnecting && strings.HasPrefix(st.st.Text, "Reconnecting (1)…") {
				return true
			}
		}
		return false
	})
	if st := s.Status(); st.State == StatePlaying {
		t.Fatalf("status %+v while the server is down", st)
	}
	time.Sleep(time.Until(killed.Add(outage)))
	gst.Restart() // returns once it listens again
	back := time.Now()

	log.waitFor(t, "a picture after the server came back", 10*time.Second, func() bool { n, _ := log.framesAfter(back); return n >= 1 })
	log.mu.Lock()
	_, first := log.framesAfter(back)
	tries := log.tries(killed)
	log.mu.Unlock()
	recovery := first.Sub(back)
	var gaps []string
	prev := killed
	for _, at := range tries {
		gaps = append(gaps, at.Sub(prev).Round(10*time.Millisecond).String())
		if d := at.Sub(prev); d > 10*time.Second+500*time.Millisecond {
			t.Errorf("%v between tries, the bound is 10 s", d)
		}
		prev = at
	}
	// The try that found the server up is the last one before the picture:
	// from it to the picture is the cost of a connect, the rest of the
	// recovery is waiting for the next try.
	var connect time.Duration
	for _, at := range tries {
		if at.Before(first) {
			connect = first.Sub(at)
		}
	}
	t.Logf("server back %v after the kill; first new picture %v after it came back (%v of it from the try that reached it); tries after the kill at gaps %v",
		back.Sub(killed).Round(time.Millisecond), recovery.Round(time.Millisecond), connect.Round(time.Millisecond), gaps)
	if recovery > 3*time.Second {
		t.Errorf("picture back %v after the server returned, want <= 3s; statuses:\n%s", recovery, log.dump())
	}
	log.waitFor(t, "Playing again", 5*time.Second, func() bool {
		return len(log.statuses) > 0 && log.statuses[len(log.statuses)-1].st.State == StatePlaying
	})
	if st := s.Stats(); st.Reconnects < 1 {
		t.Errorf("Reconnects %d after a reconnect", st.Reconnects)
	}
	// A new outage starts counting again at 1, not where the last ended.
	killed = time.Now()
	gst.Kill()
	log.waitFor(t, `"Reconnecting (2)…" of the second outage`, 10*time.Second, func() bool {
		return len(log.tries(killed)) >= 2
	})
	log.mu.Lock()
	var texts []string
	for _, st := range log.statuses {
		if st.at.After(killed) && st.st.State == StateConnecting {
			texts = append(texts, st.st.Text)
		}
	}
	log.mu.Unlock()
	if len(texts) < 2 || !strings.HasPrefix(texts[0], "Reconnecting (1)…") || !strings.HasPrefix(texts[1], "Reconnecting (2)…") {
		t.Errorf("second outage's tries %q, want Reconnecting (1)…, (2)…", texts)
	}

	// Close while waiting to retry: it returns at once, and nothing knocks
	// on the port afterwards.
	start := time.Now()
	s.Close()
	closed = true
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v while reconnecting", d)
	}
	if st := s.Status(); st.State != StateClosed {
		t.Errorf("status %+v after Close", st)
	}
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", gst.Port))
	if err != nil {
		t.Fatalf("listen on the server's port after Close: %v", err)
	}
	defer ln.Close()
	knocked := make(chan struct{}, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			c.Close()
			knocked <- struct{}{}
		}
	}()
	select {
	case <-knocked:
		t.Errorf("a connection came after Close")
	case <-time.After(3 * time.Second): // longer than the retry wait for a refused port
	}
}

// TestRetryWaitBounded: the waits between tries grow from about 0.5 s,
// never pass 10 s however long the outage, and stop at 2 s while the port
// refuses (a server restarting); each is drawn within half to one and a
// half times its step.
func TestRetryWaitBounded(t *testing.T) {
	steps := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	for try := 1; try <= 200; try++ {
		step := steps[min(try, len(steps))-1]
		d := retryWait(try, KindTimeout)
		if d < step/2 || d > min(step*3/2, 10*time.Second) {
			t.Fatalf("try %d waits %v, want %v ± half, at most 10 s", try, d, step)
		}
		refusedStep := min(step, 2*time.Second)
		if r := retryWait(try, KindRefused); r < refusedStep/2 || r > 2*time.Second {
			t.Fatalf("try %d waits %v on a refused port, want %v ± half, at most 2 s", try, r, refusedStep)
		}
	}
}

// TestTilesOfOneRecorderDoNotRetryInStep: 16 streams that lose their
// server in the same instant (a recorder restarting) do not all try again
// within the same 100 ms.
func TestTilesOfOneRecorderDoNotRetryInStep(t *testing.T) {
	url := fmt.Sprintf("rtsp://127.0.0.1:%d/cam", rtsptest.ClosedPort(t))
	const n = 16
	var mu sync.Mutex
	var second []time.Time // when each stream began its second try
	done := make(chan struct{})
	var streams []*Stream
	for range n {
		streams = append(streams, Start(Config{URL: url, Transport: TransportTCP, Reconnect: true, OnStatus: func(st Status) {
			if st.State != StateReconnecting || !strings.HasPrefix(st.Text, "Reconnecting (2)") {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			second = append(second, time.Now())
			if len(second) == n {
				close(done)
			}
		}}))
	}
	defer func() {
		for _, s := range streams {
			s.Close()
		}
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("not every stream retried within 30 s")
	}
	mu.Lock()
	defer mu.Unlock()
	slices.SortFunc(second, func(a, b time.Time) int { return a.Compare(b) })
	if spread := second[n-1].Sub(second[0]); spread < 100*time.Millisecond {
		t.Fatalf("16 streams retried within %v of each other", spread)
	}
}
