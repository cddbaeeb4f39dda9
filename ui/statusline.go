package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/rtspview/rtspview/player"
)

// refreshStatus writes the selected tile's state and numbers to the
// status line. Runs on the UI thread.
func (v *Viewer) refreshStatus() {
	if v.bar.notice != "" {
		return // a sentence about the address bar, until its text changes
	}
	v.mu.Lock()
	if len(v.tiles) == 0 {
		v.mu.Unlock()
		return
	}
	ts := v.tiles[v.selected]
	n := len(v.tiles)
	v.mu.Unlock()
	if ts.stream == nil {
		return
	}
	v.status.SetText(statusLine(ts.status, ts.stream.Stats(), n))
}

// statusLine is "Playing · TCP · 1280×720 · 25 fps · 2.1 Mb/s".
func statusLine(st player.Status, stats player.Stats, tiles int) string {
	var parts []string
	if st.State == player.StatePlaying {
		via := stats.Via
		if via == "" {
			via = strings.ToUpper(stats.Transport)
		}
		if stats.TLS {
			via += " + TLS"
		}
		word := "Playing"
		if stats.Paused {
			// A live pause keeps the session and drops pictures, so the
			// state stays playing; a person sees a frozen picture.
			word = "Paused"
		}
		parts = append(parts, word, via)
		if stats.Width > 0 {
			parts = append(parts, fmt.Sprintf("%d×%d", stats.Width, stats.Height))
		}
		if stats.RatesMeasured {
			// Nothing of the rate before it is measured: "0 fps" for the
			// first moments of every stream would read as a stall.
			parts = append(parts, fmt.Sprintf("%.0f fps", stats.FPS))
		}
		if stats.Bitrate > 0 {
			parts = append(parts, fmt.Sprintf("%.1f Mb/s", stats.Bitrate/1e6))
		}
		if stats.PacketsLost > 0 {
			parts = append(parts, fmt.Sprintf("%d lost", stats.PacketsLost))
		}
		if n := len(stats.Fallbacks); n > 0 {
			parts = append(parts, fallbackText(stats))
		}
	} else {
		parts = append(parts, st.Text)
	}
	if tiles > 1 {
		parts = append(parts, fmt.Sprintf("%d cameras", tiles))
	}
	return strings.Join(parts, " · ")
}

// fallbackText is Auto's path in a few words: "UDP blocked, using TCP",
// "port 554 closed, using HTTP tunnel on 80". Plain words, no arrow: Fyne's
// bundled font has no U+2192, and where no system font stands in (Windows
// under Wine, some minimal desktops) it showed as a box.
func fallbackText(stats player.Stats) string {
	var b strings.Builder
	for _, f := range stats.Fallbacks {
		reason, _, _ := strings.Cut(f.Reason, " (")
		b.WriteString(reason)
		b.WriteString(", ")
	}
	if len(stats.Fallbacks) > 0 {
		b.WriteString("using ")
	}
	via := stats.Via
	if via == "" {
		via = strings.ToUpper(stats.Transport)
	}
	b.WriteString(via)
	return b.String()
}

// tick refreshes the status line once a second. It is owned by the viewer
// and stopped by Close.
func (v *Viewer) tick() {
	defer v.wg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-v.stop:
			return
		case <-t.C:
			v.do(v.refreshStatus)
			v.do(v.tunePaintClock)
			v.do(v.refreshBars)
			v.do(v.refreshStatsOverlays)
			v.do(v.checkSubStreams)
			v.do(v.checkMinimised)
			v.do(v.routeSound)
			v.do(v.expireNotes)
		}
	}
}

// StatusText returns the status line (for tests).
func (v *Viewer) StatusText() string { return v.status.Text }
