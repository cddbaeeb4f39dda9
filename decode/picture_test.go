package decode

import (
	"errors"
	"image"
	"testing"
)

// TestHoldKeepsTheFullPicture: while the decoder scales to a small size,
// Hold gives the picture at its source size, the very picture the last
// Decode returned (it does not change as decoding goes on), and Serial
// says when a newer one replaced it.
func TestHoldKeepsTheFullPicture(t *testing.T) {
	aus, _ := clip{codec: CodecH264, src: "testsrc=size=640x360:rate=25", secs: "0.4", pixFmt: "yuv420p"}.make(t, t.TempDir())
	d, err := New(Config{Codec: CodecH264, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Hold(); !errors.Is(err, ErrNoPicture) {
		t.Fatalf("Hold before any picture: %v", err)
	}
	d.SetOutputSize(160, 90)
	small, err := d.Decode(aus[0], nil)
	if err != nil || small == nil || small.Rect.Dx() != 160 {
		t.Fatalf("Decode: %v, %v", small, err)
	}
	serial := d.Serial()
	p, err := d.Hold()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Free()
	if w, h := p.Size(); w != 640 || h != 360 {
		t.Fatalf("held %dx%d", w, h)
	}
	// Full size, by the decoder's own scaler, for comparison.
	d.SetOutputSize(0, 0)
	var full *image.RGBA
	for _, au := range aus[1:3] {
		if full, err = d.Decode(au, nil); err != nil {
			t.Fatal(err)
		}
	}
	if d.Serial() == serial {
		t.Fatal("Serial did not move")
	}
	img, err := p.RGBA()
	if err != nil {
		t.Fatal(err)
	}
	if img.Rect != image.Rect(0, 0, 640, 360) || img.Stride != 4*640 {
		t.Fatalf("RGBA %v stride %d", img.Rect, img.Stride)
	}
	checkSane(t, img)
	// The held picture is picture 0, not overwritten by later decoding
	// (testsrc's counter differs in picture 2).
	d0, err := New(Config{Codec: CodecH264, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer d0.Close()
	first, err := d0.Decode(aus[0], nil)
	if err != nil || first == nil {
		t.Fatalf("Decode: %v, %v", first, err)
	}
	if diff := meanAbsDiff(img.Pix, first.Pix); diff > 0.5 {
		t.Fatalf("held picture differs from picture 0 by %.2f", diff)
	}
	if meanAbsDiff(img.Pix, full.Pix) == 0 {
		t.Fatal("held picture equals a later one")
	}
	q, err := p.Ref()
	if err != nil {
		t.Fatal(err)
	}
	p.Free()
	p.Free()
	img2, err := q.RGBA()
	q.Free()
	if err != nil || meanAbsDiff(img.Pix, img2.Pix) != 0 {
		t.Fatalf("a second reference, its first freed: %v", err)
	}
}
