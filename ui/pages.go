package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/internal/wall"
	"github.com/rtspview/rtspview/player"
)

// wallView is how the wall is shown: the layout, the page, a tile shown
// full, and the tour. UI thread only.
type wallView struct {
	layout string // a wall.Layouts name, or another kept from the file
	page   int    // from 0
	pages  int    // as last arranged
	full   *Tile  // the tile filling the window, nil for the grid
	tour   time.Duration
	// touring is true while the tour turns a page: its selection is not
	// saved.
	touring bool
	// tourStop ends the running tour's goroutine; nil when none runs.
	tourStop chan struct{}

	// slots are the page's empty cells, under the grid (ui/layout.go).
	slots *fyne.Container
	// cells is how many tiles the page shown holds: 1 for a full tile.
	cells int

	layoutSel *widget.Select
	tourSel   *widget.Select
	prev      *widget.Button
	next      *widget.Button
	pageLabel *widget.Label
	pageBox   *fyne.Container
}

// tourChoices are the tour selector's words and their periods.
var tourChoices = []struct {
	label string
	every time.Duration
}{
	{"No tour", 0},
	{"Tour 10 s", 10 * time.Second},
	{"Tour 20 s", 20 * time.Second},
	{"Tour 30 s", 30 * time.Second},
	{"Tour 60 s", 60 * time.Second},
}

// newViewBar returns the row under the grid: the status line, then the
// layout selector, the page controls (shown when there is more than one
// page) and the tour.
func (v *Viewer) newViewBar() fyne.CanvasObject {
	wv := &v.view
	if v.opts.Wall != nil {
		// The page too, before the cameras open: arrange shows that
		// page's cameras as they come, and the others are never decoded.
		wv.layout, wv.page = v.opts.Wall.Layout, max(v.opts.Wall.Page-1, 0)
	}
	wv.layoutSel = widget.NewSelect(layoutLabels, func(label string) {
		// The label of the layout in use (also a later version's layout,
		// shown as Auto) changes nothing: the file keeps its name.
		if label != layoutLabel(wv.layout) {
			v.setLayout(layoutName(label))
		}
	})
	wv.layoutSel.SetSelected(layoutLabel(wv.layout))
	var labels []string
	for _, c := range tourChoices {
		labels = append(labels, c.label)
	}
	wv.tourSel = widget.NewSelect(labels, func(label string) {
		for _, c := range tourChoices {
			if c.label == label && c.every != wv.tour {
				v.setTour(c.every)
				v.saveView()
			}
		}
	})
	wv.tourSel.SetSelected(tourChoices[0].label)
	wv.prev = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { v.turnPage(-1, true) })
	wv.next = widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { v.turnPage(+1, true) })
	wv.pageLabel = widget.NewLabel("1 / 1")
	wv.pageBox = container.NewHBox(wv.prev, wv.pageLabel, wv.next)
	wv.pageBox.Hide()
	return container.NewBorder(nil, nil, nil, container.NewHBox(wv.pageBox, v.newVolumeControl(), wv.layoutSel, wv.tourSel), v.status)
}

// restoreView takes the wall's page and tour once its cameras are open
// (the layout was taken with the selector). Runs on the UI thread from
// Start, while nothing is saved.
func (v *Viewer) restoreView() {
	w := v.opts.Wall
	if w == nil {
		return
	}
	wv := &v.view
	wv.page = max(w.Page-1, 0) // arrange clamps it to the last page
	v.arrange()
	// The last tile opened is selected: the saved selection instead, or
	// the page's first one when that is not on the page shown, so the
	// ring, the address bar and the transport selector all start on the
	// camera a person left (on another page the last one would be what
	// Enter and space act on, unseen).
	v.mu.Lock()
	var first *Tile
	per := specFor(wv.layout, len(v.tiles)).capacity()
	if i := wv.page * per; i < len(v.tiles) {
		first = v.tiles[i].tile
		if s := w.Selected - 1; s > i && s < min(i+per, len(v.tiles)) {
			first = v.tiles[s].tile
		}
	}
	v.mu.Unlock()
	if first != nil {
		v.selectTile(first)
	}
	for _, c := range tourChoices {
		if c.every == time.Duration(w.TourSeconds)*time.Second {
			wv.tourSel.SetSelected(c.label)
		}
	}
	if wv.tour == 0 && w.TourSeconds > 0 {
		// A period written by hand that the selector does not offer.
		v.setTour(time.Duration(w.TourSeconds) * time.Second)
	}
}

// setLayout arranges the wall by layout name, on the page that holds the
// selected tile, and saves it.
func (v *Viewer) setLayout(name string) {
	wv := &v.view
	wv.layout = name
	v.mu.Lock()
	n, sel := len(v.tiles), v.selected
	v.mu.Unlock()
	if c := specFor(name, n).capacity(); sel < n {
		wv.page = sel / c
	}
	v.arrange()
	v.saveView()
}

// arrange puts the tiles of the current page (or the full tile) in the
// grid and tells every stream whether it is seen: a hidden one decodes
// nothing (player.Stream.SetHidden). UI thread only.
func (v *Viewer) arrange() {
	wv := &v.view
	v.mu.Lock()
	tiles := make([]*Tile, len(v.tiles))
	streams := make([]*player.Stream, len(v.tiles))
	for i, ts := range v.tiles {
		// The tile's newest stream, not the one it shows: while a switch
		// keeps the old picture up, the new one is the one to hide.
		tiles[i], streams[i] = ts.tile, ts.stream
	}
	v.mu.Unlock()
	spec := specFor(wv.layout, len(tiles))
	per := spec.capacity()
	wv.pages = max((len(tiles)+per-1)/per, 1)
	if !v.walls().loading {
		// While a wall's cameras open, its saved page may lie past the
		// ones opened so far: it shows nothing until they come (after a
		// power cut, page 1 of a wall left on page 3 does not play for
		// a moment first).
		wv.page = min(max(wv.page, 0), wv.pages-1)
	}
	var shown []*Tile
	if wv.full != nil && indexOf(tiles, wv.full) < 0 {
		wv.full = nil // removed while full
	}
	if wv.full != nil {
		shown = []*Tile{wv.full}
		spec = gridSpec{1, 1, 1}
	} else {
		shown = tiles[min(wv.page*per, len(tiles)):min((wv.page+1)*per, len(tiles))]
	}
	objs := make([]fyne.CanvasObject, len(shown))
	for i, t := range shown {
		objs[i] = t
	}
	v.grid.Layout = &pageLayout{spec: spec}
	v.grid.Objects = objs
	v.grid.Refresh()
	wv.cells = spec.capacity()
	var slots []fyne.CanvasObject
	if len(shown) > 0 {
		for range spec.capacity() - len(shown) {
			slots = append(slots, newSlot())
		}
	}
	wv.slots.Layout = &slotLayout{spec: spec, from: len(shown)}
	wv.slots.Objects = slots
	wv.slots.Refresh()
	for i, t := range tiles {
		if streams[i] != nil {
			streams[i].SetHidden(v.minimised || indexOf(shown, t) < 0)
		}
	}
	wv.pageLabel.SetText(fmt.Sprintf("%d / %d", wv.page+1, wv.pages))
	if wv.pages > 1 && wv.full == nil {
		wv.pageBox.Show()
	} else {
		wv.pageBox.Hide()
	}
	v.markTiles()
}

// shownTiles returns the tiles in the grid container.
func shownTiles(grid *fyne.Container) []*Tile {
	var out []*Tile
	for _, o := range grid.Objects {
		if t, ok := o.(*Tile); ok {
			out = append(out, t)
		}
	}
	return out
}

func indexOf(tiles []*Tile, t *Tile) int {
	for i, x := range tiles {
		if x == t {
			return i
		}
	}
	return -1
}

// turnPage shows the page by pages away, wrapping round, and selects its
// first tile so that Enter and space act on a tile one can see. A turn by
// the person is saved; the tour's turns are not (a tour would otherwise
// rewrite the file all day), so the wall reopens on the page last chosen.
func (v *Viewer) turnPage(by int, save bool) {
	wv := &v.view
	if wv.pages <= 1 || wv.full != nil {
		return
	}
	wv.page = ((wv.page+by)%wv.pages + wv.pages) % wv.pages
	v.arrange()
	v.mu.Lock()
	per := specFor(wv.layout, len(v.tiles)).capacity()
	var first *Tile
	if i := wv.page * per; i < len(v.tiles) {
		first = v.tiles[i].tile
	}
	v.mu.Unlock()
	if first != nil {
		v.selectTile(first)
	}
	if save {
		v.saveView()
	}
}

// showNewTile turns to the page of the tile just added (the last, and
// selected), out of a tile shown full, so the camera the status line
// describes is the one framed on screen. Opening a wall or the addresses
// given at launch is not adding: the wall's own page stays.
func (v *Viewer) showNewTile() {
	wv := &v.view
	v.mu.Lock()
	n := len(v.tiles)
	v.mu.Unlock()
	wv.full = nil
	wv.page = (n - 1) / specFor(wv.layout, n).capacity()
	v.walls().doc.Page = wv.page + 1 // saved with the new camera
}

// Page returns the page shown, from 1, and the number of pages (for
// tests).
func (v *Viewer) Page() (page, pages int) { return v.view.page + 1, v.view.pages }

// saveView writes the layout, page and tour into the wall and saves it.
func (v *Viewer) saveView() {
	ws := v.walls()
	wv := &v.view
	ws.doc.Layout = wv.layout
	if ws.doc.Layout == "" {
		ws.doc.Layout = wall.LayoutAuto
	}
	ws.doc.Page = wv.page + 1
	ws.doc.TourSeconds = int(wv.tour / time.Second)
	v.saveWall()
}

// setTour turns the pages every period (0 stops it). The goroutine is the
// viewer's: Close waits for it.
func (v *Viewer) setTour(every time.Duration) {
	wv := &v.view
	if wv.tourStop != nil {
		close(wv.tourStop)
		wv.tourStop = nil
	}
	wv.tour = every
	if every <= 0 {
		return
	}
	stop := make(chan struct{})
	wv.tourStop = stop
	v.wg.Add(1)
	go func() {
		defer v.wg.Done()
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-v.stop:
				return
			case <-stop:
				return
			case <-tick.C:
				v.do(func() {
					if wv.tourStop == stop { // not a tour since replaced
						// A tile shown full stays: the person is looking at it.
						wv.touring = true
						v.turnPage(+1, false)
						wv.touring = false
					}
				})
			}
		}
	}()
}
