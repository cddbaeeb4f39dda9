package wall

import (
	"errors"
	"strings"
	"testing"
)

// TestMuted: "muted" is read as true or false (null and absent: false),
// written only when true, and read back the same; anything else is a
// sentence about the key.
func TestMuted(t *testing.T) {
	w, err := Parse([]byte(`{"version": 1, "cameras": [{"url": "rtsp://cam/1", "muted": true}, {"url": "rtsp://cam/2", "muted": false}, {"url": "rtsp://cam/3", "muted": null}, {"url": "rtsp://cam/4"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, false, false, false} {
		if w.Cameras[i].Muted != want {
			t.Errorf("camera %d: Muted %v", i+1, w.Cameras[i].Muted)
		}
	}
	out, err := w.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(out), `"muted": true`) != 1 || strings.Count(string(out), `"muted"`) != 1 {
		t.Fatalf("muted written wrong:\n%s", out)
	}
	back, err := Parse(out)
	if err != nil || !back.Cameras[0].Muted || back.Cameras[1].Muted {
		t.Fatalf("read back %+v, %v", back, err)
	}
	if _, err := Parse([]byte(`{"version": 1, "cameras": [{"url": "rtsp://x", "muted": "yes"}]}`)); !errors.Is(err, ErrNotAWall) || !strings.Contains(err.Error(), `camera 1: "muted" is not true or false`) {
		t.Fatalf("muted a text: %v", err)
	}
}
