package ui

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/internal/wall"
	"github.com/rtspview/rtspview/player"
)

// newWallButton is the address bar's "Wall" button: import a wall file
// (added to this window's wall or in its place, as the person picks),
// export the one shown, and where it is kept.
func (v *Viewer) newWallButton() fyne.CanvasObject {
	var b *widget.Button
	b = widget.NewButtonWithIcon("Wall", theme.GridIcon(), func() {
		at := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
		widget.ShowPopUpMenuAtPosition(v.wallMenu(), v.win.Canvas(), at.Add(fyne.NewPos(0, b.Size().Height)))
	})
	return b
}

// wallMenu is the Wall button's menu. Its last line says where the wall
// is kept; choosing it copies the path. (A disabled item, it was grey on
// grey and hard to read.)
func (v *Viewer) wallMenu() *fyne.Menu {
	info := fyne.NewMenuItem("This wall is not saved (a temporary one)", nil)
	info.Disabled = true
	if p := v.walls().path; p != "" {
		info = fyne.NewMenuItem("Saved in "+p+" (copy the path)", func() {
			fyne.CurrentApp().Clipboard().SetContent(p)
			v.status.SetText("Copied the wall file's path: " + p)
		})
	}
	items := []*fyne.MenuItem{
		fyne.NewMenuItem("Import wall…", v.importWall),
		v.newFindMenuItem(), // ONVIF (ui/findcameras.go)
		fyne.NewMenuItem("Export wall…", v.exportWall),
		fyne.NewMenuItemSeparator(),
	}
	items = append(items, v.newAutostartItems()...) // ui/autostart.go
	return fyne.NewMenu("", append(items, fyne.NewMenuItemSeparator(), info)...)
}

// importWall reads a wall file the person picks and asks what to do with
// it (askImport): nothing is opened before they choose.
func (v *Viewer) importWall() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		data, err := io.ReadAll(io.LimitReader(r, maxImportSize+1))
		if err == nil && len(data) > maxImportSize {
			err = fmt.Errorf("%w: it is larger than %d MB", wall.ErrNotAWall, maxImportSize>>20)
		}
		if err == nil {
			var w *wall.Wall
			if w, err = wall.Parse(data); err == nil {
				v.askImport(r.URI().Name(), w)
				return
			}
		}
		dialog.ShowError(fmt.Errorf("%s could not be imported: %w", r.URI().Name(), err), v.win)
	}, v.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	d.Show()
}

// maxImportSize bounds an imported file, as wall.Load bounds the saved one.
const maxImportSize = 4 << 20

// Words of the import dialog (tests press its buttons by them).
const (
	importAdd     = "Add to the wall"
	importReplace = "Replace the wall"
	importCancel  = "Cancel"
)

// importSummary is the import dialog's text: what the file holds, camera
// by camera with the hosts its addresses name, then every host once. A
// wall file may come from someone else: the person sees where the window
// would connect before it does. Names are cleaned (displayName) and
// Unicode host names shown with their ASCII form (hostLabel).
func importSummary(w *wall.Wall) (cameras, hosts string) {
	var b strings.Builder
	var all []string
	seen := map[string]bool{}
	note := func(h string) string {
		if h == "" {
			return "(not an rtsp:// or rtsps:// address)"
		}
		if !seen[h] {
			seen[h] = true
			all = append(all, hostLabel(h))
		}
		return hostLabel(h)
	}
	for i, c := range w.Cameras {
		main, sub := c.Hosts()
		name := displayName(c)
		if name == "" {
			name = "(no name)"
		}
		fmt.Fprintf(&b, "%d. %s — %s", i+1, name, note(main))
		if c.SubURL != "" {
			if sub == main {
				b.WriteString(", sub-stream on the same host")
			} else {
				fmt.Fprintf(&b, ", sub-stream on %s", note(sub))
			}
		}
		b.WriteString("\n")
	}
	cameras = strings.TrimSuffix(b.String(), "\n")
	if len(w.Cameras) == 0 {
		cameras = "(no cameras)"
	}
	hosts = "Hosts it connects to: " + strings.Join(all, ", ")
	if len(all) == 0 {
		hosts = "It connects to no host."
	}
	return cameras, hosts
}

// askImport shows what the wall file holds and lets the person add its
// cameras to the wall, replace the wall with it, or cancel. A camera from
// the file gets a keyring password only where the keyring holds one for
// its own user@host:port (ui/wall.go), and a password goes to a sub_url
// on another host only after asking (player.Config.CredentialURL).
//
// A file's "allow_basic" is dropped, and its names are cleaned (cleanText): letting a password cross the network
// in clear is the person's choice for a camera, not a file's (a file could
// name the person's own camera and allow Basic for whoever sits on the
// path). The window asks again for each camera that needs it.
func (v *Viewer) askImport(file string, w *wall.Wall) dialog.Dialog {
	imported := *w
	imported.Cameras = slices.Clone(w.Cameras)
	basic := 0
	for i := range imported.Cameras {
		c := &imported.Cameras[i]
		if c.AllowBasic {
			c.AllowBasic = false
			basic++
		}
		// The file becomes the person's wall: its names are kept as the
		// window paints them, so an editor opening the saved file is
		// not turned around by a direction override either.
		c.Name = strings.TrimSpace(cleanText(c.Name))
	}
	w = &imported
	cameras, hosts := importSummary(w)
	n := len(w.Cameras)
	head := fmt.Sprintf("%s lists %d cameras:", cleanText(file), n)
	if n == 1 {
		head = fmt.Sprintf("%s lists 1 camera:", cleanText(file))
	}
	list := widget.NewLabel(cameras)
	list.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(list)
	scroll.SetMinSize(fyne.NewSize(0, min(float32(40+24*n), 260)))
	hostsText := widget.NewLabel(hosts)
	hostsText.Wrapping = fyne.TextWrapWord
	have := len(v.Tiles())
	addNote := widget.NewLabel("")
	addNote.Wrapping = fyne.TextWrapWord
	addNote.Hide()
	notes := "Nothing is opened before you choose. Saved passwords go only to the host and user they were saved for."
	if basic > 0 {
		notes += fmt.Sprintf(" The file allows the password in clear (Basic) for %d of them; rtspview asks you again for each camera that needs it.", basic)
	}
	content := container.NewVBox(widget.NewLabel(head), scroll, hostsText, questionLabel(notes), addNote)
	d := dialog.NewCustomWithoutButtons("Import wall", content, v.win)
	add := widget.NewButton(importAdd, func() { d.Hide(); v.addWall(w) })
	// Adding keeps what the person has; replacing closes it all, so it
	// is not the button the eye goes to first.
	add.Importance = widget.HighImportance
	replace := widget.NewButton(importReplace, func() { d.Hide(); v.replaceWall(w) })
	cancel := widget.NewButton(importCancel, func() { d.Hide() })
	if have+n > wall.MaxCameras {
		add.Disable()
		addNote.SetText(fmt.Sprintf("Adding would make %d cameras, and a wall holds at most %d: replace the wall, or remove cameras first.", have+n, wall.MaxCameras))
		addNote.Show()
	}
	d.SetButtons([]fyne.CanvasObject{cancel, add, replace})
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
	return d
}

// addWall opens w's cameras after the wall's own; the wall keeps its
// layout, page and tour.
func (v *Viewer) addWall(w *wall.Wall) {
	if len(v.Tiles())+len(w.Cameras) > wall.MaxCameras {
		return // the dialog's Add was disabled
	}
	ws := v.walls()
	ws.noteKeyring(w.Cameras)
	ws.loading = true
	for _, cam := range w.Cameras {
		v.openCamera(cam)
	}
	ws.loading = false
	v.layoutGrid()
	v.saveWall()
}

// replaceWall closes every tile and opens w's cameras instead.
func (v *Viewer) replaceWall(w *wall.Wall) {
	v.mu.Lock()
	var streams []*player.Stream
	for _, ts := range v.tiles {
		ts.gen++
		// A tile in a handover still holds the stream it shows.
		for _, s := range []*player.Stream{ts.stream, ts.ho.old} {
			if s != nil {
				streams = append(streams, s)
			}
		}
	}
	v.tiles, v.selected = nil, 0
	v.mu.Unlock()
	var wg sync.WaitGroup
	for _, s := range streams {
		wg.Add(1)
		go func() { defer wg.Done(); s.Close() }()
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

// exportTo writes the wall shown to path; wall.Save replaces the file
// the save dialog created atomically. Passwords stay out: the wall
// file's Marshal drops them.
func (v *Viewer) exportTo(path string) {
	if err := wall.Save(path, v.currentWall()); err != nil {
		dialog.ShowError(err, v.win)
		return
	}
	v.status.SetText("Wall exported to " + path)
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
		v.exportTo(uri.Path())
	}, v.win)
	d.SetFileName("wall.json")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".json"}))
	d.Show()
}
