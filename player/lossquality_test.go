package player

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rtspview/rtspview/decode"
	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestLossQuality measures what a person sees under packet loss, not only
// how many pictures come: a recorded clip (testsrc2, 640×360, 25 fps, an
// IDR a second, no B-frames) from gst-rtsp-server over UDP through the
// lossy relay of loss_test.go, played by rtspview and by ffmpeg at the
// same time, each through a relay of its own with the same seed. The relay
// rolls its dice once per RTP packet in arrival order and both sessions
// get the same packets from the start of the same file, so both clients
// lose and swap the very same packets. Each picture a client shows is
// compared with the source's picture of the same frame number (SSIM of
// the luma, 8×8 windows every 4 pixels), as that client shows the clip
// without loss: ffmpeg's luma plane, rtspview's own decoder and scaler.
//
// It is a measurement, not a check of the normal suite: it runs only with
// RTSPVIEW_BENCH_LOSS=1 (scripts/bench-loss-quality.sh). It writes
// results.txt and the worst picture of each client beside its source
// picture as PNG into RTSPVIEW_BENCH_LOSS_OUT. RTSPVIEW_BENCH_LOSS_DROP and
// _REORDER (fractions, 0.05 and 0.02 by default) and _SEED (10) set the
// impairment; a run with DROP=0 shows the floor of the method.
func TestLossQuality(t *testing.T) {
	if os.Getenv("RTSPVIEW_BENCH_LOSS") != "1" {
		t.Skip("a measurement: RTSPVIEW_BENCH_LOSS=1 runs it (scripts/bench-loss-quality.sh)")
	}
	ffmpeg := peer.Command(t, "ffmpeg")
	const w, h, fps = 640, 360, 25
	drop := lossEnv(t, "RTSPVIEW_BENCH_LOSS_DROP", 0.05)
	reorder := lossEnv(t, "RTSPVIEW_BENCH_LOSS_REORDER", 0.02)
	seed := uint64(lossEnv(t, "RTSPVIEW_BENCH_LOSS_SEED", 10))
	out := os.Getenv("RTSPVIEW_BENCH_LOSS_OUT")
	if out == "" {
		out = t.TempDir()
	}

	clip := rtsptest.MakeClip(t, rtsptest.ClipOptions{Length: 20 * time.Second, Width: w, Height: h, FPS: fps})
	// Each client is held against the clip as it shows it without loss:
	// ffmpeg's luma plane, and rtspview's own decoder and scaler (its
	// RGBA turned back into luma loses a little on the way: SSIM 0.987 on
	// a clean run against ffmpeg's plane).
	src := ffmpegGray(context.Background(), t, ffmpeg, w, h, "-i", clip)
	srcRV := decodeGray(t, clip, w, h)
	t.Logf("source: %d pictures (%d through rtspview's decoder)", len(src.frames), len(srcRV.frames))

	gst := rtsptest.StartGst(t, rtsptest.GstOptions{File: clip})
	imp := impairment{drop: drop, reorder: reorder}
	relay, url := startLossyRelay(t, gst, imp, seed)
	ffRelay, ffURL := startLossyRelay(t, gst, imp, seed)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var ff grayFrames
	ffDone := make(chan struct{})
	go func() {
		defer close(ffDone)
		// ffmpeg as it plays a camera by default (threads auto: frame
		// threads, which keep its error concealment on), every decoded
		// picture out (passthrough), showinfo for each picture's time.
		ff = ffmpegGray(ctx, t, ffmpeg, w, h, "-rtsp_transport", "udp", "-i", ffURL, "-t", "22", "-copyts")
	}()

	rv, st := playShown(t, url, w, h, 30*time.Second)
	<-ffDone
	rc, fc := relay.snapshot(), ffRelay.snapshot()
	t.Logf("relay to rtspview: %d packets, %d frames, dropped %d, swapped %d; to ffmpeg: %d packets, dropped %d, swapped %d",
		rc.sent, rc.frames, rc.dropped, rc.reordered, fc.sent, fc.dropped, fc.reordered)
	if rc.sent != fc.sent || rc.dropped != fc.dropped || rc.reordered != fc.reordered {
		t.Logf("the two sessions were not impaired alike (a session was cut short?)")
	}

	var rows []string
	worst := map[string]image.Image{}
	for _, side := range []struct {
		name     string
		got, src grayFrames
	}{{"rtspview", rv, srcRV}, {"ffmpeg", ff, src}} {
		sc, err := compareShown(side.got, side.src, w, h)
		if err != nil {
			t.Errorf("%s: %v", side.name, err)
			continue
		}
		rows = append(rows, fmt.Sprintf("| %s | %d of %d | %.4f | %.4f | %.4f (frame %d) | %.4f | %.4f | %.4f |",
			side.name, len(sc.ssim), len(src.frames), lossPercentile(sc.ssim, 50), lossPercentile(sc.ssim, 5), sc.worst, sc.worstFrame,
			lossMean(sc.ssim), lossPercentile(sc.screen, 50), lossPercentile(sc.screen, 5)))
		t.Logf("%s: first picture shown is frame %d; %d pictures compared, %d without a frame number in the clip",
			side.name, sc.offset, len(sc.ssim), sc.unmapped)
		worst[side.name] = sc.worstImg
		worst[side.name+"-source"] = sc.worstSrc
	}
	header := []string{
		fmt.Sprintf("clip: testsrc2 %dx%d, %d fps, %d pictures, x264 ultrafast, GOP %d, no B-frames; gst-rtsp-server --file over UDP", w, h, fps, len(src.frames), fps),
		fmt.Sprintf("relay: drop %.3g, reorder %.3g, seed %d; %d RTP packets to each client, %d dropped, %d swapped", drop, reorder, seed, rc.sent, rc.dropped, rc.reordered),
		"",
		fmt.Sprintf("rtspview: %d pictures shown, %d concealed, %d rejected by the decoder, %d dropped and %d skipped for the CPU",
			st.FramesShown, st.FramesConcealed, st.DecodeErrors, st.FramesDropped, st.FramesSkipped),
		"",
		"| client | pictures compared | SSIM median | p5 | worst | mean | on screen: median | p5 |",
		"|---|---|---|---|---|---|---|---|",
	}
	res := strings.Join(append(header, rows...), "\n") + "\n"
	t.Log("\n" + res)
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "results.txt"), []byte(res), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, img := range worst {
		if img == nil {
			continue
		}
		f, err := os.Create(filepath.Join(out, "worst-"+name+".png"))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
}

func lossEnv(t *testing.T, name string, def float64) float64 {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, v, err)
	}
	return f
}

// grayFrames are pictures' luma planes, each with its time (in frames of
// the clip, from an unknown origin) or -1 when unknown.
type grayFrames struct {
	frames [][]byte
	index  []int
}

var showinfoPTS = regexp.MustCompile(`n:\s*(\d+)\s+pts:\s*(-?\d+)\s+pts_time:(-?[0-9.]+)`)

// decodeGray decodes the clip with rtspview's decoder at its own size
// and returns each picture's RGBA as luma, as lumaOf does for a stream.
func decodeGray(t *testing.T, clip string, w, h int) grayFrames {
	raw := filepath.Join(t.TempDir(), "clip.h264")
	rtsptest.MakeAnnexB(t, clip, raw)
	b, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	dec, err := decode.New(decode.Config{Codec: decode.CodecH264, LowDelay: true})
	if err != nil {
		t.Fatal(err)
	}
	defer dec.Close()
	var g grayFrames
	var dst *image.RGBA
	for _, au := range demo.SplitAccessUnits(b) {
		var unit []byte
		for _, nal := range au {
			unit = append(append(unit, 0, 0, 0, 1), nal...)
		}
		img, err := dec.Decode(unit, dst)
		if err != nil {
			t.Fatal(err)
		}
		if img != nil && img.Rect.Dx() == w && img.Rect.Dy() == h {
			dst = img
			g.index = append(g.index, len(g.frames))
			g.frames = append(g.frames, lumaOf(img))
		}
	}
	return g
}

// ffmpegGray runs ffmpeg with args as its input and returns every picture
// it decodes as 8-bit luma (the Y plane as decoded, limited range), with
// its time from showinfo in frames.
func ffmpegGray(ctx context.Context, t *testing.T, ffmpeg string, w, h int, args ...string) grayFrames {
	all := append([]string{"-nostdin", "-hide_banner"}, args...)
	all = append(all, "-an", "-vf", "showinfo", "-fps_mode", "passthrough", "-pix_fmt", "gray", "-f", "rawvideo", "-")
	cmd := exec.CommandContext(ctx, ffmpeg, all...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var g grayFrames
	size := w * h
	for b := stdout.Bytes(); len(b) >= size; b = b[size:] {
		g.frames = append(g.frames, b[:size:size])
	}
	log := slices.Clone(stderr.Bytes())
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		if m := showinfoPTS.FindStringSubmatch(sc.Text()); m != nil {
			s, _ := strconv.ParseFloat(m[3], 64)
			g.index = append(g.index, int(math.Round(s*25)))
		}
	}
	if len(g.index) != len(g.frames) {
		t.Logf("ffmpeg %v: %d pictures, %d times; times dropped", args, len(g.frames), len(g.index))
		g.index = nil
	}
	if len(g.frames) == 0 {
		t.Fatalf("ffmpeg %v gave no picture: %v: %s", args, err, log[max(0, len(log)-600):])
	}
	return g
}

// playShown plays url with rtspview over UDP for at most d (until the
// recording ends) and returns every picture it published, as the UI would
// take it, converted back to luma, with its RTP time in frames.
func playShown(t *testing.T, url string, w, h int, d time.Duration) (grayFrames, Stats) {
	var mu sync.Mutex
	var g grayFrames
	var s *Stream
	var ts0 uint32
	first := true
	// OnFrame runs on the decoder's goroutine: it only copies the picture
	// (a tenth of a millisecond), and another goroutine turns it into
	// luma, so the measurement does not slow the decoding it measures.
	type shown struct {
		pix []byte
		idx int
	}
	pics := make(chan shown, 600)
	free := make(chan []byte, 16)
	var conv sync.WaitGroup
	conv.Add(1)
	go func() {
		defer conv.Done()
		for p := range pics {
			y := lumaOf(&image.RGBA{Pix: p.pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)})
			select {
			case free <- p.pix:
			default:
			}
			g.frames = append(g.frames, y)
			g.index = append(g.index, p.idx)
		}
	}()
	onFrame := func() {
		mu.Lock()
		defer mu.Unlock()
		if s == nil || pics == nil {
			return
		}
		img, _, changed := s.Frame()
		if !changed || img == nil || img.Rect.Dx() != w || img.Rect.Dy() != h || img.Stride != 4*w {
			return
		}
		s.frames.mu.Lock()
		ts, has := s.frames.shownRTP, s.frames.shownHas
		s.frames.mu.Unlock()
		idx := -1
		if has {
			if first {
				ts0, first = ts, false
			}
			idx = int(math.Round(float64(int32(ts-ts0)) / (90000.0 / 25)))
		}
		var buf []byte
		select {
		case buf = <-free:
		default:
			buf = make([]byte, 4*w*h)
		}
		copy(buf, img.Pix)
		select {
		case pics <- shown{buf, idx}:
		default: // the converter is far behind: the picture is not counted
		}
	}
	mu.Lock()
	s = Start(Config{URL: url, Transport: TransportUDP, OnFrame: onFrame})
	mu.Unlock()
	defer s.Close()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if st := s.Status().State; st == StateEnded || st == StateFailed {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	mu.Lock()
	close(pics)
	pics = nil
	mu.Unlock()
	conv.Wait()
	st := s.Stats()
	t.Logf("rtspview: %+v; shown %d, concealed %d, decode errors %d, dropped %d, skipped %d",
		s.Status(), st.FramesShown, st.FramesConcealed, st.DecodeErrors, st.FramesDropped, st.FramesSkipped)
	if len(g.frames) == 0 {
		t.Fatalf("rtspview showed no picture: %+v", s.Status())
	}
	return g, st
}

// lumaOf converts RGBA back to limited-range BT.601 luma, what swscale
// made it from.
func lumaOf(img *image.RGBA) []byte {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	y := make([]byte, w*h)
	for r := range h {
		row := img.Pix[r*img.Stride : r*img.Stride+4*w]
		for c := range w {
			p := row[4*c : 4*c+3]
			// Y = 16 + (65.738 R + 129.057 G + 25.064 B) / 256, in 16-bit
			// fixed point.
			v := (16<<16 + 16829*int(p[0]) + 33039*int(p[1]) + 6416*int(p[2]) + 1<<15) >> 16
			y[r*w+c] = byte(min(v, 255))
		}
	}
	return y
}

// lossScores are one client's SSIM per picture compared.
type lossScores struct {
	ssim []float64
	// screen is, for every frame of the clip from the first one shown,
	// the picture on the screen while it was due (the newest shown at or
	// before it) against it: a picture left out or late counts as the
	// one still showing.
	screen             []float64
	offset             int // the clip frame of the first picture shown
	unmapped           int
	worst              float64
	worstFrame         int
	worstImg, worstSrc image.Image
}

func lossPercentile(v []float64, p float64) float64 {
	v = slices.Clone(v)
	slices.Sort(v)
	i := int(math.Floor(p / 100 * float64(len(v)-1)))
	return v[i]
}

func lossMean(v []float64) float64 {
	var sum float64
	for _, x := range v {
		sum += x
	}
	return sum / float64(len(v))
}

// compareShown scores got against the source by frame number. The times of got
// start at an origin of their own (rtspview: its first picture; ffmpeg:
// its first packet), so the clip frame of time 0 is found first: the
// offset whose source pictures differ least from the first clean-looking
// pictures shown (testsrc2 moves every frame, so a wrong offset is far
// off).
func compareShown(got, src grayFrames, w, h int) (lossScores, error) {
	var s lossScores
	if len(got.index) != len(got.frames) {
		return s, fmt.Errorf("no times for the pictures")
	}
	probe := min(len(got.frames), 10)
	bestErr := math.Inf(1)
	for off := 0; off <= 100; off++ {
		var errs []float64
		for i := range probe {
			j := got.index[i] - got.index[0] + off
			if j < 0 || j >= len(src.frames) {
				errs = append(errs, math.Inf(1))
				continue
			}
			errs = append(errs, meanAbsDiff(got.frames[i], src.frames[j]))
		}
		slices.Sort(errs)
		if e := errs[len(errs)/2]; e < bestErr {
			bestErr, s.offset = e, off
		}
	}
	s.worst = 2
	for i, f := range got.frames {
		j := got.index[i] - got.index[0] + s.offset
		if got.index[i] < 0 || j < 0 || j >= len(src.frames) {
			s.unmapped++
			continue
		}
		v := ssim(f, src.frames[j], w, h)
		s.ssim = append(s.ssim, v)
		if v < s.worst {
			s.worst, s.worstFrame = v, j
			s.worstImg, s.worstSrc = grayImage(f, w, h), grayImage(src.frames[j], w, h)
		}
	}
	if len(s.ssim) == 0 {
		return s, fmt.Errorf("no picture matched a frame of the clip")
	}
	onScreen := map[int]int{} // clip frame -> picture shown for it
	last := -1
	for i := range got.frames {
		if j := got.index[i] - got.index[0] + s.offset; got.index[i] >= 0 && j > last && j < len(src.frames) {
			onScreen[j], last = i, j
		}
	}
	cur := -1
	for j := s.offset; j < len(src.frames); j++ {
		if i, ok := onScreen[j]; ok {
			cur = i
		}
		if cur >= 0 {
			s.screen = append(s.screen, ssim(got.frames[cur], src.frames[j], w, h))
		}
	}
	return s, nil
}

func meanAbsDiff(a, b []byte) float64 {
	var sum int
	for i := 0; i < len(a); i += 7 {
		d := int(a[i]) - int(b[i])
		if d < 0 {
			d = -d
		}
		sum += d
	}
	return float64(sum) / float64(len(a)/7)
}

func grayImage(y []byte, w, h int) *image.Gray {
	return &image.Gray{Pix: slices.Clone(y), Stride: w, Rect: image.Rect(0, 0, w, h)}
}

// ssim is the mean structural similarity of two luma planes (Wang et al.
// 2004) over 8×8 windows every 4 pixels, as FFmpeg's ssim filter computes
// it, with the usual constants for 8-bit samples.
func ssim(a, b []byte, w, h int) float64 {
	const c1, c2 = (0.01 * 255) * (0.01 * 255), (0.03 * 255) * (0.03 * 255)
	var total float64
	n := 0
	for y := 0; y+8 <= h; y += 4 {
		for x := 0; x+8 <= w; x += 4 {
			var sa, sb, saa, sbb, sab int
			for r := y; r < y+8; r++ {
				ra, rb := a[r*w+x:r*w+x+8], b[r*w+x:r*w+x+8]
				for k := range 8 {
					pa, pb := int(ra[k]), int(rb[k])
					sa += pa
					sb += pb
					saa += pa * pa
					sbb += pb * pb
					sab += pa * pb
				}
			}
			ma, mb := float64(sa)/64, float64(sb)/64
			va := float64(saa)/64 - ma*ma
			vb := float64(sbb)/64 - mb*mb
			cov := float64(sab)/64 - ma*mb
			total += (2*ma*mb + c1) * (2*cov + c2) / ((ma*ma + mb*mb + c1) * (va + vb + c2))
			n++
		}
	}
	return total / float64(n)
}
