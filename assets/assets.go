// Package assets holds the files rtspview embeds: the application icon and
// the built-in demo clip. Each is made by a script in this directory, so
// they can be regenerated and reviewed as text.
package assets

import _ "embed"

// DemoH264 is the built-in demo stream: 4 s of FFmpeg's moving testsrc2
// pattern, 1280×720 at 25 fps, Annex-B H.264 (constrained baseline, a
// keyframe every second, SPS/PPS before each). make-demo-clip.sh makes it.
//
//go:embed demo.h264
var DemoH264 []byte
