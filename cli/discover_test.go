package cli

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/onvif/onviftest"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

func discoverJSON(t *testing.T, args ...string) (map[string]any, discoverResult, int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(append([]string{"discover", "--json"}, args...), &out, &errb)
	var raw map[string]any
	var res discoverResult
	if err := json.Unmarshal(out.Bytes(), &raw); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out.String())
	}
	_ = json.Unmarshal(out.Bytes(), &res)
	if strings.Contains(out.String()+errb.String(), "k9-Secret") {
		t.Fatalf("the password in the output: %s %s", out.String(), errb.String())
	}
	return raw, res, code, errb.String()
}

// A camera found by address: the row as the README's contract gives it,
// and its main profile plays through the player.
func TestDiscoverHostPlays(t *testing.T) {
	main := rtsptest.StartGst(t, rtsptest.GstOptions{Width: 640, Height: 360, Path: "/main"})
	dev := onviftest.Start(t, onviftest.Options{Username: "admin", Password: "k9-Secret", Prefixes: "hik", PTZ: true,
		Skew: -3 * time.Minute, Name: "Front Door", Location: "Porch", Manufacturer: "Bars Camera Co", Model: "BC-2042", Firmware: "1.0",
		Profiles: []onviftest.Profile{
			{Token: "Profile_1", Name: "mainStream", Width: 640, Height: 360, URL: strings.Replace(main, "rtsp://", "rtsp://admin:k9-Secret@", 1)},
			{Token: "Profile_2", Name: "subStream", Width: 320, Height: 180, URL: "rtsp://127.0.0.1:1/sub"},
		}})
	host := strings.TrimSuffix(strings.TrimPrefix(dev.XAddr, "http://"), "/onvif/device_service")
	raw, res, code, stderr := discoverJSON(t, "--timeout", "3s", "--user", "admin", "--password", "k9-Secret", host)
	if code != 0 || len(res.Devices) != 1 {
		t.Fatalf("exit %d, %+v: %s", code, res, stderr)
	}
	row := raw["devices"].([]any)[0].(map[string]any)
	for _, k := range []string{"endpoint", "xaddr", "name", "location", "manufacturer", "model", "firmware", "ptz", "snapshot_url", "profiles", "error", "error_kind"} {
		if _, ok := row[k]; !ok {
			t.Errorf("row has no %q: %v", k, row)
		}
	}
	d := res.Devices[0]
	if d.Endpoint != dev.Endpoint() {
		t.Errorf("endpoint %q, the device's is %q (GetEndpointReference)", d.Endpoint, dev.Endpoint())
	}
	if d.XAddr != dev.XAddr || d.Name != "Front Door" || d.Location != "Porch" || d.Manufacturer != "Bars Camera Co" ||
		d.Model != "BC-2042" || d.Firmware != "1.0" || !d.PTZ || d.SnapshotURL == nil || d.Error != nil || d.ErrorKind != nil {
		t.Errorf("row %+v", d)
	}
	if len(d.Profiles) != 2 || d.Profiles[0] != (discoverProfile{Token: "Profile_1", Name: "mainStream", Codec: "H264", Width: 640, Height: 360, URL: main}) {
		t.Fatalf("profiles %+v (the camera's user:password must be gone from the URL)", d.Profiles)
	}
	pr, err := probe(player.Config{URL: d.Profiles[0].URL, Transport: player.TransportTCP}, 10, 20*time.Second)
	if err != nil || pr.Video.Width != 640 || pr.Video.Height != 360 {
		t.Fatalf("the found stream does not play: %v %+v", err, pr)
	}
}

func TestDiscoverRowErrors(t *testing.T) {
	dev := onviftest.Start(t, onviftest.Options{Username: "admin", Password: "k9-Secret", Auth: "digest",
		Profiles: []onviftest.Profile{{Token: "p", Width: 1, Height: 1, URL: "rtsp://127.0.0.1:1/x"}}})
	host := strings.TrimSuffix(strings.TrimPrefix(dev.XAddr, "http://"), "/onvif/device_service")
	closed := rtsptest.ClosedPort(t)
	_, res, code, stderr := discoverJSON(t, "--timeout", "2s", "--user", "admin", "--password", "wrong", host, "127.0.0.1:"+itoa(closed))
	if code != 0 || len(res.Devices) != 2 {
		t.Fatalf("exit %d %+v %s", code, res, stderr)
	}
	if k := res.Devices[0].ErrorKind; k == nil || *k != "unauthorized" || *res.Devices[0].Error != "The camera refused the username or password." {
		t.Errorf("wrong password row %+v", res.Devices[0])
	}
	if k := res.Devices[1].ErrorKind; k == nil || *k != "refused" || res.Devices[1].Profiles == nil {
		t.Errorf("closed port row %+v", res.Devices[1])
	}
}

func TestDiscoverUsage(t *testing.T) {
	for _, args := range [][]string{{"--timeout", "0s", "10.0.0.1"}, {"10.0.0.1/path"}, {"http://u:p@10.0.0.1"}, {"--nope"}} {
		var out, errb bytes.Buffer
		if code := Run(append([]string{"discover"}, args...), &out, &errb); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errb.String())
		}
	}
	var out, errb bytes.Buffer
	if code := Run([]string{"discover", "--help"}, &out, &errb); code != 0 || !strings.Contains(errb.String(), "discover [--timeout") {
		t.Errorf("--help: exit %d %q", code, errb.String())
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
