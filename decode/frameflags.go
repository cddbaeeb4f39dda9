package decode

// astiav v0.16.0 does not expose AVFrame.flags or decode_error_flags, which
// are how FFmpeg says a picture was decoded from damaged data or had parts
// filled in by error concealment; a few lines of C read them.

//#cgo pkg-config: libavutil
//#include <libavutil/frame.h>
//static int rtspview_frame_damaged(const AVFrame *f) {
//	return (f->flags & AV_FRAME_FLAG_CORRUPT) != 0 || f->decode_error_flags != 0;
//}
import "C"

import "github.com/asticode/go-astiav"

// frameDamaged reports whether FFmpeg marked f corrupt or concealed
// (AV_FRAME_FLAG_CORRUPT, or any FF_DECODE_ERROR_* bit such as
// FF_DECODE_ERROR_CONCEALMENT_ACTIVE).
func frameDamaged(f *astiav.Frame) bool {
	return C.rtspview_frame_damaged((*C.AVFrame)(f.UnsafePointer())) != 0
}
