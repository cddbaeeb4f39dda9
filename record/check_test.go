package record_test

import (
	"encoding/json"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/record"
)

// probed is what ffprobe reads back from a recording.
type probed struct {
	Streams []struct {
		CodecType string `json:"codec_type"`
		CodecName string `json:"codec_name"`
		Width     int    `json:"width"`
		Height    int    `json:"height"`
		Packets   string `json:"nb_read_packets"`
		Start     string `json:"start_time"`
	} `json:"streams"`
	Format struct {
		Duration string            `json:"duration"`
		Tags     map[string]string `json:"tags"`
	} `json:"format"`
}

func (p probed) stream(kind string) (codec string, w, h, packets int, ok bool) {
	for _, s := range p.Streams {
		if s.CodecType == kind {
			n, _ := strconv.Atoi(s.Packets)
			return s.CodecName, s.Width, s.Height, n, true
		}
	}
	return "", 0, 0, 0, false
}

func ffprobe(t *testing.T, path string) probed {
	t.Helper()
	bin := peer.Command(t, "ffprobe")
	out, err := exec.Command(bin, "-v", "error", "-count_packets", "-show_entries",
		"stream=codec_type,codec_name,width,height,nb_read_packets,start_time:format=duration:format_tags=creation_time",
		"-of", "json", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	var p probed
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("ffprobe %s: %v: %s", path, err, out)
	}
	return p
}

// videoPackets returns the video packets' pts, dts and duration in
// seconds, and whether each is a keyframe.
type packet struct {
	pts, dts, dur float64
	key           bool
}

func videoPackets(t *testing.T, path string) []packet {
	t.Helper()
	bin := peer.Command(t, "ffprobe")
	out, err := exec.Command(bin, "-v", "error", "-select_streams", "v:0", "-show_entries",
		"packet=pts_time,dts_time,duration_time,flags", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe packets %s: %v", path, err)
	}
	var ps []packet
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, ",")
		if len(f) < 4 {
			continue
		}
		pts, _ := strconv.ParseFloat(f[0], 64)
		dts, _ := strconv.ParseFloat(f[1], 64)
		dur, _ := strconv.ParseFloat(f[2], 64)
		ps = append(ps, packet{pts: pts, dts: dts, dur: dur, key: strings.HasPrefix(f[3], "K")})
	}
	return ps
}

// decodeErrors is what `ffmpeg -v error -i FILE -f null -` says: "" when
// every packet decodes.
func decodeErrors(t *testing.T, path string) string {
	t.Helper()
	bin := peer.Command(t, "ffmpeg")
	out, err := exec.Command(bin, "-nostdin", "-v", "error", "-i", path, "-f", "null", "-").CombinedOutput()
	if err != nil {
		return err.Error() + ": " + string(out)
	}
	return strings.TrimSpace(string(out))
}

// want describes a recording file as it must read back.
type want struct {
	codec, audio  string // ffprobe's names; audio "" for none
	width, height int
	frameInterval time.Duration
	// soundLate is where the sound is meant to start: 0, with the first
	// picture, but for a test of sound placed by its arrival; -1 leaves
	// it unchecked (sound that moved when the sender reports came in).
	soundLate time.Duration
}

// checkFile reads f back with ffprobe and ffmpeg: the codec and size, as
// many video (and audio) packets as the recorder wrote, decoding times
// that grow, a keyframe first, the duration within one frame interval of
// the recorder's, creation_time at the first picture, and no decoding
// error.
func checkFile(t *testing.T, f record.FileStats, w want) {
	t.Helper()
	p := ffprobe(t, f.Path)
	codec, width, height, n, ok := p.stream("video")
	if !ok || codec != w.codec || width != w.width || height != w.height {
		t.Errorf("%s: video %q %dx%d, want %s %dx%d", f.Path, codec, width, height, w.codec, w.width, w.height)
	}
	if n != f.VideoFrames || n == 0 {
		t.Errorf("%s: %d video packets, the recorder wrote %d", f.Path, n, f.VideoFrames)
	}
	acodec, _, _, an, aok := p.stream("audio")
	switch {
	case w.audio == "" && aok:
		t.Errorf("%s: an audio stream (%s) where none was sent", f.Path, acodec)
	case w.audio != "" && (!aok || acodec != w.audio):
		t.Errorf("%s: audio %q, want %s", f.Path, acodec, w.audio)
	case w.audio != "" && (an != f.AudioFrames || an == 0):
		t.Errorf("%s: %d audio packets, the recorder wrote %d", f.Path, an, f.AudioFrames)
	case w.audio != "":
		// The sound starts with the picture, within the transit of a
		// frame or two: both tracks are tied to the wall clock.
		for _, s := range p.Streams {
			if st, err := strconv.ParseFloat(s.Start, 64); s.CodecType == "audio" && w.soundLate >= 0 && (err != nil || st < w.soundLate.Seconds()-0.005 || st > w.soundLate.Seconds()+0.15) {
				t.Errorf("%s: the sound starts at %q s, want %.3f s", f.Path, s.Start, w.soundLate.Seconds())
			}
		}
	}
	ps := videoPackets(t, f.Path)
	if len(ps) == 0 {
		t.Fatalf("%s: no video packets", f.Path)
	}
	if !ps[0].key {
		t.Errorf("%s: the first picture is not a keyframe", f.Path)
	}
	for i := 1; i < len(ps); i++ {
		if ps[i].dts <= ps[i-1].dts || ps[i].pts <= ps[i-1].pts {
			t.Errorf("%s: packet %d at pts %.3f dts %.3f after pts %.3f dts %.3f", f.Path, i, ps[i].pts, ps[i].dts, ps[i-1].pts, ps[i-1].dts)
			break
		}
	}
	last := ps[len(ps)-1]
	span := last.pts + last.dur - ps[0].pts
	tol := w.frameInterval.Seconds()
	if math.Abs(span-f.Duration.Seconds()) > tol {
		t.Errorf("%s: the video lasts %.3f s, the recorder says %.3f s", f.Path, span, f.Duration.Seconds())
	}
	if d, err := strconv.ParseFloat(p.Format.Duration, 64); err != nil || d < f.Duration.Seconds()-tol || d > f.Duration.Seconds()+max(w.soundLate, 0).Seconds()+0.25 {
		// The container's duration also spans the sound, whose frames
		// queued at the stop may end a little after the last picture.
		t.Errorf("%s: duration %q, the recorder says %.3f s", f.Path, p.Format.Duration, f.Duration.Seconds())
	}
	ct, err := time.Parse(time.RFC3339Nano, p.Format.Tags["creation_time"])
	if err != nil || ct.Sub(f.Start).Abs() > time.Second {
		t.Errorf("%s: creation_time %q, the first picture came at %v", f.Path, p.Format.Tags["creation_time"], f.Start.UTC())
	}
	if e := decodeErrors(t, f.Path); e != "" {
		t.Errorf("%s: ffmpeg -f null: %s", f.Path, e)
	}
}
