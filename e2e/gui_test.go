package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestGUIScreenshot runs the real viewer under the X server of the test
// command (Xvfb) on its built-in demo stream and checks the picture.
func TestGUIScreenshot(t *testing.T) {
	needDisplay(t)
	bin, dir := buildViewer(t)
	shot := filepath.Join(dir, "shot.png")
	cmd := exec.Command(bin, "--screenshot", shot, "--after", "4s")
	cmd.Env = viewerEnv(dir) // no saved wall: the demo
	out, err := runWithTimeout(cmd, 60*time.Second)
	if err != nil {
		t.Fatalf("viewer: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if n := distinctColours(img); n < 50 {
		t.Fatalf("screenshot looks blank: %d distinct colours", n)
	}
	if os.Getenv("RTSPVIEW_SCREENSHOT_OUT") != "" {
		data, _ := os.ReadFile(shot)
		_ = os.WriteFile(os.Getenv("RTSPVIEW_SCREENSHOT_OUT"), data, 0o644)
	}
}

func runWithTimeout(cmd *exec.Cmd, d time.Duration) ([]byte, error) {
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return buf.Bytes(), err
	case <-time.After(d):
		_ = cmd.Process.Kill()
		<-done
		return buf.Bytes(), fmt.Errorf("still running after %v", d)
	}
}

// distinctColours counts colours in the middle of the picture, where the
// video tile is: a blank or black window has only a few.
func distinctColours(img image.Image) int {
	b := img.Bounds()
	seen := map[uint32]bool{}
	for y := b.Min.Y + b.Dy()/6; y < b.Max.Y-b.Dy()/6; y += 3 {
		for x := b.Min.X + b.Dx()/6; x < b.Max.X-b.Dx()/6; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			seen[(r>>8)<<16|(g>>8)<<8|bl>>8] = true
		}
	}
	return len(seen)
}
