package record

import (
	"time"

	"github.com/rtspview/rtspview/decode"
)

// clock unwraps one track's 32-bit RTP timestamps into a 64-bit count of
// ticks, and ties them to the wall clock at the track's first unit.
type clock struct {
	ok     bool
	last   uint32
	ext    int64
	rate   int64
	anchor time.Time // when the unit at tick 0 arrived
}

func (c *clock) unwrap(ts uint32, arrived time.Time) int64 {
	if !c.ok {
		c.ok, c.last, c.ext, c.anchor = true, ts, 0, arrived
		return 0
	}
	// A step of up to 2^31 ticks either way (6.6 hours at 90 kHz) is the
	// stream moving on; RTP's timestamps wrap at 2^32.
	c.ext += int64(int32(ts - c.last))
	c.last = ts
	return c.ext
}

// at is the wall-clock time of tick t.
func (c *clock) at(t int64) time.Time {
	return c.anchor.Add(time.Duration(t * int64(time.Second) / c.rate))
}

// tick is the tick at wall-clock time t.
func (c *clock) tick(t time.Time) int64 {
	return int64(t.Sub(c.anchor)) * c.rate / int64(time.Second)
}

// held is a unit kept back until the next one of its track says how long
// it lasts.
type held struct {
	ok       bool
	data     []byte
	pts, dts int64
	key      bool
}

// writer turns the units of the recorder's queue into files: it starts a
// file at a keyframe, a new one at a new Source or after Config.Segment,
// and gives each unit its timestamps. The recorder's goroutine owns it.
type writer struct {
	cfg  Config
	note func(fs FileStats, tell bool)

	src    *Source
	vc, ac clock

	file   *muxFile
	stats  FileStats
	vBase  int64 // video tick of the file's first picture
	aBase  int64 // audio tick of that moment
	aReady bool  // aBase is set
	// Sender reports (sync.go): asked at audio tick askedAt.
	asked   bool
	askedAt int64
	synced  bool  // the sound is placed by them (else by arrival)
	lastV   int64 // last video dts written (file ticks)
	lastA   int64
	vDur    int64 // last video frame's duration, for the final one (not a gap's)
	pv, pa  held
}

// unit writes one queued unit; an error stops the recording.
func (w *writer) unit(u *queued) error {
	if u.kind == 0 { // EndFile
		err := w.close()
		w.src = nil // whatever comes next starts its clocks afresh
		return err
	}
	if u.src != w.src {
		if err := w.close(); err != nil {
			return err
		}
		w.src = u.src
		w.vc = clock{rate: int64(max(u.src.VideoClock, 1))}
		w.ac = clock{rate: int64(max(u.src.AudioClock, 1))}
		w.asked, w.synced = false, false
	}
	if u.kind == Audio {
		return w.audio(u)
	}
	t := w.vc.unwrap(u.ts, u.arrived)
	if w.file != nil && u.key && w.cfg.Segment > 0 &&
		t-w.vBase >= int64(w.cfg.Segment.Seconds()*float64(w.vc.rate)) {
		if err := w.flushVideo(t-w.vBase, u.gap); err != nil {
			return err
		}
		if err := w.close(); err != nil {
			return err
		}
	}
	if w.file == nil {
		if !u.key {
			return nil // a file starts at a keyframe
		}
		if err := w.open(u, t); err != nil {
			return err
		}
	}
	pts := t - w.vBase
	dts := pts
	if w.pv.ok && dts <= w.pv.dts {
		// Pictures out of order (B-frames) or a timestamp standing still:
		// the container wants decoding times that grow.
		dts = w.pv.dts + 1
		pts = max(pts, dts)
	}
	if err := w.flushVideo(dts, u.gap); err != nil {
		return err
	}
	w.pv = held{ok: true, data: append(w.pv.data[:0], u.data...), pts: pts, dts: dts, key: u.key}
	return nil
}

func (w *writer) audio(u *queued) error {
	if w.src.Audio == AudioNone {
		return nil
	}
	t := w.ac.unwrap(u.ts, u.arrived)
	w.followReports(t)
	if w.file == nil || w.file.audio == nil {
		return nil
	}
	if !w.aReady {
		w.aBase = w.ac.tick(w.stats.Start)
		w.aReady = true
	}
	pts := t - w.aBase
	if pts < 0 || (w.pa.ok && pts <= w.pa.pts) {
		return nil // before the file's first picture, or repeated
	}
	if w.pa.ok {
		if err := w.writeAudio(pts - w.pa.pts); err != nil {
			return err
		}
	}
	w.pa = held{ok: true, data: append(w.pa.data[:0], u.data...), pts: pts, dts: pts}
	return nil
}

// open starts a file at keyframe u, at video tick t.
func (w *writer) open(u *queued, t int64) error {
	spec := fileSpec{src: w.src, start: w.vc.at(t)}
	if w.src.Video != decode.CodecMJPEG {
		p, err := paramSets(w.src.Video, u.data)
		if err != nil {
			return nil // not a picture to start at after all: wait for the next
		}
		spec.params = p
	}
	var err error
	spec.width, spec.height, err = pictureSize(w.src.Video, u.data)
	if err != nil {
		return nil // a damaged keyframe: the next one starts the file
	}
	path := FileName(w.cfg.Dir, w.cfg.Camera, spec.start, w.src.Ext())
	f, err := createFile(path, spec)
	if err != nil {
		return err
	}
	w.file = f
	w.stats = FileStats{Path: f.path, Start: spec.start}
	switch {
	case w.src.Audio == AudioNone:
	case w.synced:
		w.stats.SyncedBy = BySenderReports
	default:
		w.stats.SyncedBy = ByArrival
	}
	w.vBase, w.aReady, w.vDur = t, false, 0
	w.pv.ok, w.pa.ok = false, false
	w.note(w.stats, true)
	return nil
}

// flushVideo writes the held picture, which lasts until next (file ticks).
// gap: pictures were dropped before next (a slow disk); the held one
// stands still in their place, but its length is not a frame's, for the
// file's last picture to take.
func (w *writer) flushVideo(next int64, gap bool) error {
	if !w.pv.ok || w.file == nil {
		return nil
	}
	dur := next - w.pv.dts
	if dur <= 0 {
		dur = w.vDur
	}
	if dur <= 0 {
		dur = w.vc.rate / 25 // a file of one picture: say 25 fps
	}
	if !gap {
		w.vDur = dur
	}
	w.pv.ok = false
	if err := w.file.writePacket(Video, w.pv.data, w.pv.pts, w.pv.dts, dur, w.pv.key); err != nil {
		return err
	}
	w.stats.VideoFrames++
	w.stats.Duration = time.Duration((w.pv.dts + dur) * int64(time.Second) / w.vc.rate)
	if w.pv.key {
		w.note(w.stats, false) // Stats shows the file growing, a GOP at a time
	}
	return nil
}

// writeAudio writes the held audio frame, which lasts dur ticks.
func (w *writer) writeAudio(dur int64) error {
	w.pa.ok = false
	if err := w.file.writePacket(Audio, w.pa.data, w.pa.pts, w.pa.pts, dur, true); err != nil {
		return err
	}
	w.stats.AudioFrames++
	return nil
}

// close writes the held units and finishes the file, if one is open.
func (w *writer) close() error {
	if w.file == nil {
		return nil
	}
	err := w.flushVideo(-1, false) // as long as the picture before it
	if err == nil && w.pa.ok {
		err = w.writeAudio(w.audioFrameTicks(len(w.pa.data)))
	}
	if ferr := w.file.finish(); err == nil {
		err = ferr
	}
	w.file = nil
	w.stats.Done = true
	w.note(w.stats, true)
	return err
}

// audioFrameTicks is how long one audio frame of n bytes lasts.
func (w *writer) audioFrameTicks(n int) int64 {
	switch w.src.Audio {
	case AudioAAC:
		return 1024 * w.ac.rate / int64(max(w.src.SampleRate, 1))
	case AudioPCMA, AudioPCMU:
		return int64(n / max(w.src.Channels, 1))
	}
	return 0
}
