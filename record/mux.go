package record

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/asticode/go-astiav"
	"github.com/rtspview/rtspview/decode"
)

// fragment is the longest a fragment (MP4) or cluster (Matroska) grows
// before it is written out: what a crash can cost at most, beside the
// packets FFmpeg is still interleaving.
const fragment = time.Second

// ioBuffer is FFmpeg's write buffer for a file.
const ioBuffer = 64 << 10

// muxFile is one recording file being written through FFmpeg's muxer.
// Only the recorder's goroutine uses it.
type muxFile struct {
	path  string
	f     *os.File
	ioc   *astiav.IOContext
	fc    *astiav.FormatContext
	pkt   *astiav.Packet
	video *astiav.Stream
	audio *astiav.Stream
	vtb   astiav.Rational // the units given: RTP's clock
	atb   astiav.Rational
	werr  error // the first error writing f, in the system's words
	size  int64 // bytes written to f
	// good is where the muxer's last complete output ends: with
	// FlushPackets every call leaves whole fragments (or clusters) on the
	// disk, and a failed write leaves a torn one after good.
	good   int64
	header bool
}

// fileSpec is what a new file needs to know before its first unit.
type fileSpec struct {
	src           *Source
	params        []byte // Annex-B VPS/SPS/PPS (H.264, H.265)
	width, height int
	start         time.Time // the first picture's wall clock
}

// createFile makes path's folder and a new file there (path, or path with
// " (2)" … when a file of that name exists) and writes its header.
func createFile(path string, spec fileSpec) (*muxFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, &WriteError{Path: filepath.Dir(path), Err: err}
	}
	var f *os.File
	var err error
	for n := 2; n < 100; n++ {
		f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if !errors.Is(err, os.ErrExist) {
			break
		}
		path = numbered(path, n)
	}
	if err != nil {
		return nil, &WriteError{Path: path, Err: err}
	}
	m := &muxFile{path: path, f: f}
	ok := false
	defer func() {
		if !ok {
			m.free()
			if m.size == 0 {
				os.Remove(path) // nothing of it can be played
			}
		}
	}()
	if err := m.open(spec); err != nil {
		return nil, err
	}
	ok = true
	return m, nil
}

func (m *muxFile) open(spec fileSpec) error {
	src := spec.src
	format := "mp4"
	if !src.mp4() {
		format = "matroska"
	}
	fc, err := astiav.AllocOutputFormatContext(nil, format, "")
	if err != nil || fc == nil {
		return fmt.Errorf("%w (FFmpeg's %s muxer is missing: %v)", ErrNoMuxer, format, err)
	}
	m.fc = fc
	m.pkt = astiav.AllocPacket()

	m.video = fc.NewStream(nil)
	if m.video == nil {
		return errors.New("FFmpeg could not add a video stream")
	}
	vp := m.video.CodecParameters()
	vp.SetMediaType(astiav.MediaTypeVideo)
	vp.SetCodecID(videoCodecID(src.Video))
	vp.SetWidth(spec.width)
	vp.SetHeight(spec.height)
	if len(spec.params) > 0 {
		if err := vp.SetExtraData(spec.params); err != nil {
			return fmt.Errorf("video parameters: %w", err)
		}
	}
	m.vtb = astiav.NewRational(1, src.VideoClock)
	m.video.SetTimeBase(m.vtb)

	if src.Audio != AudioNone {
		m.audio = fc.NewStream(nil)
		if m.audio == nil {
			return errors.New("FFmpeg could not add an audio stream")
		}
		ap := m.audio.CodecParameters()
		ap.SetMediaType(astiav.MediaTypeAudio)
		ap.SetSampleRate(src.SampleRate)
		ap.SetChannels(src.Channels)
		switch src.Channels {
		case 1:
			ap.SetChannelLayout(astiav.ChannelLayoutMono)
		case 2:
			ap.SetChannelLayout(astiav.ChannelLayoutStereo)
		}
		switch src.Audio {
		case AudioAAC:
			ap.SetCodecID(astiav.CodecIDAac)
			ap.SetFrameSize(1024)
			if err := ap.SetExtraData(src.AudioConfig); err != nil {
				return fmt.Errorf("audio parameters: %w", err)
			}
		case AudioPCMA:
			ap.SetCodecID(astiav.CodecIDPcmAlaw)
		case AudioPCMU:
			ap.SetCodecID(astiav.CodecIDPcmMulaw)
		}
		m.atb = astiav.NewRational(1, src.AudioClock)
		m.audio.SetTimeBase(m.atb)
	}

	if err := setMetadata(fc, "creation_time", spec.start.UTC().Format("2006-01-02T15:04:05.000000Z")); err != nil {
		return fmt.Errorf("file metadata: %w", err)
	}
	// Custom I/O rather than FFmpeg's file protocol: the release's static
	// FFmpeg has no protocols, and the system's error (ENOSPC, EACCES)
	// reaches the person as a sentence instead of FFmpeg's number.
	m.ioc, err = astiav.AllocIOContext(ioBuffer, true, nil, m.seek, m.write)
	if err != nil {
		return err
	}
	fc.SetPb(m.ioc)
	// Written out at each packet the muxer emits: a fragment or cluster
	// reaches the disk as soon as it is complete.
	fc.SetFlags(fc.Flags().Add(astiav.FormatContextFlagFlushPackets))

	opts := astiav.NewDictionary()
	defer opts.Free()
	if format == "mp4" {
		// delay_moov: the moov waits for the first fragment, so that a
		// track whose first unit comes after the first picture (sound,
		// mostly) starts with an edit rather than a stretched first
		// sample; a crash in that first second loses only that second.
		_ = opts.Set("movflags", "frag_keyframe+empty_moov+delay_moov+default_base_moof", 0)
		_ = opts.Set("frag_duration", fmt.Sprint(fragment.Microseconds()), 0)
	} else {
		_ = opts.Set("cluster_time_limit", fmt.Sprint(fragment.Milliseconds()), 0)
	}
	if err := fc.WriteHeader(opts); err != nil {
		return m.wrap(err)
	}
	m.header = true
	m.good = m.size
	return nil
}

func videoCodecID(c decode.Codec) astiav.CodecID {
	switch c {
	case decode.CodecH264:
		return astiav.CodecIDH264
	case decode.CodecH265:
		return astiav.CodecIDHevc
	}
	return astiav.CodecIDMjpeg
}

// writePacket hands one unit to the muxer; pts and dur are in the track's
// RTP clock.
func (m *muxFile) writePacket(kind Kind, data []byte, pts, dts, dur int64, key bool) error {
	st, tb := m.video, m.vtb
	if kind == Audio {
		st, tb = m.audio, m.atb
	}
	if err := m.pkt.FromData(data); err != nil {
		return err
	}
	m.pkt.SetStreamIndex(st.Index())
	m.pkt.SetPts(pts)
	m.pkt.SetDts(dts)
	m.pkt.SetDuration(dur)
	if key {
		m.pkt.SetFlags(m.pkt.Flags().Add(astiav.PacketFlagKey))
	}
	m.pkt.SetPos(-1)
	m.pkt.RescaleTs(tb, st.TimeBase())
	err := m.fc.WriteInterleavedFrame(m.pkt) // takes the packet's reference
	m.pkt.Unref()
	if err != nil {
		return m.wrap(err)
	}
	m.good = m.size
	return nil
}

// finish writes what the muxer still holds and the trailer, and closes the
// file. After a write error it cuts the file back to its last whole
// fragment (which frees the space a full disk needs for nothing) and
// closes it: what reached the disk before plays, which is the point of
// fragments.
func (m *muxFile) finish() error {
	var err error
	if m.header && m.werr == nil {
		if e := m.fc.WriteTrailer(); e != nil {
			err = m.wrap(e)
		}
	}
	if m.werr != nil && m.f != nil && m.size > m.good {
		_ = m.f.Truncate(m.good)
	}
	m.free()
	if m.werr != nil && err == nil {
		err = &WriteError{Path: m.path, Err: m.werr}
	}
	return err
}

// free releases FFmpeg's side and closes the file. Idempotent.
func (m *muxFile) free() {
	if m.fc != nil {
		m.fc.Free()
		m.fc = nil
	}
	if m.ioc != nil {
		m.ioc.Free()
		m.ioc = nil
	}
	if m.pkt != nil {
		m.pkt.Free()
		m.pkt = nil
	}
	if m.f != nil {
		if err := m.f.Close(); err != nil && m.werr == nil {
			m.werr = err
		}
		m.f = nil
	}
}

// wrap turns an FFmpeg error into the system's error behind it when the
// file's writing failed, else says what FFmpeg refused.
func (m *muxFile) wrap(err error) error {
	if m.werr != nil {
		return &WriteError{Path: m.path, Err: m.werr}
	}
	return fmt.Errorf("writing %s: %w", m.path, err)
}

func (m *muxFile) write(b []byte) (int, error) {
	if m.werr != nil {
		return 0, astiav.ErrEio
	}
	n, err := writeFile(m.f, b)
	m.size += int64(n)
	if err != nil {
		m.werr = err
		return n, astiav.ErrEio
	}
	return n, nil
}

// writeFile writes a muxer's output to its file. slowdisk.go (built only
// with -tags benchslowdisk) replaces it with one that plays a slow disk,
// for `rtspview bench --record`'s memory figures.
var writeFile = (*os.File).Write

// avseekSize is FFmpeg's AVSEEK_SIZE: asks for the file's size; and
// AVSEEK_FORCE, a hint this seek may ignore.
const (
	avseekSize  = 0x10000
	avseekForce = 0x20000
)

func (m *muxFile) seek(offset int64, whence int) (int64, error) {
	if whence&avseekSize != 0 {
		fi, err := m.f.Stat()
		if err != nil {
			return 0, astiav.ErrEio
		}
		return fi.Size(), nil
	}
	n, err := m.f.Seek(offset, whence&^avseekForce)
	if err != nil {
		if m.werr == nil {
			m.werr = err
		}
		return 0, astiav.ErrEio
	}
	return n, nil
}
