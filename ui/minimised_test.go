package ui

import (
	"fmt"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
)

// TestMinimisedWindowHidesEveryStream: minimised, every stream is hidden
// (also one arrange shows, as a tour's page turn would); restored, only
// the tiles of the page shown decode again, the others stay hidden.
func TestMinimisedWindowHidesEveryStream(t *testing.T) {
	var minimised atomic.Bool
	defer func(f func(fyne.Window) bool) { isMinimised = f }(isMinimised)
	isMinimised = func(fyne.Window) bool { return minimised.Load() }

	v, _ := newWallViewer(t, 6, nil, "")
	tiles := v.Tiles()
	onUI(func() {
		v.selectTile(tiles[0])
		v.view.layoutSel.SetSelected("2×2")
	})
	const page1 = "[false false false false true true]"
	if h := fmt.Sprint(hidden(v)); h != page1 {
		t.Fatalf("before: hidden %v", h)
	}
	onUI(v.checkMinimised)
	if h := fmt.Sprint(hidden(v)); h != page1 {
		t.Fatalf("shown window: hidden %v", h)
	}

	minimised.Store(true)
	onUI(v.checkMinimised)
	const all = "[true true true true true true]"
	if h := fmt.Sprint(hidden(v)); h != all {
		t.Fatalf("minimised: hidden %v", h)
	}
	onUI(func() { v.turnPage(+1, false) }) // the tour turns the page
	if h := fmt.Sprint(hidden(v)); h != all {
		t.Fatalf("page turned while minimised: hidden %v", h)
	}
	onUI(func() { v.turnPage(-1, false) })
	onUI(v.checkMinimised)
	if h := fmt.Sprint(hidden(v)); h != all {
		t.Fatalf("still minimised: hidden %v", h)
	}

	minimised.Store(false)
	onUI(v.checkMinimised)
	if h := fmt.Sprint(hidden(v)); h != page1 {
		t.Fatalf("restored: hidden %v", h)
	}
}
