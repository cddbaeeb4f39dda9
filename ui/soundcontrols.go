package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/rtspview/rtspview/sound"
)

// volumeControl is the window's volume: a speaker icon, a short slider
// from 0 to 200 % (sound.MaxVolume; above 100 % a quiet camera microphone
// gets louder, clipped at the samples' range) and the figure.
type volumeControl struct {
	slider *widget.Slider
	label  *widget.Label
}

// newVolumeControl builds the volume control for the status row, at
// 100 %. Called once from NewViewer.
func (v *Viewer) newVolumeControl() fyne.CanvasObject {
	vc := &v.snd.ctl
	v.snd.volume = 1
	vc.slider = widget.NewSlider(0, sound.MaxVolume*100)
	vc.slider.Step = 5
	vc.slider.Value = 100
	vc.label = widget.NewLabel(volumeText(100))
	vc.slider.OnChanged = func(pct float64) {
		vc.label.SetText(volumeText(pct))
		v.setVolume(pct / 100)
	}
	icon := widget.NewIcon(theme.VolumeUpIcon())
	// A short slider: the row also holds the status line.
	slider := container.New(layout.NewGridWrapLayout(fyne.NewSize(110, vc.slider.MinSize().Height)), vc.slider)
	return container.NewHBox(icon, slider, vc.label)
}

// volumeText is the figure beside the slider: "100 %".
func volumeText(pct float64) string { return fmt.Sprintf("%.0f %%", pct) }

// soundKey is M: the selected tile gets the sound, or, when it has it, is
// muted (toggleSound).
func (v *Viewer) soundKey(ev *fyne.KeyEvent) bool {
	if ev.Name != fyne.KeyM {
		return false
	}
	v.mu.Lock()
	var ts *tileState
	if v.selected >= 0 && v.selected < len(v.tiles) {
		ts = v.tiles[v.selected]
	}
	v.mu.Unlock()
	if ts != nil {
		v.toggleSound(ts)
	}
	return true
}
