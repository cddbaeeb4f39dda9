package e2e

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestGUIRecordKey records from the real window as a person does, through
// xdotool: click the tile, R, wait, R again. The file lands in the Videos
// folder under the camera's name, and another tool reads it: ffprobe finds
// the camera's H.264 at its size with its AAC sound, as many pictures as
// the seconds recorded hold, and ffmpeg decodes it without an error.
func TestGUIRecordKey(t *testing.T) {
	needDisplay(t)
	for _, tool := range []string{"xdotool", "import", "ffprobe", "ffmpeg"} {
		peer.Command(t, tool)
	}
	url := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240, Audio: "aac", Path: "/porch"})
	bin, dir := buildViewer(t)
	videos := filepath.Join(dir, "videos")
	cmd := startViewer(t, bin, append(viewerEnv(dir), "XDG_VIDEOS_DIR="+videos), "--transport", "tcp", url)
	win := findWindow(t, cmd.Process.Pid)
	x, y, w, h := windowGeometry(t, win)

	// The tile is playing once the window's picture has colour (the
	// pattern's bars); only then is there a keyframe for R to start at.
	waitUntil(t, 30*time.Second, "the camera's picture in the window", func() bool {
		n, ok := colourfulOnScreen(t, dir, x, y, w, h)
		return ok && n > 50
	})
	xdo(t, "mousemove", strconv.Itoa(x+w/2), strconv.Itoa(y+h/2))
	xdo(t, "click", "1")
	xdo(t, "key", "r")
	var file string
	waitUntil(t, 15*time.Second, "a recording file under "+videos, func() bool {
		file = newestMedia(videos)
		return file != ""
	})
	time.Sleep(4 * time.Second)
	xdo(t, "key", "r")
	// Stopped: the file stops growing.
	var last int64 = -1
	waitUntil(t, 15*time.Second, "the file to stop growing after the second R", func() bool {
		time.Sleep(time.Second)
		fi, err := os.Stat(file)
		if err != nil {
			return false
		}
		grew := fi.Size() != last
		last = fi.Size()
		return !grew
	})
	rel, _ := filepath.Rel(videos, file)
	t.Logf("recorded %s (%d bytes)", rel, last)
	if !strings.HasPrefix(rel, "rtspview"+string(filepath.Separator)) {
		t.Errorf("the file %s is not in the rtspview folder of the Videos folder", rel)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	probe, err := exec.CommandContext(ctx, "ffprobe", "-v", "error", "-count_packets",
		"-show_entries", "stream=codec_type,codec_name,width,height,nb_read_packets", "-of", "csv=p=0", file).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", file, err)
	}
	var video, audio string
	for _, line := range strings.Split(strings.TrimSpace(string(probe)), "\n") {
		switch {
		case strings.Contains(line, ",video,"):
			video = line
		case strings.Contains(line, ",audio,"):
			audio = line
		}
	}
	t.Logf("ffprobe: video %q, audio %q", video, audio)
	f := strings.Split(video, ",")
	if len(f) < 5 || f[0] != "h264" || f[2] != "320" || f[3] != "240" {
		t.Fatalf("video stream %q, want h264 at 320x240", video)
	}
	// R to R was over 4 s of 25 fps; the file starts at the keyframe
	// before the first R.
	if n, _ := strconv.Atoi(f[len(f)-1]); n < 75 {
		t.Errorf("%d pictures in a recording of over 4 s at 25 fps", n)
	}
	if !strings.HasPrefix(audio, "aac,") {
		t.Errorf("audio stream %q, want the camera's AAC", audio)
	}
	if errs, err := exec.CommandContext(ctx, "ffmpeg", "-v", "error", "-i", file, "-f", "null", "-").CombinedOutput(); err != nil || len(bytes.TrimSpace(errs)) > 0 {
		t.Errorf("ffmpeg decoding the file: %v %s", err, errs)
	}
}

// newestMedia is the newest .mp4 or .mkv under dir, or "".
func newestMedia(dir string) string {
	var best string
	var at time.Time
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if ext := filepath.Ext(p); ext != ".mp4" && ext != ".mkv" {
			return nil
		}
		if fi, err := d.Info(); err == nil && fi.Size() > 0 && fi.ModTime().After(at) {
			best, at = p, fi.ModTime()
		}
		return nil
	})
	return best
}

// colourfulOnScreen counts the distinct colours in the window's middle on
// a screenshot; false when none could be taken.
func colourfulOnScreen(t *testing.T, dir string, x, y, w, h int) (int, bool) {
	t.Helper()
	path := filepath.Join(dir, "screen.png")
	if err := exec.Command("import", "-window", "root", path).Run(); err != nil {
		return 0, false
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return 0, false
	}
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		return 0, false
	}
	return distinctColours(sub.SubImage(image.Rect(x, y, x+w, y+h))), true
}
