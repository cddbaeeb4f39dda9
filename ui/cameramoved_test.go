package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/secrets"
	"github.com/rtspview/rtspview/internal/wall"
	"github.com/rtspview/rtspview/onvif"
	"github.com/rtspview/rtspview/onvif/onviftest"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// A camera that got a new address: the wall knows it by its endpoint at
// an address where nothing answers now. The tile's connection is
// refused, a probe finds the same endpoint at another address (the
// probe's answer is given here: multicast needs the network namespaces
// of onvif's TestProbeMulticastNetns), the device is asked there for the
// same profiles, and the tile plays from the new address, which the wall
// file keeps.
func TestCameraThatMovedIsFoundAgain(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{Path: "/main"})
	sub := rtsptest.StartDemo(t, demo.Config{Path: "/sub"})
	const endpoint = "urn:uuid:7a1e0c1d-5a57-4d0e-9a4b-00000000cafe"
	moved := onviftest.Start(t, onviftest.Options{Endpoint: endpoint, Name: "Shed", Profiles: []onviftest.Profile{
		{Token: "Profile_1", Width: 1920, Height: 1080, URL: srv.URL()},
		{Token: "Profile_2", Width: 640, Height: 360, URL: sub.URL()},
	}})
	oldPort := rtsptest.ClosedPort(t)
	path := filepath.Join(t.TempDir(), "wall.json")
	oldXAddr := fmt.Sprintf("http://127.0.0.2:%d/onvif/device_service", oldPort)
	w := &wall.Wall{Cameras: []wall.Camera{{
		Name: "Shed", URL: fmt.Sprintf("rtsp://127.0.0.1:%d/main", oldPort), SubURL: fmt.Sprintf("rtsp://127.0.0.1:%d/sub", oldPort), Transport: "tcp",
		ONVIF: &wall.ONVIF{Endpoint: endpoint, XAddr: oldXAddr, Profile: "Profile_1", SubProfile: "Profile_2"},
	}}}
	if err := wall.Save(path, w); err != nil {
		t.Fatal(err)
	}
	v, _ := newTestViewer(t, Options{Wall: loadWall(t, path), WallPath: path, Secrets: secrets.NewWithBackend(nil)})
	probes := make(chan struct{}, 8)
	v.cams.probe = func(ctx context.Context) ([]onvif.Discovered, error) {
		probes <- struct{}{}
		return []onvif.Discovered{
			{Endpoint: "urn:uuid:someone-else", XAddrs: []string{"http://127.0.0.3:1/onvif/device_service"}},
			{Endpoint: endpoint, XAddrs: []string{moved.XAddr}},
		}, nil
	}
	start := time.Now()
	onUI(v.Start)
	waitPlaying(t, v, 0)
	t.Logf("refused → found at the new address → playing: %v", time.Since(start).Round(10*time.Millisecond))
	if len(probes) != 1 {
		t.Errorf("%d probes", len(probes))
	}
	saved := loadWall(t, path)
	c := saved.Cameras[0]
	if c.URL != srv.URL() || c.SubURL != sub.URL() || c.ONVIF == nil || c.ONVIF.XAddr != moved.XAddr || c.ONVIF.Endpoint != endpoint || c.Name != "Shed" {
		data, _ := os.ReadFile(path)
		t.Fatalf("saved:\n%s", data)
	}
}

func TestWithHost(t *testing.T) {
	for _, c := range [][3]string{
		{"rtsp://10.0.0.5:554/Streaming/Channels/101", "10.0.0.9", "rtsp://10.0.0.9:554/Streaming/Channels/101"},
		{"rtsp://admin@10.0.0.5/live?x=1", "10.0.0.9", "rtsp://admin@10.0.0.9/live?x=1"},
		{"rtsp://10.0.0.5/live", "fe80::1", "rtsp://[fe80::1]/live"},
		{"", "10.0.0.9", ""},
	} {
		if got := withHost(c[0], c[1]); got != c[2] {
			t.Errorf("withHost(%q, %q) = %q", c[0], c[1], got)
		}
	}
}
