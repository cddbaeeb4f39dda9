package record_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/record"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// waitFor polls cond every 20 ms until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v", what, d)
		}
		<-tick.C
	}
}

func framesSoFar(r *record.Recorder) int {
	n := 0
	for _, f := range r.Stats().Files {
		n += f.VideoFrames
	}
	return n
}

// play starts a stream of url over TCP, closed when the test ends.
func play(t *testing.T, url string, hidden bool) *player.Stream {
	t.Helper()
	s := player.Start(player.Config{URL: url, Transport: player.TransportTCP})
	s.SetHidden(hidden)
	t.Cleanup(s.Close)
	return s
}

// TestRecordGst records each codec gst-rtsp-server sends and reads every
// file back with ffprobe and ffmpeg.
func TestRecordGst(t *testing.T) {
	for _, c := range []struct {
		name   string
		opts   rtsptest.GstOptions
		hidden bool
		ext    string
		want   want
	}{
		{"h264 aac hidden", rtsptest.GstOptions{Codec: "h264", Width: 640, Height: 360, Audio: "aac"}, true, ".mp4",
			want{codec: "h264", audio: "aac", width: 640, height: 360, frameInterval: 40 * time.Millisecond}},
		{"h265", rtsptest.GstOptions{Codec: "h265", Width: 640, Height: 360}, false, ".mp4",
			want{codec: "hevc", width: 640, height: 360, frameInterval: 40 * time.Millisecond}},
		{"h264 pcma", rtsptest.GstOptions{Codec: "h264", Width: 320, Height: 240, Audio: "pcma"}, true, ".mkv",
			want{codec: "h264", audio: "pcm_alaw", width: 320, height: 240, frameInterval: 40 * time.Millisecond}},
		{"mjpeg", rtsptest.GstOptions{Codec: "mjpeg", Width: 640, Height: 360, FPS: 15}, true, ".mkv",
			want{codec: "mjpeg", width: 640, height: 360, frameInterval: 67 * time.Millisecond}},
	} {
		t.Run(c.name, func(t *testing.T) {
			url := rtsptest.StartGst(t, c.opts)
			s := play(t, url, c.hidden)
			dir := t.TempDir()
			r, err := s.StartRecording(record.Config{Dir: dir, Camera: "cam/../x"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.StartRecording(record.Config{Dir: dir}); !errors.Is(err, player.ErrAlreadyRecording) {
				t.Errorf("a second StartRecording: %v, want ErrAlreadyRecording", err)
			}
			waitFor(t, 20*time.Second, "40 recorded pictures", func() bool { return framesSoFar(r) >= 40 })
			if err := s.StopRecording(); err != nil {
				t.Fatalf("StopRecording: %v", err)
			}
			st := r.Stats()
			if len(st.Files) != 1 || !st.Files[0].Done || st.Dropped != 0 || st.Err != nil {
				t.Fatalf("stats %+v: want one finished file, nothing dropped", st)
			}
			f := st.Files[0]
			if filepath.Dir(filepath.Dir(f.Path)) != dir || filepath.Base(filepath.Dir(f.Path)) != "cam_.._x" ||
				filepath.Ext(f.Path) != c.ext {
				t.Errorf("file %s: want %s/cam_.._x/<time>%s", f.Path, dir, c.ext)
			}
			checkFile(t, f, c.want)
		})
	}
}

// TestRecordSegments: a new file at the first keyframe after each
// segment's length, none lost between them.
func TestRecordSegments(t *testing.T) {
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240})
	s := play(t, url, true)
	r, err := s.StartRecording(record.Config{Dir: t.TempDir(), Camera: "seg", Segment: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "a third file", func() bool { return len(r.Stats().Files) >= 3 })
	if err := s.StopRecording(); err != nil {
		t.Fatal(err)
	}
	files := r.Stats().Files
	for i, f := range files {
		if !f.Done {
			t.Errorf("file %d not finished", i)
		}
		if i < len(files)-1 && (f.Duration < 2*time.Second || f.Duration > 3*time.Second) {
			t.Errorf("segment %d lasts %v, want 2 s up to the next keyframe (1 s GOP)", i, f.Duration)
		}
		if i > 0 {
			// Each file begins where the one before ended: no picture lost.
			prev := files[i-1]
			if gap := f.Start.Sub(prev.Start) - prev.Duration; gap.Abs() > 5*time.Millisecond {
				t.Errorf("file %d starts %v after file %d ends", i, gap, i-1)
			}
		}
		checkFile(t, f, want{codec: "h264", width: 320, height: 240, frameInterval: 40 * time.Millisecond})
	}
}

// TestRecordPreRecord: a recording started a while into the stream begins
// at the keyframe received before it (the GOP on screen), not at the next.
func TestRecordPreRecord(t *testing.T) {
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240})
	s := play(t, url, false)
	waitFor(t, 20*time.Second, "37 pictures shown", func() bool { return s.Stats().FramesShown >= 37 })
	asked := time.Now()
	r, err := s.StartRecording(record.Config{Dir: t.TempDir(), Camera: "pre"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 20*time.Second, "50 recorded pictures", func() bool { return framesSoFar(r) >= 50 })
	if err := s.StopRecording(); err != nil {
		t.Fatal(err)
	}
	f := r.Stats().Files[0]
	// GOP of 1 s: the keyframe before the ask is at most 1 s (and a
	// frame's transit) earlier.
	if early := asked.Sub(f.Start); early <= 0 || early > 1100*time.Millisecond {
		t.Errorf("the file starts %v before the ask, want within the GOP before it (0, 1.1 s]", early)
	}
	checkFile(t, f, want{codec: "h264", width: 320, height: 240, frameInterval: 40 * time.Millisecond})
}

// mountTmpfs mounts a tmpfs of size bytes at a new folder, read-only when
// ro; unmounted when the test ends. Root ignores permission bits, so a
// full or unwritable disk has to be a real one.
func mountTmpfs(t *testing.T, size int, ro bool) string {
	t.Helper()
	dir := t.TempDir()
	opts := "size=" + strconv.Itoa(size)
	if ro {
		opts += ",ro"
	}
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", opts, "tmpfs", dir).CombinedOutput(); err != nil {
		peer.Missing(t, "a small tmpfs is needed for the full-disk test; mounting one needs root (CAP_SYS_ADMIN): %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", dir).Run() })
	return dir
}

// TestRecordDiskFull: the disk fills up; the recording stops with a
// sentence, what was written plays, and the picture goes on.
func TestRecordDiskFull(t *testing.T) {
	dir := mountTmpfs(t, 600<<10, false)
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 640, Height: 360})
	s := play(t, url, false)
	r, err := s.StartRecording(record.Config{Dir: dir, Camera: "full"})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-r.Done():
	case <-time.After(30 * time.Second):
		t.Fatal("recording 2 Mbit/s onto 600 KiB did not stop within 30 s")
	}
	err = r.Err()
	if !errors.Is(err, record.ErrDiskFull) || !strings.Contains(err.Error(), "the disk is full") {
		t.Fatalf("Err() = %v, want the disk is full", err)
	}
	if s.Recorder() != r {
		t.Error("a recording that stopped by itself is no longer reported")
	}
	if err2 := s.StopRecording(); !errors.Is(err2, record.ErrDiskFull) {
		t.Errorf("StopRecording = %v, want the same error", err2)
	}
	// The viewing goes on.
	n := s.Stats().FramesShown
	waitFor(t, 10*time.Second, "pictures after the disk filled", func() bool { return s.Stats().FramesShown >= n+10 })
	if st := s.Status(); st.State != player.StatePlaying {
		t.Errorf("stream %v after the disk filled, want playing", st)
	}
	f := r.Stats().Files[0]
	p := ffprobe(t, f.Path)
	if _, _, _, frames, ok := p.stream("video"); !ok || frames < 10 {
		t.Errorf("the file cut by the full disk holds %d pictures (ok %v), want the fragments written", frames, ok)
	}
	// Cut back to its last whole fragment: it plays without an error.
	if e := decodeErrors(t, f.Path); e != "" {
		t.Errorf("ffmpeg on the file cut by the full disk: %s", e)
	}
	t.Logf("disk full after %d pictures; %d read back", f.VideoFrames, len(videoPackets(t, f.Path)))
}

// TestRecordReadOnly: a folder that cannot be written stops the recording
// at once, in words, and the picture goes on.
func TestRecordReadOnly(t *testing.T) {
	var dir string
	wantErr := record.ErrNoPermission
	if os.Geteuid() == 0 {
		dir, wantErr = mountTmpfs(t, 1<<20, true), record.ErrReadOnly
	} else {
		dir = t.TempDir()
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
	}
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240})
	s := play(t, url, false)
	r, err := s.StartRecording(record.Config{Dir: dir, Camera: "ro"})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-r.Done():
	case <-time.After(20 * time.Second):
		t.Fatal("recording into an unwritable folder did not stop")
	}
	err = r.Err()
	if !errors.Is(err, wantErr) || !strings.HasPrefix(err.Error(), "cannot write "+filepath.Join(dir, "ro")) {
		t.Fatalf("Err() = %v, want %v", err, wantErr)
	}
	n := s.Stats().FramesShown
	waitFor(t, 10*time.Second, "pictures after the failure", func() bool { return s.Stats().FramesShown >= n+10 })
}
