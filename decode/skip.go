package decode

// go-astiav v0.16.0 binds neither AVCodecContext.skip_loop_filter nor
// av_opt_set, and the loop filter is the part of H.264/H.265 decoding a
// small tile can go without: it smooths block edges a few pixels wide that
// scaling to a quarter of the size or less averages away anyway, and it is
// about a fifth of the decoding time (FFmpeg's -skip_loop_filter all on a
// 720p camera clip: 0.75 s against 0.91 s). So the field is set here,
// through the AVCodecContext pointer that astiav.CodecContext holds as its
// first field (checked by codecContextPointer against the codec id astiav
// itself reports).

//#cgo pkg-config: libavcodec libavutil
//#include <libavcodec/avcodec.h>
//static void rv_set_skip_loop_filter(AVCodecContext *c, int all) {
//	c->skip_loop_filter = all ? AVDISCARD_ALL : AVDISCARD_DEFAULT;
//}
//static int rv_codec_id(AVCodecContext *c) { return c->codec_id; }
import "C"

import (
	"unsafe"

	"github.com/asticode/go-astiav"
)

// codecContextPointer returns the AVCodecContext behind cc, or nil when
// astiav's layout is not the one this file was written for (v0.16.0:
// `type CodecContext struct { c *C.struct_AVCodecContext; … }`).
func codecContextPointer(cc *astiav.CodecContext) *C.AVCodecContext {
	if cc == nil {
		return nil
	}
	p := *(**C.AVCodecContext)(unsafe.Pointer(cc))
	if p == nil || astiav.CodecID(C.rv_codec_id(p)) != cc.CodecID() {
		return nil
	}
	return p
}

// SetSkipLoopFilter turns H.264's and H.265's in-loop deblocking off (on
// true) or back on. It takes effect from the next picture, and the
// pictures that follow are predicted from unfiltered references, so blocks
// may show until the filter is on again and the next keyframe comes: use
// it for pictures shown much smaller than decoded. It reports whether the
// decoder took it (false for MJPEG, which has no loop filter, and when the
// FFmpeg binding's layout is not the expected one).
func (d *Decoder) SetSkipLoopFilter(skip bool) bool {
	if d.codec == CodecMJPEG || d.skipLF == skip {
		return d.codec != CodecMJPEG && d.skipLF == skip
	}
	p := codecContextPointer(d.cc)
	if p == nil {
		return false
	}
	all := C.int(0)
	if skip {
		all = 1
	}
	C.rv_set_skip_loop_filter(p, all)
	d.skipLF = skip
	return true
}

// SkipsLoopFilter reports what SetSkipLoopFilter last set.
func (d *Decoder) SkipsLoopFilter() bool { return d.skipLF }
