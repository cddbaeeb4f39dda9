package autostart

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tricky are arguments a wall's path may hold on some machine: spaces,
// quotes, a dollar, a percent, a backslash, an ampersand and a non-ASCII
// letter.
var tricky = []string{"--wall", `/home/José Ñ/walls/shop "front" $HOME 100% a\b & <c>.json`, "--kiosk"}

func TestPlaces(t *testing.T) {
	tmp := t.TempDir()
	cases := []struct {
		goos string
		env  map[string]string
		want string // the entry's path, under tmp
	}{
		{"linux", map[string]string{"HOME": tmp + "/home"}, "home/.config/autostart/rtspview.desktop"},
		{"linux", map[string]string{"HOME": tmp + "/home", "XDG_CONFIG_HOME": tmp + "/xdg"}, "xdg/autostart/rtspview.desktop"},
		// A relative XDG_CONFIG_HOME is ignored, as the spec says.
		{"linux", map[string]string{"HOME": tmp + "/home", "XDG_CONFIG_HOME": "rel"}, "home/.config/autostart/rtspview.desktop"},
		{"freebsd", map[string]string{"HOME": tmp + "/bsd"}, "bsd/.config/autostart/rtspview.desktop"},
		{"windows", map[string]string{"APPDATA": tmp + "/AppData/Roaming"}, "AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Startup/rtspview.cmd"},
		{"darwin", map[string]string{"HOME": tmp + "/Users/j"}, "Users/j/Library/LaunchAgents/io.github.rtspview.plist"},
	}
	for _, c := range cases {
		t.Run(c.goos+"/"+strings.Join(slices.Sorted(mapKeys(c.env)), ","), func(t *testing.T) {
			p := place{goos: c.goos, getenv: func(k string) string { return c.env[k] }}
			path, err := p.path()
			if err != nil {
				t.Fatal(err)
			}
			if want := filepath.Join(tmp, filepath.FromSlash(c.want)); path != want {
				t.Fatalf("path %s, want %s", path, want)
			}
			if p.enabled() {
				t.Fatal("enabled before Enable")
			}
			if err := p.disable(); err != nil {
				t.Fatalf("Disable with nothing there: %v", err)
			}
			e := Entry{Exe: "/opt/rtspview/rtspview", Args: tricky}
			for range 2 { // the second replaces the first
				if err := p.enable(e); err != nil {
					t.Fatal(err)
				}
			}
			if !p.enabled() || !p.kiosk() {
				t.Fatalf("after Enable with --kiosk: enabled %v, kiosk %v", p.enabled(), p.kiosk())
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := append([]string{e.Exe}, e.Args...)
			if c.goos == "windows" {
				// A Windows path cannot hold a double quote: dropped.
				for i := range want {
					want[i] = strings.ReplaceAll(want[i], `"`, "")
				}
			}
			if got := commandOf(t, c.goos, data); !slices.Equal(got, want) {
				t.Fatalf("the entry starts %q\nwant %q\n%s", got, want, data)
			}
			if left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".rtspview-*")); len(left) > 0 {
				t.Fatalf("temporary files left: %v", left)
			}
			if err := p.enable(Entry{Exe: e.Exe, Args: e.Args[:2]}); err != nil || p.kiosk() {
				t.Fatalf("without --kiosk: %v, kiosk %v", err, p.kiosk())
			}
			if err := p.disable(); err != nil {
				t.Fatal(err)
			}
			if p.enabled() {
				t.Fatal("enabled after Disable")
			}
		})
	}
}

func TestNoPlace(t *testing.T) {
	for _, goos := range []string{"linux", "windows", "darwin"} {
		p := place{goos: goos, getenv: func(string) string { return "" }}
		if _, err := p.path(); err == nil {
			t.Errorf("%s with no HOME/APPDATA: no error", goos)
		}
		if p.enabled() {
			t.Errorf("%s with no place: enabled", goos)
		}
	}
	p := place{goos: "linux", getenv: func(string) string { return t.TempDir() }}
	if err := p.enable(Entry{Exe: "rtspview"}); err == nil {
		t.Error("a relative program path was written")
	}
}

// TestThisSystem runs the exported functions here, in a temporary HOME
// and XDG_CONFIG_HOME.
func TestThisSystem(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("HOME", tmp)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(tmp, "config"))
	t.Setenv("APPDATA", filepath.Join(tmp, "AppData"))
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if Enabled() {
		t.Fatal("enabled in an empty HOME")
	}
	if err := Enable(Entry{Exe: exe, Args: []string{"--fullscreen"}}); err != nil {
		t.Fatal(err)
	}
	path, _ := Path()
	if !strings.HasPrefix(path, tmp) || !Enabled() {
		t.Fatalf("entry at %s (enabled %v), want it under %s", path, Enabled(), tmp)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("entry %v, mode %v; want 0644", err, fi.Mode())
	}
	if err := Disable(); err != nil || Enabled() {
		t.Fatalf("Disable: %v, enabled %v", err, Enabled())
	}
}

// commandOf reads the command back out of an entry as the system would.
func commandOf(t *testing.T, goos string, data []byte) []string {
	t.Helper()
	s := string(data)
	switch goos {
	case "windows":
		for line := range strings.SplitSeq(s, "\r\n") {
			if rest, ok := strings.CutPrefix(line, `start "" `); ok {
				var args []string
				for _, f := range strings.Split(rest, `" "`) {
					args = append(args, strings.ReplaceAll(strings.Trim(f, `"`), "%%", "%"))
				}
				return args
			}
		}
		t.Fatalf("no start line in\n%s", s)
	case "darwin":
		var pl struct {
			Keys    []string `xml:"dict>key"`
			Strings []string `xml:"dict>array>string"`
		}
		if err := xml.Unmarshal(data, &pl); err != nil {
			t.Fatalf("the plist is not XML: %v\n%s", err, s)
		}
		if !slices.Contains(pl.Keys, "RunAtLoad") || !strings.Contains(s, "<string>"+Label+"</string>") {
			t.Fatalf("no RunAtLoad or label in\n%s", s)
		}
		return pl.Strings
	}
	for line := range strings.SplitSeq(s, "\n") {
		if v, ok := strings.CutPrefix(line, "Exec="); ok {
			return execArgs(t, v)
		}
	}
	t.Fatalf("no Exec line in\n%s", s)
	return nil
}

// execArgs undoes the Desktop Entry specification's escapes: the string
// value's (\\ \n \t \r \s), then %%, then the quoting of each argument.
func execArgs(t *testing.T, v string) []string {
	t.Helper()
	v = strings.NewReplacer(`\\`, `\`, `\n`, "\n", `\t`, "\t", `\r`, "\r", `\s`, " ").Replace(v)
	v = strings.ReplaceAll(v, "%%", "%")
	var args []string
	var cur strings.Builder
	in, esc := false, false
	for _, r := range v {
		switch {
		case esc:
			cur.WriteRune(r)
			esc = false
		case in && r == '\\':
			esc = true
		case r == '"':
			if in {
				args = append(args, cur.String())
				cur.Reset()
			}
			in = !in
		case !in && r == ' ':
		default:
			if !in {
				t.Fatalf("unquoted argument in %q", v)
			}
			cur.WriteRune(r)
		}
	}
	return args
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
