package record

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/rtspview/rtspview/decode"
)

// nalUnits calls fn for each NAL unit of an Annex-B access unit, without
// its start code.
func nalUnits(au []byte, fn func(nal []byte)) {
	for len(au) > 0 {
		i := bytes.Index(au, []byte{0, 0, 1})
		if i < 0 {
			return
		}
		au = au[i+3:]
		j := bytes.Index(au, []byte{0, 0, 1})
		nal := au
		if j >= 0 {
			nal = au[:j]
			au = au[j:]
		} else {
			au = nil
		}
		// A 4-byte start code leaves its leading zero on the unit before.
		nal = bytes.TrimRight(nal, "\x00")
		if len(nal) > 0 {
			fn(nal)
		}
	}
}

// paramSets returns the parameter sets of a keyframe in Annex-B form (VPS,
// SPS, PPS for H.265; SPS, PPS for H.264), which MP4's avcC/hvcC and
// Matroska's CodecPrivate are made from. The player's depacketizer puts
// them before every keyframe, whether they came in the SDP or in band.
func paramSets(codec decode.Codec, keyframe []byte) ([]byte, error) {
	var kinds [3][]byte
	nalUnits(keyframe, func(nal []byte) {
		var k int
		switch codec {
		case decode.CodecH264:
			switch nal[0] & 0x1f {
			case 7:
				k = 1
			case 8:
				k = 2
			default:
				return
			}
		case decode.CodecH265:
			if len(nal) < 2 {
				return
			}
			switch (nal[0] >> 1) & 0x3f {
			case 32:
				k = 0
			case 33:
				k = 1
			case 34:
				k = 2
			default:
				return
			}
		default:
			return
		}
		if kinds[k] == nil {
			kinds[k] = nal
		}
	})
	if kinds[1] == nil || kinds[2] == nil || (codec == decode.CodecH265 && kinds[0] == nil) {
		return nil, fmt.Errorf("%v keyframe without its parameter sets", codec)
	}
	var out []byte
	for _, nal := range kinds {
		if nal != nil {
			out = append(append(out, 0, 0, 0, 1), nal...)
		}
	}
	return out, nil
}

// pictureSize decodes one keyframe to learn the picture's size, which
// every container wants in its header. Once per file: the price of not
// parsing each codec's parameter sets here a second time.
func pictureSize(codec decode.Codec, keyframe []byte) (w, h int, err error) {
	d, err := decode.New(decode.Config{Codec: codec, Threads: 1, LowDelay: true})
	if err != nil {
		return 0, 0, err
	}
	defer d.Close()
	d.SetOutputSize(16, 16)
	if _, err := d.Decode(keyframe, nil); err != nil {
		return 0, 0, err
	}
	w, h = d.SourceSize()
	if w <= 0 || h <= 0 {
		return 0, 0, errors.New("keyframe gave no picture")
	}
	return w, h, nil
}
