package record

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
)

func TestCleanName(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Front door", "Front door"},
		{"  Garage  ", "Garage"},
		{"..", "camera"},
		{".", "camera"},
		{"", "camera"},
		{"../../etc", "_.._etc"},
		{`..\..\Windows`, `_.._Windows`},
		{"/abs/path", "_abs_path"},
		{"a:b*c?d\"e<f>g|h", "a_b_c_d_e_f_g_h"},
		{"bell\x07tab\tnl\n", "bell_tab_nl_"},
		{"name.", "name"},
		{"CON", "camera"},
		{"nul.txt", "camera"},
		{"Console", "Console"},
		{"Café ☕", "Café ☕"},
		{"bad\xffutf8", "bad_utf8"},
		{"\u0085next line", "_next line"},
	} {
		if got := CleanName(c.in); got != c.want {
			t.Errorf("CleanName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	long := CleanName(strings.Repeat("é", 200))
	if len(long) > maxNameBytes || !strings.HasPrefix(long, "éé") || strings.ContainsRune(long, unicode.ReplacementChar) {
		t.Errorf("a long name became %q (%d bytes)", long, len(long))
	}
}

func TestFileName(t *testing.T) {
	at := time.Date(2026, 12, 7, 20, 15, 3, 0, time.Local)
	got := FileName("/rec", "Front door", at, "mp4")
	if want := filepath.Join("/rec", "Front door", "2026-12-07 20-15-03.mp4"); got != want {
		t.Errorf("FileName = %q, want %q", got, want)
	}
	if got := numbered(got, 2); !strings.HasSuffix(got, "20-15-03 (2).mp4") {
		t.Errorf("numbered = %q", got)
	}
}

// FuzzCleanName: whatever a wall file names a camera, the file stays in
// the camera's folder directly under the recordings folder.
func FuzzCleanName(f *testing.F) {
	for _, s := range []string{"..", "a/../../b", `C:\x`, "\x00", " . ", "CON", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		c := CleanName(name)
		if c == "" || c == "." || c == ".." || len(c) > maxNameBytes {
			t.Fatalf("CleanName(%q) = %q", name, c)
		}
		for _, r := range c {
			if strings.ContainsRune(`/\:*?"<>|`, r) || unicode.IsControl(r) {
				t.Fatalf("CleanName(%q) = %q keeps %q", name, c, r)
			}
		}
		p := FileName("/rec", name, time.Unix(0, 0), "mp4")
		rel, err := filepath.Rel("/rec", p)
		if err != nil || strings.HasPrefix(rel, "..") || strings.Count(rel, string(filepath.Separator)) != 1 {
			t.Fatalf("FileName for %q is %q, outside its camera folder", name, p)
		}
	})
}
