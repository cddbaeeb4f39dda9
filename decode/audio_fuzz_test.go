package decode

import (
	"testing"
)

// audioFuzzConfigs are the decoders FuzzDecodeAudio picks from with the
// input's first byte. The AAC ones take the ASCs gst-rtsp-server's SDPs
// carry (48 kHz stereo; and the same out of a LATM StreamMuxConfig).
var audioFuzzConfigs = []AudioConfig{
	{Codec: AudioAAC, Extradata: []byte{0x11, 0x90}},
	{Codec: AudioAAC, Extradata: []byte{0x11, 0x90, 0x00}, OutputRate: 44100, OutputChannels: 1},
	{Codec: AudioPCMA, SampleRate: 8000, Channels: 1},
	{Codec: AudioPCMU, SampleRate: 8000, Channels: 1},
	{Codec: AudioL16, SampleRate: 44100, Channels: 2},
	{Codec: AudioOpus, Channels: 2},
	{Codec: AudioG726, SampleRate: 8000, Channels: 1, G726Bits: 4},
}

// FuzzDecodeAudio feeds arbitrary frames to an audio decoder: frames come
// from the network through depacketizers that do not look inside them, so
// none may crash the process, return samples with an error, or give more
// samples than a frame can hold.
func FuzzDecodeAudio(f *testing.F) {
	f.Add([]byte{0, 0x21, 0x10, 0x04, 0x60, 0x8c, 0x1c})
	f.Add([]byte{2, 0xd5, 0xd5, 0x55, 0x54})
	f.Add([]byte{5, 0xfc, 0xff, 0xfe})
	f.Add([]byte{5, 0x78, 0x01})
	f.Add([]byte{6, 0x11, 0x22, 0x33})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 {
			return
		}
		d, err := NewAudio(audioFuzzConfigs[int(data[0])%len(audioFuzzConfigs)])
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		// The rest is frames of up to 255 bytes, each led by its length.
		b := data[1:]
		var pcm []int16
		for len(b) > 0 {
			n := min(int(b[0]), len(b)-1)
			frame := b[1 : 1+n]
			b = b[1+n:]
			before := len(pcm)
			out, err := d.Decode(frame, pcm)
			if err != nil && len(out) != before {
				t.Fatalf("%d samples appended with error %v", len(out)-before, err)
			}
			// The longest frame any of these codecs has is 120 ms (Opus);
			// at the output's 48 kHz stereo, with resampler slack.
			if len(out)-before > 2*48000*150/1000 {
				t.Fatalf("%d samples from a frame of %d bytes", len(out)-before, n)
			}
			pcm = out[:0]
		}
	})
}
