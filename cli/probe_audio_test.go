package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestProbeAudio: probe decodes the sound too and says what it is, and
// "audio":null (not a missing key) for a stream without one.
func TestProbeAudio(t *testing.T) {
	withAudio := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240, Audio: "aac"})
	res, code, stderr := probeJSON(t, "--transport", "tcp", "--frames", "50", withAudio)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if a := res.Audio; a == nil || a.Codec != "AAC" || a.SampleRate != 48000 || a.Channels != 2 {
		t.Fatalf("audio %+v", res.Audio)
	}
	// 50 pictures at 25 fps: two seconds of video, as much sound.
	if res.AudioMSDecoded < 1000 || res.AudioMSDecoded > 4000 {
		t.Fatalf("audio_ms_decoded %d", res.AudioMSDecoded)
	}

	silent := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 320, Height: 240})
	var out, errb bytes.Buffer
	if code := Run([]string{"probe", "--json", "--frames", "5", "--transport", "tcp", silent}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	if string(raw["audio"]) != "null" || string(raw["audio_ms_decoded"]) != "0" {
		t.Fatalf("without audio: audio=%s audio_ms_decoded=%s", raw["audio"], raw["audio_ms_decoded"])
	}

	out.Reset()
	if code := Run([]string{"probe", "--frames", "5", "--transport", "tcp", withAudio}, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), ", audio AAC 48000 Hz 2 ch (") {
		t.Fatalf("exit %d, line %q", code, out.String())
	}
}
