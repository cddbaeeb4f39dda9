package record

import (
	"sync"
	"time"
)

// DefaultQueue is how many bytes of units may wait for the disk before
// Push drops them: several seconds of a 4K camera, and enough for a
// pre-record GOP handed over at once.
const DefaultQueue = 48 << 20

// maxUnits bounds the queue's length too: audio frames are small, and a
// disk that stalls must not let their count grow without end.
const maxUnits = 8192

// Config configures a Recorder.
type Config struct {
	// Dir is the recordings folder; files go to
	// <Dir>/<CleanName(Camera)>/<YYYY-MM-DD HH-MM-SS>.mp4 (or .mkv).
	Dir    string
	Camera string
	// Segment starts a new file at the first keyframe after this much
	// video; 0 writes one file.
	Segment time.Duration
	// Queue is how many bytes may wait for the disk; DefaultQueue when 0.
	Queue int
	// Budget is shared with other recorders: what they all hold for the
	// disk together (the units queued, the buffers kept to reuse) stays
	// within it. Nil: SharedBudget, the process's DefaultBudget.
	Budget *Budget
	// OnFile is called on the recorder's goroutine when a file is begun
	// (Done false) and when it is finished (Done true). It must not block
	// for long: units queue meanwhile.
	OnFile func(FileStats)
}

// FileStats describes one file of a recording.
type FileStats struct {
	Path string
	// Start is the wall-clock time of its first picture (creation_time).
	Start time.Time
	// VideoFrames and AudioFrames count the units handed to the muxer.
	VideoFrames, AudioFrames int
	// Duration is the video's, first picture to the end of the last.
	Duration time.Duration
	// Done: the file is finished (trailer written, or writing failed).
	Done bool
	// SyncedBy says what placed the sound beside the picture: ByArrival
	// (each track from when its first unit came) until both tracks'
	// sender reports are in, BySenderReports from then on; "" for a file
	// without sound.
	SyncedBy string
}

// FileStats.SyncedBy's values.
const (
	ByArrival       = "arrival"
	BySenderReports = "sender reports"
)

// Stats is what a Recorder has done so far.
type Stats struct {
	// Files lists every file begun, oldest first; the last one is being
	// written while Recording.
	Files []FileStats
	// Recording: the recorder accepts units (not closed, no write error).
	Recording bool
	// Dropped counts units left out because the queue was full, or the
	// Budget it shares with other recorders spent (a slow disk), and
	// pictures left out after one was until the next keyframe.
	Dropped uint64
	// Queued is the bytes waiting for the disk now.
	Queued int
	// Err is why recording stopped by itself (a *WriteError, or a stream
	// the muxer refused); nil while recording and after Close.
	Err error
}

type queued struct {
	src     *Source
	kind    Kind // 0: not a unit but EndFile's mark
	data    []byte
	ts      uint32
	key     bool
	gap     bool // pictures before it were dropped
	arrived time.Time
}

// Recorder writes one camera's units to files on its own goroutine. Push
// never blocks; Close finishes the file and returns when all is written.
type Recorder struct {
	cfg    Config
	max    int
	budget *Budget
	wake   chan struct{}
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once

	mu      sync.Mutex
	queue   []queued
	queued  int
	spare   [][]byte // buffers of written units, for Push to reuse
	spareN  int      // their capacity, bounded by max/2
	held    int      // bytes charged to budget: the queue's buffers' capacity, and spareN
	waitKey bool     // a picture was dropped: the next ones refer to it
	dropped uint64
	closed  bool
	err     error
	files   []FileStats
}

// New starts a recorder. Nothing is written until the first keyframe.
func New(cfg Config) *Recorder {
	r := &Recorder{
		cfg:  cfg,
		max:  cfg.Queue,
		wake: make(chan struct{}, 1),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	if r.max <= 0 {
		r.max = DefaultQueue
	}
	r.budget = cfg.Budget
	if r.budget == nil {
		r.budget = SharedBudget()
	}
	go r.run()
	return r
}

// Push queues a copy of u for writing and returns at once; false when it
// was dropped: the queue is full or the shared Budget spent (the disk is
// slower than the cameras), a picture before it was dropped and u is not a
// keyframe, or the recorder has stopped.
func (r *Recorder) Push(u Unit) bool {
	if u.Source == nil || len(u.Data) == 0 {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return false
	}
	if u.Kind == Video && r.waitKey && !u.Keyframe {
		r.dropped++
		return false
	}
	if r.queued+len(u.Data) > r.max || len(r.queue) >= maxUnits {
		return r.drop(u)
	}
	var buf []byte
	for i := len(r.spare) - 1; i >= 0 && i >= len(r.spare)-4; i-- {
		if cap(r.spare[i]) >= len(u.Data) {
			// Charged to the budget already, as a spare.
			buf = r.spare[i]
			r.spareN -= cap(buf)
			r.spare[i] = r.spare[len(r.spare)-1]
			r.spare = r.spare[:len(r.spare)-1]
			break
		}
	}
	if buf == nil {
		if !r.budget.take(len(u.Data)) && !r.freeSpare(len(u.Data)) {
			return r.drop(u)
		}
		buf = make([]byte, len(u.Data)) // its capacity is what was charged
		r.held += len(buf)
	}
	gap := false
	if u.Kind == Video && u.Keyframe {
		gap, r.waitKey = r.waitKey, false
	}
	buf = append(buf[:0], u.Data...)
	r.queue = append(r.queue, queued{src: u.Source, kind: u.Kind, data: buf, ts: u.RTPTime, key: u.Keyframe, gap: gap, arrived: u.Arrived})
	r.queued += len(buf)
	select {
	case r.wake <- struct{}{}:
	default:
	}
	return true
}

// freeSpare gives the budget back the buffers kept to reuse, none of
// which fit, and takes n bytes again; false when that does not fit either.
// r.mu is held.
func (r *Recorder) freeSpare(n int) bool {
	if r.spareN == 0 {
		return false
	}
	r.budget.give(r.spareN)
	r.held -= r.spareN
	clear(r.spare)
	r.spare, r.spareN = r.spare[:0], 0
	return r.budget.take(n)
}

// drop leaves u out for want of room: the pictures after a dropped one
// refer to it, so none is taken until the next keyframe. r.mu is held.
func (r *Recorder) drop(u Unit) bool {
	r.dropped++
	if u.Kind == Video {
		r.waitKey = true
	}
	return false
}

// EndFile finishes the file being written once the units queued before
// it are in it; the next file begins at the next keyframe, with its
// timestamps afresh. The player calls it when a camera's session ends: a
// camera that drops may be away for seconds or for good, and its file must
// be whole meanwhile, not waiting for a trailer that only the next session
// would bring. The gap is then the time between the two files. Like Push
// it never blocks.
func (r *Recorder) EndFile() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	if n := len(r.queue); n > 0 && r.queue[n-1].kind == 0 {
		return // one mark says it
	}
	// Past the queue's bounds: a mark holds no bytes, and there is at
	// most one between two units.
	r.queue = append(r.queue, queued{})
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Done is closed when the recorder has stopped: after Close, or by itself
// after a write error (Err says why).
func (r *Recorder) Done() <-chan struct{} { return r.done }

// Err is why the recorder stopped by itself; nil while it records and
// after a Close without a failure.
func (r *Recorder) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Stats reports the files and counters so far.
func (r *Recorder) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Stats{
		Files:     append([]FileStats(nil), r.files...),
		Recording: !r.closed,
		Dropped:   r.dropped,
		Queued:    r.queued,
		Err:       r.err,
	}
}

// Close writes what is queued, finishes the file and returns the first
// error of the recording (nil when every file was written whole). It is
// idempotent and returns only when the recorder's goroutine has ended.
func (r *Recorder) Close() error {
	r.once.Do(func() {
		r.mu.Lock()
		r.closed = true
		r.mu.Unlock()
		close(r.stop)
	})
	<-r.done
	return r.Err()
}

func (r *Recorder) run() {
	defer close(r.done)
	defer r.drain() // gives the budget back what the recorder held
	w := writer{cfg: r.cfg, note: r.noteFile}
	var batch []queued
	stopping := false
	for {
		if !stopping {
			select {
			case <-r.wake:
			case <-r.stop:
				stopping = true
			}
		}
		r.mu.Lock()
		batch, r.queue = r.queue, batch[:0]
		r.mu.Unlock()
		var err error
		n := 0
		for i := range batch {
			if err == nil {
				err = w.unit(&batch[i])
			}
			n += len(batch[i].data)
		}
		// Written buffers are kept to reuse (still charged to the budget)
		// while it is calm; the rest are given back, in one add.
		calm := r.budget.calm()
		freed := 0
		r.mu.Lock()
		r.queued -= n
		for i := range batch {
			if c := cap(batch[i].data); c > 0 && calm && len(r.spare) < 64 && r.spareN+c <= r.max/2 {
				r.spare = append(r.spare, batch[i].data)
				r.spareN += c
			} else {
				freed += c
			}
			batch[i] = queued{}
		}
		r.held -= freed
		r.budget.give(freed)
		if err != nil {
			r.closed = true
			r.err = err
		}
		more := len(r.queue) > 0
		r.mu.Unlock()
		if err != nil {
			_ = w.close() // the error that stopped it is the one to tell
			r.drain()
			return
		}
		if stopping && !more {
			if err := w.close(); err != nil {
				r.mu.Lock()
				r.err = err
				r.mu.Unlock()
			}
			return
		}
	}
}

// drain forgets what is queued (after a failure) and kept to reuse, and
// gives the budget back all of it. Push takes nothing more: the recorder
// is closed.
func (r *Recorder) drain() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queue, r.queued, r.spare, r.spareN = nil, 0, nil, 0
	r.budget.give(r.held)
	r.held = 0
}

// noteFile records a file's stats; tell passes them on to Config.OnFile
// (a file begun or finished, not its progress).
func (r *Recorder) noteFile(fs FileStats, tell bool) {
	r.mu.Lock()
	if n := len(r.files); n > 0 && r.files[n-1].Path == fs.Path && !r.files[n-1].Done {
		r.files[n-1] = fs
	} else {
		r.files = append(r.files, fs)
	}
	r.mu.Unlock()
	if tell && r.cfg.OnFile != nil {
		r.cfg.OnFile(fs)
	}
}
