package ui

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"

	"github.com/rtspview/rtspview/internal/wall"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/record"
	"github.com/rtspview/rtspview/record/prune"
)

// A tile records its camera from the menu's Record or the R key, into
// <recordings folder>/<camera>/<YYYY-MM-DD HH-MM-SS>.mp4 (package record
// names the files and cleans the camera's name). The recording runs on the
// tile's stream (player.Stream.StartRecording), which keeps its session
// while hidden (a page turned, the window minimised), so only the tile
// starts and stops it: Stream.Close does not. When the tile hands over to
// another stream of the same camera (its sub-stream as it shrinks, another
// transport), the recorded stream is not closed but kept, hidden, until
// the recording stops; when the tile gets another camera, or is removed,
// the recording ends with its stream. Viewer.Close stops every recording,
// so each file gets its end.

// recordingsPref is the preference that holds the recordings folder the
// person chose; unset, recordings go to record.DefaultDir.
const recordingsPref = "recordings.folder"

// tileRecording is a tile's recording. UI thread.
type tileRecording struct {
	stream  *player.Stream   // the stream recorded, perhaps no longer the tile's
	rec     *record.Recorder // nil when none runs
	camera  string           // the address recorded, without a password
	started time.Time
	policy  *wall.Record  // the wall's continuous recording, nil for R
	stop    chan struct{} // ends the watcher
	// why is the last recording's failure, in words; the tile says it
	// until the next one starts.
	why string
	// finished is closed when the last stopped recording's file is
	// complete (tests wait on it).
	finished chan struct{}
	// dropped is the recording's Stats.Dropped last seen; toldDrops when
	// the tile last said that video is being left out.
	dropped   uint64
	toldDrops time.Time
}

// Saying that a recording leaves video out: for recordingNoteFor, and
// again at most once a minute while it goes on.
const (
	recordingDropsText = "The disk is too slow: the recording is leaving video out"
	recordingNoteFor   = 8 * time.Second
	recordingNoteEvery = time.Minute
)

// dropsNote decides the tile's note about a recording that drops: say
// it when more units were dropped since the last look and it was not said
// within recordingNoteEvery (and the overlay is free), take it away after
// recordingNoteFor.
func dropsNote(dropped, seen uint64, told, now time.Time, overlay string) (say, clear bool) {
	if dropped > seen && now.Sub(told) >= recordingNoteEvery && overlay == "" {
		return true, false
	}
	return false, overlay == recordingDropsText && now.Sub(told) >= recordingNoteFor
}

// noteRecordingDrops tells the person, on the tile, that the recording
// leaves video out (record's queue, or the budget all recordings share,
// is full: the disk cannot keep up). The file stays playable: it goes on
// from the next keyframe. UI thread.
func (v *Viewer) noteRecordingDrops(ts *tileState, r *record.Recorder) {
	now := time.Now()
	d := r.Stats().Dropped
	say, clear := dropsNote(d, ts.rec.dropped, ts.rec.toldDrops, now, ts.tile.Overlay())
	ts.rec.dropped = d
	switch {
	case say:
		ts.rec.toldDrops = now
		ts.tile.SetOverlay(recordingDropsText)
	case clear:
		ts.tile.SetOverlay("")
	}
}

// recordings are the window's running recordings by the stream each
// records: a stream the tile let go may still be one. UI thread.
type recordings map[*player.Stream]*tileState

// recordingsDir is where recordings go: the folder chosen in the window,
// else the Videos folder's rtspview.
func recordingsDir() (string, error) {
	if p := prefs(); p != nil {
		if d := p.String(recordingsPref); d != "" {
			return d, nil
		}
	}
	return record.DefaultDir()
}

// toggleRecording starts or stops the tile's recording (menu, R key).
func (v *Viewer) toggleRecording(ts *tileState) {
	if ts.rec.rec != nil {
		v.stopRecording(ts)
		return
	}
	if err := v.startRecording(ts, nil); err != nil {
		v.inform("Not recording", sentence(err), 420)
	}
}

// startRecording records the camera the tile shows: segments and a
// cleanup as policy says (a wall's "record" key), or one file. UI thread.
func (v *Viewer) startRecording(ts *tileState, policy *wall.Record) error {
	v.mu.Lock()
	s := ts.stream
	// While the tile switches to its sub-stream the main one is still on
	// screen: record that, the camera's full picture.
	if ts.ho.old != nil && ts.ho.playingSub {
		s = ts.ho.old
	}
	camURL := wall.StripPassword(ts.url)
	v.mu.Unlock()
	if s == nil {
		return errors.New("this tile has no camera to record")
	}
	dir, err := recordingsDir()
	if err != nil {
		return fmt.Errorf("there is no Videos folder (%v); choose a folder for recordings in the tile's menu", err)
	}
	cfg := record.Config{Dir: dir, Camera: ts.shownName()}
	if policy != nil {
		cfg.Segment = policy.Segment()
	}
	r, err := s.StartRecording(cfg)
	if err != nil {
		return fmt.Errorf("could not start recording: %w", err)
	}
	v.mu.Lock()
	if v.recs == nil {
		v.recs = recordings{}
	}
	v.recs[s] = ts
	v.mu.Unlock()
	stop := make(chan struct{})
	ts.rec = tileRecording{stream: s, rec: r, camera: camURL, started: time.Now(), policy: policy, stop: stop, finished: ts.rec.finished}
	ts.tile.setRecording(true, 0, "")
	v.wg.Add(1)
	go v.watchRecording(ts, r, stop, filepath.Join(dir, record.CleanName(cfg.Camera)), policy)
	return nil
}

// watchRecording updates the tile's running time once a second, tells it
// when the recording stopped by itself, and deletes old files as policy
// says. It ends with the recording or the window.
func (v *Viewer) watchRecording(ts *tileState, r *record.Recorder, stop chan struct{}, folder string, policy *wall.Record) {
	defer v.wg.Done()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	var clean <-chan time.Time
	if policy != nil && policy.Prunes() {
		v.pruneRecordings(folder, policy) // what an earlier run left
		t := time.NewTicker(pruneEvery)
		defer t.Stop()
		clean = t.C
	}
	for {
		select {
		case <-v.stop:
			return
		case <-stop:
			return
		case <-r.Done():
			v.do(func() { v.recordingFailed(ts, r) })
			return
		case <-tick.C:
			v.do(func() {
				if ts.rec.rec == r {
					ts.tile.setRecording(true, time.Since(ts.rec.started), "")
					v.noteRecordingDrops(ts, r)
				}
			})
		case <-clean:
			v.pruneRecordings(folder, policy)
		}
	}
}

// recordingFailed runs when r stopped by itself (a write error): the tile
// says why, and viewing goes on. UI thread.
func (v *Viewer) recordingFailed(ts *tileState, r *record.Recorder) {
	if ts.rec.rec != r {
		return // stopped by the person meanwhile
	}
	why := recordingSentence(r.Err())
	v.endRecording(ts)
	ts.rec.why = why
	ts.tile.setRecording(false, 0, why)
}

// stopRecording stops the tile's recording; the file is finished on a
// goroutine the Viewer owns (a slow disk must not freeze the window).
// UI thread.
func (v *Viewer) stopRecording(ts *tileState) {
	if ts.rec.rec == nil {
		return
	}
	v.endRecording(ts)
	ts.tile.setRecording(false, 0, "")
}

// endRecording forgets the tile's recording and stops it in the
// background: its stream is closed too when the tile no longer shows it.
// UI thread.
func (v *Viewer) endRecording(ts *tileState) {
	s, r := ts.rec.stream, ts.rec.rec
	if r == nil {
		return
	}
	close(ts.rec.stop)
	v.mu.Lock()
	delete(v.recs, s)
	release := ts.stream != s && ts.ho.old != s || slices.Index(v.tiles, ts) < 0
	v.mu.Unlock()
	finished := make(chan struct{})
	ts.rec = tileRecording{finished: finished}
	v.wg.Add(1)
	go func() {
		defer v.wg.Done()
		defer close(finished)
		err := s.StopRecording()
		if release {
			s.Close()
		}
		if err != nil && !errors.Is(err, r.Err()) {
			// An error at the end (the last fragment would not go
			// to disk): the file holds what was written before it.
			why := recordingSentence(err)
			v.do(func() {
				if ts.rec.rec == nil {
					ts.rec.why = why
					ts.tile.setRecording(false, 0, why)
				}
			})
		}
	}()
}

// keepForRecording runs before the window closes stream s (Viewer's
// closeInBackground): a stream recorded for a tile that still shows the
// same camera is kept, hidden, for the recording. A recording whose tile
// was removed, or now shows another camera, ends. UI thread.
func (v *Viewer) keepForRecording(s *player.Stream) bool {
	v.mu.Lock()
	var gone []*tileState
	keep := false
	for rs, ts := range v.recs {
		on := slices.Index(v.tiles, ts) >= 0
		switch {
		case !on:
			gone = append(gone, ts)
		case rs == s && wall.StripPassword(ts.url) == ts.rec.camera:
			keep = true
		case rs == s:
			gone = append(gone, ts)
		}
	}
	v.mu.Unlock()
	for _, ts := range gone {
		v.stopRecording(ts)
	}
	if keep {
		s.SetHidden(true)
	}
	return keep
}

// stopRecordings stops every recording and waits until each file is
// finished, then closes the streams kept only for them (Viewer.Close, after
// the watchers ended). The tiles' own streams are the caller's to close.
func (v *Viewer) stopRecordings() {
	v.mu.Lock()
	type job struct {
		s       *player.Stream
		release bool
	}
	var jobs []job
	for s, ts := range v.recs {
		jobs = append(jobs, job{s, ts.stream != s && ts.ho.old != s || slices.Index(v.tiles, ts) < 0})
	}
	v.recs = nil
	v.mu.Unlock()
	done := make(chan struct{}, len(jobs))
	for _, j := range jobs {
		go func() {
			defer func() { done <- struct{}{} }()
			_ = j.s.StopRecording() // the tile said any failure as it came
			if j.release {
				j.s.Close()
			}
		}()
	}
	for range jobs {
		<-done
	}
}

// recordingSentence says why a recording stopped, in words a person reads
// on a small tile: the reason first, the file's path only when nothing
// shorter says it.
func recordingSentence(err error) string {
	switch {
	case err == nil:
		return "it stopped"
	case errors.Is(err, record.ErrDiskFull):
		return "the disk is full"
	case errors.Is(err, record.ErrNoPermission):
		return "no permission to write to " + writeFolder(err)
	case errors.Is(err, record.ErrReadOnly):
		return "the disk is read-only"
	}
	return err.Error()
}

// writeFolder is the folder of a WriteError's path.
func writeFolder(err error) string {
	var we *record.WriteError
	if errors.As(err, &we) {
		if st, e := os.Stat(we.Path); e == nil && st.IsDir() {
			return we.Path
		}
		return filepath.Dir(we.Path)
	}
	return "the folder"
}

// addRecordMenu puts Record (or Stop recording) after the menu's
// Snapshot, with where the files go and the choice of folder.
func (v *Viewer) addRecordMenu(menu *fyne.Menu, ts *tileState) {
	var items []*fyne.MenuItem
	if ts.rec.rec != nil {
		items = append(items, fyne.NewMenuItem("Stop recording", func() { v.stopRecording(ts) }))
	} else {
		items = append(items, fyne.NewMenuItem("Record", func() { v.toggleRecording(ts) }))
		if ts.rec.why != "" {
			why := fyne.NewMenuItem("Stopped: "+ts.rec.why, nil)
			why.Disabled = true
			items = append(items, why)
		}
	}
	where := "No Videos folder: choose one"
	if dir, err := recordingsDir(); err == nil {
		where = "Files go to " + filepath.Join(dir, record.CleanName(ts.shownName()))
	}
	at := fyne.NewMenuItem(where, nil)
	at.Disabled = true
	items = append(items, at, fyne.NewMenuItem("Recordings folder…", v.chooseRecordingsFolder))
	i := slices.IndexFunc(menu.Items, func(it *fyne.MenuItem) bool { return it.Label == "Snapshot" })
	menu.Items = slices.Insert(menu.Items, i+1, items...)
}

// chooseRecordingsFolder asks for the folder recordings go to and keeps
// it in the preferences; Cancel keeps the one there was.
func (v *Viewer) chooseRecordingsFolder() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		if p := prefs(); p != nil {
			p.SetString(recordingsPref, u.Path())
		}
	}, v.win)
	if dir, err := recordingsDir(); err == nil {
		if os.MkdirAll(dir, 0o755) == nil {
			if l, err := storage.ListerForURI(storage.NewFileURI(dir)); err == nil {
				d.SetLocation(l)
			}
		}
	}
	d.Show()
}

// pruneEvery is how often a camera recorded all day has its old files
// deleted: often enough that a day's files go within minutes of their
// time, and a disk filling up is caught within a segment or so.
const pruneEvery = 5 * time.Minute

// pruneRecordings deletes a camera's files as policy says (its age, the
// disk's floor). Watcher goroutine: it touches no widget.
func (v *Viewer) pruneRecordings(folder string, policy *wall.Record) {
	removed, err := prune.Folder(folder, prune.Policy{KeepFor: policy.KeepFor()})
	if err != nil {
		slog.Warn("recordings cleanup", "folder", folder, "err", err)
	}
	for _, p := range removed {
		slog.Info("deleted old recording", "file", p)
	}
}

// startWallRecordings starts the recordings the wall file asks for (a
// camera's "record": {"mode": "continuous"}), once its cameras are open.
// UI thread, from Start.
func (v *Viewer) startWallRecordings() {
	v.mu.Lock()
	tiles := slices.Clone(v.tiles)
	v.mu.Unlock()
	for _, ts := range tiles {
		if r := ts.w.cam.Record; r.Continuous() && ts.rec.rec == nil {
			if err := v.startRecording(ts, r); err != nil {
				ts.rec.why = err.Error()
				ts.tile.setRecording(false, 0, err.Error())
			}
		}
	}
}
