package onvif_test

import (
	"context"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/onvif"
	"github.com/rtspview/rtspview/onvif/onviftest"
)

func twoProfiles() []onviftest.Profile {
	return []onviftest.Profile{
		{Token: "Profile_1", Name: "mainStream", Width: 1920, Height: 1080, URL: "rtsp://10.1.2.3:554/Streaming/Channels/101"},
		{Token: "Profile_2", Name: "subStream", Encoding: "H265", Width: 640, Height: 360, URL: "rtsp://10.1.2.3:554/Streaming/Channels/102?transportmode=unicast&profile=Profile_2"},
	}
}

func describe(t *testing.T, dev *onviftest.Device, user, pass string) (onvif.Camera, *onvif.Client, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return onvif.Describe(ctx, onvif.Config{XAddr: dev.XAddr, Username: user, Password: pass, Timeout: 3 * time.Second}, nil)
}

// Each maker's prefixes, each way of asking for the password, and a
// device clock five minutes off: the same camera comes out.
func TestDescribeMakersShapes(t *testing.T) {
	for _, prefixes := range []string{"onvif", "hik", "default"} {
		for _, auth := range []string{"wsse", "digest"} {
			t.Run(prefixes+"/"+auth, func(t *testing.T) {
				dev := onviftest.Start(t, onviftest.Options{
					Username: "admin", Password: "k9&<Secret>", Auth: auth, Prefixes: prefixes, Skew: 5 * time.Minute,
					Profiles: twoProfiles(), Name: "Front Door", Location: "Porch & Yard",
					Manufacturer: "Bars Camera Co", Model: "BC-2042", Firmware: "V5.7.3",
				})
				cam, _, err := describe(t, dev, "admin", "k9&<Secret>")
				if err != nil {
					t.Fatalf("Describe: %v (calls %v)", err, dev.Calls())
				}
				if cam.Name != "Front Door" || cam.Location != "Porch & Yard" || cam.Info.Manufacturer != "Bars Camera Co" ||
					cam.Info.Model != "BC-2042" || cam.Info.Firmware != "V5.7.3" || cam.PTZ {
					t.Errorf("camera %+v", cam)
				}
				want := []onvif.Stream{
					{Profile: onvif.Profile{Token: "Profile_1", Name: "mainStream", Encoding: "H264", Width: 1920, Height: 1080, FPS: 25}, URL: twoProfiles()[0].URL},
					{Profile: onvif.Profile{Token: "Profile_2", Name: "subStream", Encoding: "H265", Width: 640, Height: 360, FPS: 25}, URL: twoProfiles()[1].URL},
				}
				if !reflect.DeepEqual(cam.Profiles, want) {
					t.Errorf("profiles\n got %+v\nwant %+v", cam.Profiles, want)
				}
				if u, _ := url.Parse(cam.SnapshotURL); u == nil || u.Path != "/snapshot.jpg" {
					t.Errorf("snapshot %q", cam.SnapshotURL)
				}
				for _, c := range dev.Calls() {
					// The first request of a digest camera goes without
					// credentials and is challenged; nothing is ever sent
					// in clear, and every other call passes.
					if strings.HasSuffix(c, "auth=text") || (!strings.HasSuffix(c, "auth=ok") && !strings.HasSuffix(c, "auth=free") &&
						!(auth == "digest" && c == "GetServices auth=none")) {
						t.Errorf("device saw %q (all: %v)", c, dev.Calls())
					}
				}
			})
		}
	}
}

// A camera whose clock is an hour off refuses a digest made on ours:
// the offset from GetSystemDateAndTime is what makes it pass.
func TestClockOffsetMakesDigestPass(t *testing.T) {
	dev := onviftest.Start(t, onviftest.Options{Username: "admin", Password: "pw", Skew: time.Hour, Profiles: twoProfiles()})
	ctx := context.Background()
	c, err := onvif.NewClient(onvif.Config{XAddr: dev.XAddr, Username: "admin", Password: "pw"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DeviceInformation(ctx); onvif.Kind(err) != onvif.KindUnauthorized {
		t.Fatalf("before the clock is known: %v, want unauthorized", err)
	}
	if _, err := c.SystemTime(ctx); err != nil {
		t.Fatal(err)
	}
	if off := c.ClockOffset(); off < time.Hour-2*time.Second || off > time.Hour+2*time.Second {
		t.Errorf("offset %v, want about 1h", off)
	}
	if _, err := c.DeviceInformation(ctx); err != nil {
		t.Fatalf("after: %v", err)
	}
	calls := dev.Calls()
	if calls[0] != "GetDeviceInformation auth=bad-time" || calls[len(calls)-1] != "GetDeviceInformation auth=ok" {
		t.Errorf("calls %v", calls)
	}
}

func TestWrongOrNoPassword(t *testing.T) {
	for _, auth := range []string{"wsse", "digest"} {
		dev := onviftest.Start(t, onviftest.Options{Username: "admin", Password: "right", Auth: auth, Profiles: twoProfiles()})
		_, _, err := describe(t, dev, "admin", "wrong")
		if onvif.Kind(err) != onvif.KindUnauthorized || onvif.Sentence(err) != "The camera refused the username or password." {
			t.Errorf("%s, wrong password: %v / %q", auth, err, onvif.Sentence(err))
		}
		_, _, err = describe(t, dev, "", "")
		if onvif.Kind(err) != onvif.KindUnauthorized {
			t.Errorf("%s, no password: %v", auth, err)
		}
		if strings.Contains(err.Error(), "right") || strings.Contains(err.Error(), "wrong") {
			t.Errorf("an error names a password: %v", err)
		}
	}
}

// A camera with one profile, that gives its services at 0.0.0.0: the
// addresses kept are the ones it was reached at.
func TestZeroXAddrOneProfile(t *testing.T) {
	dev := onviftest.Start(t, onviftest.Options{ZeroXAddr: true, Prefixes: "hik", PTZ: true,
		Profiles: []onviftest.Profile{{Token: "only", Name: "main", Width: 1280, Height: 720, URL: "rtsp://0.0.0.0:8554/live"}}})
	cam, c, err := describe(t, dev, "", "")
	if err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(strings.TrimSuffix(dev.XAddr, "/onvif/device_service"), "http://")
	svc, err := c.Endpoints(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{svc.Media, svc.PTZ, svc.Device, cam.SnapshotURL} {
		if u, _ := url.Parse(a); u == nil || u.Host != host {
			t.Errorf("address %q, want host %s", a, host)
		}
	}
	hostOnly, _, _ := strings.Cut(host, ":")
	if len(cam.Profiles) != 1 || cam.Profiles[0].URL != "rtsp://"+hostOnly+":8554/live" || !cam.PTZ {
		t.Errorf("profiles %+v ptz %v", cam.Profiles, cam.PTZ)
	}
	main, sub := onvif.MainAndSub(cam.Profiles)
	if main == nil || main.Token != "only" || sub != nil {
		t.Errorf("MainAndSub: %v %v", main, sub)
	}
}

func TestMedia2Only(t *testing.T) {
	dev := onviftest.Start(t, onviftest.Options{Media2Only: true, Prefixes: "default", Profiles: twoProfiles()})
	cam, _, err := describe(t, dev, "", "")
	if err != nil {
		t.Fatalf("%v (calls %v)", err, dev.Calls())
	}
	if len(cam.Profiles) != 2 || !cam.Profiles[1].Media2 || cam.Profiles[1].Encoding != "H265" || cam.Profiles[1].URL != twoProfiles()[1].URL {
		t.Errorf("profiles %+v", cam.Profiles)
	}
	main, sub := onvif.MainAndSub(cam.Profiles)
	if main.Token != "Profile_1" || sub.Token != "Profile_2" {
		t.Errorf("MainAndSub %s %s", main.Token, sub.Token)
	}
}

// The PTZ camera records what it was asked: moves with the velocity
// given (clamped, no Timeout field unless asked), Stop, presets.
func TestPTZ(t *testing.T) {
	dev := onviftest.Start(t, onviftest.Options{Username: "u", Password: "p", PTZ: true, Prefixes: "hik", Profiles: twoProfiles()})
	cam, c, err := describe(t, dev, "u", "p")
	if err != nil || !cam.PTZ {
		t.Fatalf("%v ptz=%v", err, cam.PTZ)
	}
	ctx := context.Background()
	if err := c.ContinuousMove(ctx, "Profile_1", onvif.Velocity{Pan: 0.5, Tilt: -2}, 0); err != nil {
		t.Fatal(err)
	}
	if err := c.ContinuousMove(ctx, "Profile_1", onvif.Velocity{Zoom: 0.25}, 1500*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(ctx, "Profile_1"); err != nil {
		t.Fatal(err)
	}
	presets, err := c.Presets(ctx, "Profile_1")
	if err != nil || !reflect.DeepEqual(presets, []onvif.Preset{{Token: "1", Name: "Door"}, {Token: "2", Name: "Yard"}}) {
		t.Fatalf("presets %v %v", presets, err)
	}
	if err := c.GotoPreset(ctx, "Profile_1", "2"); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"ContinuousMove Profile_1 pan=0.5 tilt=-1 zoom= timeout=",
		"ContinuousMove Profile_1 pan= tilt= zoom=0.25 timeout=PT2S",
		"Stop Profile_1 pantilt=true zoom=true",
		"GotoPreset Profile_1 2",
	}
	if got := dev.Moves(); !reflect.DeepEqual(got, want) {
		t.Errorf("moves\n got %q\nwant %q", got, want)
	}
}

// A camera that refuses a Stop naming PanTilt and Zoom gets the bare Stop.
func TestPTZStopFallsBackToBareStop(t *testing.T) {
	dev := onviftest.Start(t, onviftest.Options{PTZ: true, StopNeedsBare: true, Profiles: twoProfiles()})
	c, err := onvif.NewClient(onvif.Config{XAddr: dev.XAddr})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(context.Background(), "Profile_1"); err != nil {
		t.Fatal(err)
	}
	want := []string{"Stop Profile_1 pantilt=true zoom=true", "Stop Profile_1 pantilt= zoom="}
	if got := dev.Moves(); !reflect.DeepEqual(got, want) {
		t.Errorf("moves %q, want %q", got, want)
	}
}

func TestNoPTZService(t *testing.T) {
	dev := onviftest.Start(t, onviftest.Options{Profiles: twoProfiles()})
	c, _ := onvif.NewClient(onvif.Config{XAddr: dev.XAddr})
	err := c.ContinuousMove(context.Background(), "Profile_1", onvif.Velocity{Pan: 1}, 0)
	if !errors.Is(err, onvif.ErrNotSupported) || onvif.Kind(err) != onvif.KindProtocol {
		t.Errorf("%v", err)
	}
}

func TestDeviceServiceURL(t *testing.T) {
	for in, want := range map[string]string{
		"10.0.0.5":                   "http://10.0.0.5/onvif/device_service",
		"10.0.0.5:8080":              "http://10.0.0.5:8080/onvif/device_service",
		"cam.local":                  "http://cam.local/onvif/device_service",
		"[fe80::1]:80":               "http://[fe80::1]:80/onvif/device_service",
		"fe80::1":                    "http://[fe80::1]/onvif/device_service",
		"https://10.0.0.5":           "https://10.0.0.5/onvif/device_service",
		"http://10.0.0.5/onvif/dev2": "http://10.0.0.5/onvif/dev2",
		"10.0.0.5:x":                 "",
		"10.0.0.5/path":              "",
		"http://u:p@10.0.0.5":        "",
		"":                           "",
		":80":                        "",
	} {
		got, err := onvif.DeviceServiceURL(in)
		if (err != nil) != (want == "") || got != want {
			t.Errorf("DeviceServiceURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// A camera added by address has no WS-Discovery answer to name it: its
// endpoint reference comes from GetEndpointReference, as the urn:uuid
// discovery would give (prefixed when the device answers the bare UUID),
// and a device without the operation still describes, with no endpoint.
func TestDescribeByAddressAsksEndpointReference(t *testing.T) {
	const id = "urn:uuid:6b1f0c2e-3d4a-4b5c-8d6e-7f8091a2b3c4"
	for _, c := range []struct{ answers, want string }{
		{"", id},
		{"bare", id},
		{"none", ""},
	} {
		t.Run("answers="+c.answers, func(t *testing.T) {
			dev := onviftest.Start(t, onviftest.Options{Username: "admin", Password: "pw", Endpoint: id,
				EndpointReference: c.answers, Profiles: twoProfiles()})
			cam, _, err := describe(t, dev, "admin", "pw")
			if err != nil {
				t.Fatalf("Describe: %v", err)
			}
			if cam.Endpoint != c.want || len(cam.Profiles) != 2 {
				t.Fatalf("endpoint %q (want %q), %d profiles", cam.Endpoint, c.want, len(cam.Profiles))
			}
		})
	}
	// Found by WS-Discovery, the caller has the endpoint: not asked again.
	dev := onviftest.Start(t, onviftest.Options{Endpoint: id, Profiles: twoProfiles()})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, _, err := onvif.Describe(ctx, onvif.Config{XAddr: dev.XAddr, Timeout: 3 * time.Second}, []string{"onvif://www.onvif.org/name/Gate"}); err != nil {
		t.Fatal(err)
	}
	for _, call := range dev.Calls() {
		if strings.HasPrefix(call, "GetEndpointReference") {
			t.Fatalf("asked %q with scopes in hand", call)
		}
	}
}
