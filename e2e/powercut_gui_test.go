package e2e

import (
	"bytes"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/internal/wall"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestGUIWallAfterAPowerCut runs the real window on a saved 2×2 wall of
// seven demo cameras in a private Xvfb, turns to page 2 and selects its
// second camera with the keyboard, and kills the process (SIGKILL: no
// exit-time save, as when the power goes). The file on disk holds page 2
// and that camera; a new viewer on the same file shows page 2: its three
// cameras decode (--stats-file) and the four of page 1 do not.
func TestGUIWallAfterAPowerCut(t *testing.T) {
	for _, tool := range []string{"Xvfb", "xdotool"} {
		peer.Command(t, tool)
	}
	srv := rtsptest.StartDemo(t, demo.Config{})
	bin, dir := buildViewer(t)
	display := startXvfb(t)
	path := filepath.Join(dir, "wall.json")
	w := &wall.Wall{Version: wall.Version, Layout: "2x2"}
	for i := range 7 {
		w.Cameras = append(w.Cameras, wall.Camera{Name: fmt.Sprintf("cam%d", i+1), URL: srv.URL(), Transport: "tcp"})
	}
	if err := wall.Save(path, w); err != nil {
		t.Fatal(err)
	}
	x := func(args ...string) string {
		t.Helper()
		c := exec.Command("xdotool", args...)
		c.Env = displayEnv(display)
		b, err := c.CombinedOutput()
		if err != nil {
			t.Fatalf("xdotool %v: %v %s", args, err, b)
		}
		return string(b)
	}
	start := func(stats string) (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(bin, "--wall", path, "--stats-file", stats)
		cmd.Env = viewerEnv(dir)
		out := startProcess(t, cmd, display)
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("viewer output:\n%s", out.String())
			}
		})
		return cmd, out
	}

	first, _ := start(filepath.Join(dir, "stats1.json"))
	win := visibleWindow(t, display, first.Process.Pid)
	var wx, wy, ww, wh int
	for _, f := range strings.Fields(x("getwindowgeometry", "--shell", win)) {
		k, v, _ := strings.Cut(f, "=")
		n, _ := strconv.Atoi(v)
		switch k {
		case "X":
			wx = n
		case "Y":
			wy = n
		case "WIDTH":
			ww = n
		case "HEIGHT":
			wh = n
		}
	}
	// A click on the top-left tile gives the wall the keys; PageDown
	// turns to page 2 (its first camera, the 5th, selected), Tab selects
	// the next one, the 6th.
	x("mousemove", strconv.Itoa(wx+ww/4), strconv.Itoa(wy+wh/3))
	x("click", "1")
	x("key", "Next")
	x("key", "Tab")
	var saved *wall.Wall
	waitUntil(t, 15*time.Second, "page 2 and the 6th camera in the wall file", func() bool {
		var err error
		saved, err = wall.Load(path)
		return err == nil && saved.Page == 2 && saved.Selected == 6
	})
	if err := first.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = first.Wait()
	if left, _ := filepath.Glob(filepath.Join(dir, ".wall-*")); len(left) > 0 {
		t.Fatalf("a half-written wall is left: %v", left)
	}
	if saved, err := wall.Load(path); err != nil || saved.Layout != "2x2" || saved.Page != 2 || saved.Selected != 6 || len(saved.Cameras) != 7 {
		t.Fatalf("after the kill the file reads %+v (%v)", saved, err)
	}

	stats := filepath.Join(dir, "stats2.json")
	start(stats)
	var before []uint64
	waitUntil(t, 30*time.Second, "page 2's cameras decoding", func() bool {
		n, err := tileDecoded(stats)
		before = n
		return err == nil && len(n) == 7 && n[4] >= 25 && n[5] >= 25 && n[6] >= 25
	})
	// Page 1's cameras are hidden: while page 2's decode 25 pictures
	// more each, theirs stay where they are.
	var after []uint64
	waitUntil(t, 30*time.Second, "page 2's cameras decoding on", func() bool {
		after, _ = tileDecoded(stats)
		return len(after) == 7 && after[4] >= before[4]+25 && after[5] >= before[5]+25 && after[6] >= before[6]+25
	})
	if fmt.Sprint(after[:4]) != fmt.Sprint(before[:4]) {
		t.Fatalf("started again, page 1's cameras decoded %v, then %v: the window did not come back on page 2", before[:4], after[:4])
	}
}
