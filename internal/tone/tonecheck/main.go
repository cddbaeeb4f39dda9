// Command tonecheck says whether a WAV recording holds a steady tone: the
// release checks (scripts/test-dist.sh) record what a packaged build put
// on a PulseAudio null sink and ask it.
//
//	go run ./internal/tone/tonecheck [-hz 1000] [-skip 0s] [-for 3s] FILE.wav
//
// It measures from -skip after the first sample louder than 1 % of full
// scale, for -for, in 50 ms stretches, and exits 1 unless nine stretches
// in ten hold the tone (0.9 of their power within 1 % of -hz), no silence
// is longer than 150 ms, and the level is audible: a device that plays,
// not a glitch-free one (the Go tests judge that, on this machine's own
// output).
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/rtspview/rtspview/internal/tone"
)

func main() {
	hz := flag.Int("hz", 1000, "the tone's frequency")
	span := flag.Duration("for", 3*time.Second, "how much of the recording to judge")
	skip := flag.Duration("skip", 0, "how long after the first sound to start judging (a device's start is not the tone)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: tonecheck [-hz 1000] [-skip 0s] [-for 3s] FILE.wav")
		os.Exit(2)
	}
	b, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "tonecheck:", err)
		os.Exit(2)
	}
	pcm, ch, rate, err := tone.ReadWAV(b)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tonecheck:", err)
		os.Exit(2)
	}
	on := tone.Onset(pcm, ch) * ch
	if on < 0 {
		fmt.Println("tonecheck: silence")
		os.Exit(1)
	}
	on += ch * int(*skip*time.Duration(rate)/time.Second)
	if on >= len(pcm) {
		fmt.Println("tonecheck: the recording ends before -skip")
		os.Exit(1)
	}
	end := min(len(pcm), on+ch*int(*span*time.Duration(rate)/time.Second))
	at := time.Duration(on/ch) * time.Second / time.Duration(rate)
	got := tone.Analyze(pcm[on:end], ch, rate)
	ws := tone.Windows(pcm[on:end], ch, rate, *hz, 50*time.Millisecond)
	pure, worst := 0, tone.Window{Share: 1}
	for _, w := range ws {
		if w.Share >= 0.9 {
			pure++
		}
		if w.Share < worst.Share {
			worst = w
		}
	}
	fmt.Printf("tonecheck: from %v: %v; %d of %d stretches of 50 ms hold %d Hz, the least %.3f at %v\n",
		at.Round(time.Millisecond), got, pure, len(ws), *hz, worst.Share, worst.At)
	if len(ws) == 0 || pure*10 < len(ws)*9 || got.LongestGap > 150*time.Millisecond || got.RMS < 300 {
		os.Exit(1)
	}
}
