package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/onvif/onviftest"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// TestGUIFindCamerasAddAllAndPTZ uses Find cameras in the real window as
// a person does, with the mouse and keyboard through xdotool: Wall → Find
// cameras…, the password typed once, two cameras on another network
// added by address, Add all. Both cameras join the wall and play (their
// sub-streams in the small tiles), the wall file keeps them without the
// password, and a drag on the PTZ camera's picture sends ContinuousMove
// and then Stop at the release.
//
// The clicks are where the window lays its parts out at its first size,
// 960×600 (measured from screenshots); the test says so if it opens at
// another.
func TestGUIFindCamerasAddAllAndPTZ(t *testing.T) {
	needDisplay(t)
	for _, tool := range []string{"xdotool"} {
		peer.Command(t, tool)
	}
	mainA := rtsptest.StartDemo(t, demo.Config{Path: "/main"})
	mainB := rtsptest.StartDemo(t, demo.Config{Path: "/main"})
	// A sub-stream server for each camera, as real cameras have: two
	// sessions set up over UDP at once on one gortsplib stream race
	// inside gortsplib v5.6.4, which this test process's -race reports.
	subA := rtsptest.StartDemo(t, demo.Config{Path: "/sub"})
	subB := rtsptest.StartDemo(t, demo.Config{Path: "/sub"})
	profiles := func(main, sub string) []onviftest.Profile {
		return []onviftest.Profile{
			{Token: "Profile_1", Name: "mainStream", Width: 1920, Height: 1080, URL: main},
			{Token: "Profile_2", Name: "subStream", Width: 640, Height: 360, URL: sub},
		}
	}
	door := onviftest.Start(t, onviftest.Options{Username: "admin", Password: "k9pw", Name: "Front Door",
		Manufacturer: "Bars Camera Co", Model: "BC-2042", Profiles: profiles(mainA.URL(), subA.URL())})
	garage := onviftest.Start(t, onviftest.Options{Username: "admin", Password: "k9pw", Name: "Garage", PTZ: true,
		Auth: "digest", Prefixes: "hik", Profiles: profiles(mainB.URL(), subB.URL())})

	bin, dir := buildViewer(t)
	wallPath := filepath.Join(dir, "wall.json")
	if err := os.WriteFile(wallPath, []byte(`{"cameras":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	stats := filepath.Join(dir, "stats.json")
	cmd := startViewer(t, bin, viewerEnv(dir), "--wall", wallPath, "--stats-file", stats)
	win := findWindow(t, cmd.Process.Pid)
	x, y, w, h := windowGeometry(t, win)
	if w != 960 || h != 600 {
		t.Fatalf("the window opened at %d×%d; this test clicks where a 960×600 window lays out its parts", w, h)
	}
	at := func(dx, dy int) []string { return []string{strconv.Itoa(x + dx), strconv.Itoa(y + dy)} }
	click := func(dx, dy int) {
		xdo(t, append(append([]string{"mousemove"}, at(dx, dy)...), "click", "1")...)
	}
	typeAt := func(dx, dy int, text string) {
		click(dx, dy)
		xdo(t, "type", "--delay", "20", text)
	}
	// The window shows its first tile (the demo, with an empty wall)
	// before the menu is used.
	waitUntil(t, 30*time.Second, "the first tile painting", func() bool { return paintingTiles(stats) >= 1 })

	// Generous pauses: on a loaded machine the menu and the dialog take
	// a while to appear, and typing before they have goes nowhere.
	click(880, 21) // Wall
	time.Sleep(1500 * time.Millisecond)
	click(686, 97) // Find cameras…
	time.Sleep(2 * time.Second)
	typeAt(640, 122, "k9pw") // the password, once for all
	for _, dev := range []*onviftest.Device{door, garage} {
		typeAt(515, 162, strings.TrimSuffix(strings.TrimPrefix(dev.XAddr, "http://"), "/onvif/device_service"))
		click(829, 162) // Ask
		time.Sleep(500 * time.Millisecond)
	}
	// Add all adds the rows read so far; pressed until both are on the
	// wall (a loaded machine reads them more slowly).
	var saved wallFile
	waitUntil(t, 30*time.Second, "both cameras in the wall file after Add all", func() bool {
		click(513, 552) // Add all
		time.Sleep(time.Second)
		saved = readWall(t, wallPath)
		return len(saved.Cameras) == 2
	})
	click(445, 552) // Close
	raw, _ := os.ReadFile(wallPath)
	if strings.Contains(string(raw), "k9pw") {
		t.Fatalf("the password is in the wall file:\n%s", raw)
	}
	for i, want := range []struct {
		name, url, sub string
		dev            *onviftest.Device
	}{{"Front Door", mainA.URL(), subA.URL(), door}, {"Garage", mainB.URL(), subB.URL(), garage}} {
		c := saved.Cameras[i]
		if c.Name != want.name || c.URL != want.url || c.SubURL != want.sub || c.ONVIF.Endpoint != want.dev.Endpoint() ||
			c.ONVIF.XAddr != want.dev.XAddr || c.ONVIF.PTZ != (want.dev == garage) {
			t.Errorf("camera %d saved as %+v", i, c)
		}
	}
	waitUntil(t, 30*time.Second, "three tiles painting (the demo and the two found)", func() bool { return paintingTiles(stats) >= 3 })

	// Garage is the last added and selected, bottom left of the 2×2 wall:
	// drag right on its picture, hold, release.
	xdo(t, append(append([]string{"mousemove"}, at(240, 440)...), "mousedown", "1")...)
	for _, dx := range []int{270, 310, 350} {
		time.Sleep(200 * time.Millisecond)
		xdo(t, append([]string{"mousemove"}, at(dx, 435)...)...)
	}
	time.Sleep(600 * time.Millisecond)
	xdo(t, "mouseup", "1")
	waitUntil(t, 10*time.Second, "ContinuousMove then Stop at the PTZ camera", func() bool {
		m := garage.Moves()
		return len(m) >= 2 && strings.HasPrefix(m[0], "ContinuousMove Profile_1 pan=") && strings.HasPrefix(m[len(m)-1], "Stop Profile_1")
	})
	t.Logf("the PTZ camera was asked: %q", garage.Moves())
	if m := door.Moves(); len(m) != 0 {
		t.Errorf("the camera without PTZ was asked to move: %q", m)
	}
}

// wallFile is what the test reads of the saved wall.
type wallFile struct {
	Cameras []struct {
		Name   string `json:"name"`
		URL    string `json:"url"`
		SubURL string `json:"sub_url"`
		ONVIF  struct {
			Endpoint string `json:"endpoint"`
			XAddr    string `json:"xaddr"`
			PTZ      bool   `json:"ptz"`
		} `json:"onvif"`
	} `json:"cameras"`
}

func readWall(t *testing.T, path string) wallFile {
	t.Helper()
	var w wallFile
	if data, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(data, &w)
	}
	return w
}

// paintingTiles counts the tiles of the stats file (--stats-file) that
// painted in its last second.
func paintingTiles(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	var r struct {
		Tiles []struct {
			PaintedFPS float64 `json:"painted_fps"`
		} `json:"tiles"`
	}
	if json.Unmarshal(data, &r) != nil {
		return 0
	}
	n := 0
	for _, tile := range r.Tiles {
		if tile.PaintedFPS > 0 {
			n++
		}
	}
	return n
}
