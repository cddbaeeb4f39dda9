package tone

import (
	"encoding/binary"
	"math"
	"testing"
	"time"
)

func sine(freq, rate, channels int, d time.Duration, amp float64) []int16 {
	n := int(d * time.Duration(rate) / time.Second)
	pcm := make([]int16, n*channels)
	for i := range n {
		v := int16(amp * 32767 * math.Sin(2*math.Pi*float64(freq)*float64(i)/float64(rate)))
		for c := range channels {
			pcm[i*channels+c] = v
		}
	}
	return pcm
}

func TestAnalyze(t *testing.T) {
	pcm := sine(1000, 48000, 2, 2*time.Second, 0.2)
	r := Analyze(pcm, 2, 48000)
	if r.PeakHz != 1000 || r.Share < 0.95 || r.RMS < 4500 || r.RMS > 4800 || r.LongestGap > time.Millisecond {
		t.Fatalf("pure tone: %v", r)
	}
	// 100 ms of silence in the middle, and another frequency.
	clear(pcm[96000 : 96000+9600])
	if r := Analyze(pcm, 2, 48000); r.LongestGap < 99*time.Millisecond || r.LongestGap > 101*time.Millisecond {
		t.Fatalf("gap: %v", r)
	}
	if r := Analyze(sine(440, 8000, 1, time.Second, 0.5), 1, 8000); r.PeakHz != 440 {
		t.Fatalf("440 Hz at 8 kHz: %v", r)
	}
	if r := Analyze(nil, 2, 48000); r.PeakHz != 0 || r.Duration != 0 {
		t.Fatalf("nothing: %v", r)
	}
}

func TestWorstWindow(t *testing.T) {
	const rate = 48000
	pure := sine(1000, rate, 2, 2*time.Second, 0.3)
	if w := WorstWindow(pure, 2, rate, 1000, 50*time.Millisecond); w.Share < 0.97 {
		t.Fatalf("pure tone: %+v", w)
	}
	// A second of 1000 Hz, then a second of 998 Hz (a drift follower
	// repeating a sample in 500): a whole second's measure of the mix is
	// impure, each short stretch is not.
	slipped := append(sine(1000, rate, 2, time.Second, 0.3), sine(998, rate, 2, time.Second, 0.3)...)
	if r := Analyze(slipped[rate:3*rate], 2, rate); r.Share > 0.9 {
		t.Fatalf("the mix across the change measured pure over a second: %v", r)
	}
	if w := WorstWindow(slipped, 2, rate, 1000, 50*time.Millisecond); w.Share < 0.95 {
		t.Fatalf("slow slip: %+v", w)
	}
	// 10.5 ms of the wave missing at 1.23 s: a jump of half a period, no
	// silence.
	cut := append(append([]int16{}, pure[:2*rate*123/100]...), pure[2*rate*123/100+2*480+2*24:]...)
	w := WorstWindow(cut, 2, rate, 1000, 50*time.Millisecond)
	if w.Share > 0.9 || w.At != 1200*time.Millisecond {
		t.Fatalf("a cut at 1.23 s: %+v", w)
	}
	if w := WorstWindow(nil, 2, rate, 1000, 50*time.Millisecond); w.Share != 0 {
		t.Fatalf("nothing: %+v", w)
	}
}

func TestReadWAV(t *testing.T) {
	pcm := sine(1000, 48000, 2, time.Second/2, 0.5)
	b := []byte("RIFF\xff\xff\xff\xffWAVEfmt \x10\x00\x00\x00")
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint16(b, 2)
	b = binary.LittleEndian.AppendUint32(b, 48000)
	b = binary.LittleEndian.AppendUint32(b, 48000*4)
	b = binary.LittleEndian.AppendUint16(b, 4)
	b = binary.LittleEndian.AppendUint16(b, 16)
	b = append(b, "data\xff\xff\xff\xff"...) // a killed recorder's length
	for _, v := range pcm {
		b = binary.LittleEndian.AppendUint16(b, uint16(v))
	}
	got, ch, rate, err := ReadWAV(b)
	if err != nil || ch != 2 || rate != 48000 || len(got) != len(pcm) || got[101] != pcm[101] {
		t.Fatalf("ReadWAV: %d samples, %d ch, %d Hz, %v", len(got), ch, rate, err)
	}
	for _, bad := range [][]byte{nil, []byte("RIFF0000WAVE"), b[:40], []byte("RIFF0000WAVEfmt \xff\xff\x00\x00")} {
		if _, _, _, err := ReadWAV(bad); err == nil {
			t.Errorf("ReadWAV(%q) took it", bad)
		}
	}
}

func TestOnset(t *testing.T) {
	for _, c := range []struct {
		pcm      []int16
		channels int
		want     int
	}{
		{nil, 2, -1},
		{[]int16{0, 0, 100, -300}, 2, -1},      // under 1 % of full scale
		{[]int16{0, 0, 0, -400, 500, 0}, 2, 1}, // either channel counts
		{[]int16{0, 0, 0, 328}, 1, 3},
		{[]int16{1000}, 0, -1},
	} {
		if got := Onset(c.pcm, c.channels); got != c.want {
			t.Errorf("Onset(%v, %d) = %d, want %d", c.pcm, c.channels, got, c.want)
		}
	}
}
