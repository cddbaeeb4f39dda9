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
// # FFmpeg needed at build and run time
//
// The go-astiav v0.16.0 README says it is "only compatible with ffmpeg
// n5.1.2", i.e. the FFmpeg 5.1 series (libavcodec 59, libswscale 6); its
// later releases (v0.17 and up) need FFmpeg 7 and do not build against 5.1.
// astiav is one cgo package whose files name libavcodec, libavformat,
// libavutil, libavfilter, libavdevice and libswscale through pkg-config, so
// all of them must be present even though this package only decodes and
// scales:
//
//   - Debian 12 (bookworm) ships FFmpeg 5.1, which is what this package is
//     built and tested with (5.1.9):
//     apt-get install gcc pkg-config libavcodec-dev libavformat-dev
//     libavutil-dev libavfilter-dev libavdevice-dev libswscale-dev
//     libswresample-dev
//   - macOS: Homebrew's ffmpeg formula is FFmpeg 7 or newer, which does not
//     fit. Use a 5.1 build: the keg-only ffmpeg@5 formula where Homebrew
//     still offers it (then PKG_CONFIG_PATH=$(brew --prefix ffmpeg@5)/lib/pkgconfig),
//     or build n5.1.x from source with `make install-ffmpeg` in the astiav
//     module and point PKG_CONFIG_PATH, CGO_CFLAGS and CGO_LDFLAGS at it as
//     the astiav README describes.
//   - Other systems (Ubuntu 22.04 has FFmpeg 4.4, Ubuntu 24.04 and MSYS2
//     have 6.x or 7.x) need the same: an FFmpeg 5.1 with its pkg-config
//     files. FFmpeg 6.x is untested here.
//
// FFmpeg logs to stderr; this package lowers its level to fatal when it is
// loaded, and SetVerbose turns the chatter back on for debugging.
package decode
