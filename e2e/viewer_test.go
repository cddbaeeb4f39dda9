package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// needDisplay fails under `make test` (which starts Xvfb) and skips
// elsewhere when there is no X server for the window.
func needDisplay(t *testing.T) {
	t.Helper()
	if os.Getenv("DISPLAY") == "" {
		if os.Getenv("RTSPVIEW_REQUIRE_PEERS") != "" {
			t.Fatal("no DISPLAY: run through `make test`, which starts Xvfb")
		}
		t.Skip("no DISPLAY")
	}
}

// buildViewer builds the rtspview binary into a temporary folder and
// returns its path and the folder.
func buildViewer(t *testing.T) (bin, dir string) {
	t.Helper()
	dir = t.TempDir()
	bin = filepath.Join(dir, "rtspview")
	build := exec.Command("go", "build", "-o", bin, "github.com/rtspview/rtspview")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin, dir
}

// viewerEnv is the environment a window under test runs in: its config
// folder (the saved wall, trusted certificates) is dir, never the user's.
func viewerEnv(dir string) []string {
	return append(os.Environ(), "LANG=en_US.UTF-8", "HOME="+dir, "XDG_CONFIG_HOME="+dir)
}
