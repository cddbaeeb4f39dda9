// Package record keeps what a camera sent: the access units the player
// received, muxed without re-encoding into files that survive a crash.
//
// H.264 and H.265 (with AAC, or no sound) go into fragmented MP4: the moov
// first (held until the first fragment is ready, so a sound track that
// starts after the picture gets an edit), then a fragment at each keyframe
// and at least every second (movflags=frag_keyframe+empty_moov+delay_moov+
// default_base_moof, frag_duration=1s), so a process killed mid-recording
// leaves a file that plays up to its last fragment. MJPEG, and any video
// with G.711 sound, go into Matroska, which holds them where MP4 has no
// place for them (ISO/IEC 14496-12 registers neither A-law nor µ-law, and
// browsers and most players do not play MJPEG from MP4); its clusters are
// closed at least every second for the same reason.
//
// Timestamps are the RTP timestamps, unwrapped to 64 bits per track; the
// file starts at a keyframe, and its wall-clock start is the file's
// creation_time. The sound is placed beside the picture by the arrival of
// each track's first unit until both tracks' RTCP sender reports are in,
// then by the reports (sync.go). A Recorder never blocks the caller: Push copies the unit
// into a queue bounded in bytes, and a slow disk drops units (counted in
// Stats) rather than holding up the receive path.
package record
