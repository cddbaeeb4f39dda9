package player

import (
	"errors"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// pictureLog records the play time of every picture shown, as the decoder
// publishes it.
type pictureLog struct {
	s  atomic.Pointer[Stream]
	mu sync.Mutex
	at []shownPicture
}

type shownPicture struct {
	when time.Time
	npt  time.Duration // the player's position
	code int           // the frame number the picture shows (FrameCode clips), -1 unknown
}

// content is the moment of the clip the picture shows, at 25 fps.
func (p shownPicture) content() time.Duration { return time.Duration(p.code) * 40 * time.Millisecond }

func (l *pictureLog) onFrame() {
	s := l.s.Load()
	if s == nil {
		return
	}
	// Stats after the picture: OnFrame runs once the position is set.
	st := s.Stats()
	shown := shownPicture{when: time.Now(), npt: st.Position, code: -1}
	if img, _, _ := s.Frame(); img != nil {
		if n, ok := rtsptest.ReadFrameCode(img.Pix, img.Stride, img.Rect.Dx(), img.Rect.Dy()); ok {
			shown.code = n
		}
	}
	l.mu.Lock()
	l.at = append(l.at, shown)
	l.mu.Unlock()
}

// since returns the pictures shown after t.
func (l *pictureLog) since(t time.Time) []shownPicture {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []shownPicture
	for _, p := range l.at {
		if !p.when.Before(t) {
			out = append(out, p)
		}
	}
	return out
}

// waitPicture waits up to limit for a picture shown after t.
func (l *pictureLog) waitPicture(t *testing.T, after time.Time, limit time.Duration) shownPicture {
	t.Helper()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if p := l.since(after); len(p) > 0 {
			return p[0]
		}
	}
	t.Fatalf("no picture within %v", limit)
	return shownPicture{}
}

// waitPictures waits up to limit for n pictures shown after t and
// returns them.
func (l *pictureLog) waitPictures(t *testing.T, after time.Time, n int, limit time.Duration) []shownPicture {
	t.Helper()
	for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if p := l.since(after); len(p) >= n {
			return p
		}
	}
	t.Fatalf("%d pictures of %d within %v", len(l.since(after)), n, limit)
	return nil
}

func startLogged(t *testing.T, cfg Config) (*Stream, *pictureLog) {
	l := &pictureLog{}
	cfg.OnFrame = l.onFrame
	s := Start(cfg)
	l.s.Store(s)
	t.Cleanup(s.Close)
	return s, l
}

func secs(d time.Duration) float64 { return d.Seconds() }

// settled is how many pictures make playback steady: about 300 ms of the
// test clips' 25 fps. A seek's check watches this many pictures after the
// first for one from before the seek.
const settled = 8

// TestSeekGst plays a 20 s recording served by gst-rtsp-server from 12 s,
// seeks back to 3 s while playing, pauses for 2 s and resumes, over TCP
// and UDP; every position is read from RTP-Info and RTP timestamps.
func TestSeekGst(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // after the server's cleanup
	clip := rtsptest.MakeClip(t, rtsptest.ClipOptions{FrameCode: true})
	url := rtsptest.StartGst(t, rtsptest.GstOptions{File: clip, Path: "/vod"})
	// near checks the player's position against what the picture shows.
	near := func(t *testing.T, what string, p shownPicture) {
		t.Helper()
		if p.code < 0 || p.npt-p.content() > 200*time.Millisecond || p.content()-p.npt > 200*time.Millisecond {
			t.Fatalf("%s: position %v but the picture shows frame %d (%v)", what, p.npt, p.code, p.content())
		}
	}
	for _, tr := range []Transport{TransportTCP, TransportUDP} {
		t.Run(tr.String(), func(t *testing.T) {
			s, l := startLogged(t, Config{URL: url, Transport: tr, Start: 12 * time.Second})
			first := l.waitPicture(t, time.Time{}, 10*time.Second)
			st := s.Stats()
			if !st.Seekable || st.Live || st.Duration < 19500*time.Millisecond || st.Duration > 20500*time.Millisecond {
				t.Fatalf("seekable %v live %v duration %v; want a 20 s recording", st.Seekable, st.Live, st.Duration)
			}
			if !st.HasStartNPT || st.StartNPT < 11*time.Second || st.StartNPT > 13*time.Second {
				t.Fatalf("start_npt %v (have %v); want 11..13 s", st.StartNPT, st.HasStartNPT)
			}
			near(t, "first picture", first)
			t.Logf("%s: start 12 s: first picture at npt %.3f s (frame %d), %v after start", tr, secs(first.npt), first.code, st.FirstFrameTime)
			// Seeks from steady play, not from the connect's first picture.
			l.waitPictures(t, first.when, settled, 3*time.Second)

			// Ten seeks back and forth; the first picture after each is
			// near its target and no picture from before follows it.
			var lat []time.Duration
			for i := range 10 {
				to := 3 * time.Second
				if i%2 == 1 {
					to = 9 * time.Second
				}
				asked := time.Now()
				if err := s.Seek(to); err != nil {
					t.Fatalf("seek %d to %v: %v", i, to, err)
				}
				p := l.waitPicture(t, asked, 3*time.Second)
				lat = append(lat, p.when.Sub(asked))
				near(t, "first picture after a seek", p)
				// Over UDP on a loaded machine the first GOP's packets
				// may be lost (the socket buffer overflows while the CPU
				// is elsewhere; seen at load 11 under -race): the first
				// picture then comes from the next keyframe, a GOP (1 s)
				// later.
				late := time.Second
				if tr == TransportUDP {
					late = 2*time.Second + 100*time.Millisecond
				}
				if p.npt < to-time.Second || p.npt > to+late {
					t.Fatalf("seek %d to %v: first picture at %v", i, to, p.npt)
				}
				for _, q := range l.waitPictures(t, p.when, settled, 3*time.Second) {
					if q.npt < to-time.Second || q.npt > to+2*time.Second {
						t.Fatalf("seek %d to %v: a picture at %v followed (from before the seek?)", i, to, q.npt)
					}
				}
			}
			sorted := slices.Clone(lat)
			slices.Sort(sorted)
			t.Logf("%s: seek to first picture: median %v, min %v, max %v (all %v); Stats.SeekFirstPicture %v",
				tr, sorted[len(sorted)/2], sorted[0], sorted[len(sorted)-1], lat, s.Stats().SeekFirstPicture)

			// Pause holds the same picture for 2 s; resume moves it on.
			// Pause returns with PAUSE answered and the last picture
			// before it shown (and logged).
			if err := s.Pause(); err != nil {
				t.Fatal(err)
			}
			hold := time.Now()
			pausedAt := s.Stats().Position
			l.mu.Lock()
			last := l.at[len(l.at)-1]
			l.mu.Unlock()
			time.Sleep(2 * time.Second)
			if shown := l.since(hold); len(shown) > 0 {
				t.Fatalf("%d pictures shown while paused, the first at %v", len(shown), shown[0].npt)
			}
			if st := s.Status(); st.State != StatePaused || !s.Stats().Paused {
				t.Fatalf("status while paused: %+v", st)
			}
			resumed := time.Now()
			if err := s.Resume(); err != nil {
				t.Fatal(err)
			}
			p := l.waitPicture(t, resumed, 3*time.Second)
			t.Logf("%s: paused on frame %d at %v; resumed on frame %d at %v", tr, last.code, last.npt, p.code, p.npt)
			near(t, "first picture after resume", p)
			if p.code < last.code || p.code > last.code+25 {
				t.Fatalf("resumed on frame %d after pausing on frame %d", p.code, last.code)
			}
			waitStats(t, s, 3*time.Second, "position moving on after resume", func(x Stats) bool { return x.Position > pausedAt })
			t.Logf("%s: paused at %.3f s, resumed at %.3f s after %v", tr, secs(pausedAt), secs(p.npt), p.when.Sub(resumed))

			if err := s.Seek(30 * time.Second); !errors.Is(err, ErrBeyondEnd) {
				t.Fatalf("seek past the end: %v", err)
			}
		})
	}
}

// TestSeekGstEnd plays the last second of a recording: the stream ends
// (RTCP BYE or silence at the end of the range) without failing, and a
// seek plays it again.
func TestSeekGstEnd(t *testing.T) {
	clip := rtsptest.MakeClip(t, rtsptest.ClipOptions{Length: 4 * time.Second})
	url := rtsptest.StartGst(t, rtsptest.GstOptions{File: clip, Path: "/vod"})
	s, l := startLogged(t, Config{URL: url, Transport: TransportTCP, Start: 3 * time.Second})
	l.waitPicture(t, time.Time{}, 10*time.Second)
	for end := time.Now().Add(8 * time.Second); s.Status().State != StateEnded; time.Sleep(50 * time.Millisecond) {
		if st := s.Status(); st.State == StateFailed || time.Now().After(end) {
			t.Fatalf("status %+v; want ended", st)
		}
	}
	if !s.Stats().Ended {
		t.Fatal("Stats.Ended false after StateEnded")
	}
	asked := time.Now()
	if err := s.Seek(time.Second); err != nil {
		t.Fatal(err)
	}
	p := l.waitPicture(t, asked, 3*time.Second)
	if p.npt < 0 || p.npt > 2*time.Second {
		t.Fatalf("replay from 1 s shows %v", p.npt)
	}
}

// TestStartBeyondEndGst: a start past the end fails at once, with a
// sentence, and is no reason to retry.
func TestStartBeyondEndGst(t *testing.T) {
	clip := rtsptest.MakeClip(t, rtsptest.ClipOptions{Length: 4 * time.Second})
	url := rtsptest.StartGst(t, rtsptest.GstOptions{File: clip, Path: "/vod"})
	failed := make(chan Status, 1)
	s := Start(Config{URL: url, Transport: TransportTCP, Start: 30 * time.Second, Reconnect: true, OnStatus: func(st Status) {
		if st.State == StateFailed {
			failed <- st
		}
	}})
	defer s.Close()
	select {
	case st := <-failed:
		if !errors.Is(st.Err, ErrBeyondEnd) || st.Kind != KindOutOfRange || st.Text != "Cannot play from 30s: the recording ends at 4s." {
			t.Fatalf("status %+v", st)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no failure for a start past the end")
	}
}

// TestLivePauseGst: a live stream is not seekable, pause freezes the
// picture with the session kept, and resume shows live video again.
func TestLivePauseGst(t *testing.T) {
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 640, Height: 360})
	s, l := startLogged(t, Config{URL: url, Transport: TransportTCP, Start: 5 * time.Second})
	l.waitPicture(t, time.Time{}, 10*time.Second)
	st := s.Stats()
	if st.Seekable || !st.Live || st.Duration != 0 {
		t.Fatalf("live stream: seekable %v live %v duration %v", st.Seekable, st.Live, st.Duration)
	}
	if err := s.Seek(time.Second); !errors.Is(err, ErrNotSeekable) {
		t.Fatalf("seek on live: %v", err)
	}
	if err := s.Pause(); err != nil {
		t.Fatal(err)
	}
	_, seq, _ := s.Frame() // Pause returns with the picture held
	paused := s.Stats().PacketsReceived
	time.Sleep(1500 * time.Millisecond) // a picture that moves in this time is the failure
	if _, seq2, _ := s.Frame(); seq2 != seq {
		t.Fatalf("live picture moved while paused (%d -> %d)", seq, seq2)
	}
	resumed := time.Now()
	if err := s.Resume(); err != nil {
		t.Fatal(err)
	}
	p := l.waitPicture(t, resumed, 5*time.Second)
	// The session was kept: packets go on arriving after the pause. Read
	// as an event, not at one instant: under load the reader goroutine
	// may not have run between two reads of the counter.
	deadline := time.Now().Add(5 * time.Second)
	for s.Stats().PacketsReceived == paused {
		if time.Now().After(deadline) {
			t.Fatal("no packets while paused and after: the session was not kept")
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("live: first picture %v after resume", p.when.Sub(resumed))
}

// TestSeekGortsplib checks the same seeks against gortsplib's server,
// whose RTP-Info lacks seq and rtptime on a first PLAY and after PAUSE:
// the positions still match the pictures, and no picture from before a
// seek follows it.
func TestSeekGortsplib(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) })
	clip := rtsptest.MakeClip(t, rtsptest.ClipOptions{FrameCode: true})
	vod := rtsptest.StartVOD(t, clip, 25)
	s, l := startLogged(t, Config{URL: vod.URL, Transport: TransportTCP, Start: 12 * time.Second})
	first := l.waitPicture(t, time.Time{}, 10*time.Second)
	st := s.Stats()
	if !st.Seekable || st.Duration != 20*time.Second || !st.HasStartNPT || st.StartNPT < 11*time.Second || st.StartNPT > 13*time.Second {
		t.Fatalf("seekable %v duration %v start_npt %v", st.Seekable, st.Duration, st.StartNPT)
	}
	// One frame of slack: the position is the play time of the unit the
	// decoder was fed when the picture came out.
	exact := func(p shownPicture) bool {
		d := p.npt - p.content()
		return p.code >= 0 && d >= -40*time.Millisecond && d <= 40*time.Millisecond
	}
	if !exact(first) {
		t.Fatalf("first picture: position %v, shows frame %d", first.npt, first.code)
	}
	var lat []time.Duration
	for i, to := range []time.Duration{3 * time.Second, 9 * time.Second, 3 * time.Second, 15 * time.Second} {
		asked := time.Now()
		if err := s.Seek(to); err != nil {
			t.Fatalf("seek %d: %v", i, err)
		}
		p := l.waitPicture(t, asked, 3*time.Second)
		lat = append(lat, p.when.Sub(asked))
		if !exact(p) || p.npt < to-time.Second || p.npt > to+time.Second {
			t.Fatalf("seek %d to %v: position %v, shows frame %d (%v)", i, to, p.npt, p.code, p.content())
		}
		for _, q := range l.waitPictures(t, p.when, settled, 3*time.Second) {
			if !exact(q) || q.npt < to-time.Second || q.npt > to+2*time.Second {
				t.Fatalf("seek %d to %v: then position %v showing %v", i, to, q.npt, q.content())
			}
		}
	}
	if err := s.Pause(); err != nil {
		t.Fatal(err)
	}
	hold := time.Now() // Pause returns with the last picture before it shown
	l.mu.Lock()
	last := l.at[len(l.at)-1]
	l.mu.Unlock()
	time.Sleep(time.Second)
	if n := len(l.since(hold)); n > 0 {
		t.Fatalf("%d pictures while paused", n)
	}
	resumed := time.Now()
	if err := s.Resume(); err != nil {
		t.Fatal(err)
	}
	p := l.waitPicture(t, resumed, 3*time.Second)
	if !exact(p) || p.code < last.code || p.code > last.code+25 {
		t.Fatalf("paused on frame %d, resumed at %v showing frame %d", last.code, p.npt, p.code)
	}
	t.Logf("gortsplib: seek to first picture %v; %d PAUSEs answered; resumed on frame %d after frame %d", lat, vod.Pauses(), p.code, last.code)
}

// TestSpeedGst asks gst-rtsp-server for 2×: it answers Scale 1 (measured
// with 1.22), so the stream says the speed was refused and plays on at 1×
// from where it was.
func TestSpeedGst(t *testing.T) {
	clip := rtsptest.MakeClip(t, rtsptest.ClipOptions{Length: 10 * time.Second, FrameCode: true})
	url := rtsptest.StartGst(t, rtsptest.GstOptions{File: clip, Path: "/vod"})
	s, l := startLogged(t, Config{URL: url, Transport: TransportTCP, Start: 4 * time.Second})
	first := l.waitPicture(t, time.Time{}, 10*time.Second)
	l.waitPictures(t, first.when, settled, 3*time.Second)
	asked := time.Now()
	err := s.SetSpeed(2)
	st := s.Stats()
	t.Logf("gst-rtsp-server and Scale 2: %v; speed %v, refused %v", err, st.Speed, st.SpeedRefused)
	if !errors.Is(err, ErrSpeedRefused) || !st.SpeedRefused || st.Speed != 1 {
		t.Fatalf("SetSpeed(2): %v, speed %v refused %v", err, st.Speed, st.SpeedRefused)
	}
	p := l.waitPicture(t, asked, 3*time.Second)
	if p.npt < 3*time.Second || p.npt > 6*time.Second {
		t.Fatalf("after the speed change the picture is at %v", p.npt)
	}
	// "Stays at 1×" means the pictures too, not only the answer: two
	// seconds on, the picture shows about two seconds more of the clip,
	// and the position says the same moment it shows.
	time.Sleep(2 * time.Second)
	pics := l.since(asked)
	last := pics[len(pics)-1]
	t.Logf("2 s after the refused 2x: position %.3f s, picture shows frame %d (%.3f s); first after the change %.3f s",
		secs(last.npt), last.code, secs(last.content()), secs(p.npt))
	if last.code < 0 || last.content()-last.npt > 300*time.Millisecond || last.npt-last.content() > 300*time.Millisecond {
		t.Fatalf("position %v but the picture shows %v", last.npt, last.content())
	}
	if moved := last.content() - p.content(); moved > 3*time.Second {
		t.Fatalf("the clip moved %v in about 2 s after a refused 2x", moved)
	}
}

// TestRecordingResumesWhereItWasAfterReconnect: gst-rtsp-server serving a
// 20 s recording is killed 7 s in and started again; the reconnect asks
// for the place the picture had reached (PLAY's Range), not the start, so
// the first picture after it shows a moment near 7 s of the clip.
func TestRecordingResumesWhereItWasAfterReconnect(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, ignore) }) // after the server's cleanup
	clip := rtsptest.MakeClip(t, rtsptest.ClipOptions{FrameCode: true})
	gst := rtsptest.StartGstServer(t, rtsptest.GstOptions{File: clip, Path: "/vod"})
	s, l := startLogged(t, Config{URL: gst.URL, Transport: TransportTCP, Reconnect: true,
		Timeout: 3 * time.Second, MediaTimeout: 2 * time.Second})
	var last shownPicture
	for end := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if p := l.since(time.Time{}); len(p) > 0 && p[len(p)-1].code >= 0 && p[len(p)-1].content() >= 7*time.Second {
			last = p[len(p)-1]
			break
		}
		if time.Now().After(end) {
			t.Fatalf("the recording did not reach 7 s; status %+v", s.Status())
		}
	}
	gst.Kill()
	killed := time.Now()
	time.Sleep(time.Second)
	gst.Restart()
	p := l.waitPicture(t, killed, 20*time.Second)
	t.Logf("last picture before the kill: frame %d (%v, position %v); first after the reconnect: frame %d (%v, position %v)",
		last.code, last.content(), last.npt, p.code, p.content(), p.npt)
	if p.code < 0 {
		t.Fatalf("the first picture after the reconnect carries no frame number")
	}
	// The server may start at the keyframe before the asked place (1 s
	// GOP), and pictures in flight at the kill are lost: within 2 s back
	// and 1 s on, never near the start.
	if p.content() < last.content()-2*time.Second || p.content() > last.content()+time.Second {
		t.Fatalf("after the reconnect the recording shows %v (frame %d); before it, %v: it did not go on where it was",
			p.content(), p.code, last.content())
	}
	if d := p.npt - p.content(); d > 200*time.Millisecond || d < -200*time.Millisecond {
		t.Errorf("position %v, but the picture shows %v", p.npt, p.content())
	}
}
