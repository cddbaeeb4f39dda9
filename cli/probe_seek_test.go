package cli

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestProbeStart: probe --start on a 20 s recording served by
// gst-rtsp-server decodes from there and reports the range; a live stream
// says seekable false and duration_s null; a start past the end is an
// error (exit 1), a start that is no time is bad input (exit 2).
func TestProbeStart(t *testing.T) {
	clip := rtsptest.MakeClip(t, rtsptest.ClipOptions{})
	vod := rtsptest.StartGst(t, rtsptest.GstOptions{File: clip, Path: "/vod"})
	live := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 640, Height: 360})
	for _, tr := range []string{"tcp", "udp"} {
		t.Run("vod/"+tr, func(t *testing.T) {
			res, code, stderr := probeJSON(t, "--transport", tr, "--start", "12s", "--frames", "5", vod)
			if code != 0 || res.FramesShown < 5 {
				t.Fatalf("exit %d: %+v %s", code, res, stderr)
			}
			if !res.Seekable || res.DurationS == nil || *res.DurationS < 19.5 || *res.DurationS > 20.5 {
				t.Fatalf("seekable %v duration_s %v; want a 20 s recording", res.Seekable, res.DurationS)
			}
			if res.StartNPT == nil || *res.StartNPT < 11 || *res.StartNPT > 13 {
				t.Fatalf("start_npt %v; want 11..13", res.StartNPT)
			}
			t.Logf("%s: start_npt %.3f, duration_s %.3f, first frame %d ms", tr, *res.StartNPT, *res.DurationS, res.FirstFrameMS)
		})
	}
	t.Run("live", func(t *testing.T) {
		var out, errb bytes.Buffer
		if code := Run([]string{"probe", "--json", "--transport", "tcp", "--frames", "2", live}, &out, &errb); code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		if js := out.String(); !strings.Contains(js, `"seekable":false`) || !strings.Contains(js, `"duration_s":null`) {
			t.Fatalf("live stream: %s", js)
		}
	})
	t.Run("past the end", func(t *testing.T) {
		start := time.Now()
		res, code, stderr := probeJSON(t, "--transport", "tcp", "--start", "30s", vod)
		if code != 1 || res.ErrorKind != "out_of_range" || res.Error != "Cannot play from 30s: the recording ends at 20s." {
			t.Fatalf("exit %d kind %q error %q (%s)", code, res.ErrorKind, res.Error, stderr)
		}
		if !res.Seekable || res.DurationS == nil {
			t.Fatalf("the range is known by then: %+v", res)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("took %v: a start past the end must fail at once", d)
		}
	})
	t.Run("not a time", func(t *testing.T) {
		res, code, _ := probeJSON(t, "--start", "soon", vod)
		if code != 2 || res.ErrorKind != "input" || !strings.Contains(res.Error, "start") {
			t.Fatalf("exit %d %+v", code, res)
		}
	})
}
