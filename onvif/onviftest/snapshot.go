package onviftest

import (
	"bytes"
	"crypto/sha1"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
)

// serveSnapshot answers GET /snapshot.jpg with a small JPEG picture in a
// colour of the device's own (from its endpoint), so that tests and
// screenshots can tell the thumbnails apart. A device with a password
// asks for it by HTTP Digest, as cameras do for their snapshot address
// whatever they use for SOAP.
func (d *Device) serveSnapshot(w http.ResponseWriter, r *http.Request) {
	auth := "ok"
	if d.o.Username != "" && d.o.Auth != "none" {
		if auth = d.checkDigest(r); auth != "ok" {
			d.challenge(w, "Snapshot auth="+auth)
			return
		}
	}
	d.record(&d.calls, "Snapshot auth="+auth)
	w.Header().Set("Content-Type", "image/jpeg")
	_, _ = w.Write(d.picture())
}

// challenge sends a 401 with a fresh Digest nonce and records call.
func (d *Device) challenge(w http.ResponseWriter, call string) {
	nonce := newUUID()
	d.mu.Lock()
	d.nonces[nonce] = true
	d.mu.Unlock()
	d.record(&d.calls, call)
	w.Header().Set("WWW-Authenticate", `Digest realm="onviftest", qop="auth", nonce="`+nonce+`", algorithm=MD5`)
	w.WriteHeader(http.StatusUnauthorized)
}

// picture is a 320×180 JPEG: a diagonal gradient in the device's colour.
func (d *Device) picture() []byte {
	sum := sha1.Sum([]byte(d.o.Endpoint))
	base := color.RGBA{sum[0] | 0x40, sum[1] | 0x40, sum[2] | 0x40, 0xff}
	img := image.NewRGBA(image.Rect(0, 0, 320, 180))
	for y := 0; y < 180; y++ {
		for x := 0; x < 320; x++ {
			f := uint32(x+y) * 255 / 500
			img.Set(x, y, color.RGBA{uint8(uint32(base.R) * f / 255), uint8(uint32(base.G) * f / 255), uint8(uint32(base.B) * f / 255), 0xff})
		}
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 80})
	return b.Bytes()
}
