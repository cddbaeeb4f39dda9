package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/player"
)

// benchResult is what `rtspview bench` measures: N streams decoded at tile
// size at once, as a wall of cameras would be.
type benchResult struct {
	URL          string  `json:"url"`
	Streams      int     `json:"streams"`
	Tile         string  `json:"tile"`
	Transport    string  `json:"transport"`
	Seconds      float64 `json:"seconds"`
	FramesTotal  uint64  `json:"frames_decoded"`
	FramesDrop   uint64  `json:"frames_dropped"`
	FPSMean      float64 `json:"fps_per_stream_mean"`
	FPSMin       float64 `json:"fps_per_stream_min"`
	CPUPercent   float64 `json:"cpu_percent_of_one_core"`
	MaxRSSMB     float64 `json:"max_rss_mb"`
	HeapMB       float64 `json:"go_heap_mb"`
	PlayingCount int     `json:"streams_playing"`
}

func runBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	streams := fs.Int("streams", 9, "streams played at once")
	dur := fs.Duration("duration", 10*time.Second, "how long to measure (after all streams play)")
	size := fs.String("size", "426x240", "tile size in pixels each stream is scaled to (0x0 = source)")
	transport := fs.String("transport", "tcp", "auto|udp|tcp|http|https")
	asJSON := fs.Bool("json", false, "print one JSON object")
	pos, err := parseInterspersed(fs, args)
	if err != nil || len(pos) > 1 || *streams < 1 {
		fmt.Fprintln(stderr, "usage: rtspview bench [--streams N] [--duration D] [--size WxH] [--transport T] [--json] [URL]")
		return 2
	}
	var w, h int
	if _, err := fmt.Sscanf(*size, "%dx%d", &w, &h); err != nil {
		fmt.Fprintln(stderr, "--size wants WxH")
		return 2
	}
	tr, err := player.ParseTransport(*transport)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	url := ""
	if len(pos) == 1 {
		url = pos[0]
	} else {
		srv, err := demo.Start(demo.Config{})
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 1
		}
		defer srv.Close()
		url = srv.URL()
	}
	ss := make([]*player.Stream, *streams)
	for i := range ss {
		ss[i] = player.Start(player.Config{URL: url, Transport: tr, DecoderThreads: 1, Reconnect: true})
		ss[i].SetSize(w, h)
	}
	defer func() {
		for _, s := range ss {
			s.Close()
		}
	}()
	// Measure only once every stream shows pictures.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		n := 0
		for _, s := range ss {
			if s.Stats().FramesShown > 0 {
				n++
			}
		}
		if n == len(ss) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	start := make([]uint64, len(ss))
	drop0 := uint64(0)
	for i, s := range ss {
		st := s.Stats()
		start[i], drop0 = st.FramesShown, drop0+st.FramesDropped
	}
	cpu0 := cpuTime()
	t0 := time.Now()
	time.Sleep(*dur)
	el := time.Since(t0).Seconds()
	cpu := cpuTime() - cpu0
	res := benchResult{URL: player.RedactURL(url), Streams: len(ss), Tile: *size, Transport: tr.String(), Seconds: el, FPSMin: 1e9}
	var drop uint64
	for i, s := range ss {
		st := s.Stats()
		n := st.FramesShown - start[i]
		res.FramesTotal += n
		drop += st.FramesDropped
		fps := float64(n) / el
		res.FPSMean += fps / float64(len(ss))
		res.FPSMin = min(res.FPSMin, fps)
		if s.Status().State == player.StatePlaying {
			res.PlayingCount++
		}
	}
	res.FramesDrop = drop - drop0
	res.CPUPercent = 100 * cpu.Seconds() / el
	res.MaxRSSMB = maxRSSMB()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.HeapMB = float64(ms.HeapAlloc) / (1 << 20)
	if *asJSON {
		_ = json.NewEncoder(stdout).Encode(res)
	} else {
		fmt.Fprintf(stdout, "%d streams at %s over %s for %.1fs: %.1f fps/stream (min %.1f), %d dropped, CPU %.0f%% of one core, max RSS %.0f MB\n",
			res.Streams, res.Tile, res.Transport, res.Seconds, res.FPSMean, res.FPSMin, res.FramesDrop, res.CPUPercent, res.MaxRSSMB)
	}
	if res.PlayingCount != len(ss) {
		fmt.Fprintf(stderr, "only %d of %d streams were playing\n", res.PlayingCount, len(ss))
		return 1
	}
	return 0
}
