package decode

// go-astiav v0.16.0 has no binding for FFmpeg's version string, and which
// FFmpeg a binary carries (Debian's shared 5.1 or our static release build)
// is what a bug report needs first, so ask libavutil directly.

//#cgo pkg-config: libavutil libavcodec
//#include <libavutil/avutil.h>
//#include <libavcodec/avcodec.h>
import "C"

import "fmt"

// FFmpegVersion names the FFmpeg linked into this binary: its release
// ("5.1.9") and libavcodec's version ("lavc 59.37.100").
func FFmpegVersion() string {
	v := uint32(C.avcodec_version())
	return fmt.Sprintf("%s (lavc %d.%d.%d)", C.GoString(C.av_version_info()), v>>16, (v>>8)&0xff, v&0xff)
}

// FFmpegLicense is the licence FFmpeg was configured under, as FFmpeg
// itself reports it ("LGPL version 2.1 or later" unless built with --enable-gpl).
func FFmpegLicense() string {
	return C.GoString(C.avcodec_license())
}
