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

type auBuf struct {
	data     []byte
	gen      uint64        // playback generation it was queued in (playback.go)
	npt      time.Duration // normal play time, when hasNPT
	hasNPT   bool
	codec    decode.Codec
	keyframe bool
	damaged  bool   // packets of it were lost: the decoder conceals
	arrived  int64  // Unix ns the unit's last packet arrived (latency.go)
	rtp      uint32 // the unit's RTP time, for lip sync (audiosync.go)
}

// auQueue bounds received-but-not-yet-decoded access units. When decoding
// falls behind, units are dropped rather than queued: latency stays low and
// memory bounded.
const auQueue = 4

// decodeLoop owns the decoder for the stream's life.
func (s *Stream) decodeLoop() {
	defer s.wg.Done()
	var dec *decode.Decoder
	defer func() {
		if dec != nil {
			dec.Close()
		}
	}()
	var codec, failed decode.Codec
	var gen uint64         // the generation the decoder has seen
	needKey := false       // units were skipped while hidden: wait for a keyframe
	var gov decodeGovernor // skips pictures when decoding falls behind (degrade.go)
	var held heldUnits     // units held back for lip sync (audiosync_hold.go)
	defer held.stop()
	for {
		var b *auBuf
		select {
		case <-s.ctx.Done():
			return
		case b = <-s.auCh:
			if b = s.holdUnit(&held, b); b == nil {
				continue
			}
		case <-held.wait(time.Now()):
			if b = s.releaseUnit(&held); b == nil {
				return
			}
		case a := <-s.snap.ask:
			s.snapAsked(dec, a) // snapshot.go
			continue
		}
		if b.gen != s.pb.gen.Load() {
			s.free <- b // queued before a seek
			continue
		}
		gov.see(b.keyframe)
		if s.hidden.Load() {
			// Not shown: the unit is not decoded, which is what makes a
			// hidden tile cheap. The references it carried are lost, so
			// decoding starts again at a keyframe.
			s.free <- b
			needKey = true
			continue
		}
		now := time.Now()
		level, lostRefs := gov.observe(now, len(s.auCh)+held.overdue(now), s.dropped.Load())
		s.decodeLevel.Store(int32(level))
		if lostRefs {
			needKey = true // the inter pictures' references were skipped
		}
		if needKey {
			if !b.keyframe {
				s.free <- b
				continue
			}
			needKey = false
		}
		if gov.skip(level, b.codec, b.data, b.keyframe) {
			s.free <- b
			s.skipped.Add(1)
			continue
		}
		if b.gen != gen && dec != nil {
			// A seek: a fresh decoder holds no reference picture from
			// before it, so nothing old can show through. Opening one
			// costs about a millisecond, far less than the keyframe wait.
			dec.Close()
			dec = nil
		}
		gen = b.gen
		if b.codec == failed {
			s.free <- b // no decoder for it: the session is failing
			continue
		}
		if dec == nil || codec != b.codec {
			if dec != nil {
				dec.Close()
			}
			var err error
			if dec, err = s.newDecoder(b.codec); err != nil {
				s.free <- b
				failed = b.codec
				continue
			}
			codec = b.codec
		}
		if sw, sh := dec.SourceSize(); sw > 0 {
			w, h := fit(sw, sh, int(s.boxW.Load()), int(s.boxH.Load()))
			dec.SetOutputSize(w, h)
			// Deblocking smooths edges a few source pixels wide; shown
			// at half the width or less they are averaged away, and the
			// filter is a fifth of the decoding time (decode/skip.go).
			dec.SetSkipLoopFilter(2*w <= sw)
		}
		s.snapKeep(dec) // snapshot.go
		out, err := s.decodeUnit(dec, b)
		npt, hasNPT, arrived, ts := b.npt, b.hasNPT, b.arrived, b.rtp
		s.free <- b
		if err != nil || out == nil {
			continue
		}
		s.showPicture(dec, out, gen, npt, hasNPT, arrived, ts)
	}
}

// showPicture publishes a decoded picture, unless the stream is paused, a
// seek began while it decoded, or a resume has not reached the paused
// picture yet (the decoder keeps its references either way). It runs under
// showMu, as freeze does: once Pause returns, no picture decoded before it
// can still be shown, so the picture held is the one shown when Pause was
// asked, and OnFrame has seen it.
//
// ts is the RTP time of the unit just decoded: with LowDelay and the
// baseline and main profiles cameras send (no B-frames), the picture that
// comes out is that unit's.
func (s *Stream) showPicture(dec *decode.Decoder, out *image.RGBA, gen uint64, npt time.Duration, hasNPT bool, arrived int64, ts uint32) {
	s.showMu.Lock()
	defer s.showMu.Unlock()
	if s.pb.paused.Load() || gen != s.pb.gen.Load() || !s.pb.show(npt, hasNPT) {
		return
	}
	sw, sh := dec.SourceSize()
	s.srcW.Store(int32(sw))
	s.srcH.Store(int32(sh))
	s.frames.publishAt(out, arrived, ts, true, time.Now().UnixNano())
	s.snapPublished(dec)
	s.pb.picture(npt, hasNPT, time.Now())
	s.shownCount.Add(1)
	if s.firstFrameDur.Load() == 0 {
		s.firstFrameDur.Store(time.Now().UnixNano() - s.attemptStart.Load())
		s.firstPicture()
	}
	if s.cfg.OnFrame != nil {
		s.cfg.OnFrame()
	}
}

// freeze stops the pictures (Pause). It returns once none can be shown any
// more: a picture past showPicture's check has been shown by then.
func (s *Stream) freeze() {
	s.showMu.Lock()
	s.pb.paused.Store(true)
	s.showMu.Unlock()
}

// fit returns the largest size with the source's aspect ratio inside the
// box, never larger than the source (the GPU upscales for free; swscale
// would spend CPU on pixels that carry no detail). Sizes are even, which
// the chroma planes of 4:2:0 video want.
func fit(srcW, srcH, boxW, boxH int) (int, int) {
	if boxW <= 0 || boxH <= 0 || (boxW >= srcW && boxH >= srcH) {
		return srcW, srcH
	}
	w, h := boxW, boxW*srcH/srcW
	if h > boxH {
		w, h = boxH*srcW/srcH, boxH
	}
	w, h = w&^1, h&^1
	if w < 2 || h < 2 {
		return 2, 2
	}
	return w, h
}
