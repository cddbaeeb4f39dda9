// Package decode turns compressed video access units into RGBA pictures of
// the size the caller asks for, using FFmpeg's decoders and libswscale
// through github.com/asticode/go-astiav v0.16.0.
//
// One Decoder serves one stream: it owns its codec context, packet, frames
// and scale context, reuses them for every access unit, and frees them in
// Close. Input is what the RTSP depacketizers produce: Annex-B H.264
// (RFC 6184 de-packetized, start codes included) or H.265 (RFC 7798), one
// access unit per call, or one complete JPEG image per call for MJPEG
// (RFC 2435 with the headers rebuilt).
//
// AudioDecoder does the same for sound (audio.go): AAC (raw frames with
// the SDP's AudioSpecificConfig, from RFC 3640 or RFC 6416), G.711 A-law
// and µ-law, L16, Opus and G.726, decoded by FFmpeg and converted by
// libswresample to interleaved signed 16-bit PCM at one fixed rate and
// channel count, whatever the camera sends.
//
// It builds against FFmpeg 5.1's libraries only (go-astiav v0.16.0's
// series); docs/building.md's "FFmpeg for a development build" says how to get
// them on each system.
//
// FFmpeg logs to stderr; this package lowers its level to fatal when it is
// loaded, and SetVerbose turns the chatter back on for debugging.
package decode
