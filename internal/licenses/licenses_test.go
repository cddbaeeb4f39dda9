package licenses

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoticesUpToDate regenerates the module list and compares: a new
// import that pulls in a module must bring its licence with it.
func TestNoticesUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list for four targets")
	}
	out := filepath.Join(t.TempDir(), "notices.txt")
	cmd := exec.Command("go", "run", "./licenses", "-root", "..", "-out", out)
	cmd.Dir = "../../tools"
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tools/licenses: %v\n%s", err, b)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != goModules {
		t.Fatal("internal/licenses/notices.txt is out of date: run `make licenses` and commit it")
	}
}

func TestNoticesNameWhatShips(t *testing.T) {
	for _, want := range []string{"fyne.io/fyne/v2", "github.com/asticode/go-astiav", "github.com/pion/rtp", "The Go standard library"} {
		if !strings.Contains(Modules(), want) {
			t.Errorf("notices lack %s", want)
		}
	}
	for _, want := range []string{"5.1.9", "GNU LESSER GENERAL PUBLIC LICENSE", "Version 2.1", "d9b593bb2ba93d4b"} {
		if !strings.Contains(FFmpeg(), want) {
			t.Errorf("FFmpeg notice lacks %q", want)
		}
	}
	if strings.Contains(Modules(), "github.com/google/licensecheck") {
		t.Error("a tool-only module is listed as shipped")
	}
}
