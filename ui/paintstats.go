package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/rtspview/rtspview/player"
)

// latencyBuckets is the latency histogram's size: 1 ms buckets from 0 to
// 999 ms and one for a second or more. A live tile that lags a second is
// broken whatever the exact figure, and 4 KB per tile is nothing.
const latencyBuckets = 1001

// paintStats counts what a tile actually put on the canvas: pictures
// handed to its canvas.Image (not pictures decoded: the UI skips those
// that come faster than it runs), and for each the pipeline latency from
// the arrival of its last RTP packet (player/latency.go). Written on the
// UI thread, read by the stats file's writer, hence the lock; it is taken
// once per painted frame.
type paintStats struct {
	mu      sync.Mutex
	painted uint64
	hist    [latencyBuckets]uint32
	samples uint64
}

// count records one painted picture whose last packet arrived at arrived
// (zero: unknown, counted but not timed).
func (p *paintStats) count(arrived, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.painted++
	if arrived.IsZero() {
		return
	}
	ms := int(now.Sub(arrived) / time.Millisecond)
	p.hist[min(max(ms, 0), latencyBuckets-1)]++
	p.samples++
}

// Painted returns how many pictures the tile has put on the canvas.
func (t *Tile) Painted() uint64 {
	t.paint.mu.Lock()
	defer t.paint.mu.Unlock()
	return t.paint.painted
}

// tileStats is one tile in the stats file. Counters are cumulative since
// the tile's stream started, so a benchmark reads the file twice and
// divides the differences by the time between (time_unix_ms); the rates
// and percentiles are for a person glancing at it.
type tileStats struct {
	Index      int     `json:"index"`
	URL        string  `json:"url"` // without password
	Painted    uint64  `json:"painted"`
	PaintedFPS float64 `json:"painted_fps"` // over the last interval
	Decoded    uint64  `json:"decoded"`
	DecodeFPS  float64 `json:"decode_fps"` // the player's, over ~2 s
	Dropped    uint64  `json:"dropped"`
	// Skipped pictures the decoder left out to keep up, and the level it
	// skips at now ("all pictures" when it keeps up; player.DecodeLevel).
	Skipped     uint64 `json:"skipped"`
	DecodeLevel string `json:"decode_level"`
	// LatencySamples pictures timed; p50/p99 over all of them, in ms.
	LatencySamples uint64  `json:"latency_samples"`
	LatencyP50ms   float64 `json:"latency_p50_ms"`
	LatencyP99ms   float64 `json:"latency_p99_ms"`
	// LatencyHist is the histogram (ms bucket → pictures, 1000 meaning a
	// second or more), for percentiles over a benchmark's window.
	LatencyHist map[string]uint32 `json:"latency_hist_ms"`
}

// statsReport is the whole stats file.
type statsReport struct {
	TimeUnixMS    int64       `json:"time_unix_ms"`
	Final         bool        `json:"final"` // written at exit
	PaintedFPSMin float64     `json:"painted_fps_min"`
	PaintedFPSMed float64     `json:"painted_fps_median"`
	Tiles         []tileStats `json:"tiles"`
}

// statsFile writes a statsReport every second and at exit (Options.StatsFile,
// --stats-file), so that a benchmark can read what the window paints
// without a debugger.
type statsFile struct {
	path string
	mu   sync.Mutex
	prev map[*Tile]paintMark
}

type paintMark struct {
	painted uint64
	at      time.Time
}

// percentile returns the bucket (ms) below which q of the samples lie.
func percentile(hist *[latencyBuckets]uint32, n uint64, q float64) float64 {
	if n == 0 {
		return 0
	}
	want := uint64(q*float64(n) + 0.5)
	want = max(want, 1)
	var seen uint64
	for ms, c := range hist {
		seen += uint64(c)
		if seen >= want {
			return float64(ms)
		}
	}
	return latencyBuckets - 1
}

// report collects every tile's figures at now. tiles are read on the
// caller's goroutine: the UI thread, or Close once the UI has stopped.
func (f *statsFile) report(tiles []*tileState, now time.Time, final bool) statsReport {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.prev == nil {
		f.prev = map[*Tile]paintMark{}
	}
	r := statsReport{TimeUnixMS: now.UnixMilli(), Final: final, Tiles: []tileStats{}}
	var fps []float64
	for i, ts := range tiles {
		p := &ts.tile.paint
		p.mu.Lock()
		st := tileStats{
			Index: i, URL: player.RedactURL(ts.url), Painted: p.painted,
			LatencySamples: p.samples,
			LatencyP50ms:   percentile(&p.hist, p.samples, 0.50),
			LatencyP99ms:   percentile(&p.hist, p.samples, 0.99),
			LatencyHist:    map[string]uint32{},
		}
		for ms, c := range p.hist {
			if c != 0 {
				st.LatencyHist[strconv.Itoa(ms)] = c
			}
		}
		p.mu.Unlock()
		if ts.stream != nil {
			ps := ts.stream.Stats()
			st.Decoded, st.DecodeFPS, st.Dropped = ps.FramesShown, ps.FPS, ps.FramesDropped
			st.Skipped, st.DecodeLevel = ps.FramesSkipped, ps.DecodeLevel.String()
		}
		if m, ok := f.prev[ts.tile]; ok && now.After(m.at) && st.Painted >= m.painted {
			st.PaintedFPS = float64(st.Painted-m.painted) / now.Sub(m.at).Seconds()
		}
		f.prev[ts.tile] = paintMark{st.Painted, now}
		fps = append(fps, st.PaintedFPS)
		r.Tiles = append(r.Tiles, st)
	}
	if len(fps) > 0 {
		slices.Sort(fps)
		r.PaintedFPSMin, r.PaintedFPSMed = fps[0], fps[len(fps)/2]
	}
	return r
}

// write replaces the file with r: written beside it, then renamed, so a
// reader never sees half a report.
func (f *statsFile) write(r statsReport) error {
	b, err := json.MarshalIndent(r, "", " ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(f.path), ".rtspview-stats-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), f.path)
}

// startStatsFile writes the stats file every second until Close. The
// figures are gathered on the UI thread, which owns the tiles; the file is
// written on this goroutine, so a slow disk never holds up painting.
func (v *Viewer) startStatsFile() {
	v.stats = &statsFile{path: v.opts.StatsFile}
	reports := make(chan statsReport, 1)
	v.wg.Add(1)
	go func() {
		defer v.wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-v.stop:
				return
			case <-t.C:
				v.do(func() {
					v.mu.Lock()
					tiles := slices.Clone(v.tiles)
					v.mu.Unlock()
					r := v.stats.report(tiles, time.Now(), false)
					select {
					case reports <- r:
					default: // the last one is still being written
					}
				})
			case r := <-reports:
				_ = v.stats.write(r) // best effort: the next second tries again
			}
		}
	}()
}

// writeFinalStats writes the stats file once more at exit.
func (v *Viewer) writeFinalStats(tiles []*tileState) {
	if v.stats != nil {
		_ = v.stats.write(v.stats.report(tiles, time.Now(), true))
	}
}
