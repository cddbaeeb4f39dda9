package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/rtspview/rtspview/player"
)

// runeWidth measures a line as ten units a character.
func runeWidth(s string) float32 { return float32(10 * len([]rune(s))) }

func TestWrapText(t *testing.T) {
	for _, c := range []struct {
		text  string
		width float32
		max   int
		want  string // lines joined by "|"
	}{
		{"Connecting…", 200, 4, "Connecting…"},
		{"Nothing is listening at 127.0.0.1:8654", 120, 4, "Nothing is|listening at|127.0.0.1:8…"},
		{"Nothing is listening at 127.0.0.1:8654", 120, 2, "Nothing is|listening a…"},
		{"Reconnecting (5)… Nothing is listening", 100, 1, "Reconnect…"},
		{"a b c d", 30, 4, "a b|c d"},
		{"", 100, 4, ""},
		{"toolongword", 5, 2, ""}, // not even "…" fits
	} {
		got := strings.Join(wrapText(c.text, c.width, c.max, runeWidth), "|")
		if got != c.want {
			t.Errorf("wrapText(%q, %v, %d) = %q, want %q", c.text, c.width, c.max, got, c.want)
		}
		for _, l := range wrapText(c.text, c.width, c.max, runeWidth) {
			if runeWidth(l) > c.width {
				t.Errorf("line %q is wider than %v", l, c.width)
			}
		}
	}
}

// TestOverlayFitsSmallTiles: every sentence a tile may show stays inside
// the tile on a 3×3 wall of an 800×500 window, and in a tile at its
// smallest: wrapped, and cut with "…" where even four lines are too few.
// (A centred canvas.Text spilled over the neighbours and off the
// window's left edge.)
func TestOverlayFitsSmallTiles(t *testing.T) {
	test.NewTempApp(t)
	long := []string{
		"Reconnecting (5)… Nothing is listening at 127.0.0.1:8654.",
		sessionOnlyText,
		"The camera at 192.168.100.200:8554 asks for the password in clear (Basic) on a connection without encryption; it was not sent. Allow it for this camera only on a network you trust.",
	}
	for _, size := range []fyne.Size{{Width: 262, Height: 150}, {Width: 160, Height: 90}} {
		for _, text := range long {
			tile := NewTile()
			tile.SetName("Garage")
			w := test.NewWindow(tile)
			w.SetPadded(false)
			w.Resize(size)
			tile.Resize(size)
			tile.SetOverlay(text)
			var shown []string
			for _, obj := range test.WidgetRenderer(tile).Objects() { // the tile's own, not its bar's
				txt, ok := obj.(*canvas.Text)
				if !ok || !txt.Visible() || txt.Text == "" || txt.Text == "Garage" {
					continue
				}
				shown = append(shown, txt.Text)
				tw := fyne.MeasureText(txt.Text, txt.TextSize, txt.TextStyle).Width
				left := txt.Position().X + (txt.Size().Width-tw)/2 // centred
				if left < 0 || left+tw > size.Width || txt.Position().Y < tile.image.Position().Y ||
					txt.Position().Y+txt.Size().Height > size.Height {
					t.Errorf("%v tile: line %q spans x %.0f–%.0f, y %.0f–%.0f", size, txt.Text, left, left+tw,
						txt.Position().Y, txt.Position().Y+txt.Size().Height)
				}
			}
			if len(shown) == 0 {
				t.Errorf("%v tile shows nothing of %q", size, text)
			}
			if got := strings.Join(shown, " "); got != text && !strings.HasSuffix(got, "…") {
				t.Errorf("%v tile shows %q of %q, not marked as cut", size, got, text)
			}
			if tile.Overlay() != text {
				t.Errorf("Overlay() = %q", tile.Overlay())
			}
			w.Close()
		}
	}
}

// TestLongNameEndsBeforeTheMenu: a long tile name ends in "…" before the
// ⋮ button (canvas.Text does not clip: it ran under the button).
func TestLongNameEndsBeforeTheMenu(t *testing.T) {
	test.NewTempApp(t)
	tile := NewTile()
	tile.setMenu(func(*Tile, fyne.Position) {})
	w := test.NewWindow(tile)
	w.SetPadded(false)
	size := fyne.NewSize(250, 140)
	w.Resize(size)
	tile.Resize(size)
	const name = "Garage entrance with a long name, north side"
	tile.SetName(name)
	d := &tile.deco
	tw := fyne.MeasureText(d.name.Text, d.name.TextSize, d.name.TextStyle).Width
	if end := d.name.Position().X + tw; end > d.menu.Position().X {
		t.Fatalf("the name %q ends at %.0f, under the button at %.0f", d.name.Text, end, d.menu.Position().X)
	}
	if !strings.HasSuffix(d.name.Text, "…") || tile.Name() != name {
		t.Fatalf("shown %q, Name() %q", d.name.Text, tile.Name())
	}
}

// TestStatsFitSmallTiles: the figures (key I, hover) end in "…" at the
// tile's edge instead of running into the next tile.
func TestStatsFitSmallTiles(t *testing.T) {
	test.NewTempApp(t)
	tile := NewTile()
	w := test.NewWindow(tile)
	w.SetPadded(false)
	size := fyne.NewSize(160, 90)
	w.Resize(size)
	tile.Resize(size)
	tile.info.setAll(true)
	tile.info.update()
	tile.info.full = statsLines(player.Stats{Transport: "https", Via: "HTTPS tunnel on 8443 through proxy.example.com:3128", TLS: true,
		Width: 3840, Height: 2160, FPS: 25, RatesMeasured: true, Bitrate: 12.5e6, PacketsLost: 1234})
	tile.info.layout(size)
	for _, l := range tile.info.lines {
		tw := fyne.MeasureText(l.Text, l.TextSize, l.TextStyle).Width
		if l.Visible() && l.Position().X+tw > size.Width {
			t.Errorf("%q runs to %.0f in a tile %.0f wide", l.Text, l.Position().X+tw, size.Width)
		}
	}
	if !strings.HasSuffix(tile.info.lines[0].Text, "…") {
		t.Errorf("the long first line is shown as %q", tile.info.lines[0].Text)
	}
}
