package decode

import (
	"errors"
	"fmt"
	"image"

	"github.com/asticode/go-astiav"
)

// paddingSize is FFmpeg's AV_INPUT_BUFFER_PADDING_SIZE (64 in 5.1): the
// bitstream readers may read that far past the end of a packet, so the
// bytes there must exist and be zero (avcodec.h, av_packet_from_data).
// astiav's Packet.FromData allocates exactly len(data), so Decode hands it
// the access unit with the padding already appended.
const paddingSize = 64

// maxFramesPerAU bounds the receive loop. A decoder returns at most one
// picture per access unit in steady state; a few more can come out at once
// after frame-threaded decoding catches up.
const maxFramesPerAU = 16

// Config chooses the codec and how the decoder uses the CPU.
type Config struct {
	// Codec is the compressed format of the access units.
	Codec Codec
	// Threads is the number of decoder threads; 0 lets FFmpeg pick one per
	// core (plus one). A wall of cameras wants 1-2 per stream so that the
	// streams, not one stream's threads, share the cores.
	//
	// With more than one thread FFmpeg decodes whole frames in parallel,
	// which holds back each picture by Threads-1 access units unless
	// LowDelay is set.
	Threads int
	// LowDelay sets AV_CODEC_FLAG_LOW_DELAY, which turns frame threading
	// off (libavcodec/pthread.c) so that every access unit yields its own
	// picture at once; extra threads then only split slices, and most
	// cameras send one slice per picture.
	LowDelay bool
	// MaxPixels caps a picture's width × height (FFmpeg's max_pixels);
	// DefaultMaxPixels when 0. A larger picture is refused before FFmpeg
	// allocates it: a hostile or broken stream's SPS can claim 16384×16384,
	// a gigabyte of RGBA per picture on a machine showing a wall of them.
	MaxPixels int
}

// DefaultMaxPixels is 8192×4320 (8K DCI, 35 megapixels): above the
// largest single-sensor and panoramic cameras sold (32 MP), far under what
// a forged parameter set can ask for.
const DefaultMaxPixels = 8192 * 4320

// Decoder decodes one stream's access units and scales the pictures to
// RGBA. It is not safe for concurrent use: one goroutine calls Decode,
// SetOutputSize and SourceSize, and Close when the stream ends.
type Decoder struct {
	codec   Codec
	cc      *astiav.CodecContext
	pkt     *astiav.Packet
	recv    *astiav.Frame // avcodec_receive_frame target; unreferenced on every call
	last    *astiav.Frame // newest picture not yet scaled, when pending
	pending bool
	// lastDamaged says d.last came from damaged input or was flagged by
	// FFmpeg; concealed is the same for the picture Decode last returned.
	lastDamaged bool
	concealed   bool
	damagedIn   bool          // the access unit being decoded was marked damaged
	scaled      *astiav.Frame // RGBA output of the scaler, reused while the size holds
	sws         *astiav.SoftwareScaleContext
	swsKey      scaleKey
	buf         []byte // access unit plus zero padding, grown and reused
	skipLF      bool   // the loop filter is off (skip.go)

	outW, outH int    // requested output size; 0 picks from the source
	srcW, srcH int    // size of the last decoded picture
	serial     uint64 // pictures that came out so far (picture.go)
}

// scaleKey is everything the scale context depends on; a change in any
// field rebuilds it.
type scaleKey struct {
	srcW, srcH int
	srcFmt     astiav.PixelFormat
	dstW, dstH int
}

// New opens a decoder for cfg.Codec.
func New(cfg Config) (*Decoder, error) {
	id, ok := cfg.Codec.codecID()
	if !ok {
		return nil, fmt.Errorf("decode: %w: %v", ErrUnknownCodec, cfg.Codec)
	}
	if cfg.Threads < 0 {
		return nil, fmt.Errorf("decode %v: negative thread count %d", cfg.Codec, cfg.Threads)
	}
	codec := astiav.FindDecoder(id)
	if codec == nil {
		return nil, fmt.Errorf("decode %v: FFmpeg was built without this decoder: %w", cfg.Codec, astiav.ErrDecoderNotFound)
	}

	d := &Decoder{codec: cfg.Codec}
	d.cc = astiav.AllocCodecContext(codec)
	d.pkt = astiav.AllocPacket()
	d.recv = astiav.AllocFrame()
	d.last = astiav.AllocFrame()
	d.scaled = astiav.AllocFrame()
	if d.cc == nil || d.pkt == nil || d.recv == nil || d.last == nil || d.scaled == nil {
		d.Close()
		return nil, fmt.Errorf("decode %v: allocating FFmpeg objects failed", cfg.Codec)
	}

	// AVCodecContext.thread_count defaults to 1 when the context is
	// allocated directly; only the ffmpeg tool turns "auto" (0) on, so it
	// is always set here.
	d.cc.SetThreadCount(cfg.Threads)
	if cfg.LowDelay {
		d.cc.SetFlags(d.cc.Flags().Add(astiav.CodecContextFlagLowDelay))
	}
	maxPixels := cfg.MaxPixels
	if maxPixels <= 0 {
		maxPixels = DefaultMaxPixels
	}
	opts := astiav.NewDictionary()
	defer opts.Free()
	if err := opts.Set("max_pixels", fmt.Sprint(maxPixels), 0); err != nil {
		d.Close()
		return nil, fmt.Errorf("decode %v: setting max_pixels: %w", cfg.Codec, err)
	}
	if err := d.cc.Open(codec, opts); err != nil {
		d.Close()
		return nil, fmt.Errorf("decode %v: opening decoder: %w", cfg.Codec, err)
	}
	return d, nil
}

// SetOutputSize asks for pictures of w×h pixels. 0,0 means the source
// size; when only one of them is 0 it follows from the other and the
// source's aspect ratio. Negative values count as 0. The scaler is rebuilt
// on the next picture, not here.
func (d *Decoder) SetOutputSize(w, h int) {
	d.outW, d.outH = max(w, 0), max(h, 0)
}

// SourceSize returns the size of the last decoded picture, 0,0 before the
// first one.
func (d *Decoder) SourceSize() (w, h int) {
	return d.srcW, d.srcH
}

// Decode sends one access unit to the decoder and, if a picture comes out,
// scales it to the output size into dst and returns it.
//
// dst is reused when it is non-nil and exactly the output size with a
// packed stride (as image.NewRGBA makes it); otherwise a new image is
// allocated and returned, so passing back the previous result keeps the
// steady state free of image allocations. When the decoder needs more input
// Decode returns nil, nil. Rejected input returns an error wrapping
// ErrCorrupt and leaves the Decoder usable for the next keyframe. If
// several pictures come out of one access unit only the newest is scaled:
// a viewer wants the latest picture, not a queue.
func (d *Decoder) Decode(au []byte, dst *image.RGBA) (*image.RGBA, error) {
	return d.decode(au, false, dst)
}

// DecodeDamaged is Decode for an access unit known to have lost data on
// the way (RTP packets missing from it, or from the units it refers to).
// The packet goes to FFmpeg marked AV_PKT_FLAG_CORRUPT and FFmpeg's error
// concealment fills the missing parts from neighbouring pictures: a live
// view wants a slightly smeared picture now rather than a frozen one until
// the next keyframe, which at a few percent loss rarely arrives intact.
// The picture that comes out reports Concealed.
func (d *Decoder) DecodeDamaged(au []byte, dst *image.RGBA) (*image.RGBA, error) {
	return d.decode(au, true, dst)
}

// Concealed reports whether the picture the last Decode or DecodeDamaged
// returned is known to be damaged: decoded from an access unit marked
// damaged, or flagged by FFmpeg as corrupt or partly concealed.
func (d *Decoder) Concealed() bool { return d.concealed }

func (d *Decoder) decode(au []byte, damaged bool, dst *image.RGBA) (*image.RGBA, error) {
	d.concealed = false
	if d.cc == nil {
		return nil, fmt.Errorf("decode %v: %w", d.codec, ErrClosed)
	}
	// An empty packet would put FFmpeg into draining mode for good.
	if len(au) == 0 {
		return nil, nil
	}
	d.damagedIn = damaged
	if err := d.send(au); err != nil {
		return nil, err
	}
	if err := d.receive(); err != nil || !d.pending {
		return nil, err
	}
	return d.scale(dst)
}

// send copies au into an FFmpeg packet and hands it to the decoder.
func (d *Decoder) send(au []byte) error {
	n := len(au)
	need := n + paddingSize
	if cap(d.buf) < need {
		// Keyframes are several times larger than the frames between them;
		// growing with headroom avoids reallocating on each new maximum.
		d.buf = make([]byte, need+need/2)
	}
	b := d.buf[:need]
	copy(b, au)
	clear(b[n:])

	if err := d.pkt.FromData(b); err != nil {
		return fmt.Errorf("decode %v: packet: %w", d.codec, err)
	}
	d.pkt.SetSize(n)
	if d.damagedIn {
		d.pkt.SetFlags(d.pkt.Flags().Add(astiav.PacketFlagCorrupt))
	}
	err := d.cc.SendPacket(d.pkt)
	if errors.Is(err, astiav.ErrEagain) {
		// Cannot happen while every Decode drains the decoder, except when
		// maxFramesPerAU cut the last drain short: drain and retry once.
		if rerr := d.receive(); rerr == nil {
			err = d.cc.SendPacket(d.pkt)
		}
	}
	d.pkt.Unref()
	if err != nil {
		return d.wrap("sending access unit", err)
	}
	return nil
}

// receive drains the decoder and leaves the newest picture in d.last.
func (d *Decoder) receive() error {
	for range maxFramesPerAU {
		err := d.cc.ReceiveFrame(d.recv)
		if errors.Is(err, astiav.ErrEagain) || errors.Is(err, astiav.ErrEof) {
			return nil
		}
		if err != nil {
			return d.wrap("receiving picture", err)
		}
		d.last.Unref()
		d.last.MoveRef(d.recv)
		d.pending = true
		d.serial++
		// With LowDelay the picture is the one this access unit made;
		// with frame threading it may be an earlier one, and only
		// FFmpeg's own flags speak for it.
		d.lastDamaged = d.damagedIn || frameDamaged(d.last)
	}
	return nil
}

// scale converts d.last to RGBA at the output size and copies it into dst.
// d.last keeps the picture until the next one replaces it, for Hold: the
// decoder's reference list mostly holds it anyway, so this costs no copy.
func (d *Decoder) scale(dst *image.RGBA) (*image.RGBA, error) {
	defer func() { d.pending = false }()
	d.concealed = d.lastDamaged
	sw, sh := d.last.Width(), d.last.Height()
	if sw <= 0 || sh <= 0 {
		return nil, fmt.Errorf("decode %v: %w: picture of size %dx%d", d.codec, ErrCorrupt, sw, sh)
	}
	d.srcW, d.srcH = sw, sh
	dw, dh := d.outputSize(sw, sh)
	key := scaleKey{srcW: sw, srcH: sh, srcFmt: sourceFormat(d.last), dstW: dw, dstH: dh}
	if d.sws == nil || key != d.swsKey {
		if err := d.rebuildScaler(key); err != nil {
			return nil, err
		}
	}
	if err := d.sws.ScaleFrame(d.last, d.scaled); err != nil {
		return nil, fmt.Errorf("decode %v: scaling %dx%d %s to %dx%d: %w", d.codec, sw, sh, key.srcFmt, dw, dh, err)
	}

	size := 4 * dw * dh
	if dst == nil || dst.Rect != image.Rect(0, 0, dw, dh) || dst.Stride != 4*dw || len(dst.Pix) < size {
		dst = image.NewRGBA(image.Rect(0, 0, dw, dh))
	}
	// The scaler's rows are padded to its alignment (linesize > 4*w);
	// copying with alignment 1 packs them to image.RGBA's 4*w stride.
	if _, err := d.scaled.ImageCopyToBuffer(dst.Pix[:size], 1); err != nil {
		return nil, fmt.Errorf("decode %v: copying %dx%d RGBA: %w", d.codec, dw, dh, err)
	}
	return dst, nil
}

// scaleFilter names the libswscale filter for a sw×sh picture shown at
// dw×dh: "area" (averaging each output pixel's footprint) when it shrinks
// to half or less both ways, as a camera in a wall tile is, "bilinear"
// otherwise. Bilinear is the cheapest filter that does not alias when
// shrinking a little; for large factors swscale widens its taps to the
// footprint, and area gives the same look for well under half the time
// (1280×720 to 240×134 RGBA, ffmpeg's scale filter: 0.18 ms a picture
// against 0.42 ms), which on a wall of sixteen is a quarter of a core.
func scaleFilter(sw, sh, dw, dh int) string {
	if 2*dw <= sw && 2*dh <= sh {
		return "area"
	}
	return "bilinear"
}

// rebuildScaler replaces the scale context and drops the output buffer,
// which sws_scale_frame then allocates at the new size.
func (d *Decoder) rebuildScaler(key scaleKey) error {
	if d.sws != nil {
		d.sws.Free()
		d.sws = nil
	}
	d.scaled.Unref()
	flag := astiav.SoftwareScaleContextFlagBilinear
	if scaleFilter(key.srcW, key.srcH, key.dstW, key.dstH) == "area" {
		flag = astiav.SoftwareScaleContextFlagArea
	}
	sws, err := astiav.CreateSoftwareScaleContext(key.srcW, key.srcH, key.srcFmt,
		key.dstW, key.dstH, astiav.PixelFormatRgba,
		astiav.NewSoftwareScaleContextFlags(flag))
	if err != nil {
		return fmt.Errorf("decode %v: no scaler from %dx%d %s to %dx%d rgba: %w",
			d.codec, key.srcW, key.srcH, key.srcFmt, key.dstW, key.dstH, err)
	}
	d.sws = sws
	d.swsKey = key
	return nil
}

// outputSize resolves the requested size against a sw×sh source.
func (d *Decoder) outputSize(sw, sh int) (w, h int) {
	w, h = d.outW, d.outH
	switch {
	case w == 0 && h == 0:
		return sw, sh
	case w == 0:
		w = max(1, (sw*h+sh/2)/sh)
	case h == 0:
		h = max(1, (sh*w+sw/2)/sw)
	}
	return w, h
}

// sourceFormat is the pixel format to tell the scaler. libswscale in
// FFmpeg 5.1 takes the range from the format alone, not from the frame, so
// a full-range picture in a plain yuv format (many IP cameras set
// video_full_range_flag in the H.264 VUI) is named by its yuvj twin;
// otherwise its blacks and whites come out crushed.
func sourceFormat(f *astiav.Frame) astiav.PixelFormat {
	pf := f.PixelFormat()
	if f.ColorRange() != astiav.ColorRangeJpeg {
		return pf
	}
	switch pf {
	case astiav.PixelFormatYuv420P:
		return astiav.PixelFormatYuvj420P
	case astiav.PixelFormatYuv422P:
		return astiav.PixelFormatYuvj422P
	case astiav.PixelFormatYuv444P:
		return astiav.PixelFormatYuvj444P
	case astiav.PixelFormatYuv440P:
		return astiav.PixelFormatYuvj440P
	case astiav.PixelFormatYuv411P:
		return astiav.PixelFormatYuvj411P
	}
	return pf
}

// wrap adds context to an FFmpeg error and marks invalid data as ErrCorrupt.
func (d *Decoder) wrap(op string, err error) error {
	if errors.Is(err, astiav.ErrInvaliddata) {
		return fmt.Errorf("decode %v: %s: %w: %w", d.codec, op, ErrCorrupt, err)
	}
	return fmt.Errorf("decode %v: %s: %w", d.codec, op, err)
}

// Close frees the codec context, packet, frames and scale context. It is
// idempotent; Decode after Close returns ErrClosed.
func (d *Decoder) Close() {
	if d.sws != nil {
		d.sws.Free()
		d.sws = nil
	}
	for _, f := range []**astiav.Frame{&d.recv, &d.last, &d.scaled} {
		if *f != nil {
			(*f).Free()
			*f = nil
		}
	}
	if d.pkt != nil {
		d.pkt.Free()
		d.pkt = nil
	}
	if d.cc != nil {
		d.cc.Free()
		d.cc = nil
	}
	d.buf = nil
}
