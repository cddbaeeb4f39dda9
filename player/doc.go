// Package player plays one camera: it drives an rtsp.Client through
// connect, redirects and (for Auto) a chain of transports, passes RTP
// through a jitter buffer (UDP) and a depacketizer, decodes the access
// units with package decode and keeps the newest picture for the UI.
//
// Files by concern:
//
//	stream.go      Config, Stream and its life: start, reconnect with backoff, Close
//	auto.go        Auto: UDP and TCP raced on the RTSP port, then the HTTP/HTTPS tunnels
//	connect.go     one connection: DESCRIBE, SETUP (461 fallback), PLAY, redirects, credentials
//	packetpath.go  the per-connection packet path: jitter buffer, give-up timer, depacketizer
//	decodeloop.go  the decoder goroutine and the newest-frame hand-off
//	errors.go      error kinds and the sentences the UI shows
//	trust.go       certificate pinning for rtsps and the HTTPS tunnel
//
// Sentences and kinds from errors.go are what the UI and probe show; Go
// error chains are not.
package player
