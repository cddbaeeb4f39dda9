package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/rtspview/rtspview/internal/demo"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/record"
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
	// Hidden: the streams were received but not decoded (--hidden), as
	// tiles on another page; Packets counts what they received in the
	// window.
	Hidden  bool   `json:"hidden,omitempty"`
	Packets uint64 `json:"packets_received"`
	// RSSStartMB and RSSEndMB are the resident size at the start and the
	// end of the window: with --record on a slow disk, the queues' growth.
	RSSStartMB float64 `json:"rss_start_mb"`
	RSSEndMB   float64 `json:"rss_end_mb"`
	// Record is set with --record.
	Record *benchRecord `json:"record,omitempty"`
}

// benchRecord is what the recorders of `bench --record` did: every stream
// recorded while it is decoded, as a wall that records all day.
type benchRecord struct {
	Dir     string  `json:"dir"`
	QueueMB float64 `json:"queue_limit_mb_per_stream"`
	// BudgetMB is what all the recordings together may hold for the disk
	// (record.Budget), BudgetUsedMaxMB the most they held in the window:
	// the units queued and the buffers kept to reuse.
	BudgetMB        float64 `json:"budget_limit_mb_all_streams"`
	BudgetUsedMaxMB float64 `json:"budget_used_max_mb"`
	Files           int     `json:"files"`
	VideoFrames     int     `json:"video_frames_written"`
	WrittenMB       float64 `json:"written_mb"`
	Dropped         uint64  `json:"units_dropped"`
	QueuedMaxMB     float64 `json:"queued_max_mb_all_streams"`
	QueuedEndMB     float64 `json:"queued_end_mb_all_streams"`
	// FullAfter is when, in the window, the queues first held 3/4 of
	// what they may (0: never), and RSSFullMB the resident size then: RSS
	// at the end against it says whether memory stopped growing there.
	FullAfter    float64 `json:"queues_full_after_seconds,omitempty"`
	RSSFullMB    float64 `json:"rss_when_full_mb,omitempty"`
	RSSMaxMB     float64 `json:"rss_max_in_window_mb"`
	StopSeconds  float64 `json:"stop_seconds"`
	Errors       int     `json:"errors"`
	FirstProblem string  `json:"first_error,omitempty"`
}

func runBench(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	streams := fs.Int("streams", 9, "streams played at once")
	dur := fs.Duration("duration", 10*time.Second, "how long to measure (after all streams play)")
	size := fs.String("size", "426x240", "tile size in pixels each stream is scaled to (0x0 = source)")
	transport := fs.String("transport", "tcp", "auto|udp|tcp|http|https")
	asJSON := fs.Bool("json", false, "print one JSON object")
	recDir := fs.String("record", "", "also record every stream into this folder while it is decoded")
	recQueue := fs.Int("record-queue", 0, "bytes each recording may queue for the disk (default record.DefaultQueue)")
	recBudget := fs.Int("record-budget", 0, "bytes all recordings together may hold for the disk (default record.DefaultBudget)")
	hidden := fs.Bool("hidden", false, "receive without decoding, as tiles on another page (sessions close after 30 s unless recording)")
	pos, err := parseInterspersed(fs, args)
	if err != nil || len(pos) > 1 || *streams < 1 {
		fmt.Fprintln(stderr, "usage: rtspview bench [--streams N] [--duration D] [--size WxH] [--transport T] [--hidden] [--record DIR [--record-queue BYTES] [--record-budget BYTES]] [--json] [URL]")
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
		ss[i].SetHidden(*hidden)
	}
	defer func() {
		for _, s := range ss {
			s.Close()
		}
	}()
	var recs []*record.Recorder
	budget := record.SharedBudget()
	if *recBudget > 0 {
		budget = record.NewBudget(*recBudget)
	}
	if *recDir != "" {
		// From the start, so the window measures recording in its steady
		// state, not the first files' headers.
		for i, s := range ss {
			r, err := s.StartRecording(record.Config{Dir: *recDir, Camera: fmt.Sprintf("bench %d", i+1), Queue: *recQueue, Budget: budget})
			if err != nil {
				fmt.Fprintln(stderr, err)
				return 1
			}
			recs = append(recs, r)
		}
	}
	// Measure only once every stream shows pictures (receives, hidden).
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		n := 0
		for _, s := range ss {
			if st := s.Stats(); st.FramesShown > 0 || (*hidden && st.PacketsReceived > 0) {
				n++
			}
		}
		if n == len(ss) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	start := make([]uint64, len(ss))
	var drop0, pkts0 uint64
	for i, s := range ss {
		st := s.Stats()
		start[i], drop0, pkts0 = st.FramesShown, drop0+st.FramesDropped, pkts0+st.PacketsReceived
	}
	rss0 := rssMB()
	cpu0 := cpuTime()
	t0 := time.Now()
	var rq recordWatch
	if len(recs) == 0 {
		time.Sleep(*dur)
	} else {
		// The queues are read every 100 ms: their peak is the memory a
		// slow disk costs.
		limit := *recQueue
		if limit <= 0 {
			limit = record.DefaultQueue
		}
		tick := time.NewTicker(100 * time.Millisecond)
		for end := t0.Add(*dur); time.Now().Before(end); {
			<-tick.C
			rq.sample(recs, budget, min(limit*len(recs), budget.Limit()), time.Since(t0))
		}
		tick.Stop()
	}
	el := time.Since(t0).Seconds()
	cpu := cpuTime() - cpu0
	res := benchResult{URL: player.RedactURL(url), Streams: len(ss), Tile: *size, Transport: tr.String(), Seconds: el, FPSMin: 1e9,
		RSSStartMB: rss0, RSSEndMB: rssMB(), Hidden: *hidden}
	var drop, pkts uint64
	for i, s := range ss {
		st := s.Stats()
		n := st.FramesShown - start[i]
		res.FramesTotal += n
		drop += st.FramesDropped
		pkts += st.PacketsReceived
		fps := float64(n) / el
		res.FPSMean += fps / float64(len(ss))
		res.FPSMin = min(res.FPSMin, fps)
		if s.Status().State == player.StatePlaying {
			res.PlayingCount++
		}
	}
	res.FramesDrop = drop - drop0
	res.Packets = pkts - pkts0
	res.CPUPercent = 100 * cpu.Seconds() / el
	res.MaxRSSMB = maxRSSMB()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.HeapMB = float64(ms.HeapAlloc) / (1 << 20)
	if len(recs) > 0 {
		res.Record = stopBenchRecording(ss, recs, *recDir, *recQueue, budget, rq)
	}
	if *asJSON {
		_ = json.NewEncoder(stdout).Encode(res)
	} else {
		fmt.Fprintf(stdout, "%d streams at %s over %s for %.1fs: %.1f fps/stream (min %.1f), %d dropped, CPU %.0f%% of one core, max RSS %.0f MB\n",
			res.Streams, res.Tile, res.Transport, res.Seconds, res.FPSMean, res.FPSMin, res.FramesDrop, res.CPUPercent, res.MaxRSSMB)
		if r := res.Record; r != nil {
			fmt.Fprintf(stdout, "recorded %d files, %d pictures, %.1f MB into %s; %d units dropped for the disk; queued at most %.1f MB (all streams), %.1f MB at the end; budget %.0f MB, used at most %.1f MB; RSS %.0f → %.0f MB (max %.0f)\n",
				r.Files, r.VideoFrames, r.WrittenMB, r.Dir, r.Dropped, r.QueuedMaxMB, r.QueuedEndMB, r.BudgetMB, r.BudgetUsedMaxMB, res.RSSStartMB, res.RSSEndMB, r.RSSMaxMB)
		}
	}
	if r := res.Record; r != nil && r.Errors > 0 {
		fmt.Fprintf(stderr, "%d recordings failed: %s\n", r.Errors, r.FirstProblem)
		return 1
	}
	if res.PlayingCount != len(ss) {
		fmt.Fprintf(stderr, "only %d of %d streams were playing\n", res.PlayingCount, len(ss))
		return 1
	}
	return 0
}

// recordWatch follows the recorders' queues and the process's size
// through bench's window.
type recordWatch struct {
	queuedMax int
	usedMax   int // the budget's
	fullAfter time.Duration
	rssFull   float64
	rssMax    float64
}

func (w *recordWatch) sample(recs []*record.Recorder, b *record.Budget, limit int, at time.Duration) {
	q, rss := queuedBytes(recs), rssMB()
	w.queuedMax = max(w.queuedMax, q)
	w.usedMax = max(w.usedMax, b.Used())
	w.rssMax = max(w.rssMax, rss)
	if w.fullAfter == 0 && q >= limit*3/4 {
		w.fullAfter, w.rssFull = at, rss
	}
}

// queuedBytes is what the recorders hold for the disk now.
func queuedBytes(recs []*record.Recorder) int {
	n := 0
	for _, r := range recs {
		n += r.Stats().Queued
	}
	return n
}

// stopBenchRecording reads the queues at the window's end, then stops
// every recording (which writes what is queued) and sums up the files.
func stopBenchRecording(ss []*player.Stream, recs []*record.Recorder, dir string, queue int, b *record.Budget, rq recordWatch) *benchRecord {
	if queue <= 0 {
		queue = record.DefaultQueue
	}
	br := &benchRecord{Dir: dir, QueueMB: float64(queue) / (1 << 20),
		BudgetMB: float64(b.Limit()) / (1 << 20), BudgetUsedMaxMB: float64(rq.usedMax) / (1 << 20),
		QueuedMaxMB: float64(rq.queuedMax) / (1 << 20), QueuedEndMB: float64(queuedBytes(recs)) / (1 << 20),
		FullAfter: rq.fullAfter.Seconds(), RSSFullMB: rq.rssFull, RSSMaxMB: rq.rssMax}
	t0 := time.Now()
	for i, s := range ss {
		if err := s.StopRecording(); err != nil {
			if br.Errors == 0 {
				br.FirstProblem = sentenceOf(err)
			}
			br.Errors++
		}
		st := recs[i].Stats()
		br.Dropped += st.Dropped
		for _, f := range st.Files {
			br.Files++
			br.VideoFrames += f.VideoFrames
			if fi, err := os.Stat(f.Path); err == nil {
				br.WrittenMB += float64(fi.Size()) / (1 << 20)
			}
		}
	}
	br.StopSeconds = time.Since(t0).Seconds()
	return br
}
