package ui

import (
	"fmt"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/internal/secrets"
	"github.com/rtspview/rtspview/internal/wall"
)

// showTileMenu opens the tile's menu at the absolute position at: the ⋮
// button, or where the right-click was.
func (v *Viewer) showTileMenu(ts *tileState, at fyne.Position) {
	widget.ShowPopUpMenuAtPosition(v.tileMenu(ts), v.win.Canvas(), at)
}

// tileMenu is the tile's menu; a move the tile cannot make is greyed out.
func (v *Viewer) tileMenu(ts *tileState) *fyne.Menu {
	i, n := v.tileIndex(ts)
	left := fyne.NewMenuItem("Move left", func() { v.moveTile(ts, -1) })
	left.Disabled = i <= 0
	right := fyne.NewMenuItem("Move right", func() { v.moveTile(ts, 1) })
	right.Disabled = i < 0 || i >= n-1
	full := "Show full"
	if v.view.full == ts.tile {
		full = "Back to the grid"
	}
	menu := fyne.NewMenu("",
		fyne.NewMenuItem(full, func() { v.toggleFull(ts.tile) }),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Rename…", func() { v.askRename(ts) }),
		fyne.NewMenuItem("Edit address…", func() { v.askEditAddress(ts) }),
		fyne.NewMenuItem("Snapshot", func() { v.snapshot(ts) }),
		fyne.NewMenuItemSeparator(),
		left, right,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Remove", func() { v.askRemove(ts) }),
	)
	v.addRecordMenu(menu, ts) // Record, and where the files go (ui/recording.go)
	v.addPTZMenu(menu, ts)    // presets of a camera that moves (ui/tileptz.go)
	return menu
}

// askRename asks for the tile's new name; an empty one shows the host.
func (v *Viewer) askRename(ts *tileState) {
	name := newDialogEntry()
	name.SetText(cleanText(ts.w.cam.Name))
	name.SetPlaceHolder(displayName(wall.Camera{URL: ts.w.cam.URL}))
	d := dialog.NewForm("Rename camera", "Rename", "Cancel",
		[]*widget.FormItem{widget.NewFormItem("Name", name)}, func(ok bool) {
			if ok {
				v.renameTile(ts, name.Text)
			}
		}, v.win)
	escCloses(d, name) // Enter renames, as in a file manager; Esc cancels
	d.Resize(fyne.NewSize(380, 0))
	d.Show()
	v.win.Canvas().Focus(name)
}

// renameTile gives the tile a name and saves the wall.
func (v *Viewer) renameTile(ts *tileState, name string) {
	ts.w.cam.Name = strings.TrimSpace(name)
	v.nameTiles() // ui/names.go
	v.saveWall()
}

// askRemove asks before taking a camera off the wall (the menu's Remove
// and the Delete key); Enter answers Remove, Esc Cancel (overlayKey).
func (v *Viewer) askRemove(ts *tileState) {
	d := dialog.NewConfirm("Remove camera",
		fmt.Sprintf("Remove %q from the wall?", ts.shownName()),
		func(ok bool) {
			v.keys.confirm = nil
			if ok {
				v.removeTile(ts)
			}
		}, v.win)
	d.SetConfirmText("Remove")
	d.SetDismissText("Cancel")
	v.keys.confirm = d
	d.Show()
}

// removeTile stops the tile's stream, takes it out of the grid and the
// wall, and forgets its keyring password unless another tile of the same
// camera still needs it.
func (v *Viewer) removeTile(ts *tileState) {
	v.mu.Lock()
	i := slices.Index(v.tiles, ts)
	if i < 0 {
		v.mu.Unlock()
		return
	}
	v.tiles = slices.Delete(v.tiles, i, i+1)
	if v.selected >= len(v.tiles) {
		v.selected = max(len(v.tiles)-1, 0)
	}
	old, handing := ts.stream, ts.ho.old
	ts.stream, ts.ho.old = nil, nil
	ts.gen++ // the closing stream's last words are not this tile's state
	user, _ := ts.w.cam.Credentials()
	key := secrets.Key(ts.w.cam.URL, user)
	shared := false
	for _, o := range v.tiles {
		u, _ := o.w.cam.Credentials()
		shared = shared || secrets.Key(o.w.cam.URL, u) == key
	}
	v.mu.Unlock()
	v.closeInBackground(old)
	v.closeInBackground(handing)
	ts.tile.Attach(nil)
	v.layoutGrid()
	ws := v.walls()
	if !shared && ts.w.cam.PasswordRef == wall.PasswordRefKeyring && ws.path != "" {
		ws.store.Forget(ts.w.cam.URL, user)
		delete(ws.inKeyring, key)
	}
	v.saveWall()
	v.nameTiles() // what told the rest apart may have gone with it
	v.mu.Lock()
	var next *Tile
	if len(v.tiles) > 0 {
		next = v.tiles[v.selected].tile
	}
	v.mu.Unlock()
	if next != nil {
		// The bar and the selector show the tile selected now: they held
		// the removed camera's address, and Play put it in this tile.
		v.selectTile(next)
	} else {
		v.address.SetText("")
	}
	v.refreshStatus()
}
