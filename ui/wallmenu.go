package ui

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/internal/wall"
)

// newWallButton is the address bar's "Wall" button: import a wall file
// (it becomes this window's wall), export the one shown, and where it is
// kept.
func (v *Viewer) newWallButton() fyne.CanvasObject {
	var b *widget.Button
	b = widget.NewButtonWithIcon("Wall", theme.GridIcon(), func() {
		where := "This wall is not saved (a temporary one)"
		if p := v.walls().path; p != "" {
			where = "Saved in " + p
		}
		info := fyne.NewMenuItem(where, nil)
		info.Disabled = true
		menu := fyne.NewMenu("",
			fyne.NewMenuItem("Import wall…", v.importWall),
			fyne.NewMenuItem("Export wall…", v.exportWall),
			fyne.NewMenuItemSeparator(),
			info,
		)
		at := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
		widget.ShowPopUpMenuAtPosition(menu, v.win.Canvas(), at.Add(fyne.NewPos(0, b.Size().Height)))
	})
	return b
}

// importWall opens a wall file in place of the window's cameras; with a
// saved wall, it becomes the saved one.
func (v *Viewer) importWall() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		data, err := io.ReadAll(io.LimitReader(r, 4<<20))
		if err == nil {
			var w *wall.Wall
			if w, err = wall.Parse(data); err == nil {
				v.replaceWall(w)
				return
			}
		}
		dialog.ShowError(fmt.Errorf("%s could not be imported: %w", r.URI().Name(), err), v.win)
	}, v.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	d.Show()
}

// replaceWall closes every tile and opens w's cameras instead.
func (v *Viewer) replaceWall(w *wall.Wall) {
	v.mu.Lock()
	old := v.tiles
	v.tiles, v.selected = nil, 0
	for _, ts := range old {
		ts.gen++
	}
	v.mu.Unlock()
	var wg sync.WaitGroup
	for _, ts := range old {
		if ts.stream != nil {
			wg.Add(1)
			go func(ts *tileState) { defer wg.Done(); ts.stream.Close() }(ts)
		}
	}
	v.wg.Add(1)
	go func() { defer v.wg.Done(); wg.Wait() }()
	ws := v.walls()
	ws.doc = w
	ws.noteKeyring(w.Cameras)
	ws.loading = true
	for _, cam := range w.Cameras {
		v.openCamera(cam)
	}
	ws.loading = false
	v.layoutGrid()
	v.saveWall()
}

// exportWall writes the wall shown (without the temporary tiles) to a file
// the person picks.
func (v *Viewer) exportWall() {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return
		}
		uri := wc.URI()
		wc.Close()
		if uri.Scheme() != "file" {
			dialog.ShowError(errors.New("a wall can be exported to a file on this computer only"), v.win)
			return
		}
		// wall.Save replaces the file the dialog created atomically.
		if err := wall.Save(uri.Path(), v.currentWall()); err != nil {
			dialog.ShowError(err, v.win)
			return
		}
		v.status.SetText("Wall exported to " + uri.Path())
	}, v.win)
	d.SetFileName("wall.json")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	d.Show()
}
