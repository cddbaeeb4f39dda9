package e2e

import (
	"image"
	"image/draw"
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

// TestGUIRecordedKeys plays a 20 s recording served by gst-rtsp-server in
// the real window from 13 s and uses it as a person would, with the mouse
// and keyboard through xdotool: click the picture, ← goes back 10 s,
// space pauses (the picture holds for 2 s) and plays again. What the
// window shows is read off screenshots: the clip's pictures carry their
// frame number (rtsptest.ReadFrameCode).
func TestGUIRecordedKeys(t *testing.T) {
	needDisplay(t)
	for _, tool := range []string{"xdotool", "import"} {
		peer.Command(t, tool)
	}
	clip := rtsptest.MakeClip(t, rtsptest.ClipOptions{FrameCode: true})
	url := rtsptest.StartGst(t, rtsptest.GstOptions{File: clip, Path: "/vod"})
	bin, dir := buildViewer(t)
	// An empty wall file: the launch address is the only tile.
	cmd := startViewer(t, bin, viewerEnv(dir), "--transport", "tcp", "--start", "13s", url)

	win := findWindow(t, cmd.Process.Pid)
	x, y, w, h := windowGeometry(t, win)
	shot := func() (int, bool) {
		return frameOnScreen(t, dir, x, y, w, h)
	}
	// waitFrame polls screenshots until cond holds for the frame shown.
	waitFrame := func(limit time.Duration, what string, cond func(int) bool) int {
		t.Helper()
		last := -1
		for end := time.Now().Add(limit); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
			if n, ok := shot(); ok {
				last = n
				if cond(n) {
					return n
				}
			}
		}
		t.Fatalf("%s: last frame on screen %d", what, last)
		return 0
	}
	const fps = 25
	first := waitFrame(20*time.Second, "the recording from 13 s", func(n int) bool { return n >= 13*fps })
	t.Logf("from --start 13s the window shows frame %d (%.2f s)", first, float64(first)/fps)

	// A click on the picture selects the tile and takes the focus from
	// the address bar. Space pauses first, so that the frame ← starts from
	// is the one on the screen (a screenshot of a playing window lags it by
	// up to seconds on a loaded machine), and ← seeks 10 s back, paused.
	xdo(t, "mousemove", strconv.Itoa(x+w/2), strconv.Itoa(y+h/2))
	xdo(t, "click", "1")
	xdo(t, "key", "space")
	time.Sleep(700 * time.Millisecond) // the PAUSE round trip and the last pictures in flight
	held := waitFrame(5*time.Second, "a paused picture", func(int) bool { return true })
	time.Sleep(2 * time.Second)
	if n, ok := shot(); !ok || n != held {
		t.Fatalf("paused on frame %d, frame %d (read %v) 2 s later", held, n, ok)
	}
	asked := time.Now()
	xdo(t, "key", "Left")
	back := waitFrame(10*time.Second, "← going back 10 s", func(n int) bool { return n < held-5*fps })
	t.Logf("← at frame %d: frame %d (%.2f s) on screen %v later (screenshot polling, 200 ms steps)",
		held, back, float64(back)/fps, time.Since(asked).Round(time.Millisecond))
	if back < held-12*fps || back > held-8*fps {
		t.Fatalf("← from frame %d shows frame %d; want about 10 s (250 frames) back", held, back)
	}
	// ← on a paused recording stays paused, showing the new place.
	time.Sleep(2 * time.Second)
	if n, ok := shot(); !ok || n != back {
		t.Fatalf("after ← while paused on frame %d, frame %d (read %v) 2 s later: it played on", back, n, ok)
	}
	held = back
	xdo(t, "key", "space")
	waitFrame(5*time.Second, "playing again after space", func(n int) bool { return n > held })
}

// findWindow waits for the viewer's window (its title is rtspview).
func findWindow(t *testing.T, pid int) string {
	t.Helper()
	for end := time.Now().Add(30 * time.Second); time.Now().Before(end); time.Sleep(250 * time.Millisecond) {
		out, err := exec.Command("xdotool", "search", "--pid", strconv.Itoa(pid), "--name", "^rtspview$").Output()
		if ids := strings.Fields(string(out)); err == nil && len(ids) > 0 {
			return ids[len(ids)-1]
		}
	}
	t.Fatal("the viewer's window did not appear")
	return ""
}

func windowGeometry(t *testing.T, win string) (x, y, w, h int) {
	t.Helper()
	out, err := exec.Command("xdotool", "getwindowgeometry", "--shell", win).Output()
	if err != nil {
		t.Fatalf("xdotool getwindowgeometry: %v", err)
	}
	for _, line := range strings.Fields(string(out)) {
		k, v, _ := strings.Cut(line, "=")
		n, _ := strconv.Atoi(v)
		switch k {
		case "X":
			x = n
		case "Y":
			y = n
		case "WIDTH":
			w = n
		case "HEIGHT":
			h = n
		}
	}
	if w == 0 || h == 0 {
		t.Fatalf("window geometry %q", out)
	}
	return x, y, w, h
}

// xdo runs xdotool on the whole screen: GLFW ignores events sent to a
// window with --window.
func xdo(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("xdotool", args...).CombinedOutput(); err != nil {
		t.Fatalf("xdotool %v: %v %s", args, err, out)
	}
}

// frameOnScreen takes a screenshot and reads the frame number off the
// middle of the window, a band centred on the picture (the tile fills the
// window's width, and the picture is centred in it).
func frameOnScreen(t *testing.T, dir string, x, y, w, h int) (int, bool) {
	t.Helper()
	path := filepath.Join(dir, "screen.png")
	if out, err := exec.Command("import", "-window", "root", path).CombinedOutput(); err != nil {
		t.Fatalf("import: %v %s", err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	band := image.Rect(x+w/4, y+h*2/5, x+w*3/4, y+h*3/5)
	rgba := image.NewRGBA(image.Rect(0, 0, band.Dx(), band.Dy()))
	draw.Draw(rgba, rgba.Bounds(), img, band.Min, draw.Src)
	return rtsptest.ReadFrameCode(rgba.Pix, rgba.Stride, band.Dx(), band.Dy())
}
