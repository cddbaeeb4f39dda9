package wall

import (
	"net/url"
	"strings"
	"testing"
)

// TestONVIFKeyRoundTrip: a camera from Find cameras keeps its device's
// endpoint, address and profile tokens through a save and a load, and
// the device address never carries a login.
func TestONVIFKeyRoundTrip(t *testing.T) {
	in := &Wall{Cameras: []Camera{{
		Name: "Gate", URL: "rtsp://10.0.0.5/main", SubURL: "rtsp://10.0.0.5/sub", User: "admin",
		ONVIF: &ONVIF{Endpoint: "urn:uuid:1234", XAddr: "http://admin:pw@10.0.0.5/onvif/device_service", Profile: "Profile_1", SubProfile: "Profile_2", PTZ: true},
	}, {Name: "Plain", URL: "rtsp://10.0.0.6/live"}}}
	data, err := in.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "pw") {
		t.Fatalf("a password in the file:\n%s", data)
	}
	if !strings.Contains(string(data), `"onvif": {"endpoint":"urn:uuid:1234","xaddr":"http://10.0.0.5/onvif/device_service","profile":"Profile_1","sub_profile":"Profile_2","ptz":true}`) {
		t.Fatalf("the onvif key as written:\n%s", data)
	}
	out, err := Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	o := out.Cameras[0].ONVIF
	if o == nil || *o != (ONVIF{Endpoint: "urn:uuid:1234", XAddr: "http://10.0.0.5/onvif/device_service", Profile: "Profile_1", SubProfile: "Profile_2", PTZ: true}) {
		t.Fatalf("read back %+v", o)
	}
	if out.Cameras[1].ONVIF != nil || strings.Count(string(data), `"onvif"`) != 1 {
		t.Fatalf("a camera without ONVIF got the key:\n%s", data)
	}
	if len(out.Cameras[0].ExtraKeys()) != 0 {
		t.Fatalf("onvif read as an unknown key: %v", out.Cameras[0].ExtraKeys())
	}
	for _, bad := range []string{`"onvif": "urn:uuid:1"`, `"onvif": {"endpoint": 5}`, `"onvif": {"ptz": "yes"}`} {
		if _, err := Parse([]byte(`{"cameras": [{"url": "rtsp://h/", ` + bad + `}]}`)); err == nil || !strings.Contains(err.Error(), `"onvif"`) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func FuzzParseONVIF(f *testing.F) {
	f.Add([]byte(`{"cameras": [{"url": "rtsp://h/", "onvif": {"endpoint": "urn:uuid:1", "xaddr": "http://u:p@h:8080/onvif/device_service", "profile": "a", "sub_profile": "b", "ptz": true, "x": 1}}]}`))
	f.Add([]byte(`{"cameras": [{"url": "rtsp://h/", "onvif": {"xaddr": "//@h"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		w, err := Parse(data)
		if err != nil {
			return
		}
		out, err := w.Marshal()
		if err != nil {
			t.Fatalf("parsed but cannot write: %v", err)
		}
		w2, err := Parse(out)
		if err != nil {
			t.Fatalf("cannot read what was written: %v\n%s", err, out)
		}
		for _, c := range w2.Cameras {
			if c.ONVIF == nil {
				continue
			}
			if u, err := url.Parse(c.ONVIF.XAddr); (err == nil && u.User != nil) || (err != nil && strings.Contains(c.ONVIF.XAddr, "@")) {
				t.Fatalf("a login in the written xaddr %q", c.ONVIF.XAddr)
			}
		}
		if out2, _ := w2.Marshal(); string(out2) != string(out) {
			t.Fatalf("round trip not stable:\n%s\n---\n%s", out, out2)
		}
	})
}
