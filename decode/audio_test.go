package decode

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// toneFile has ffmpeg make a 1 kHz sine (lavfi's sine: amplitude 1/8 of
// full scale) of secs seconds at rate Hz and ch channels, encoded with
// the given output options, and returns the file's bytes.
func toneFile(tb testing.TB, rate, ch int, secs string, out ...string) []byte {
	tb.Helper()
	needFFmpeg(tb)
	path := filepath.Join(tb.TempDir(), "tone")
	args := []string{"-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=" + itoa(rate), "-t", secs, "-ac", itoa(ch)}
	ffmpeg(tb, append(append(args, out...), path)...)
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func itoa(n int) string { return strconv.Itoa(n) }

// splitADTS returns the raw AAC frames of an ADTS stream and the
// AudioSpecificConfig of its first header.
func splitADTS(tb testing.TB, b []byte) (frames [][]byte, asc []byte) {
	tb.Helper()
	for len(b) > 0 {
		if len(b) < 7 || b[0] != 0xff || b[1]&0xf0 != 0xf0 {
			tb.Fatal("lost ADTS sync")
		}
		hdr := 7
		if b[1]&1 == 0 {
			hdr = 9
		}
		n := int(b[3]&3)<<11 | int(b[4])<<3 | int(b[5])>>5
		if n < hdr || n > len(b) {
			tb.Fatalf("ADTS frame of %d bytes", n)
		}
		if asc == nil {
			aot, sr, ch := b[2]>>6+1, b[2]>>2&0xf, (b[2]&1)<<2|b[3]>>6
			asc = []byte{aot<<3 | sr>>1, sr<<7 | ch<<3}
		}
		frames = append(frames, b[hdr:n])
		b = b[n:]
	}
	return frames, asc
}

// splitOgg returns the packets of an Ogg stream (RFC 3533), without
// Opus's two header packets.
func splitOgg(tb testing.TB, b []byte) [][]byte {
	tb.Helper()
	var pkts [][]byte
	var cur []byte
	for len(b) > 0 {
		if len(b) < 27 || string(b[:4]) != "OggS" {
			tb.Fatal("lost Ogg sync")
		}
		nseg := int(b[26])
		lacing := b[27 : 27+nseg]
		body := b[27+nseg:]
		for _, l := range lacing {
			cur = append(cur, body[:l]...)
			body = body[l:]
			if l < 255 {
				pkts = append(pkts, cur)
				cur = nil
			}
		}
		b = body
	}
	if len(pkts) < 3 || !bytes.HasPrefix(pkts[0], []byte("OpusHead")) {
		tb.Fatal("not an Ogg Opus stream")
	}
	return pkts[2:]
}

// chunks cuts b into pieces of n bytes, as an RTP sender does PCM.
func chunks(b []byte, n int) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		k := min(n, len(b))
		out = append(out, b[:k])
		b = b[k:]
	}
	return out
}

// toneStats measures interleaved PCM of ch channels at rate Hz, leaving
// out skip samples per channel at each end (a codec's start-up and its
// flush at the end): the
// strongest frequency of the first channel (by counting rising zero
// crossings over whole seconds' worth), the RMS level, and the largest
// difference between the channels.
func toneStats(pcm []int16, rate, ch, skip int) (hz, rms float64, chanDiff int) {
	var prev int16
	crossings, first, last := 0, -1, -1
	var sum float64
	n := 0
	for i := skip; i < len(pcm)/ch-skip; i++ {
		s := pcm[i*ch]
		for c := 1; c < ch; c++ {
			chanDiff = max(chanDiff, abs(int(pcm[i*ch+c])-int(s)))
		}
		if i > skip && prev < 0 && s >= 0 {
			if first < 0 {
				first = i
			}
			last = i
			crossings++
		}
		prev = s
		sum += float64(s) * float64(s)
		n++
	}
	if crossings > 1 {
		hz = float64(crossings-1) * float64(rate) / float64(last-first)
	}
	if n > 0 {
		rms = math.Sqrt(sum / float64(n))
	}
	return hz, rms, chanDiff
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// lavfi's sine is 1/8 of full scale: an RMS of 32768/8/√2.
const toneRMS = 32768.0 / 8 / math.Sqrt2

func TestAudioDecodeTone(t *testing.T) {
	needFFmpeg(t)
	type input struct {
		cfg    AudioConfig
		frames [][]byte
		secs   float64
	}
	aacFrames, aacASC := splitADTS(t, toneFile(t, 48000, 2, "1", "-c:a", "aac", "-b:a", "128k", "-f", "adts"))
	monoFrames, monoASC := splitADTS(t, toneFile(t, 16000, 1, "1", "-c:a", "aac", "-b:a", "48k", "-f", "adts"))
	tests := []struct {
		name string
		in   input
		out  AudioConfig // output rate/channels
		// the RMS may differ from the tone's by this factor: a mono
		// signal spread to two channels is at -3 dB in each (ffmpeg's -ac 2
		// making the stereo sources, and libswresample making stereo
		// output from a mono source); stereo to mono averages the two,
		// which libswresample's normalised matrix does to avoid clipping.
		level float64
	}{
		{"aac 48k stereo", input{AudioConfig{Codec: AudioAAC, Extradata: aacASC}, aacFrames, 1}, AudioConfig{}, math.Sqrt2 / 2},
		// gst's MP4A-LATM config holds the same ASC followed by
		// StreamMuxConfig bits, as depack.ParseStreamMuxConfig returns it.
		{"aac latm asc with trailing bits", input{AudioConfig{Codec: AudioAAC, Extradata: append(bytes.Clone(aacASC), 0x00)}, aacFrames, 1}, AudioConfig{}, math.Sqrt2 / 2},
		{"aac 16k mono to 48k stereo", input{AudioConfig{Codec: AudioAAC, Extradata: monoASC}, monoFrames, 1}, AudioConfig{}, math.Sqrt2 / 2},
		{"aac to 44.1k mono", input{AudioConfig{Codec: AudioAAC, Extradata: aacASC}, aacFrames, 1}, AudioConfig{OutputRate: 44100, OutputChannels: 1}, math.Sqrt2 / 2},
		{"pcma", input{AudioConfig{Codec: AudioPCMA, SampleRate: 8000, Channels: 1}, chunks(toneFile(t, 8000, 1, "1", "-f", "alaw"), 160), 1},
			AudioConfig{}, math.Sqrt2 / 2},
		{"pcmu", input{AudioConfig{Codec: AudioPCMU, SampleRate: 8000, Channels: 1}, chunks(toneFile(t, 8000, 1, "1", "-f", "mulaw"), 160), 1},
			AudioConfig{OutputChannels: 1}, 1},
		{"l16 stereo", input{AudioConfig{Codec: AudioL16, SampleRate: 44100, Channels: 2}, chunks(toneFile(t, 44100, 2, "1", "-f", "s16be"), 1176), 1},
			AudioConfig{}, math.Sqrt2 / 2},
		{"opus", input{AudioConfig{Codec: AudioOpus, Channels: 2}, splitOgg(t, toneFile(t, 48000, 2, "1", "-c:a", "libopus", "-b:a", "64k", "-f", "opus")), 1},
			AudioConfig{}, math.Sqrt2 / 2},
		{"g726-32", input{AudioConfig{Codec: AudioG726, SampleRate: 8000, Channels: 1, G726Bits: 4},
			chunks(toneFile(t, 8000, 1, "1", "-c:a", "adpcm_g726le", "-b:a", "32k", "-f", "g726le"), 80), 1}, AudioConfig{}, math.Sqrt2 / 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := tt.in.cfg
			cfg.OutputRate, cfg.OutputChannels = tt.out.OutputRate, tt.out.OutputChannels
			d, err := NewAudio(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			var pcm []int16
			for i, f := range tt.in.frames {
				if pcm, err = d.Decode(f, pcm); err != nil {
					t.Fatalf("frame %d: %v", i, err)
				}
			}
			rate, ch := d.OutputFormat()
			wantRate := tt.out.OutputRate
			if wantRate == 0 {
				wantRate = DefaultOutputRate
			}
			if rate != wantRate {
				t.Fatalf("output rate %d, want %d", rate, wantRate)
			}
			if len(pcm)%ch != 0 {
				t.Fatalf("%d samples for %d channels", len(pcm), ch)
			}
			// The whole second comes out, give or take a frame of codec
			// delay and resampler latency.
			secs := float64(len(pcm)/ch) / float64(rate)
			if secs < tt.in.secs-0.05 || secs > tt.in.secs+0.1 {
				t.Fatalf("%.3f s of audio, want %.1f", secs, tt.in.secs)
			}
			hz, rms, diff := toneStats(pcm, rate, ch, rate/10)
			want := toneRMS * tt.level
			t.Logf("%.1f Hz, rms %.0f (want %.0f), channels differ by %d; source %v", hz, rms, want, diff, fmtPair(d.SourceFormat()))
			if math.Abs(hz-1000) > 2 {
				t.Errorf("tone at %.1f Hz, want 1000", hz)
			}
			if rms < want*0.9 || rms > want*1.1 {
				t.Errorf("rms %.0f, want %.0f ± 10 %%", rms, want)
			}
			if ch == 2 && diff > 2048 {
				t.Errorf("channels differ by up to %d: a 1 kHz tone on both should match", diff)
			}
		})
	}
}

func fmtPair(a, b int) string { return itoa(a) + " Hz " + itoa(b) + " ch" }

// TestAudioDecodeSourceFormat checks SourceFormat reads the stream, not
// the configuration: AAC's rate and channels come from the ASC.
func TestAudioDecodeSourceFormat(t *testing.T) {
	frames, asc := splitADTS(t, toneFile(t, 32000, 1, "0.2", "-c:a", "aac", "-f", "adts"))
	d, err := NewAudio(AudioConfig{Codec: AudioAAC, Extradata: asc})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if r, c := d.SourceFormat(); r != 0 || c != 0 {
		t.Fatalf("source %d Hz %d ch before any frame", r, c)
	}
	for _, f := range frames {
		if _, err := d.Decode(f, nil); err != nil {
			t.Fatal(err)
		}
	}
	if r, c := d.SourceFormat(); r != 32000 || c != 1 {
		t.Fatalf("source %d Hz %d ch, want 32000 Hz mono", r, c)
	}
}

func TestAudioDecodeBadInput(t *testing.T) {
	frames, asc := splitADTS(t, toneFile(t, 48000, 2, "0.3", "-c:a", "aac", "-f", "adts"))
	d, err := NewAudio(AudioConfig{Codec: AudioAAC, Extradata: asc})
	if err != nil {
		t.Fatal(err)
	}
	pcm := make([]int16, 0, 4096)
	if out, err := d.Decode(nil, pcm); err != nil || len(out) != 0 {
		t.Fatalf("empty frame: %d samples, %v", len(out), err)
	}
	bad := 0
	for _, junk := range [][]byte{{0xff, 0xff, 0xff, 0xff}, bytes.Repeat([]byte{0x5a}, 300), frames[3][:len(frames[3])/3], {0x01}} {
		out, err := d.Decode(junk, pcm)
		if err != nil {
			bad++
			if len(out) != 0 {
				t.Errorf("%d samples returned with error %v", len(out), err)
			}
		}
	}
	if bad == 0 {
		t.Error("no junk frame was rejected")
	}
	// The decoder goes on with good frames.
	var out []int16
	for _, f := range frames {
		if out, err = d.Decode(f, out); err != nil {
			t.Fatalf("good frame after junk: %v", err)
		}
	}
	if len(out) < 2*48000/5 {
		t.Fatalf("%d samples after junk", len(out))
	}
	d.Close()
	d.Close()
	if _, err := d.Decode(frames[0], nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

func TestNewAudioErrors(t *testing.T) {
	for _, cfg := range []AudioConfig{
		{},
		{Codec: 99},
		{Codec: AudioAAC},
		{Codec: AudioAAC, Extradata: []byte{0x12}},
		{Codec: AudioAAC, Extradata: []byte{0xff, 0xff}}, // object type 31 escape, sampling index 15 without its 24 bits
		{Codec: AudioPCMA, SampleRate: 8000},
		{Codec: AudioPCMA, Channels: 1},
		{Codec: AudioL16, SampleRate: 8000, Channels: 9},
		{Codec: AudioG726, SampleRate: 8000, Channels: 1, G726Bits: 6},
		{Codec: AudioPCMU, SampleRate: 8000, Channels: 1, OutputChannels: 3},
		{Codec: AudioPCMU, SampleRate: 8000, Channels: 1, OutputRate: 100},
	} {
		d, err := NewAudio(cfg)
		if err == nil {
			d.Close()
			t.Errorf("%+v accepted", cfg)
		}
	}
}

// TestAudioDecodeNoAllocs checks the steady state allocates no buffers on
// the Go side when the caller hands back its own. astiav's wrappers box
// FFmpeg's EAGAIN into an error value on each call; the video decoder's
// test allows the same 2.
func TestAudioDecodeNoAllocs(t *testing.T) {
	frames, asc := splitADTS(t, toneFile(t, 48000, 2, "0.5", "-c:a", "aac", "-f", "adts"))
	d, err := NewAudio(AudioConfig{Codec: AudioAAC, Extradata: asc})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var pcm []int16
	i := 0
	step := func() {
		pcm, err = d.Decode(frames[i%len(frames)], pcm[:0])
		i++
	}
	for range 5 {
		step()
	}
	if n := testing.AllocsPerRun(100, step); n > 2 {
		t.Errorf("%.1f allocations per frame, want at most 2", n)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func BenchmarkDecodeAudioAAC(b *testing.B) {
	frames, asc := splitADTS(b, toneFile(b, 48000, 2, "1", "-c:a", "aac", "-f", "adts"))
	d, err := NewAudio(AudioConfig{Codec: AudioAAC, Extradata: asc})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	var pcm []int16
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		pcm, _ = d.Decode(frames[i%len(frames)], pcm[:0])
	}
}
