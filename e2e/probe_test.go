package e2e

import "github.com/rtspview/rtspview/player"

// probeResult is the part of `rtspview probe --json`'s object these tests
// read, by its JSON names: the contract scripts depend on.
type probeResult struct {
	Transport string `json:"transport"`
	Video     struct {
		Codec  string `json:"codec"`
		Width  int    `json:"width"`
		Height int    `json:"height"`
	} `json:"video"`
	FramesShown     uint64            `json:"frames_decoded"`
	FirstFrameMS    int64             `json:"first_frame_ms"`
	PacketsReceived uint64            `json:"packets_received"`
	Fallbacks       []player.Fallback `json:"fallbacks"`
	Error           string            `json:"error,omitempty"`
	ErrorKind       string            `json:"error_kind,omitempty"`
}
