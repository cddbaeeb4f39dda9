// Package version says which rtspview this is: the release it was built as,
// the commit, the Go toolchain and the FFmpeg linked in. Release builds set
// Version and Commit with -ldflags -X (scripts/dist.sh); a build from a
// checkout falls back to what the Go toolchain recorded from git.
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Set by scripts/dist.sh: -X github.com/rtspview/rtspview/internal/version.Version=0.1.0
var (
	Version = ""
	Commit  = ""
)

// Info is what --version prints and the About dialog shows.
type Info struct {
	Version       string // "0.1.0", or "dev" for a checkout build
	Commit        string // short git commit, "+dirty" when built from changed files
	Go            string // "go1.26.8 linux/amd64"
	FFmpeg        string // "5.1.9 (lavc 59.37.100)"
	FFmpegLicense string
}

// Get returns the build's Info. FFmpeg is named by the caller that links it
// (player.FFmpegVersion), so this package stays free of cgo.
func Get(ffmpeg, ffmpegLicense string) Info {
	info := Info{
		Version:       Version,
		Commit:        Commit,
		Go:            runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
		FFmpeg:        ffmpeg,
		FFmpegLicense: ffmpegLicense,
	}
	if info.Version == "" {
		info.Version = "dev"
	}
	if info.Commit == "" {
		info.Commit = vcsCommit()
	}
	return info
}

func vcsCommit() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev == "" {
		return "unknown"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	return rev + dirty
}

// String is the one line --version prints.
func (i Info) String() string {
	return fmt.Sprintf("rtspview %s (commit %s, %s, FFmpeg %s)", i.Version, i.Commit, i.Go, i.FFmpeg)
}
