package wall

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Record is a camera's "record" entry: recorded from the moment the wall
// opens, all day, in files of SegmentMinutes, and files older than
// KeepDays deleted (0 keeps them until the disk's free space runs low,
// when the oldest go first).
//
//	"record": {"mode": "continuous", "segment_minutes": 15, "keep_days": 7}
type Record struct {
	// Mode is "continuous"; "off" (or a mode a later rtspview adds, kept
	// as written) records only when asked.
	Mode           string `json:"mode"`
	SegmentMinutes int    `json:"segment_minutes,omitempty"` // 0: DefaultSegmentMinutes
	KeepDays       int    `json:"keep_days,omitempty"`       // 0: until the disk runs low
}

// Record modes.
const (
	RecordContinuous = "continuous"
	RecordOff        = "off"
)

// DefaultSegmentMinutes is a continuous recording's file length when the
// entry gives none: the length most NVRs and onvif-gui write.
const DefaultSegmentMinutes = 15

// Bounds of the record entry's numbers: a segment of a day at most, files
// kept ten years at most.
const (
	MaxSegmentMinutes = 24 * 60
	MaxKeepDays       = 3650
)

// Continuous reports whether the camera records from the start.
func (r *Record) Continuous() bool { return r != nil && r.Mode == RecordContinuous }

// Segment is the length of one file.
func (r *Record) Segment() time.Duration {
	m := DefaultSegmentMinutes
	if r != nil && r.SegmentMinutes > 0 {
		m = r.SegmentMinutes
	}
	return time.Duration(m) * time.Minute
}

// KeepFor is how long files are kept; 0: until the disk runs low.
func (r *Record) KeepFor() time.Duration {
	if r == nil {
		return 0
	}
	return time.Duration(r.KeepDays) * 24 * time.Hour
}

// Prunes reports whether old files of the camera are deleted: those of a
// continuous recording are, or it would fill the disk.
func (r *Record) Prunes() bool { return r.Continuous() }

func parseRecord(raw json.RawMessage) (*Record, error) {
	var r Record
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, errors.New(`"record" is not an object of "mode" (a text), "segment_minutes" and "keep_days" (whole numbers)`)
	}
	r.Mode = strings.ToLower(strings.TrimSpace(r.Mode))
	if r.Mode == "" {
		return nil, errors.New(`"record" has no "mode"; it is "continuous" or "off"`)
	}
	if r.SegmentMinutes < 0 || r.SegmentMinutes > MaxSegmentMinutes {
		return nil, fmt.Errorf(`"record": "segment_minutes" is %d; it is 1 to %d`, r.SegmentMinutes, MaxSegmentMinutes)
	}
	if r.KeepDays < 0 || r.KeepDays > MaxKeepDays {
		return nil, fmt.Errorf(`"record": "keep_days" is %d; it is 0 (until the disk runs low) to %d`, r.KeepDays, MaxKeepDays)
	}
	return &r, nil
}
