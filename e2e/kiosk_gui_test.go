package e2e

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestGUIKioskLeavesOnlyOnTheChord runs the real window with --kiosk on a
// saved wall of two demo cameras under openbox, in a private Xvfb: the
// window fills the screen, and what a passer-by presses at a wall — Esc,
// F, Ctrl+Q, and Alt+F4, which openbox turns into a close request — leaves
// it there. Ctrl+Shift+Q, the chord the README names, ends rtspview with
// status 0.
func TestGUIKioskLeavesOnlyOnTheChord(t *testing.T) {
	for _, tool := range []string{"Xvfb", "xdotool", "openbox"} {
		peer.Command(t, tool)
	}
	srv := rtsptest.StartDemo(t, demo.Config{})
	bin, dir := buildViewer(t)
	display := startXvfb(t)
	startOpenbox(t, display)
	wallFile := filepath.Join(dir, "wall.json")
	if err := os.WriteFile(wallFile, []byte(fmt.Sprintf(`{"version": 1, "cameras": [
  {"name": "Door", "url": %q, "transport": "tcp"},
  {"name": "Yard", "url": %q, "transport": "tcp"}
]}`, srv.URL(), srv.URL())), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--kiosk", "--wall", wallFile)
	cmd.Env = append(viewerEnv(dir), "DISPLAY="+display)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("viewer output:\n%s", out.String())
		}
	})
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
	win := visibleWindow(t, display, cmd.Process.Pid)
	fullscreen := func() bool {
		geo := x("getwindowgeometry", "--shell", win)
		return strings.Contains(geo, "WIDTH=1280") && strings.Contains(geo, "HEIGHT=800")
	}
	waitUntil(t, 15*time.Second, "the kiosk window filling the 1280×800 screen", fullscreen)

	for _, k := range []string{"Escape", "f", "ctrl+q", "alt+F4", "Return", "Delete"} {
		x("windowactivate", "--sync", win)
		x("key", k)
	}
	time.Sleep(2 * time.Second) // what a key would have done is done by now
	select {
	case err := <-exited:
		exited <- err
		t.Fatalf("the kiosk window ended on a passer-by's key: %v", err)
	default:
	}
	if !fullscreen() {
		t.Fatalf("the kiosk window left fullscreen: %s", x("getwindowgeometry", "--shell", win))
	}
	if ids := strings.Fields(x("search", "--onlyvisible", "--pid", strconv.Itoa(cmd.Process.Pid), "--name", "^rtspview$")); len(ids) == 0 {
		t.Fatal("the kiosk window is gone")
	}

	x("windowactivate", "--sync", win)
	x("key", "ctrl+shift+q")
	select {
	case err := <-exited:
		exited <- err
		if err != nil {
			t.Fatalf("Ctrl+Shift+Q: the viewer ended with %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Ctrl+Shift+Q did not end the kiosk window within 20 s")
	}
}
