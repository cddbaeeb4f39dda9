package ui

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// ringed returns the indexes of the tiles that show the selection ring.
func ringed(v *Viewer) string {
	var out []string
	onUI(func() {
		for i, t := range v.Tiles() {
			if t.Selected() {
				out = append(out, fmt.Sprint(i))
			}
		}
	})
	return strings.Join(out, ",")
}

func TestSelectionRingFollowsTheSelection(t *testing.T) {
	v, _ := newWallViewer(t, 6, nil, "")
	tiles := v.Tiles()
	onUI(func() { v.selectTile(tiles[0]); v.view.layoutSel.SetSelected("2×2") })
	onUI(func() { test.Tap(tiles[1]) })
	if got := ringed(v); got != "1" || v.selected != 1 {
		t.Fatalf("after a click on tile 1: ring on %q, selected %d", got, v.selected)
	}
	// The ring is the renderer's top object: 2 px in the theme's primary
	// colour, over the whole tile.
	var ring *canvas.Rectangle
	onUI(func() {
		objs := tiles[1].CreateRenderer().Objects()
		ring, _ = objs[len(objs)-1].(*canvas.Rectangle)
	})
	if ring == nil || ring != tiles[1].ring.rect || ring.StrokeWidth != 2 || ring.StrokeColor != theme.Color(theme.ColorNamePrimary) || ring.FillColor != color.Transparent {
		t.Fatalf("the ring is not the tile's top object, 2 px primary: %+v", ring)
	}
	if ring.Size() != tiles[1].Size() {
		t.Fatalf("ring %v on a tile of %v", ring.Size(), tiles[1].Size())
	}
	onUI(func() { test.Tap(tiles[2]) })
	if got := ringed(v); got != "2" {
		t.Fatalf("after a click on tile 2: ring on %q", got)
	}
	// A tile shown full needs no pointer, nor does a lone one.
	onUI(func() { test.DoubleTap(tiles[2]) })
	if got := ringed(v); got != "" {
		t.Fatalf("full view: ring on %q", got)
	}
	onUI(v.leaveFull)
	if got := ringed(v); got != "2" {
		t.Fatalf("back from full: ring on %q", got)
	}
	onUI(func() { v.view.layoutSel.SetSelected("1×1") })
	if got := ringed(v); got != "" {
		t.Fatalf("1×1: ring on %q", got)
	}
}

// withShift holds Shift (the desktop driver's modifiers) while f runs.
func withShift(v *Viewer, f func()) {
	old := v.keys.mods
	v.keys.mods = func() fyne.KeyModifier { return fyne.KeyModifierShift }
	defer func() { v.keys.mods = old }()
	f()
}

const shiftTab fyne.KeyName = "shift+Tab" // the table's word for Shift+Tab

func TestKeysMoveTheSelection(t *testing.T) {
	cases := []struct {
		name     string
		layout   string
		n, from  int
		keys     []fyne.KeyName
		want     int // selected after
		wantPage int // from 1
	}{
		{"tab", "2×2", 6, 0, []fyne.KeyName{fyne.KeyTab}, 1, 1},
		{"tab to the next page", "2×2", 6, 2, []fyne.KeyName{fyne.KeyTab, fyne.KeyTab}, 4, 2},
		{"shift+tab wraps to the last", "2×2", 6, 0, []fyne.KeyName{shiftTab}, 5, 2},
		{"tab wraps to the first", "2×2", 6, 5, []fyne.KeyName{fyne.KeyTab}, 0, 1},
		{"→ past the page's last turns the page", "2×2", 6, 3, []fyne.KeyName{fyne.KeyRight}, 4, 2},
		{"← past the page's first turns back", "2×2", 6, 4, []fyne.KeyName{fyne.KeyLeft}, 3, 1},
		{"→ within the page", "3×3", 6, 1, []fyne.KeyName{fyne.KeyRight}, 2, 1},
		{"↓ one row", "2×2", 6, 0, []fyne.KeyName{fyne.KeyDown}, 2, 1},
		{"↓ on the last row stays", "2×2", 6, 2, []fyne.KeyName{fyne.KeyDown}, 2, 1},
		{"↑ one row", "2×2", 6, 3, []fyne.KeyName{fyne.KeyUp}, 1, 1},
		{"↑ on the top row stays", "2×2", 6, 1, []fyne.KeyName{fyne.KeyUp}, 1, 1},
		{"↓ 3×3", "3×3", 9, 4, []fyne.KeyName{fyne.KeyDown}, 7, 1},
		{"↓ from the big tile of 1+5", "1+5", 7, 0, []fyne.KeyName{fyne.KeyDown}, 3, 1},
		{"↑ into the big tile of 1+5", "1+5", 7, 4, []fyne.KeyName{fyne.KeyUp}, 0, 1},
		{"↓ beside the big tile of 1+5", "1+5", 7, 1, []fyne.KeyName{fyne.KeyDown}, 2, 1},
		{"↓ to an empty cell takes the last tile", "Auto", 5, 2, []fyne.KeyName{fyne.KeyDown}, 4, 1},
		{"↓ on page 2", "2×2", 7, 4, []fyne.KeyName{fyne.KeyDown}, 6, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, win := newWallViewer(t, c.n, nil, "")
			tiles := v.Tiles()
			onUI(func() {
				v.selectTile(tiles[c.from])
				v.view.layoutSel.SetSelected(c.layout)
			})
			for _, k := range c.keys {
				if k == shiftTab {
					onUI(func() { withShift(v, func() { win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyTab}) }) })
					continue
				}
				key(win, k)
			}
			if p, _ := v.Page(); v.selected != c.want || p != c.wantPage {
				t.Fatalf("selected %d on page %d, want %d on page %d", v.selected, p, c.want, c.wantPage)
			}
			if got := ringed(v); got != fmt.Sprint(c.want) {
				t.Fatalf("ring on %q", got)
			}
			if got := shown(v); indexOf(got, tiles[c.want]) < 0 {
				t.Fatal("the selected tile is not on the page shown")
			}
		})
	}
}

// TestArrowsInTheFullView: ← → and Tab show the previous or next camera
// full, through all pages; Esc comes back to the page of the last one.
func TestArrowsInTheFullView(t *testing.T) {
	v, win := newWallViewer(t, 6, nil, "")
	tiles := v.Tiles()
	onUI(func() { v.selectTile(tiles[0]); v.view.layoutSel.SetSelected("2×2") })
	onUI(func() { test.DoubleTap(tiles[3]) })
	key(win, fyne.KeyRight)
	if v.FullTile() != tiles[4] || v.selected != 4 || len(shown(v)) != 1 {
		t.Fatalf("→: full %v, selected %d", v.FullTile() == tiles[4], v.selected)
	}
	if h := hidden(v); fmt.Sprint(h) != "[true true true true false true]" {
		t.Fatalf("hidden %v", h)
	}
	key(win, fyne.KeyTab)
	key(win, fyne.KeyRight) // wraps round
	if v.FullTile() != tiles[0] {
		t.Fatalf("→ past the last: selected %d", v.selected)
	}
	key(win, fyne.KeyLeft)
	key(win, fyne.KeyUp) // no rows in the full view
	if v.FullTile() != tiles[5] {
		t.Fatalf("← from the first: selected %d", v.selected)
	}
	key(win, fyne.KeyEscape)
	if p, _ := v.Page(); v.FullTile() != nil || p != 2 || v.selected != 5 {
		t.Fatalf("Esc: page %d, selected %d", p, v.selected)
	}
}

// TestArrowsSeekARecording: on a tile whose bar is a recording's, ← → are
// the bar's (seek ±10 s) in the grid and the full view; Tab still moves.
func TestArrowsSeekARecording(t *testing.T) {
	v, win := newWallViewer(t, 3, nil, "")
	tiles := v.Tiles()
	rec := recording()
	onUI(func() {
		tiles[1].bar.Attach(rec)
		tiles[1].bar.Update()
		v.selectTile(tiles[1])
	})
	// The tile's own stream (nothing listens at its address) updates
	// the bar from its status callbacks: read it on the UI thread.
	var mode barMode
	onUI(func() { mode = tiles[1].bar.Mode() })
	if mode != barRecorded {
		t.Fatal("the scripted recording did not give the recorded bar")
	}
	key(win, fyne.KeyRight)
	tiles[1].bar.Wait()
	if sel := selectedIndex(v); sel != 1 || rec.Calls() != "seek 19s" {
		t.Fatalf("→ on a recording: selected %d, calls %q", sel, rec.Calls())
	}
	onUI(func() { test.DoubleTap(tiles[1]) })
	key(win, fyne.KeyLeft)
	tiles[1].bar.Wait()
	if v.FullTile() != tiles[1] || !strings.HasPrefix(rec.Calls(), "seek 19s, seek ") {
		t.Fatalf("← on a full recording: full %v, calls %q", v.FullTile() == tiles[1], rec.Calls())
	}
	key(win, fyne.KeyTab)
	if v.FullTile() != tiles[2] {
		t.Fatal("Tab on a full recording did not show the next camera")
	}
}

// TestTabReachesTheWall follows what Fyne's desktop driver does with Tab:
// with nothing focused it calls the canvas's OnKeyDown, then gives Tab to
// a focused widget that accepts it, else moves the focus on. The wall
// takes the focus in OnKeyDown, so Tab reaches it. A click on a tile
// takes the keys from the address bar, which keeps Enter = Play while it
// has them.
func TestTabReachesTheWall(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{})
	v, win := newWallViewer(t, 3, nil, "")
	c := win.Canvas()
	tab := &fyne.KeyEvent{Name: fyne.KeyTab}
	pressTab := func() { // the desktop driver's order
		t.Helper()
		var away fyne.Focusable
		onUI(func() {
			if c.Focused() == nil {
				v.keyDown(tab)
			}
			f := c.Focused()
			if tb, ok := f.(fyne.Tabbable); !ok || !tb.AcceptsTab() {
				away = f
				return
			}
			f.TypedKey(tab)
		})
		if away != nil || c.Focused() == nil {
			t.Fatalf("Tab would move the focus away from %T", away)
		}
	}
	onUI(func() { v.selectTile(v.Tiles()[0]) })
	pressTab()
	if c.Focused() != v.keys.area || v.selected != 1 {
		t.Fatalf("Tab: focus on %T, selected %d", c.Focused(), v.selected)
	}
	pressTab()
	if v.selected != 2 {
		t.Fatalf("second Tab: selected %d", v.selected)
	}

	// The address bar keeps its keys; a click on a tile takes them back.
	onUI(func() { c.Focus(v.address) })
	onUI(func() { v.keyDown(tab) })
	if c.Focused() != v.address {
		t.Fatal("Tab in the address bar focused the wall")
	}
	onUI(func() {
		v.address.SetText(srv.URL())
		c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	if v.FullTile() != nil || v.tiles[2].url != srv.URL() {
		t.Fatalf("Enter in the address bar: full %v, tile plays %q", v.FullTile() != nil, v.tiles[2].url)
	}
	onUI(func() { test.Tap(v.Tiles()[0]) })
	if c.Focused() != v.keys.area || v.selected != 0 {
		t.Fatalf("a click on a tile: focus on %T, selected %d", c.Focused(), v.selected)
	}
	onUI(func() { c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) })
	if v.FullTile() != v.Tiles()[0] {
		t.Fatal("Enter on the wall did not show the tile full")
	}
}

// dialogText returns the labels of the dialogs on screen, joined.
func dialogText(w fyne.Window) string {
	var texts []string
	onUI(func() { texts, _ = dialogParts(w) })
	return strings.Join(texts, " ")
}

func TestDeleteAsksThenRemoves(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wall.json")
	v, win := newWallViewer(t, 3, nil, path)
	onUI(func() { v.renameTile(v.tiles[0], "Door") }) // a first save
	onUI(func() { test.Tap(v.Tiles()[1]) })
	key(win, fyne.KeyDelete)
	if got := dialogText(win); !strings.Contains(got, `Remove "cam2" from the wall?`) {
		t.Fatalf("Delete: dialog %q", got)
	}
	key(win, fyne.KeyDelete) // a second press asks nothing more
	key(win, fyne.KeyReturn)
	if n := len(win.Canvas().Overlays().List()); n != 0 || len(v.Tiles()) != 2 || v.FullTile() != nil {
		t.Fatalf("Enter: %d dialogs, %d tiles, full %v", n, len(v.Tiles()), v.FullTile() != nil)
	}
	if w := loadWall(t, path); names(w) != "Door,cam3" {
		t.Fatalf("saved %q", names(w))
	}
	// Backspace (a Mac's delete key) asks too; Esc keeps the camera.
	key(win, fyne.KeyBackspace)
	if got := dialogText(win); !strings.Contains(got, "from the wall?") {
		t.Fatalf("Backspace: dialog %q", got)
	}
	key(win, fyne.KeyEscape)
	if len(win.Canvas().Overlays().List()) != 0 || len(v.Tiles()) != 2 {
		t.Fatal("Esc did not cancel")
	}
	// The menu's Remove asks the same question.
	onUI(func() {
		for _, it := range v.tileMenu(v.tiles[0]).Items {
			if it.Label == "Remove" {
				it.Action()
			}
		}
	})
	if got := dialogText(win); !strings.Contains(got, `Remove "Door" from the wall?`) {
		t.Fatalf("menu Remove: dialog %q", got)
	}
	var buttons []string
	onUI(func() {
		_, bs := dialogParts(win)
		for b := range bs {
			buttons = append(buttons, b)
		}
		test.Tap(bs["Remove"])
	})
	if len(v.Tiles()) != 1 || v.Tiles()[0].Name() != "cam3" {
		t.Fatalf("the dialog's Remove (buttons %v): %d tiles", buttons, len(v.Tiles()))
	}
}

func TestSKeySavesASnapshot(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_PICTURES_DIR", dir)
	srv := rtsptest.StartDemo(t, demo.Config{})
	v, _ := twoCameraWall(t, srv)
	win := v.win
	waitPicture(t, v.Tiles()[1])
	onUI(func() { test.Tap(v.Tiles()[1]) })
	key(win, fyne.KeyS)
	// The snapshot is written off the UI thread (ui/snapshot.go), and
	// "Snapshot saved" comes up once the file is whole: the PNG encoding
	// of a full-size picture takes seconds under the race detector.
	waitFor(t, 30*time.Second, "the Snapshot saved dialog", func() bool {
		return win.Canvas().Overlays().Top() != nil // waitFor runs it on the UI
	})
	if files, _ := filepath.Glob(filepath.Join(dir, "Yard *.png")); len(files) != 1 {
		t.Fatalf("snapshots of Yard: %v", files)
	}
	// "Snapshot saved" closes with Enter (or Esc), as with its OK.
	key(win, fyne.KeyReturn)
	var top fyne.CanvasObject
	onUI(func() { top = win.Canvas().Overlays().Top() })
	if top != nil || v.keys.notice != nil {
		t.Fatal("Enter did not close the Snapshot saved dialog")
	}
	if v.FullTile() != nil {
		t.Fatal("Enter went through the dialog to the wall (a tile is full)")
	}
}

func TestStatsLines(t *testing.T) {
	cases := []struct {
		st   player.Stats
		want string
	}{
		{player.Stats{}, "not connected|no picture yet|0.0 Mb/s · no loss"},
		{player.Stats{Transport: "tcp", Via: "TCP", Width: 1280, Height: 720, FPS: 24.96, Bitrate: 2.14e6, RatesMeasured: true},
			"TCP|1280×720 · 25 fps|2.1 Mb/s · no loss"},
		{player.Stats{Transport: "https", Via: "HTTPS tunnel on 8443", TLS: true, Width: 640, Height: 360, FPS: 12, Bitrate: 5e5, PacketsReceived: 997, PacketsLost: 3, RatesMeasured: true},
			"HTTPS tunnel on 8443 + TLS|640×360 · 12 fps|0.5 Mb/s · loss 0.3 % (3)"},
		{player.Stats{Transport: "udp"}, "UDP|no picture yet|0.0 Mb/s · no loss"},
		{player.Stats{Transport: "udp", Width: 640, Height: 360, RatesMeasured: true}, "UDP|640×360 · 0 fps|0.0 Mb/s · no loss"},
		// A camera with sound: its codec; on the tile heard, the A/V
		// offset once synced.
		{player.Stats{Via: "TCP", Width: 640, Height: 360, Bitrate: 1e6, Audio: &player.AudioInfo{Codec: "AAC", SetUp: true}},
			"TCP|640×360 · measuring|1.0 Mb/s · no loss · AAC"},
		{player.Stats{Via: "TCP", Width: 640, Height: 360, Bitrate: 1e6,
			Audio: &player.AudioInfo{Codec: "PCMA", SetUp: true, Decoded: time.Second, Synced: true, SyncOffset: -12 * time.Millisecond}},
			"TCP|640×360 · measuring|1.0 Mb/s · no loss · PCMA A/V -12 ms"},
		// A sound track not set up (refused, or a codec not played).
		{player.Stats{Via: "TCP", Width: 640, Height: 360, Bitrate: 1e6, Audio: &player.AudioInfo{Codec: "G722"}},
			"TCP|640×360 · measuring|1.0 Mb/s · no loss"},
	}
	for _, c := range cases {
		l := statsLines(c.st)
		if got := strings.Join(l[:], "|"); got != c.want {
			t.Errorf("%+v:\n got %q\nwant %q", c.st, got, c.want)
		}
	}
}

// TestStatsOverlay: I shows the figures on every tile and hides them; the
// pointer on a tile shows that tile's only while it stays. The figures
// follow the viewer's tick.
func TestStatsOverlay(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{})
	v, _ := twoCameraWall(t, srv)
	win := v.win
	waitPlaying(t, v, 0)
	waitPlaying(t, v, 1)
	tiles := v.Tiles()
	if tiles[0].StatsText() != "" {
		t.Fatal("figures before I")
	}
	key(win, fyne.KeyI)
	for i, tile := range tiles {
		// Bounded at 30 s: under two busy loops the decoders of both tiles
		// can stay below a picture a second for longer than 10 s.
		waitFor(t, 30*time.Second, fmt.Sprintf("tile %d's figures", i), func() bool {
			// The size now: the decoder's picture follows the tile's
			// (a loaded machine lays the tiles out after they play).
			st := tile.Stream().Stats()
			res := fmt.Sprintf("%d×%d", st.Width, st.Height)
			s := tile.StatsText()
			// The tick (1 s) brings the rates once the 2 s window has them.
			return strings.HasPrefix(s, "TCP\n"+res+" · ") && !strings.Contains(s, " 0 fps") && !strings.Contains(s, "measuring") && !strings.Contains(s, "0.0 Mb/s")
		})
		if !tile.info.bg.Visible() || tile.info.bg.Size().Width < 40 {
			t.Fatalf("tile %d: the overlay's backdrop is not up", i)
		}
	}
	key(win, fyne.KeyI)
	if tiles[0].StatsText() != "" || tiles[1].StatsText() != "" || tiles[0].info.bg.Visible() {
		t.Fatal("I again did not hide the figures")
	}

	// Hover: the tile under the pointer only.
	centre := func(tile *Tile) fyne.Position {
		p := fyne.CurrentApp().Driver().AbsolutePositionForObject(tile)
		return p.Add(fyne.NewPos(tile.Size().Width/2, tile.Size().Height/2))
	}
	onUI(func() { test.MoveMouse(win.Canvas(), centre(tiles[0])) })
	if tiles[0].StatsText() != "" {
		// The pointer arrived (as under a window that opened beneath
		// it) but has not moved on the tile: no figures yet.
		t.Fatalf("figures before the pointer moved: %q", tiles[0].StatsText())
	}
	onUI(func() { test.MoveMouse(win.Canvas(), centre(tiles[0]).Add(fyne.NewPos(10, 5))) })
	if !strings.HasPrefix(tiles[0].StatsText(), "TCP\n") || tiles[1].StatsText() != "" {
		t.Fatalf("hover on tile 0: %q / %q", tiles[0].StatsText(), tiles[1].StatsText())
	}
	onUI(func() { test.MoveMouse(win.Canvas(), centre(tiles[1])) })
	onUI(func() { test.MoveMouse(win.Canvas(), centre(tiles[1]).Add(fyne.NewPos(10, 5))) })
	if tiles[0].StatsText() != "" || !strings.HasPrefix(tiles[1].StatsText(), "TCP\n") {
		t.Fatalf("hover on tile 1: %q / %q", tiles[0].StatsText(), tiles[1].StatsText())
	}
	onUI(func() { test.MoveMouse(win.Canvas(), fyne.NewPos(1, 1)) }) // the address bar
	if tiles[1].StatsText() != "" {
		t.Fatal("the figures stayed after the pointer left")
	}
}

// TestDragReordersTheWall drags the first tile onto the third's place,
// the way Fyne's desktop driver calls Dragged (the pointer's place in the
// dragged tile) and DragEnd: the order changes on screen and in the wall
// file, every tile keeps its stream, and the dragged camera is selected.
func TestDragReordersTheWall(t *testing.T) {
	srv := rtsptest.StartDemo(t, demo.Config{})
	path := filepath.Join(t.TempDir(), "wall.json")
	os.WriteFile(path, []byte(fmt.Sprintf(`{"version": 1, "cameras": [
  {"name": "A", "url": %q, "transport": "tcp"},
  {"name": "B", "url": %q, "transport": "tcp"},
  {"name": "C", "url": %q, "transport": "tcp"}
]}`, srv.URL(), srv.URL(), srv.URL())), 0o600)
	v, _ := newWallViewer(t, 0, loadWall(t, path), path)
	for i := range 3 {
		waitPlaying(t, v, i)
	}
	tiles := v.Tiles()
	var streams []*player.Stream
	var gens []uint64
	for _, ts := range v.tiles {
		streams = append(streams, ts.stream)
		gens = append(gens, ts.gen)
	}
	drv := fyne.CurrentApp().Driver()
	drag := func(from, onto *Tile, done bool) {
		onUI(func() {
			at := drv.AbsolutePositionForObject(onto).Add(fyne.NewPos(20, 30))
			from.Dragged(&fyne.DragEvent{
				PointEvent: fyne.PointEvent{Position: at.Subtract(drv.AbsolutePositionForObject(from)), AbsolutePosition: at},
				Dragged:    fyne.NewDelta(5, 5),
			})
			if done {
				from.DragEnd()
			}
		})
	}
	drag(tiles[0], tiles[1], false)
	onUI(func() { tiles[2].MouseIn(nil) }) // the pointer passes over it
	drag(tiles[0], tiles[2], false)
	if tiles[2].StatsText() != "" {
		t.Fatal("figures on the tile under a dragged one")
	}
	if tiles[1].ring.target || !tiles[2].ring.target || !tiles[2].ring.rect.Visible() {
		t.Fatal("the tile under the pointer is not marked as the drop place")
	}
	onUI(tiles[0].DragEnd)
	if got := v.Tiles(); got[0] != tiles[1] || got[1] != tiles[2] || got[2] != tiles[0] {
		t.Fatalf("after the drop: %s,%s,%s", got[0].Name(), got[1].Name(), got[2].Name())
	}
	if tiles[2].ring.target {
		t.Fatal("the drop mark stayed")
	}
	if got := shown(v); got[2] != tiles[0] {
		t.Fatal("the grid does not show the new order")
	}
	if w := loadWall(t, path); names(w) != "B,C,A" {
		t.Fatalf("saved %q", names(w))
	}
	if v.selected != 2 || ringed(v) != "2" {
		t.Fatalf("the dragged camera is not selected: %d", v.selected)
	}
	for i, ts := range []*tileState{v.tiles[2], v.tiles[0], v.tiles[1]} {
		if ts.stream != streams[i] || ts.gen != gens[i] {
			t.Fatalf("camera %d was opened again", i)
		}
	}
	frames := tiles[0].Stream().Stats().FramesShown
	waitFor(t, 10*time.Second, "the moved tile playing on", func() bool {
		return tiles[0].Stream().Stats().FramesShown > frames+5 && tiles[0].Stream().Status().State == player.StatePlaying
	})
	// Dropped on itself, or outside the grid: nothing moves.
	drag(tiles[1], tiles[1], true)
	onUI(func() {
		tiles[1].Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(-500, -500)}})
		tiles[1].DragEnd()
	})
	if w := loadWall(t, path); names(w) != "B,C,A" {
		t.Fatalf("after drops on no other tile: %q", names(w))
	}
}
