package wall

import (
	"strings"
	"testing"
	"time"
)

// TestRecordKeyRoundTrip: a camera's record entry is read, written back
// in the same words, and says what it means.
func TestRecordKeyRoundTrip(t *testing.T) {
	in := `{"version": 1, "cameras": [
	  {"name": "Door", "url": "rtsp://h/1", "record": {"mode": "Continuous", "segment_minutes": 10, "keep_days": 7}},
	  {"name": "Yard", "url": "rtsp://h/2", "record": {"mode": "continuous"}},
	  {"name": "Hall", "url": "rtsp://h/3", "record": {"mode": "off"}},
	  {"name": "Shed", "url": "rtsp://h/4"}]}`
	w, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	door, yard, hall, shed := w.Cameras[0].Record, w.Cameras[1].Record, w.Cameras[2].Record, w.Cameras[3].Record
	if !door.Continuous() || door.Segment() != 10*time.Minute || door.KeepFor() != 7*24*time.Hour || !door.Prunes() {
		t.Fatalf("door %+v", door)
	}
	if !yard.Continuous() || yard.Segment() != 15*time.Minute || yard.KeepFor() != 0 {
		t.Fatalf("yard %+v", yard)
	}
	if hall.Continuous() || hall.Prunes() || shed != nil || shed.Continuous() {
		t.Fatalf("hall %+v shed %+v", hall, shed)
	}
	if len(w.Cameras[0].ExtraKeys()) != 0 {
		t.Fatalf("record read as an unknown key: %v", w.Cameras[0].ExtraKeys())
	}
	data, err := w.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"record": {"mode":"continuous","segment_minutes":10,"keep_days":7}`,
		`"record": {"mode":"continuous"}`,
		`"record": {"mode":"off"}`,
	} {
		if !strings.Contains(string(data), want) {
			t.Fatalf("no %s in\n%s", want, data)
		}
	}
	if strings.Count(string(data), `"record"`) != 3 {
		t.Fatalf("a camera without record got the key:\n%s", data)
	}
	again, err := Parse(data)
	if err != nil || *again.Cameras[0].Record != *door {
		t.Fatalf("read back: %v %+v", err, again.Cameras[0].Record)
	}
}

func TestRecordKeyErrors(t *testing.T) {
	for _, c := range []struct{ entry, says string }{
		{`"record": "continuous"`, `"record" is not an object`},
		{`"record": {"mode": 1}`, `"record" is not an object`},
		{`"record": {"mode": "continuous", "segment_minutes": 1.5}`, `"record" is not an object`},
		{`"record": {"segment_minutes": 5}`, `no "mode"`},
		{`"record": {"mode": "continuous", "segment_minutes": 0}`, ``},
		{`"record": {"mode": "continuous", "segment_minutes": 1441}`, `"segment_minutes" is 1441`},
		{`"record": {"mode": "continuous", "segment_minutes": -1}`, `"segment_minutes" is -1`},
		{`"record": {"mode": "continuous", "keep_days": -2}`, `"keep_days" is -2`},
		{`"record": {"mode": "continuous", "keep_days": 5000}`, `"keep_days" is 5000`},
		{`"record": null`, ``},
	} {
		_, err := Parse([]byte(`{"cameras": [{"url": "rtsp://h/", ` + c.entry + `}]}`))
		if c.says == "" {
			if err != nil {
				t.Errorf("%s: %v", c.entry, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: got %v, want %q", c.entry, err, c.says)
		}
	}
}
