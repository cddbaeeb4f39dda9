package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// recordChildEnv makes the test binary run `rtspview record` with the
// arguments in it (one per line) instead of the tests: the SIGKILL test
// kills a real process, not a goroutine.
const recordChildEnv = "RTSPVIEW_TEST_RECORD_ARGS"

func init() {
	if args := os.Getenv(recordChildEnv); args != "" {
		os.Exit(Run(append([]string{"record"}, strings.Split(args, "\n")...), os.Stdout, os.Stderr))
	}
}

// probeFile returns the video codec, its packet count and the duration
// ffprobe reads from path.
func probeFile(t *testing.T, path string) (codec string, frames int, dur float64) {
	t.Helper()
	out, err := exec.Command(peer.Command(t, "ffprobe"), "-v", "error", "-count_packets", "-select_streams", "v:0",
		"-show_entries", "stream=codec_name,nb_read_packets:format=duration", "-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var p struct {
		Streams []struct {
			Codec   string `json:"codec_name"`
			Packets string `json:"nb_read_packets"`
		} `json:"streams"`
		Format struct {
			Duration string `json:"duration"`
		} `json:"format"`
	}
	if err := json.Unmarshal(out, &p); err != nil || len(p.Streams) == 0 {
		t.Fatalf("ffprobe %s: %v %s", path, err, out)
	}
	frames, _ = strconv.Atoi(p.Streams[0].Packets)
	dur, _ = strconv.ParseFloat(p.Format.Duration, 64)
	return p.Streams[0].Codec, frames, dur
}

// TestRecordCommandFor: record --for records that long, says where the
// file went and exits 0.
func TestRecordCommandFor(t *testing.T) {
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240})
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	code := Run([]string{"record", "--out", dir, "--for", "3s", "--transport", "tcp", "--name", "door", url}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	files, _ := filepath.Glob(filepath.Join(dir, "door", "*.mp4"))
	if len(files) != 1 {
		t.Fatalf("files %v, want one in %s/door", files, dir)
	}
	if !strings.Contains(stdout.String(), "recording "+files[0]) || !strings.Contains(stdout.String(), "wrote "+files[0]) {
		t.Errorf("stdout %q does not say where the file went", stdout.String())
	}
	codec, frames, dur := probeFile(t, files[0])
	if codec != "h264" || frames < 70 || frames > 80 || dur < 2.9 || dur > 3.3 {
		t.Errorf("%s: %s, %d frames, %.2f s; want h264, 75 frames, 3 s", files[0], codec, frames, dur)
	}
}

// TestRecordCommandUsage: bad flags exit 2 with words.
func TestRecordCommandUsage(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--segment", "-1s", "rtsp://127.0.0.1/x"},
		{"--segment", "10ms", "rtsp://127.0.0.1/x"},
		{"--transport", "carrier-pigeon", "rtsp://127.0.0.1/x"},
		{"http://example.com/not-rtsp"},
	} {
		var stdout, stderr bytes.Buffer
		if code := Run(append([]string{"record"}, args...), &stdout, &stderr); code != 2 || stderr.Len() == 0 {
			t.Errorf("record %q: exit %d, stderr %q; want 2 and a sentence", args, code, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := Run([]string{"record", "--help"}, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "usage: rtspview record") {
		t.Errorf("record --help: exit %d, %q; want 0 and the usage", code, stderr.String())
	}
}

// TestRecordCommandSIGKILL: a recording killed outright still plays, up
// to within a fragment (1 s) of the kill.
func TestRecordCommandSIGKILL(t *testing.T) {
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240})
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), recordChildEnv+"="+strings.Join([]string{"--out", dir, "--transport", "tcp", url}, "\n"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := false
	t.Cleanup(func() {
		if !done {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	path := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if p, ok := strings.CutPrefix(sc.Text(), "recording "); ok {
				path <- p
				break
			}
		}
		_, _ = bufio.NewReader(out).WriteTo(new(bytes.Buffer))
	}()
	var file string
	select {
	case file = <-path:
	case <-time.After(20 * time.Second):
		t.Fatalf("the recorder named no file within 20 s: %s", stderr.String())
	}
	begun := time.Now()
	// Three seconds of recording, then the kill.
	time.Sleep(3 * time.Second) // the recording's length, not a wait for something
	killed := time.Since(begun)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	done = true
	codec, frames, dur := probeFile(t, file)
	// At most a fragment (1 s) and the frames FFmpeg held are lost.
	wantMin := int((killed.Seconds() - 1.3) * 25)
	if codec != "h264" || frames < wantMin || dur < killed.Seconds()-1.3 {
		t.Errorf("killed after %.1f s of recording: %s, %d frames, %.2f s; want h264, >= %d frames", killed.Seconds(), codec, frames, dur, wantMin)
	}
	t.Logf("SIGKILL after %.2f s of recording: ffprobe reads %s, %d frames, %.2f s", killed.Seconds(), codec, frames, dur)
	if e, _ := exec.Command(peer.Command(t, "ffmpeg"), "-nostdin", "-v", "error", "-i", file, "-f", "null", "-").CombinedOutput(); len(e) > 0 {
		t.Errorf("ffmpeg on the killed file: %s", e)
	}
}
