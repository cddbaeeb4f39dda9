package record

import (
	"bufio"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseUserDirs(t *testing.T) {
	home := filepath.FromSlash("/home/ann")
	cases := []struct {
		name, file, want string
	}{
		{"home relative", "# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR=\"$HOME/Desktop\"\nXDG_VIDEOS_DIR=\"$HOME/Vidéos\"\n", filepath.Join(home, "Vidéos")},
		{"absolute", "XDG_VIDEOS_DIR=\"/srv/video\"\n", filepath.FromSlash("/srv/video")},
		{"disabled: the home folder", "XDG_VIDEOS_DIR=\"$HOME/\"\n", ""},
		{"relative", "XDG_VIDEOS_DIR=\"Videos\"\n", ""},
		{"absent", "XDG_MUSIC_DIR=\"$HOME/Music\"\n", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseUserDirs(bufio.NewScanner(strings.NewReader(c.file)), home)
			if c.want == "" {
				if err == nil {
					t.Fatalf("got %q, want none", got)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("got %q, %v; want %q", got, err, c.want)
			}
		})
	}
}

func TestDefaultDirTakesXDGVideosDir(t *testing.T) {
	t.Setenv("XDG_VIDEOS_DIR", filepath.FromSlash("/data/vids"))
	d, err := DefaultDir()
	if err != nil || d != filepath.Join(filepath.FromSlash("/data/vids"), "rtspview") {
		t.Fatalf("got %q, %v", d, err)
	}
}
