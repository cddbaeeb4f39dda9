package record

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// DefaultDir is where recordings go unless a person chose a folder: the
// rtspview folder in the Videos folder. That is $XDG_VIDEOS_DIR when set;
// on Linux and the BSDs the XDG_VIDEOS_DIR line of user-dirs.dirs (a
// desktop in another language names it "Vidéos" or "Videos" there);
// Movies in the home folder on macOS (Finder's name for it); Videos in the
// home folder everywhere else (Windows' and the XDG default).
func DefaultDir() (string, error) {
	if d := os.Getenv("XDG_VIDEOS_DIR"); d != "" {
		return filepath.Join(d, "rtspview"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Movies", "rtspview"), nil
	case "windows":
	default:
		if d, ok := userDirsVideos(home); ok {
			return filepath.Join(d, "rtspview"), nil
		}
	}
	return filepath.Join(home, "Videos", "rtspview"), nil
}

// userDirsVideos reads XDG_VIDEOS_DIR from $XDG_CONFIG_HOME/user-dirs.dirs
// (xdg-user-dirs' file: shell assignments, "$HOME/…" or an absolute path).
func userDirsVideos(home string) (string, bool) {
	conf := os.Getenv("XDG_CONFIG_HOME")
	if conf == "" {
		conf = filepath.Join(home, ".config")
	}
	f, err := os.Open(filepath.Join(conf, "user-dirs.dirs"))
	if err != nil {
		return "", false
	}
	defer f.Close()
	d, err := parseUserDirs(bufio.NewScanner(f), home)
	return d, err == nil
}

var errNoVideosDir = errors.New("no XDG_VIDEOS_DIR line")

// parseUserDirs finds XDG_VIDEOS_DIR="…" among user-dirs.dirs' lines. A
// value that names the home folder itself means "disabled" to
// xdg-user-dirs, and a relative one is not a folder to write to.
func parseUserDirs(sc *bufio.Scanner, home string) (string, error) {
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		v, ok := strings.CutPrefix(line, "XDG_VIDEOS_DIR=")
		if !ok {
			continue
		}
		v = strings.Trim(v, `"`)
		if rest, ok := strings.CutPrefix(v, "$HOME"); ok {
			v = home + rest
		}
		v = filepath.Clean(v)
		if !filepath.IsAbs(v) || v == filepath.Clean(home) {
			return "", errNoVideosDir
		}
		return v, nil
	}
	return "", errNoVideosDir
}
