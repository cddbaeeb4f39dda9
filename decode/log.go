package decode

import "github.com/asticode/go-astiav"

// A wall of cameras on a lossy network makes FFmpeg print a warning for
// almost every damaged slice; errors are what is worth seeing by default.
func init() {
	astiav.SetLogLevel(astiav.LogLevelError)
}

// SetVerbose sets how much FFmpeg writes to stderr, for the whole process:
// on restores FFmpeg's own default (info), off keeps errors only. It is
// meant for a command-line -v flag, not for per-stream use.
func SetVerbose(on bool) {
	if on {
		astiav.SetLogLevel(astiav.LogLevelInfo)
		return
	}
	astiav.SetLogLevel(astiav.LogLevelError)
}
