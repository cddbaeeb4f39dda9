package record_test

import (
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/record"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// audioPTS returns the audio packets' pts in seconds, as ffprobe reads
// them.
func audioPTS(t *testing.T, path string) []float64 {
	t.Helper()
	bin := peer.Command(t, "ffprobe")
	out, err := exec.Command(bin, "-v", "error", "-select_streams", "a:0", "-show_entries",
		"packet=pts_time", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe audio packets %s: %v", path, err)
	}
	var ps []float64
	for _, line := range strings.Fields(string(out)) {
		if v, err := strconv.ParseFloat(strings.TrimSuffix(line, ","), 64); err == nil {
			ps = append(ps, v)
		}
	}
	return ps
}

// TestRecordSenderReports: a camera whose sound reaches us 300 ms after
// the picture it was made with (its audio encoder, its queues). Placed by
// arrival the file's sound lags the picture by those 300 ms; with both
// tracks' sender reports it is placed where the sender timed it, also
// when the reports come in only after the file began (the sound then
// moves once, and its timestamps still grow).
func TestRecordSenderReports(t *testing.T) {
	peer.Command(t, "ffprobe")
	const (
		late   = 300 * time.Millisecond
		vBase  = 1000  // the video track's first RTP timestamp
		aBase  = 50000 // the audio track's, unrelated
		frames = 150   // 6 s of pictures at 25 fps
	)
	for _, tc := range []struct {
		name      string
		reports   bool
		reportsAt time.Duration // when the sender reports come in, in the sound's time
		wantStart time.Duration // where the file's first sound goes
		wantEnd   time.Duration // what the sound made at 5 s is placed off by
		syncedBy  string
	}{
		{"no reports", false, 0, late, late, record.ByArrival},
		{"reports from the start", true, 0, 0, 0, record.BySenderReports},
		{"reports after 2 s", true, 2 * time.Second, late, 0, record.BySenderReports},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, demo := record.DemoUnits()
			src.Audio, src.AudioClock, src.SampleRate, src.Channels = record.AudioPCMA, 8000, 8000, 1
			// The camera's clock is hours off ours: only the difference
			// between the tracks' reports may count.
			ntp0 := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
			var soundAt atomic.Int64 // the newest sound handed over, in its ns
			if tc.reports {
				src.Reports = func() (v, a record.SenderReport) {
					if time.Duration(soundAt.Load()) < tc.reportsAt {
						return
					}
					// Both reports made at the sender's instant 1 s.
					return record.SenderReport{NTP: ntp0.Add(time.Second), RTPTime: vBase + 90000},
						record.SenderReport{NTP: ntp0.Add(time.Second), RTPTime: aBase + 8000}
				}
			}
			t0 := time.Now()
			var us []record.Unit
			for i := range frames {
				u := demo[i%len(demo)]
				u.Source, u.RTPTime, u.Arrived = src, uint32(vBase+i*3600), t0.Add(time.Duration(i)*40*time.Millisecond)
				us = append(us, u)
			}
			silence := make([]byte, 160) // 20 ms of A-law
			for i := range silence {
				silence[i] = 0xd5
			}
			for j := range frames * 2 {
				made := time.Duration(j) * 20 * time.Millisecond
				us = append(us, record.Unit{Source: src, Kind: record.Audio, Data: silence,
					RTPTime: uint32(aBase + j*160), Arrived: t0.Add(made + late)})
			}
			sort.SliceStable(us, func(i, k int) bool { return us[i].Arrived.Before(us[k].Arrived) })
			r := record.New(record.Config{Dir: t.TempDir(), Camera: "sync"})
			defer r.Close()
			for _, u := range us {
				if u.Kind == record.Audio {
					soundAt.Store(int64(time.Duration(u.RTPTime-aBase) * time.Second / 8000))
				}
				if !r.Push(u) {
					t.Fatalf("unit at %v refused: %+v", u.Arrived.Sub(t0), r.Stats())
				}
				// The writer asks for reports as it goes: let it keep up,
				// as a camera's pace would.
				for r.Stats().Queued > 0 {
					time.Sleep(100 * time.Microsecond)
				}
			}
			if err := r.Close(); err != nil {
				t.Fatal(err)
			}
			st := r.Stats()
			if len(st.Files) != 1 {
				t.Fatalf("stats %+v: want one file", st)
			}
			f := st.Files[0]
			if f.SyncedBy != tc.syncedBy {
				t.Errorf("synced by %q, want %q", f.SyncedBy, tc.syncedBy)
			}
			checkFile(t, f, want{codec: "h264", audio: "pcm_alaw", width: 1280, height: 720, frameInterval: 40 * time.Millisecond, soundLate: tc.wantStart})
			pts := audioPTS(t, f.Path)
			if len(pts) < 200 {
				t.Fatalf("%d sound packets", len(pts))
			}
			for i := 1; i < len(pts); i++ {
				if pts[i] <= pts[i-1] {
					t.Fatalf("sound packet %d at %.3f s after one at %.3f s", i, pts[i], pts[i-1])
				}
			}
			off := func(got float64, want time.Duration) time.Duration {
				return time.Duration(got*float64(time.Second)) - want
			}
			// The first sound was made with the first picture (0 s).
			if d := off(pts[0], 0) - tc.wantStart; d.Abs() > 5*time.Millisecond {
				t.Errorf("the first sound at %.3f s, want %v", pts[0], tc.wantStart)
			}
			// The last sound packet was made 20 ms before the end.
			made := time.Duration(frames*2-1) * 20 * time.Millisecond
			if d := off(pts[len(pts)-1], made) - tc.wantEnd; d.Abs() > 5*time.Millisecond {
				t.Errorf("the sound made at %v is at %.3f s, want %v later", made, pts[len(pts)-1], tc.wantEnd)
			}
			t.Logf("%s: sound from %.3f s to %.3f s (%d packets), synced by %s", tc.name, pts[0], pts[len(pts)-1], len(pts), f.SyncedBy)
		})
	}
}

// TestRecordSenderReportsCamera: a camera (gortsplib's server) sends its
// sound 300 ms after the picture made with it, its RTP times and sender
// reports true. Once both reports are in, the file places the sound where
// it was made: the last sound received at the stop was made 300 ms before
// the last picture, and ends that much earlier in the file. (Placed by
// arrival it would end with the picture.)
func TestRecordSenderReportsCamera(t *testing.T) {
	const late = 300 * time.Millisecond
	cam := rtsptest.StartCamera(t, rtsptest.CameraOptions{AudioLate: late})
	s := play(t, cam.URL, true)
	r, err := s.StartRecording(record.Config{Dir: t.TempDir(), Camera: "late sound"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "sound placed by the sender reports", func() bool {
		st := r.Stats()
		return len(st.Files) > 0 && st.Files[len(st.Files)-1].SyncedBy == record.BySenderReports
	})
	n := framesSoFar(r)
	waitFor(t, 20*time.Second, "2 s more recorded", func() bool { return framesSoFar(r) >= n+20 })
	if err := s.StopRecording(); err != nil {
		t.Fatalf("StopRecording: %v", err)
	}
	st := r.Stats()
	if len(st.Files) != 1 || st.Dropped != 0 {
		t.Fatalf("stats %+v: want one file, nothing dropped", st)
	}
	f := st.Files[0]
	checkFile(t, f, want{codec: "h264", audio: "pcm_mulaw", width: 320, height: 240, frameInterval: 100 * time.Millisecond, soundLate: -1})
	pts := audioPTS(t, f.Path)
	vs := videoPackets(t, f.Path)
	if len(pts) < 2 || len(vs) < 2 {
		t.Fatalf("%d sound and %d picture packets", len(pts), len(vs))
	}
	for i := 1; i < len(pts); i++ {
		if pts[i] <= pts[i-1] {
			t.Fatalf("sound packet %d at %.3f s after one at %.3f s", i, pts[i], pts[i-1])
		}
	}
	lastV := 0.0
	for _, p := range vs {
		lastV = max(lastV, p.pts)
	}
	// Pictures come every 100 ms and the stop falls anywhere between two,
	// so the last sound (made up to 300 ms before the stop) is 200 to
	// 300 ms before the last picture, give or take the loopback's jitter;
	// placed by arrival it would be about 0.
	early := time.Duration((lastV - pts[len(pts)-1]) * float64(time.Second))
	t.Logf("the last sound is %v before the last picture (%d sound, %d picture packets)", early.Round(time.Millisecond), len(pts), len(vs))
	if early < late-150*time.Millisecond || early > late+120*time.Millisecond {
		t.Errorf("the last sound is %v before the last picture, want %v: it was made that much earlier", early.Round(time.Millisecond), late)
	}
}
