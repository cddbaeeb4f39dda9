package decode

import "errors"

// ErrCorrupt marks input the decoder rejected as invalid (FFmpeg's
// AVERROR_INVALIDDATA): a truncated or damaged access unit, or bytes that
// are not the configured codec. The Decoder stays usable; pictures come
// back once the next keyframe arrives.
var ErrCorrupt = errors.New("corrupt input")

// ErrClosed is returned by Decode after Close.
var ErrClosed = errors.New("decoder closed")

// ErrUnknownCodec is returned by New for a Codec value it does not know.
var ErrUnknownCodec = errors.New("unknown codec")
