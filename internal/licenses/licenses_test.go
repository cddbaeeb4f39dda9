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

// TestForNamesTheFFmpegInside: a release (LGPL FFmpeg) shows the LGPL
// notice and text; a development build on Debian's FFmpeg (GPL) says GPL
// and nowhere claims the LGPL for it.
func TestForNamesTheFFmpegInside(t *testing.T) {
	if got := For("5.1.9", "LGPL version 2.1 or later"); got != All() {
		t.Error("an LGPL FFmpeg does not get the release notice")
	}
	dev := For("5.1.8-0+deb12u1", "GPL version 2 or later")
	head, _, _ := strings.Cut(dev, "\n\n")
	if !strings.Contains(head, "GPL version 2 or later") || strings.Contains(head, "Lesser") {
		t.Errorf("development build's licence line: %q", head)
	}
	if strings.Contains(dev, "GNU LESSER GENERAL PUBLIC LICENSE") || !strings.Contains(dev, "development build") ||
		!strings.Contains(dev, "fyne.io/fyne/v2") {
		t.Error("the development build's notice claims the LGPL text or lacks the modules")
	}
}
