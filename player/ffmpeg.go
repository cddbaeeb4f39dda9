package player

import "github.com/rtspview/rtspview/decode"

// FFmpegVersion names the FFmpeg this binary decodes with, for --version and
// the About dialog (the UI sees FFmpeg only through player).
func FFmpegVersion() string { return decode.FFmpegVersion() }

// FFmpegLicense is the licence FFmpeg was configured under.
func FFmpegLicense() string { return decode.FFmpegLicense() }
