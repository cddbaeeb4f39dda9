package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
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
// returns its path and the folder. Under `go test -race` the viewer is
// built with -race too, and a race it reports fails the test that ran it
// (raceReports).
func buildViewer(t *testing.T) (bin, dir string) {
	t.Helper()
	dir = t.TempDir()
	bin = filepath.Join(dir, "rtspview")
	args := []string{"build", "-o", bin}
	if raceBuild {
		args = append(args, "-race")
		raceReports(t)
	}
	build := exec.Command("go", append(args, "github.com/rtspview/rtspview")...)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin, dir
}

var (
	raceOnce sync.Once
	raceDir  string
)

// raceReports sends the race reports of every viewer the tests start to
// files (GORACE log_path: the tests kill their viewers, so its exit code
// 66 is never seen, and each test reads the viewer's output its own way),
// and fails t with those written while it ran. Tests that run their
// viewers in parallel may be told of each other's; the report names the
// goroutines either way.
func raceReports(t *testing.T) {
	raceOnce.Do(func() {
		d, err := os.MkdirTemp("", "rtspview-e2e-race")
		if err != nil {
			panic(err)
		}
		raceDir = d
		os.Setenv("GORACE", "log_path="+filepath.Join(d, "race"))
	})
	t.Cleanup(func() { // after the viewers' own cleanups ended them
		files, _ := filepath.Glob(filepath.Join(raceDir, "race.*"))
		for _, f := range files {
			report, _ := os.ReadFile(f)
			os.Remove(f)
			t.Errorf("the viewer reported a data race (%s):\n%s", filepath.Base(f), report)
		}
	})
}

// viewerEnv is the environment a window under test runs in: its config
// folder (the saved wall, trusted certificates) is dir, never the user's.
func viewerEnv(dir string) []string {
	return append(os.Environ(), "LANG=en_US.UTF-8", "HOME="+dir, "XDG_CONFIG_HOME="+dir)
}

// startViewer starts the built viewer with args in env (viewerEnv and
// any more), kills it when the test ends, and then, if the test failed,
// logs what it printed (read only after it has exited, so never while
// it still writes).
func startViewer(t *testing.T, bin string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("viewer output:\n%s", out.String())
		}
	})
	return cmd
}
