package ui

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/internal/secrets"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/record"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// probeRecording is what ffprobe reads of a recording: the video's codec,
// size and packet count.
type probeRecording struct {
	codec         string
	width, height int
	packets       int
}

func ffprobeRecording(t *testing.T, path string) probeRecording {
	t.Helper()
	bin := peer.Command(t, "ffprobe")
	out, err := exec.Command(bin, "-v", "error", "-select_streams", "v:0", "-count_packets",
		"-show_entries", "stream=codec_name,width,height,nb_read_packets", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var p struct {
		Streams []struct {
			Codec   string `json:"codec_name"`
			Width   int    `json:"width"`
			Height  int    `json:"height"`
			Packets string `json:"nb_read_packets"`
		} `json:"streams"`
	}
	if err := json.Unmarshal(out, &p); err != nil || len(p.Streams) != 1 {
		t.Fatalf("ffprobe %s: %v: %s", path, err, out)
	}
	s := p.Streams[0]
	n, _ := strconv.Atoi(s.Packets)
	return probeRecording{s.Codec, s.Width, s.Height, n}
}

// recordingFiles lists the files in the camera's recordings folder.
func recordingFiles(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("the camera's folder: %v", err)
	}
	var out []string
	for _, e := range es {
		out = append(out, filepath.Join(dir, e.Name()))
	}
	return out
}

// videoFrames is how many pictures the tile's recording has written.
func videoFrames(r *record.Recorder) int {
	n := 0
	for _, f := range r.Stats().Files {
		n += f.VideoFrames
	}
	return n
}

// TestRecordKeyRecordsTheTile: R on the selected tile starts a recording
// into the Videos folder's rtspview/<camera>, the tile shows the red dot
// and a running time, a page turn hides the tile and the recording goes
// on, and R again finishes a file that ffprobe reads.
func TestRecordKeyRecordsTheTile(t *testing.T) {
	videos := t.TempDir()
	t.Setenv("XDG_VIDEOS_DIR", videos)
	srv := rtsptest.StartDemo(t, demo.Config{})
	other := rtsptest.StartDemo(t, demo.Config{})
	v, win := newTestViewer(t, Options{Transport: player.TransportTCP})
	onUI(func() {
		v.open(srv.URL(), "", "", false)
		v.setLayout("1x1")
	})
	waitPlaying(t, v, 0)
	ts := v.tiles[0]
	onUI(func() { v.selectTile(ts.tile) })
	key(win, fyne.KeyR)
	var r *record.Recorder
	onUI(func() { r = ts.rec.rec })
	if r == nil || r != ts.stream.Recorder() {
		t.Fatalf("R did not start the tile's recording: %+v", ts.rec)
	}
	waitFor(t, 10*time.Second, "the dot and a running time", func() bool {
		return ts.tile.RecordingDot() && ts.tile.RecordingText() != "" && ts.tile.RecordingText() != "0:00"
	})
	var menu []string
	onUI(func() {
		for _, it := range v.tileMenu(ts).Items {
			menu = append(menu, it.Label)
		}
	})
	folder := filepath.Join(videos, "rtspview", record.CleanName(ts.shownName()))
	if got := strings.Join(menu, "|"); !strings.Contains(got, "Stop recording|Files go to "+folder+"|Recordings folder…") {
		t.Fatalf("the menu while recording: %s", got)
	}

	// Another tile, on the second page: the recording tile is hidden.
	onUI(func() { v.open(other.URL(), "", "", true) })
	waitPlaying(t, v, 1)
	// Two unnamed cameras on one host record into folders of their own,
	// named as their tiles are (both went to "127.0.0.1" before).
	onUI(func() {
		if a, b := ts.shownName(), v.tiles[1].shownName(); a == b || record.CleanName(a) == record.CleanName(b) {
			t.Errorf("both cameras record into %q and %q", a, b)
		}
	})
	// Added to a full page, the new camera's page is shown (pages.go).
	if p, _ := v.Page(); p != 2 || !ts.stream.Hidden() {
		t.Fatalf("page %d, the recording tile hidden: %v", p, ts.stream.Hidden())
	}
	before := videoFrames(r)
	waitFor(t, 10*time.Second, "pictures recorded while hidden", func() bool {
		return videoFrames(r) >= before+25 && ts.rec.rec == r
	})
	onUI(func() { v.turnPage(-1, true) })

	key(win, fyne.KeyR)
	var finished chan struct{}
	onUI(func() { finished = ts.rec.finished })
	if finished == nil || ts.stream.Recorder() != nil && ts.rec.rec != nil {
		t.Fatal("R did not stop the recording")
	}
	select {
	case <-finished:
	case <-time.After(10 * time.Second):
		t.Fatal("the file was not finished")
	}
	if ts.tile.RecordingDot() || ts.tile.RecordingText() != "" {
		t.Fatalf("the tile still says %q", ts.tile.RecordingText())
	}
	if ts.stream.Status().State != player.StatePlaying {
		t.Fatalf("the viewing stopped: %v", ts.stream.Status())
	}
	files := recordingFiles(t, folder)
	if len(files) != 1 || !strings.HasSuffix(files[0], ".mp4") {
		t.Fatalf("files %v", files)
	}
	st := r.Stats()
	p := ffprobeRecording(t, files[0])
	if p.codec != "h264" || p.width == 0 || p.packets != st.Files[0].VideoFrames || p.packets < before+25 {
		t.Fatalf("ffprobe: %+v; recorded %+v", p, st.Files[0])
	}
}

// TestRecordingFailsInWords: a recordings folder that cannot be made
// stops the recording, the tile says why, and the camera plays on.
func TestRecordingFailsInWords(t *testing.T) {
	blocker := filepath.Join(t.TempDir(), "videos")
	if err := os.WriteFile(blocker, []byte("a file where the folder would go"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_VIDEOS_DIR", blocker)
	srv := rtsptest.StartDemo(t, demo.Config{})
	v, _ := newTestViewer(t, Options{Transport: player.TransportTCP})
	onUI(func() { v.open(srv.URL(), "", "", false) })
	waitPlaying(t, v, 0)
	ts := v.tiles[0]
	onUI(func() { v.toggleRecording(ts) })
	waitFor(t, 10*time.Second, "the tile to say why", func() bool {
		return strings.HasPrefix(ts.tile.RecordingText(), "Not recording: cannot write "+blocker) && ts.rec.rec == nil
	})
	if !strings.Contains(ts.rec.why, "not a directory") || ts.tile.RecordingDot() {
		t.Fatalf("why %q, dot %v", ts.rec.why, ts.tile.RecordingDot())
	}
	var menu []string
	onUI(func() {
		for _, it := range v.tileMenu(ts).Items {
			menu = append(menu, it.Label)
		}
	})
	if got := strings.Join(menu, "|"); !strings.Contains(got, "Record|Stopped: cannot write") {
		t.Fatalf("the menu after the failure: %s", got)
	}
	if st := ts.stream.Status(); st.State != player.StatePlaying {
		t.Fatalf("the viewing stopped: %v", st)
	}
	// The next Record starts over, and the reason goes.
	t.Setenv("XDG_VIDEOS_DIR", t.TempDir())
	onUI(func() { v.toggleRecording(ts) })
	if !ts.tile.RecordingDot() || ts.rec.why != "" {
		t.Fatalf("a new recording: dot %v, why %q", ts.tile.RecordingDot(), ts.rec.why)
	}
}

// TestWallRecordsAllDay: a camera with the wall's record key records from
// the start, in its folder, with nobody pressing R; closing the window
// finishes the file.
func TestWallRecordsAllDay(t *testing.T) {
	videos := t.TempDir()
	t.Setenv("XDG_VIDEOS_DIR", videos)
	srv := rtsptest.StartDemo(t, demo.Config{})
	path := filepath.Join(t.TempDir(), "wall.json")
	os.WriteFile(path, []byte(fmt.Sprintf(`{"version": 1, "cameras": [
  {"name": "Gate/../..", "url": %q, "transport": "tcp", "record": {"mode": "continuous", "segment_minutes": 5, "keep_days": 3}},
  {"name": "Yard", "url": %q, "transport": "tcp"}
]}`, srv.URL(), srv.URL())), 0o600)
	test.NewTempApp(t)
	win := test.NewWindow(nil)
	defer win.Close()
	v := NewViewer(win, Options{Wall: loadWall(t, path), WallPath: path, Secrets: secrets.NewWithBackend(&memKeyring{items: map[string]string{}})})
	v.do = onUI
	closed := false
	defer func() {
		if !closed {
			v.Close()
		}
	}()
	onUI(v.Start)
	waitPlaying(t, v, 0)
	gate, yard := v.tiles[0], v.tiles[1]
	var r *record.Recorder
	onUI(func() { r = gate.rec.rec })
	if r == nil || yard.rec.rec != nil || gate.rec.policy == nil || gate.rec.policy.Segment() != 5*time.Minute {
		t.Fatalf("gate %+v, yard %+v", gate.rec, yard.rec)
	}
	waitFor(t, 10*time.Second, "pictures recorded", func() bool { return videoFrames(r) >= 25 })
	v.Close()
	closed = true
	// The name cannot lead out of the recordings folder.
	folder := filepath.Join(videos, "rtspview", record.CleanName("Gate/../.."))
	if filepath.Dir(folder) != filepath.Join(videos, "rtspview") {
		t.Fatalf("the camera's folder %s is outside the recordings folder", folder)
	}
	files := recordingFiles(t, folder)
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	p := ffprobeRecording(t, files[0])
	if f := r.Stats().Files[0]; !f.Done || p.packets != f.VideoFrames {
		t.Fatalf("ffprobe %+v; recorded %+v", p, f)
	}
}

// TestRecordingKeepsTheMainStream: a tile recording its camera's main
// stream shrinks and switches to the sub-stream; the main stream is kept,
// hidden, and goes on recording at the camera's full size until R stops
// it, which closes it. Removing a recording tile ends its recording.
func TestRecordingKeepsTheMainStream(t *testing.T) {
	videos := t.TempDir()
	t.Setenv("XDG_VIDEOS_DIR", videos)
	main := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 1280, Height: 720, FPS: 10})
	sub := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 180, FPS: 10})
	path := filepath.Join(t.TempDir(), "wall.json")
	os.WriteFile(path, []byte(fmt.Sprintf(`{"version": 1, "cameras": [
  {"name": "Door", "url": %q, "sub_url": %q, "transport": "tcp"}
]}`, main, sub)), 0o600)
	v, win := newTestViewer(t, Options{Wall: loadWall(t, path), WallPath: path, Secrets: secrets.NewWithBackend(&memKeyring{items: map[string]string{}})})
	win.Resize(fyne.NewSize(1000, 700))
	onUI(v.Start)
	waitPlaying(t, v, 0)
	ts := v.tiles[0]
	waitFor(t, 15*time.Second, "the main stream", func() bool { return ts.stream.Stats().Width == 1280 })
	mainStream := ts.stream
	onUI(func() { v.selectTile(ts.tile) })
	key(win, fyne.KeyR)
	var r *record.Recorder
	onUI(func() { r = ts.rec.rec })
	if r == nil || ts.rec.stream != mainStream {
		t.Fatal("R did not record the main stream")
	}
	onUI(func() { win.Resize(fyne.NewSize(500, 400)) })
	waitFor(t, 20*time.Second, "the sub-stream in a narrow tile", func() bool {
		v.checkSubStreams()
		return ts.tile.Stream() == ts.stream && ts.stream != mainStream && ts.stream.Stats().Width == 320
	})
	if mainStream.Status().State == player.StateClosed || !mainStream.Hidden() || ts.rec.rec != r {
		t.Fatalf("the recorded stream: %v, hidden %v", mainStream.Status(), mainStream.Hidden())
	}
	before := videoFrames(r)
	waitFor(t, 10*time.Second, "pictures recorded from the kept stream", func() bool { return videoFrames(r) >= before+10 })
	key(win, fyne.KeyR)
	var finished chan struct{}
	onUI(func() { finished = ts.rec.finished })
	select {
	case <-finished:
	case <-time.After(10 * time.Second):
		t.Fatal("the file was not finished")
	}
	if mainStream.Status().State != player.StateClosed {
		t.Fatalf("the stream kept for the recording was left open: %v", mainStream.Status())
	}
	if ts.stream.Status().State != player.StatePlaying {
		t.Fatalf("the tile's own stream: %v", ts.stream.Status())
	}
	files := recordingFiles(t, filepath.Join(videos, "rtspview", "Door"))
	if p := ffprobeRecording(t, files[0]); len(files) != 1 || p.width != 1280 || p.packets != r.Stats().Files[0].VideoFrames {
		t.Fatalf("files %v: %+v", files, p)
	}

	// Removed while recording: the recording ends with the tile.
	onUI(func() { v.toggleRecording(ts) })
	onUI(func() { r = ts.rec.rec })
	onUI(func() { v.removeTile(ts) })
	select {
	case <-r.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the removed tile's recording goes on")
	}
}

// TestDropsNote: the tile says the disk is too slow when the recording
// drops more, once a minute at most and never over another sentence, and
// takes it away after a few seconds.
func TestDropsNote(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC)
	cases := []struct {
		name            string
		dropped, seen   uint64
		told            time.Time
		now             time.Time
		overlay         string
		wantSay, wantCl bool
	}{
		{"first drops", 5, 0, time.Time{}, t0, "", true, false},
		{"no new drops", 5, 5, time.Time{}, t0, "", false, false},
		{"said 30 s ago", 9, 5, t0, t0.Add(30 * time.Second), "", false, false},
		{"said a minute ago", 9, 5, t0, t0.Add(time.Minute), "", true, false},
		{"another sentence up", 9, 5, time.Time{}, t0, "Reconnecting (1)…", false, false},
		{"shown long enough", 5, 5, t0, t0.Add(recordingNoteFor), recordingDropsText, false, true},
		{"still shown", 5, 5, t0, t0.Add(time.Second), recordingDropsText, false, false},
	}
	for _, c := range cases {
		say, clear := dropsNote(c.dropped, c.seen, c.told, c.now, c.overlay)
		if say != c.wantSay || clear != c.wantCl {
			t.Errorf("%s: say %v clear %v", c.name, say, clear)
		}
	}
}
