// Package assets holds the files rtspview embeds: the application icon and
// the built-in demo clip. Each is made by a script in this directory, so
// they can be regenerated and reviewed as text.
package assets

import _ "embed"

// DemoH264 is the built-in demo clip: 4 s (100 frames) of 1280×720 25 fps
// H.264 Main profile, yuv420p, no B-frames, an IDR every 25 frames with SPS and
// PPS repeated before each one, as a raw Annex-B byte stream. It is ffmpeg's
// testsrc pattern with a moving frame counter, made by make-demo-clip.sh (run
// it again after changing the recipe; the output is committed). Package demo
// loops it as an RTSP stream. Treat it as read-only: it is shared.
//
//go:embed demo.h264
var DemoH264 []byte
