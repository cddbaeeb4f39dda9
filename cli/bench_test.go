package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestBenchRecord: bench --record records every stream while it decodes
// them, and reports what reached the disk.
func TestBenchRecord(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	code := Run([]string{"bench", "--streams", "2", "--duration", "2s", "--record", dir, "--json"}, &out, &errb)
	var res benchResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil || code != 0 {
		t.Fatalf("exit %d %v: %s %s", code, err, out.String(), errb.String())
	}
	r := res.Record
	if r == nil || r.Files != 2 || r.Errors != 0 || r.VideoFrames < 25 || r.WrittenMB <= 0 || r.QueueMB != 48 || r.BudgetMB != 256 {
		t.Fatalf("record %+v: want a file of at least a second per stream, 48 MB queues, a budget of 256 MB", r)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.mp4"))
	var size int64
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			size += fi.Size()
		}
	}
	if len(files) != 2 || float64(size)/(1<<20) != r.WrittenMB {
		t.Errorf("%d files of %d bytes on disk, bench says %d of %.3f MB", len(files), size, r.Files, r.WrittenMB)
	}
	if res.RSSStartMB <= 0 || res.RSSEndMB <= 0 || r.RSSMaxMB <= 0 {
		t.Errorf("RSS start %.0f end %.0f max %.0f MB", res.RSSStartMB, res.RSSEndMB, r.RSSMaxMB)
	}
}
