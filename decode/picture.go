package decode

import (
	"errors"
	"fmt"
	"image"

	"github.com/asticode/go-astiav"
)

// ErrNoPicture is returned by Hold when the decoder holds no picture: none
// was decoded yet, or the Decoder is closed.
var ErrNoPicture = errors.New("no decoded picture")

// Picture is a decoded picture at the source size, referenced from the
// decoder's own buffers (no copy): a snapshot taken off the decoder's
// goroutine. Its owner calls RGBA at most once and Free when done.
type Picture struct {
	f *astiav.Frame
}

// Hold returns a new reference to the picture the last Decode returned,
// before scaling, so that a snapshot can be converted at full size on
// another goroutine while this one decodes on. FFmpeg never writes a
// buffer that is still referenced, so the picture stays as it was.
func (d *Decoder) Hold() (*Picture, error) {
	if d.cc == nil || d.last == nil || d.last.Width() <= 0 || d.pending {
		return nil, fmt.Errorf("decode %v: %w", d.codec, ErrNoPicture)
	}
	f := astiav.AllocFrame()
	if f == nil {
		return nil, fmt.Errorf("decode %v: allocating a frame failed", d.codec)
	}
	if err := f.Ref(d.last); err != nil {
		f.Free()
		return nil, fmt.Errorf("decode %v: referencing the picture: %w", d.codec, err)
	}
	return &Picture{f: f}, nil
}

// Size is the picture's size in pixels.
func (p *Picture) Size() (w, h int) { return p.f.Width(), p.f.Height() }

// RGBA converts the picture to RGBA at its own size. It builds a scale
// context for the one conversion: snapshots are rare, and the decoder's
// own context is busy scaling to the tile size.
func (p *Picture) RGBA() (*image.RGBA, error) {
	if p.f == nil {
		return nil, fmt.Errorf("decode: %w", ErrClosed)
	}
	w, h := p.Size()
	pf := sourceFormat(p.f)
	sws, err := astiav.CreateSoftwareScaleContext(w, h, pf, w, h, astiav.PixelFormatRgba,
		astiav.NewSoftwareScaleContextFlags(astiav.SoftwareScaleContextFlagBilinear))
	if err != nil {
		return nil, fmt.Errorf("decode: no converter from %dx%d %s to rgba: %w", w, h, pf, err)
	}
	defer sws.Free()
	out := astiav.AllocFrame()
	if out == nil {
		return nil, errors.New("decode: allocating a frame failed")
	}
	defer out.Free()
	if err := sws.ScaleFrame(p.f, out); err != nil {
		return nil, fmt.Errorf("decode: converting %dx%d %s to rgba: %w", w, h, pf, err)
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	if _, err := out.ImageCopyToBuffer(img.Pix, 1); err != nil {
		return nil, fmt.Errorf("decode: copying %dx%d RGBA: %w", w, h, err)
	}
	return img, nil
}

// Free drops the reference. Idempotent.
func (p *Picture) Free() {
	if p.f != nil {
		p.f.Free()
		p.f = nil
	}
}

// Serial counts the pictures that came out of the decoder: Hold returns
// the picture Serial named as long as Serial has not moved since.
func (d *Decoder) Serial() uint64 { return d.serial }

// Ref returns another reference to the same picture, with its own Free.
func (p *Picture) Ref() (*Picture, error) {
	if p.f == nil {
		return nil, fmt.Errorf("decode: %w", ErrClosed)
	}
	f := astiav.AllocFrame()
	if f == nil {
		return nil, errors.New("decode: allocating a frame failed")
	}
	if err := f.Ref(p.f); err != nil {
		f.Free()
		return nil, fmt.Errorf("decode: referencing the picture: %w", err)
	}
	return &Picture{f: f}, nil
}
