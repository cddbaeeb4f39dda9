package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tileSpeaker is the speaker button in the picture's bottom right corner,
// above the transport bar: shown only while the tile's camera sends sound
// this player plays. It says whether the tile has the window's sound; a
// click gives the sound to the tile, or mutes the tile that has it
// (Viewer.toggleSound), as M does on the selected tile.
type tileSpeaker struct {
	btn *widget.Button // nil until the tile first has sound to offer
	on  bool
	tap func()
}

// showSpeaker shows the speaker button (visible) as having the sound (on)
// or not, calling tap when clicked; !visible hides it. UI thread.
func (t *Tile) showSpeaker(visible, on bool, tap func()) {
	s := &t.spk
	s.tap = tap
	if s.btn == nil {
		if !visible {
			return
		}
		s.btn = widget.NewButtonWithIcon("", theme.VolumeMuteIcon(), func() {
			if t.spk.tap != nil {
				t.spk.tap()
			}
		})
		s.on = !on  // set below
		t.Refresh() // a new object for the renderer
	}
	if visible != s.btn.Visible() {
		if visible {
			s.btn.Show()
		} else {
			s.btn.Hide()
		}
	}
	if on != s.on {
		s.on = on
		if on {
			s.btn.SetIcon(theme.VolumeUpIcon())
			s.btn.Importance = widget.HighImportance
		} else {
			s.btn.SetIcon(theme.VolumeMuteIcon())
			s.btn.Importance = widget.MediumImportance
		}
		s.btn.Refresh()
	}
}

// speakerShown reports whether the tile shows its speaker button, and
// whether that says the tile has the sound (for tests).
func (t *Tile) speakerShown() (shown, on bool) {
	s := &t.spk
	return s.btn != nil && s.btn.Visible(), s.on
}

// speakerLayout puts the button in the picture's bottom right corner,
// above bottom (the transport bar's top, or the tile's bottom).
func (t *Tile) speakerLayout(size fyne.Size, bottom float32) {
	b := t.spk.btn
	if b == nil {
		return
	}
	bs := b.MinSize()
	pad := theme.Padding()
	b.Resize(bs)
	b.Move(fyne.NewPos(size.Width-bs.Width-pad, bottom-bs.Height-pad))
}

func (t *Tile) speakerObjects() []fyne.CanvasObject {
	if t.spk.btn == nil {
		return nil
	}
	return []fyne.CanvasObject{t.spk.btn}
}
