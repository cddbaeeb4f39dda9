package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtspview/rtspview/ui"
)

func TestOpenWallChoosesTheWall(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("HOME", cfg) // os.UserConfigDir elsewhere than Linux
	saved := filepath.Join(cfg, "rtspview", "wall.json")
	good := filepath.Join(t.TempDir(), "good.json")
	os.WriteFile(good, []byte(`{"version": 1, "cameras": [{"name": "Garage", "url": "rtsp://cam/1"}]}`), 0o600)
	write := func(s string) {
		os.MkdirAll(filepath.Dir(saved), 0o700)
		os.WriteFile(saved, []byte(s), 0o600)
	}

	run := func(file string, urls ...string) (ui.Options, int, string) {
		var stderr bytes.Buffer
		opts := ui.Options{URLs: urls}
		code := openWall(&opts, file, &stderr)
		return opts, code, stderr.String()
	}

	// No saved wall yet: the demo plays, and the first camera added is saved.
	if o, code, _ := run(""); code != 0 || o.Wall != nil || o.WallPath != saved {
		t.Fatalf("no saved wall: %d %+v", code, o)
	}
	// Addresses on the command line: a temporary wall, the saved one untouched.
	write(`{"version": 1, "cameras": [{"url": "rtsp://cam/9"}]}`)
	if o, code, _ := run("", "rtsp://cam/2"); code != 0 || o.Wall != nil || o.WallPath != "" {
		t.Fatalf("addresses: %d %+v", code, o)
	}
	// The saved wall opens.
	if o, code, _ := run(""); code != 0 || o.Wall == nil || len(o.Wall.Cameras) != 1 || o.WallPath != saved {
		t.Fatalf("saved wall: %d %+v", code, o)
	}
	// --wall FILE opens that file and saves into it.
	if o, code, _ := run(good); code != 0 || o.Wall.Cameras[0].Name != "Garage" || o.WallPath != good {
		t.Fatalf("--wall: %d %+v", code, o)
	}
	if _, code, msg := run(good, "rtsp://cam/2"); code != 2 || !strings.Contains(msg, "not both") {
		t.Fatalf("--wall and addresses: %d %q", code, msg)
	}
	if _, code, msg := run(filepath.Join(cfg, "none.json")); code != 2 || !strings.Contains(msg, "no wall file") {
		t.Fatalf("--wall missing: %d %q", code, msg)
	}
	// A broken or newer saved wall is reported, not opened, not saved over.
	for _, c := range []struct{ content, want string }{
		{`{"version": 1, "cameras": [`, "not valid JSON"},
		{`{"version": 2, "cameras": []}`, "please update rtspview"},
		{`{"name": "some-package"}`, "not a camera wall file"},
	} {
		write(c.content)
		o, code, msg := run("")
		if code != 0 || o.WallPath != "" || o.Wall != nil || !strings.Contains(o.Notice, c.want) || !strings.Contains(msg, c.want) {
			t.Errorf("%s: %d %+v %q", c.content, code, o, msg)
		}
		if b, _ := os.ReadFile(saved); string(b) != c.content {
			t.Errorf("%s: file changed", c.content)
		}
	}
}
