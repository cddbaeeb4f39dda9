package decode

import (
	"os"
	"path/filepath"
	"testing"
)

// TestMaxPixelsRefusesLargerPictures: a picture over the cap is an error,
// never a picture (nor a crash); at the cap's default it decodes.
func TestMaxPixelsRefusesLargerPictures(t *testing.T) {
	au, err := os.ReadFile(filepath.Join("testdata", "keyframe.h264"))
	if err != nil {
		t.Fatal(err)
	}
	open := func(maxPixels int) *Decoder {
		d, err := New(Config{Codec: CodecH264, Threads: 1, LowDelay: true, MaxPixels: maxPixels})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(d.Close)
		return d
	}
	d := open(0)
	img, err := d.Decode(au, nil)
	if err != nil || img == nil {
		t.Fatalf("default cap: %v (picture %v)", err, img != nil)
	}
	w, h := d.SourceSize()
	small := open(w*h - 1)
	img, err = small.Decode(au, nil)
	if err == nil || img != nil {
		t.Fatalf("a %dx%d picture under a cap of %d pixels: err %v, picture %v", w, h, w*h-1, err, img != nil)
	}
}
