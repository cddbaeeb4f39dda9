package record_test

import (
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/record"
)

// TestRecordDropGap: pictures dropped for a full queue leave the picture
// before them standing still until the keyframe the recording takes up
// again at, and the last picture of the file lasts one frame interval, not
// as long as that gap. ffprobe and ffmpeg read the file as the recorder
// says.
func TestRecordDropGap(t *testing.T) {
	peer.Command(t, "ffprobe")
	_, us := record.DemoUnits()
	t0 := time.Now()
	for i := range us {
		us[i].RTPTime, us[i].Arrived = uint32(i*3600), t0.Add(time.Duration(i)*40*time.Millisecond)
	}
	release := record.StallDisk(t)
	r := record.New(record.Config{Dir: t.TempDir(), Camera: "gap", Queue: 3 * len(us[0].Data)})
	defer r.Close()
	// The disk stalls: the queue fills up, and the picture that finds it
	// full is dropped.
	d := 0
	for d < 50 && r.Push(us[d]) {
		d++
	}
	if d < 3 || d >= 50 {
		t.Fatalf("the queue of %d bytes took %d pictures", 3*len(us[0].Data), d)
	}
	release()
	for r.Stats().Queued > 0 {
		time.Sleep(5 * time.Millisecond)
	}
	if r.Push(us[d+1]) && !us[d+1].Keyframe {
		t.Error("a picture after a dropped one was taken before a keyframe")
	}
	// The next keyframe (the clip has one every 25) is the file's last
	// picture.
	k := (d/25 + 1) * 25
	if !us[k].Keyframe || !r.Push(us[k]) {
		t.Fatalf("the keyframe %d after the drop was not taken", k)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	st := r.Stats()
	if len(st.Files) != 1 || st.Dropped != 2 {
		t.Fatalf("stats %+v: want one file, 2 dropped", st)
	}
	f := st.Files[0]
	// Picture d-1 stands still until k, which lasts one picture as the
	// ones before the gap did, not as long as the gap.
	if want := time.Duration(k+1) * 40 * time.Millisecond; f.Duration != want || f.VideoFrames != d+1 {
		t.Errorf("the file holds %d pictures over %v, want %d over %v", f.VideoFrames, f.Duration, d+1, want)
	}
	checkFile(t, f, want{codec: "h264", width: 1280, height: 720, frameInterval: 40 * time.Millisecond})
}
