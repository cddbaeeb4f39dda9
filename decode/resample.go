package decode

// go-astiav v0.16.0 binds no part of libswresample (no
// SoftwareResampleContext, no swr_* call in the module), and it
// leaves AVCodecContext.ch_layout and bits_per_coded_sample unset, which
// the headerless audio decoders (G.711, L16, G.726) need before they open.
// A few lines of C do both, on the pointers astiav holds (see skip.go's
// codecContextPointer).

//#cgo pkg-config: libswresample libavcodec libavutil
//#include <libswresample/swresample.h>
//#include <libavcodec/avcodec.h>
//#include <libavutil/channel_layout.h>
//#include <libavutil/frame.h>
//
//static void rv_set_audio_params(AVCodecContext *c, int rate, int channels, int bits) {
//	if (rate > 0) c->sample_rate = rate;
//	if (channels > 0) {
//		av_channel_layout_uninit(&c->ch_layout);
//		av_channel_layout_default(&c->ch_layout, channels);
//	}
//	if (bits > 0) c->bits_per_coded_sample = bits;
//}
//
//static int rv_frame_channels(const AVFrame *f) { return f->ch_layout.nb_channels; }
//
//static SwrContext *rv_swr_new(const AVFrame *in, int out_rate, int out_channels, int *err) {
//	AVChannelLayout in_layout = {0}, out_layout = {0};
//	// A decoder that knows only the count (PCM) leaves the order
//	// unspecified; swresample wants a layout it can remix from.
//	if (in->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
//		av_channel_layout_default(&in_layout, in->ch_layout.nb_channels);
//	else if ((*err = av_channel_layout_copy(&in_layout, &in->ch_layout)) < 0)
//		return NULL;
//	av_channel_layout_default(&out_layout, out_channels);
//	SwrContext *s = NULL;
//	*err = swr_alloc_set_opts2(&s, &out_layout, AV_SAMPLE_FMT_S16, out_rate,
//		&in_layout, in->format, in->sample_rate, 0, NULL);
//	av_channel_layout_uninit(&in_layout);
//	av_channel_layout_uninit(&out_layout);
//	if (*err < 0) {
//		swr_free(&s);
//		return NULL;
//	}
//	if ((*err = swr_init(s)) < 0) {
//		swr_free(&s);
//		return NULL;
//	}
//	return s;
//}
//
//static int rv_swr_out_samples(SwrContext *s, int in_samples) { return swr_get_out_samples(s, in_samples); }
//
//static int rv_swr_convert(SwrContext *s, int16_t *out, int out_count, const AVFrame *in) {
//	uint8_t *o[1] = {(uint8_t *)out};
//	return swr_convert(s, o, out_count, (const uint8_t **)in->extended_data, in->nb_samples);
//}
//
//static void rv_swr_free(SwrContext *s) { swr_free(&s); }
import "C"

import (
	"fmt"
	"slices"
	"unsafe"

	"github.com/asticode/go-astiav"
)

// setAudioParams sets the sample rate, channel count (as the default
// layout for that many) and codeword size of an audio decoder before it is
// opened; a value of 0 leaves the field as it is. It reports false when
// astiav's layout is not the expected one.
func setAudioParams(cc *astiav.CodecContext, rate, channels, bits int) bool {
	p := codecContextPointer(cc)
	if p == nil {
		return false
	}
	C.rv_set_audio_params(p, C.int(rate), C.int(channels), C.int(bits))
	return true
}

func frameChannels(f *astiav.Frame) int {
	return int(C.rv_frame_channels((*C.AVFrame)(f.UnsafePointer())))
}

// resampleKey is everything a resampler depends on; a change rebuilds it.
type resampleKey struct {
	inRate, inCh, inFmt int
	outRate, outCh      int
}

// resampler converts decoded frames of any format, rate and layout to
// interleaved signed 16-bit samples at the output rate and channel count.
type resampler struct {
	swr *C.SwrContext
	key resampleKey
}

func (r *resampler) setup(key resampleKey, f *astiav.Frame) error {
	if r.swr != nil && r.key == key {
		return nil
	}
	r.free()
	var cerr C.int
	s := C.rv_swr_new((*C.AVFrame)(f.UnsafePointer()), C.int(key.outRate), C.int(key.outCh), &cerr)
	if s == nil {
		return fmt.Errorf("libswresample: %w", astiav.Error(cerr))
	}
	r.swr, r.key = s, key
	return nil
}

// convert appends f's samples, converted, to dst. The output is written
// straight into dst's spare capacity, grown first to the most samples
// libswresample says this input can give.
func (r *resampler) convert(f *astiav.Frame, dst []int16) ([]int16, error) {
	maxOut := int(C.rv_swr_out_samples(r.swr, C.int(f.NbSamples())))
	if maxOut < 0 {
		return dst, fmt.Errorf("libswresample: %w", astiav.Error(maxOut))
	}
	ch := r.key.outCh
	dst = slices.Grow(dst, maxOut*ch)
	spare := dst[len(dst):cap(dst)]
	if len(spare) == 0 {
		return dst, nil
	}
	n := C.rv_swr_convert(r.swr, (*C.int16_t)(unsafe.Pointer(unsafe.SliceData(spare))), C.int(len(spare)/ch),
		(*C.AVFrame)(f.UnsafePointer()))
	if n < 0 {
		return dst, fmt.Errorf("libswresample: %w", astiav.Error(n))
	}
	return dst[:len(dst)+int(n)*ch], nil
}

func (r *resampler) free() {
	if r.swr != nil {
		C.rv_swr_free(r.swr)
		r.swr = nil
	}
}
