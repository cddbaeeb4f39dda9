package depack

import (
	"bytes"
	"encoding/base64"
	"strings"
)

const (
	// maxParamSets bounds how many distinct parameter sets are remembered.
	// Real streams use one to three; the bound keeps a hostile stream that
	// sends many ids from growing memory.
	maxParamSets = 32
	// maxParamSetSize bounds one remembered parameter set. Real SPS/PPS are
	// tens of bytes, a few hundred with scaling lists or VUI.
	maxParamSetSize = 4096
)

// paramSet is one remembered VPS/SPS/PPS NAL unit.
type paramSet struct {
	kind uint8 // codec-defined order of prepending: VPS < SPS < PPS
	id   uint32
	data []byte // the NAL unit without start code
}

// paramSetStore remembers the latest parameter set for each (kind, id), so
// that they can be prepended to keyframes that arrive without them: a
// decoder can then start at any keyframe (docs/QUIRKS.md #16: SPS/PPS may be
// only in the SDP, only in-band, or only with the first IDR).
type paramSetStore struct {
	sets  []paramSet
	kinds uint8 // bit k set when a set of kind k is known
}

func newParamSetStore() paramSetStore {
	return paramSetStore{sets: make([]paramSet, 0, maxParamSets)}
}

// put stores a copy of nal, reusing the previous buffer for the same
// (kind, id) so that cameras repeating their SPS/PPS before every IDR cost
// no allocation.
func (s *paramSetStore) put(kind uint8, id uint32, nal []byte) {
	if len(nal) == 0 || len(nal) > maxParamSetSize {
		return
	}
	for i := range s.sets {
		e := &s.sets[i]
		if e.kind == kind && e.id == id {
			if !bytes.Equal(e.data, nal) {
				e.data = append(e.data[:0], nal...)
			}
			return
		}
	}
	if len(s.sets) == cap(s.sets) {
		return
	}
	s.sets = append(s.sets, paramSet{kind: kind, id: id, data: append([]byte(nil), nal...)})
	s.kinds |= 1 << kind
}

// annexBSize is the number of bytes appendAnnexB writes.
func (s *paramSetStore) annexBSize() int {
	n := 0
	for i := range s.sets {
		n += len(startCode) + len(s.sets[i].data)
	}
	return n
}

// writeAnnexB writes every remembered set, grouped by kind in increasing
// order (a PPS refers to its SPS, which must come first), into dst, which
// must be annexBSize bytes long.
func (s *paramSetStore) writeAnnexB(dst []byte) {
	pos := 0
	for k := range uint8(8) {
		if s.kinds&(1<<k) == 0 {
			continue
		}
		for i := range s.sets {
			if s.sets[i].kind != k {
				continue
			}
			pos += copy(dst[pos:], startCode[:])
			pos += copy(dst[pos:], s.sets[i].data)
		}
	}
}

// decodeSprop decodes an SDP sprop value: base64 NAL units separated by
// commas (RFC 6184 section 8.1, RFC 7798 section 7.1). It accepts the
// whole fmtp line too (key=value pairs separated by ';'), taking the value
// of key. Entries that are not valid base64 are skipped: a camera's broken
// SDP must not stop a stream that carries its parameter sets in-band.
// Decoded entries may themselves be Annex-B byte streams (docs/QUIRKS.md #16);
// fn receives each contained NAL unit.
func decodeSprop(value, key string, fn func(nal []byte)) {
	if i := strings.Index(value, key+"="); i >= 0 {
		value = value[i+len(key)+1:]
		if j := strings.IndexByte(value, ';'); j >= 0 {
			value = value[:j]
		}
	}
	for entry := range strings.SplitSeq(value, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(entry)
		if err != nil {
			// Some cameras drop the '=' padding.
			raw, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(entry, "="))
			if err != nil {
				continue
			}
		}
		for rest := raw; len(rest) > 0; {
			var nal []byte
			nal, rest = splitAnnexB(rest)
			if len(nal) > 0 {
				fn(nal)
			}
		}
	}
}
