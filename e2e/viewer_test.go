package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rtspview/rtspview/internal/peer"
)

// needDisplay is peer's gate for the X server the window opens on: it
// fails under `make test` (which starts Xvfb) and in CI, and skips
// elsewhere.
func needDisplay(t *testing.T) {
	t.Helper()
	if os.Getenv("DISPLAY") == "" {
		peer.Missing(t, "an X display is missing (DISPLAY is unset): run through `make test`, which starts Xvfb")
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
