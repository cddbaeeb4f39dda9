package decode

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/rtspview/rtspview/internal/peer"
)

// needFFmpeg is peer's gate for the ffmpeg command: the media the tests
// decode is made by it.
func needFFmpeg(tb testing.TB) {
	tb.Helper()
	peer.Command(tb, "ffmpeg")
}

// ffmpeg runs the ffmpeg command with args, failing tb on error.
func ffmpeg(tb testing.TB, args ...string) {
	tb.Helper()
	cmd := exec.Command("ffmpeg", append([]string{"-nostdin", "-v", "error", "-y"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("ffmpeg %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// clip describes a test clip: a lavfi source encoded by ffmpeg.
type clip struct {
	codec  Codec
	src    string // lavfi source, e.g. "testsrc=size=1280x720:rate=25"
	secs   string // duration passed to -t
	pixFmt string // encoder input pixel format
	extra  []string
}

// encodeArgs returns the ffmpeg output options for c.
func (c clip) encodeArgs() []string {
	var a []string
	switch c.codec {
	case CodecH264:
		a = []string{"-c:v", "libx264", "-g", "25", "-bf", "0"}
	case CodecH265:
		a = []string{"-c:v", "libx265", "-g", "25", "-bf", "0", "-x265-params", "log-level=error"}
	case CodecMJPEG:
		a = []string{"-c:v", "mjpeg", "-q:v", "3"}
	}
	a = append(a, "-pix_fmt", c.pixFmt)
	return append(a, c.extra...)
}

// make encodes c into dir and returns the access units, in order, plus the
// path of a file ffmpeg itself can read back for reference pictures.
func (c clip) make(tb testing.TB, dir string) (aus [][]byte, path string) {
	tb.Helper()
	needFFmpeg(tb)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	in := []string{"-f", "lavfi", "-i", c.src, "-t", c.secs}
	switch c.codec {
	case CodecH264, CodecH265:
		format, ext := "h264", ".h264"
		if c.codec == CodecH265 {
			format, ext = "hevc", ".h265"
		}
		path = filepath.Join(dir, "clip"+ext)
		ffmpeg(tb, append(append(in, c.encodeArgs()...), "-f", format, path)...)
		b, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		return splitAnnexB(b, c.codec), path
	case CodecMJPEG:
		// One file per picture: exactly the JPEG images an RFC 2435
		// depacketizer hands over, with no marker scanning to get wrong.
		jdir := filepath.Join(dir, "jpeg")
		if err := os.Mkdir(jdir, 0o755); err != nil {
			tb.Fatal(err)
		}
		path = filepath.Join(jdir, "%04d.jpg")
		ffmpeg(tb, append(append(in, c.encodeArgs()...), "-f", "image2", path)...)
		names, err := filepath.Glob(filepath.Join(jdir, "*.jpg"))
		if err != nil {
			tb.Fatal(err)
		}
		sort.Strings(names)
		for _, n := range names {
			b, err := os.ReadFile(n)
			if err != nil {
				tb.Fatal(err)
			}
			aus = append(aus, b)
		}
		return aus, path
	}
	tb.Fatalf("no clip for codec %v", c.codec)
	return nil, ""
}

// referenceRGBA has ffmpeg decode path and convert the pictures numbered
// in frames to w×h RGBA with the libswscale filter Decoder picks for that
// size (scaleFilter), and returns them by picture number.
//
// decoderOpts go before -i: decoder options such as -skip_loop_filter.
func referenceRGBA(tb testing.TB, path string, frames []int, w, h int, decoderOpts ...string) map[int][]byte {
	tb.Helper()
	var sel []string
	for _, n := range frames {
		sel = append(sel, fmt.Sprintf("eq(n\\,%d)", n))
	}
	out := filepath.Join(tb.TempDir(), "ref.rgba")
	in := append([]string(nil), decoderOpts...)
	if strings.HasSuffix(path, ".jpg") {
		in = append(in, "-f", "image2", "-i", path)
	} else {
		in = append(in, "-i", path)
	}
	sw, sh := probeSize(tb, path)
	ffmpeg(tb, append(in,
		"-vf", fmt.Sprintf("select='%s',scale=%d:%d:flags=%s", strings.Join(sel, "+"), w, h, scaleFilter(sw, sh, w, h)),
		"-fps_mode", "passthrough", "-pix_fmt", "rgba", "-f", "rawvideo", out)...)
	b, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	size := 4 * w * h
	if len(b) != size*len(frames) {
		tb.Fatalf("reference: got %d bytes, want %d pictures of %d", len(b), len(frames), size)
	}
	ref := make(map[int][]byte, len(frames))
	sorted := append([]int(nil), frames...)
	sort.Ints(sorted)
	for i, n := range sorted {
		ref[n] = b[i*size : (i+1)*size]
	}
	return ref
}

// probeSize asks ffprobe for the picture size of path's video.
func probeSize(tb testing.TB, path string) (w, h int) {
	tb.Helper()
	out, err := exec.Command(peer.Command(tb, "ffprobe"), "-v", "error", "-select_streams", "v:0",
		"-show_entries", "stream=width,height", "-of", "csv=p=0", path).Output()
	if err != nil {
		tb.Fatalf("ffprobe %s: %v", path, err)
	}
	if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "%d,%d", &w, &h); err != nil {
		tb.Fatalf("ffprobe %s: %q: %v", path, out, err)
	}
	return w, h
}

// meanAbsDiff is the mean absolute difference of two equal-length byte
// slices, or 255 when their lengths differ.
func meanAbsDiff(a, b []byte) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 255
	}
	var sum int
	for i := range a {
		d := int(a[i]) - int(b[i])
		if d < 0 {
			d = -d
		}
		sum += d
	}
	return float64(sum) / float64(len(a))
}

// splitAnnexB cuts an Annex-B byte stream into access units, each keeping
// its start codes. An access unit begins at the first VCL NAL unit that
// starts a picture (first_mb_in_slice == 0 in H.264, H.264 7.4.1.2.3;
// first_slice_segment_in_pic_flag in H.265, H.265 7.4.2.4.4) or at the
// parameter set, AUD or SEI NAL units that precede such a picture.
func splitAnnexB(b []byte, codec Codec) [][]byte {
	type nal struct{ start, hdr int }
	var nals []nal
	for i := 0; i+2 < len(b); i++ {
		if b[i] == 0 && b[i+1] == 0 && b[i+2] == 1 {
			s := i
			if i > 0 && b[i-1] == 0 {
				s = i - 1
			}
			nals = append(nals, nal{start: s, hdr: i + 3})
			i += 2
		}
	}
	var aus [][]byte
	auStart, seenVCL := -1, false
	for i, n := range nals {
		end := len(b)
		if i+1 < len(nals) {
			end = nals[i+1].start
		}
		vcl, first, opener := classifyNAL(b[n.hdr:end], codec)
		if auStart >= 0 && seenVCL && (opener || (vcl && first)) {
			aus = append(aus, b[auStart:n.start])
			auStart, seenVCL = -1, false
		}
		if auStart < 0 {
			auStart = n.start
		}
		if vcl {
			seenVCL = true
		}
	}
	if auStart >= 0 {
		aus = append(aus, b[auStart:])
	}
	return aus
}

// classifyNAL reports whether n (a NAL unit without start code) is a VCL
// unit, whether that unit is the first slice of its picture, and whether it
// is a non-VCL unit that opens a new access unit when it follows a picture.
func classifyNAL(n []byte, codec Codec) (vcl, first, opener bool) {
	if len(n) == 0 {
		return false, false, false
	}
	if codec == CodecH265 {
		if len(n) < 3 {
			return false, false, false
		}
		t := (n[0] >> 1) & 0x3f
		switch {
		case t < 32:
			return true, n[2]&0x80 != 0, false
		case t >= 32 && t <= 35, t == 39, t >= 41 && t <= 44, t >= 48 && t <= 55:
			return false, false, true
		}
		return false, false, false
	}
	t := n[0] & 0x1f
	switch {
	case t >= 1 && t <= 5:
		return true, len(n) > 1 && n[1]&0x80 != 0, false
	case t >= 6 && t <= 9, t >= 14 && t <= 18:
		return false, false, true
	}
	return false, false, false
}

// isKeyframe reports whether au holds a picture decodable on its own: IDR
// in H.264 (type 5), IRAP in H.265 (types 16-21, BLA, IDR and the CRA that
// x265 uses for its open GOPs), or a JPEG image.
func isKeyframe(au []byte, codec Codec) bool {
	if codec == CodecMJPEG {
		return bytes.HasPrefix(au, []byte{0xff, 0xd8})
	}
	for i := 0; i+3 < len(au); i++ {
		if au[i] == 0 && au[i+1] == 0 && au[i+2] == 1 {
			h := au[i+3]
			if codec == CodecH264 && h&0x1f == 5 {
				return true
			}
			if t := (h >> 1) & 0x3f; codec == CodecH265 && t >= 16 && t <= 21 {
				return true
			}
		}
	}
	return false
}
