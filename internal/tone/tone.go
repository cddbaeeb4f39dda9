// Package tone measures a recorded sine tone the way the acceptance
// checks' lib/tone.py does: its strongest frequency (Goertzel, 1 Hz steps
// around a coarse peak), that frequency's share of the power, the level,
// and the longest run of near-silence. Tests of the sound path use it on
// what a player decoded and on what a sound device played (a WAV file
// recorded with parec).
package tone

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// Result is what a recording holds.
type Result struct {
	// PeakHz is the strongest frequency between 100 and 4000 Hz in the
	// first second (or what there is of it).
	PeakHz int
	// Share is that frequency's part of the signal's power (1 is a pure
	// tone).
	Share float64
	// RMS is the level over that second, of 32768 (full scale).
	RMS float64
	// LongestGap is the longest run of near-silence (|x| below 1 % of
	// full scale) over the whole recording.
	LongestGap time.Duration
	// Duration is the recording's length.
	Duration time.Duration
}

func (r Result) String() string {
	return fmt.Sprintf("peak_hz=%d tone_share=%.2f rms=%.0f longest_gap_ms=%d seconds=%.2f",
		r.PeakHz, r.Share, r.RMS, r.LongestGap.Milliseconds(), r.Duration.Seconds())
}

// Analyze measures interleaved 16-bit pcm of the given channel count and
// rate, mixed down to mono.
func Analyze(pcm []int16, channels, rate int) Result {
	if channels < 1 || rate < 1 {
		return Result{}
	}
	n := len(pcm) / channels
	mono := make([]float64, n)
	for i := range mono {
		var sum float64
		for c := range channels {
			sum += float64(pcm[i*channels+c])
		}
		mono[i] = sum / float64(channels) / 32768
	}
	return analyzeMono(mono, rate)
}

func analyzeMono(x []float64, rate int) Result {
	r := Result{Duration: time.Duration(len(x)) * time.Second / time.Duration(rate)}
	run, longest := 0, 0
	for _, v := range x {
		if math.Abs(v) < 0.01 {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	r.LongestGap = time.Duration(longest) * time.Second / time.Duration(rate)
	sec := x[:min(len(x), rate)]
	if len(sec) < rate/4 {
		return r
	}
	// A coarse search on a decimated copy, then 1 Hz steps on the whole.
	step := max(1, len(sec)/8000)
	dec := make([]float64, 0, len(sec)/step+1)
	for i := 0; i < len(sec); i += step {
		dec = append(dec, sec[i])
	}
	coarse, best := 100, -1.0
	for f := 100; f <= 4000; f += 20 {
		if p := goertzel(dec, float64(rate)/float64(step), float64(f)); p > best {
			coarse, best = f, p
		}
	}
	peak, best := coarse, -1.0
	for f := coarse - 20; f <= coarse+20; f++ {
		if p := goertzel(sec, float64(rate), float64(f)); p > best {
			peak, best = f, p
		}
	}
	var total float64
	for _, v := range sec {
		total += v * v
	}
	total /= float64(len(sec))
	r.PeakHz = peak
	if total > 0 {
		r.Share = best / total
	}
	r.RMS = math.Sqrt(total) * 32768
	return r
}

// Window is the purity of one short stretch of a recording.
type Window struct {
	At    time.Duration // where the stretch starts
	Share float64       // the power near the tone's frequency, of all of it
}

// WorstWindow cuts a recording into stretches of length window and returns
// the least pure (Windows). A glitch (a cut, a doubled or missing piece of
// the wave) spoils the stretch it falls in, wherever it is; a slow change
// of pitch, such as a drift follower slipping one sample in 500, does not,
// where a whole second's measure (Analyze) takes 1000 Hz beside 998 Hz for
// an impure tone.
func WorstWindow(pcm []int16, channels, rate, freq int, window time.Duration) Window {
	ws := Windows(pcm, channels, rate, freq, window)
	if len(ws) == 0 {
		return Window{}
	}
	worst := ws[0]
	for _, w := range ws[1:] {
		if w.Share < worst.Share {
			worst = w
		}
	}
	return worst
}

// Windows cuts a recording into stretches of length window and returns
// each one's purity: the share of its power at the strongest frequency
// within 1 % of freq. A stretch of near-silence has a share of 0.
func Windows(pcm []int16, channels, rate, freq int, window time.Duration) []Window {
	if channels < 1 || rate < 1 || freq < 1 {
		return nil
	}
	n := int(window * time.Duration(rate) / time.Second)
	frames := len(pcm) / channels
	if n < 1 || frames < n {
		return nil
	}
	x := make([]float64, n)
	var out []Window
	for start := 0; start+n <= frames; start += n {
		var total float64
		for i := range x {
			var sum float64
			for c := range channels {
				sum += float64(pcm[(start+i)*channels+c])
			}
			x[i] = sum / float64(channels) / 32768
			total += x[i] * x[i]
		}
		total /= float64(n)
		share := 0.0
		if total > 0 {
			// Steps of a tenth of the stretch's resolution (rate/n Hz).
			span, step := float64(freq)/100, float64(rate)/float64(n)/10
			for f := float64(freq) - span; f <= float64(freq)+span; f += step {
				share = max(share, goertzel(x, float64(rate), f)/total)
			}
		}
		out = append(out, Window{At: time.Duration(start) * time.Second / time.Duration(rate), Share: share})
	}
	return out
}

// goertzel returns the power of frequency f in x, scaled so that a sine of
// amplitude A gives about A²/2 (a signal's mean square).
func goertzel(x []float64, rate, f float64) float64 {
	w := 2 * math.Pi * f / rate
	c := 2 * math.Cos(w)
	var s1, s2 float64
	for _, v := range x {
		s1, s2 = v+c*s1-s2, s1
	}
	n := float64(len(x))
	return (s1*s1 + s2*s2 - c*s1*s2) / (n * n) * 2
}

// ReadWAV returns the samples of a WAV file as 16-bit PCM: 16-bit integer
// or 32-bit float data (what parec writes). The header's length fields are
// ignored, as a recorder that was killed leaves them wrong.
func ReadWAV(b []byte) (pcm []int16, channels, rate int, err error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, 0, 0, errors.New("not a WAV file")
	}
	var format, bits int
	var data []byte
	for i := 12; i+8 <= len(b); {
		id, size := string(b[i:i+4]), int(binary.LittleEndian.Uint32(b[i+4:i+8]))
		body := b[i+8:]
		if id == "data" {
			data = body
			break
		}
		if size > len(body) {
			return nil, 0, 0, fmt.Errorf("WAV chunk %q of %d bytes is cut short", id, size)
		}
		if id == "fmt " && size >= 16 {
			format = int(binary.LittleEndian.Uint16(body[0:2]))
			channels = int(binary.LittleEndian.Uint16(body[2:4]))
			rate = int(binary.LittleEndian.Uint32(body[4:8]))
			bits = int(binary.LittleEndian.Uint16(body[14:16]))
			if format == 0xfffe && size >= 26 {
				format = int(binary.LittleEndian.Uint16(body[24:26]))
			}
		}
		i += 8 + size + size&1
	}
	if data == nil || channels < 1 || rate < 1 {
		return nil, 0, 0, errors.New("WAV file without fmt or data chunk")
	}
	switch {
	case format == 1 && bits == 16:
		pcm = make([]int16, len(data)/2)
		for i := range pcm {
			pcm[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
		}
	case format == 3 && bits == 32:
		pcm = make([]int16, len(data)/4)
		for i := range pcm {
			v := math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:]))
			pcm[i] = int16(max(-32768, min(32767, float64(v)*32768)))
		}
	default:
		return nil, 0, 0, fmt.Errorf("WAV format %d with %d bits is not read here", format, bits)
	}
	return pcm[:len(pcm)/channels*channels], channels, rate, nil
}

// Onset returns the first frame of pcm (channels interleaved) with a
// sample louder than 1 % of full scale, or -1: where a recording's sound
// begins.
func Onset(pcm []int16, channels int) int {
	if channels < 1 {
		return -1
	}
	for i, v := range pcm {
		if v > 327 || v < -327 {
			return i / channels
		}
	}
	return -1
}
