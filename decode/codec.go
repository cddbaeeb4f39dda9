package decode

import (
	"strconv"

	"github.com/asticode/go-astiav"
)

// Codec names a compressed video format this package can decode.
type Codec int

// The codecs an RTSP camera sends in practice.
const (
	// CodecH264 is H.264/AVC in Annex-B byte-stream form.
	CodecH264 Codec = iota + 1
	// CodecH265 is H.265/HEVC in Annex-B byte-stream form.
	CodecH265
	// CodecMJPEG is Motion JPEG: one complete JPEG image per access unit.
	CodecMJPEG
)

// String returns the codec's short name: "H264", "H265" or "MJPEG".
func (c Codec) String() string {
	switch c {
	case CodecH264:
		return "H264"
	case CodecH265:
		return "H265"
	case CodecMJPEG:
		return "MJPEG"
	}
	return "Codec(" + strconv.Itoa(int(c)) + ")"
}

// codecID maps c to FFmpeg's codec id; ok is false for an unknown Codec.
func (c Codec) codecID() (id astiav.CodecID, ok bool) {
	switch c {
	case CodecH264:
		return astiav.CodecIDH264, true
	case CodecH265:
		return astiav.CodecIDHevc, true
	case CodecMJPEG:
		return astiav.CodecIDMjpeg, true
	}
	return 0, false
}
