package player

import (
	"errors"
	"fmt"
	"image"
	"log/slog"
	"time"

	"github.com/rtspview/rtspview/decode"
)

// noPictureTimeout is how long video may arrive without any picture coming
// out of the decoder before the attempt fails with ErrNoPicture. A camera
// that sends an IDR once a second, or an intra-refresh wave every two,
// shows its first picture well within it.
const noPictureTimeout = 10 * time.Second

// ErrNoPicture means RTP video arrives but for noPictureTimeout no picture
// could be decoded: no keyframe or recovery point came, or what came does
// not decode. It wraps ErrTimeout (a retry may land on a keyframe), but its
// sentence does not blame the server for not answering.
var ErrNoPicture = fmt.Errorf("video arrives but no picture could be decoded in %v (no keyframe): %w", noPictureTimeout, ErrTimeout)

// ErrNoDecoder means FFmpeg could not open a decoder for the stream's codec
// (a build without it, or out of memory). Retrying does not help.
var ErrNoDecoder = errors.New("no decoder for this video")

// decodeSentence is Sentence for ErrNoPicture and ErrNoDecoder.
func decodeSentence(err error) string {
	if errors.Is(err, ErrNoDecoder) {
		return "This viewer cannot decode the camera's video: FFmpeg could not open a decoder for it."
	}
	return fmt.Sprintf("Video arrives but no picture could be decoded in %v (no keyframe).", noPictureTimeout.Round(time.Second))
}

// newDecoder opens the stream's decoder for codec. On failure it tells the
// session (through decErr, once) so that the stream fails with a sentence
// rather than playing a black tile for ever.
func (s *Stream) newDecoder(codec decode.Codec) (*decode.Decoder, error) {
	// LowDelay: frame threading would hold each picture back Threads-1
	// access units, which a live view cannot afford.
	dec, err := decode.New(decode.Config{Codec: codec, Threads: s.cfg.DecoderThreads, LowDelay: true})
	if err != nil {
		err = fmt.Errorf("%w (%v): %w", ErrNoDecoder, codec, err)
		slog.Debug("player: no decoder", "err", err)
		select {
		case s.decErr <- err:
		default:
		}
		return nil, err
	}
	return dec, nil
}

// decodeUnit decodes one access unit into the frame slot's back buffer,
// counting concealed pictures and rejected units.
func (s *Stream) decodeUnit(dec *decode.Decoder, b *auBuf) (*image.RGBA, error) {
	var out *image.RGBA
	var err error
	if b.damaged {
		out, err = dec.DecodeDamaged(b.data, s.frames.back())
	} else {
		out, err = dec.Decode(b.data, s.frames.back())
	}
	if err != nil {
		// Logged at 1, 2, 4, 8, … errors: a lossy stream may reject a unit
		// per frame, and the count is in Stats anyway.
		if n := s.decodeErrors.Add(1); n&(n-1) == 0 {
			slog.Debug("player: decoder rejected an access unit", "codec", b.codec.String(), "damaged", b.damaged, "bytes", len(b.data), "count", n, "err", err)
		}
		return nil, err
	}
	if out != nil && dec.Concealed() {
		s.concealed.Add(1)
	}
	return out, nil
}
