package onvif_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/onvif/onviftest"
)

// nodeDevice is what onviftest/node/read_device.js prints.
type nodeDevice struct {
	Error                         string
	Manufacturer, Model, Firmware string
	Profiles                      []struct {
		Token, Name, Codec, URL string
		Width, Height           int
	}
}

// readWithNode reads dev with agsh's onvif package for node (npm, pinned
// in onviftest/node/package.json; scripts/setup.sh installs it).
func readWithNode(t *testing.T, dev *onviftest.Device, user, pass string) nodeDevice {
	t.Helper()
	node := peer.Command(t, "node")
	dir, err := filepath.Abs("onviftest/node")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "onvif", "package.json")); err != nil {
		peer.Missing(t, "the node onvif package is missing: run scripts/setup.sh (npm ci in onvif/onviftest/node)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, node, filepath.Join(dir, "read_device.js"), dev.XAddr, user, pass)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var got nodeDevice
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("node onvif: %v; %v; stdout %q stderr %q", runErr, err, stdout.String(), stderr.String())
	}
	if got.Error != "" || runErr != nil {
		t.Fatalf("node onvif could not read the device: %s (%v; calls %v)", got.Error, runErr, dev.Calls())
	}
	return got
}

// TestSimulatedDeviceReadByNodeONVIF checks the simulated cameras with a
// client that is not ours: agsh's onvif for node reads the same maker,
// profiles, resolutions and stream addresses from each maker's shape as
// our client does, through WS-Security with a device clock five minutes
// off or HTTP Digest, and from a camera offering a single profile.
func TestSimulatedDeviceReadByNodeONVIF(t *testing.T) {
	cases := []struct {
		name, prefixes, auth string
		profiles             []onviftest.Profile
	}{
		{"onvif", "onvif", "wsse", twoProfiles()},
		{"hik", "hik", "wsse", twoProfiles()},
		{"default", "default", "wsse", twoProfiles()},
		{"one profile", "onvif", "wsse", twoProfiles()[:1]},
		{"http digest", "onvif", "digest", twoProfiles()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dev := onviftest.Start(t, onviftest.Options{
				Username: "admin", Password: "k9&<Secret>", Prefixes: c.prefixes, Auth: c.auth, Skew: 5 * time.Minute,
				Profiles: c.profiles, Manufacturer: "Bars Camera Co", Model: "BC-2042", Firmware: "V5.7.3",
				ZeroXAddr: true,
			})
			theirs := readWithNode(t, dev, "admin", "k9&<Secret>")
			ours, _, err := describe(t, dev, "admin", "k9&<Secret>")
			if err != nil {
				t.Fatalf("Describe: %v", err)
			}
			if theirs.Manufacturer != ours.Info.Manufacturer || theirs.Model != ours.Info.Model || theirs.Firmware != ours.Info.Firmware {
				t.Errorf("device: node %s/%s/%s, ours %+v", theirs.Manufacturer, theirs.Model, theirs.Firmware, ours.Info)
			}
			if len(theirs.Profiles) != len(ours.Profiles) || len(ours.Profiles) != len(c.profiles) {
				t.Fatalf("profiles: node %+v, ours %+v (calls %v)", theirs.Profiles, ours.Profiles, dev.Calls())
			}
			for i, p := range theirs.Profiles {
				o := ours.Profiles[i]
				if p.Token != o.Token || p.Name != o.Name || p.Codec != o.Encoding || p.Width != o.Width ||
					p.Height != o.Height || p.URL != o.URL || p.URL != c.profiles[i].URL {
					t.Errorf("profile %d: node %+v, ours %+v", i, p, o)
				}
			}
		})
	}
}
