package decode

import "github.com/asticode/go-astiav"

// On a lossy network FFmpeg prints an error for almost every damaged
// macroblock it conceals ("error while decoding MB"), and a viewer hands it
// damaged access units on purpose; the player counts concealed pictures
// and rejected units instead. Only fatal messages are worth seeing by
// default.
func init() {
	astiav.SetLogLevel(astiav.LogLevelFatal)
}

// SetVerbose sets how much FFmpeg writes to stderr, for the whole process:
// on restores FFmpeg's own default (info), off keeps fatal messages only. It is
// meant for a command-line -v flag, not for per-stream use.
func SetVerbose(on bool) {
	if on {
		astiav.SetLogLevel(astiav.LogLevelInfo)
		return
	}
	astiav.SetLogLevel(astiav.LogLevelFatal)
}
