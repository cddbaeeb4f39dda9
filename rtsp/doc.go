// Package rtsp is rtspview's own RTSP 1.0 client (RFC 2326), built on
// pion/rtp, pion/rtcp and pion/sdp/v3.
//
// It owns the protocol only: URLs, messages, header grammars (package
// headers), authentication (package auth), the control connection over TCP,
// TLS or an HTTP tunnel, media over TCP interleaved frames or UDP port pairs,
// RTCP receiver reports and SDP to tracks. It never retries silently: a
// caller that wants reconnects or transport fallback (package player) builds
// a fresh Client for each attempt.
package rtsp
