package record

//#cgo pkg-config: libavformat
//#include <stdlib.h>
//#include <libavformat/avformat.h>
//static int record_set_metadata(AVFormatContext *fc, const char *key, const char *value) {
//	return av_dict_set(&fc->metadata, key, value, 0);
//}
import "C"

import (
	"unsafe"

	"github.com/asticode/go-astiav"
)

// setMetadata sets one of fc's metadata entries (creation_time: the MP4
// and Matroska muxers write it as the file's start). go-astiav v0.16.0's
// FormatContext.Metadata returns nil while a context has none, and has no
// setter, so this reaches its AVFormatContext, the struct's only field.
// The tests read creation_time back with ffprobe, so a go-astiav that
// changes that layout fails them rather than writing nothing.
func setMetadata(fc *astiav.FormatContext, key, value string) error {
	c := *(**C.AVFormatContext)(unsafe.Pointer(fc))
	if c == nil {
		return astiav.ErrUnknown
	}
	ck, cv := C.CString(key), C.CString(value)
	defer C.free(unsafe.Pointer(ck))
	defer C.free(unsafe.Pointer(cv))
	if ret := C.record_set_metadata(c, ck, cv); ret < 0 {
		return astiav.Error(ret)
	}
	return nil
}
