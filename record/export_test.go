package record

import (
	"os"
	"sync"
	"testing"

	"github.com/rtspview/rtspview/assets"
	"github.com/rtspview/rtspview/decode"
	"github.com/rtspview/rtspview/internal/demo"
)

// ThrottleDisk makes every recording's writes pass one disk of bps bytes
// a second (throttledWrite, the benchmark build's slow disk) until tb ends.
// No recorder may be running when it is called or when tb ends.
func ThrottleDisk(tb testing.TB, bps float64) {
	setWriteFile(tb, throttledWrite(bps))
}

func setWriteFile(tb testing.TB, w func(*os.File, []byte) (int, error)) {
	old := writeFile
	writeFile = w
	tb.Cleanup(func() { writeFile = old })
}

// BudgetGives is how many times b was given bytes back: a reader that
// sees it unchanged across its reads of the recorders saw nothing freed
// between them.
func BudgetGives(b *Budget) uint64 { return b.gives.Load() }

// DemoUnits is the built-in demo clip (assets.DemoH264: 100 pictures of
// 1280×720 at 25 fps, an IDR with SPS and PPS every 25) as Annex-B video
// units of an H.264 Source; the caller gives them RTPTime and Arrived.
func DemoUnits() (*Source, []Unit) {
	src := &Source{Video: decode.CodecH264, VideoClock: 90000}
	var us []Unit
	for _, au := range demo.SplitAccessUnits(assets.DemoH264) {
		var b []byte
		key := false
		for _, nalu := range au {
			b = append(append(b, 0, 0, 0, 1), nalu...)
			key = key || nalu[0]&0x1f == 5
		}
		us = append(us, Unit{Source: src, Kind: Video, Data: b, Keyframe: key})
	}
	return src, us
}

// StallDisk makes every recording's writes wait until the returned
// release is called (or tb ends).
func StallDisk(tb testing.TB) (release func()) {
	stall := make(chan struct{})
	release = sync.OnceFunc(func() { close(stall) })
	tb.Cleanup(release)
	setWriteFile(tb, func(f *os.File, b []byte) (int, error) {
		<-stall
		return f.Write(b)
	})
	return release
}
