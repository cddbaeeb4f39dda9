package player

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/rtspview/rtspview/decode"
	"github.com/rtspview/rtspview/rtsp"
)

// AudioRate and AudioChannels are the format of the sound a Stream hands
// to its AudioSink: interleaved signed 16-bit samples, 48 kHz stereo, what
// sound devices take natively.
const (
	AudioRate     = decode.DefaultOutputRate
	AudioChannels = decode.DefaultOutputChannels
)

// AudioSink takes a stream's decoded sound. Its methods are called from
// the stream's audio goroutine, one at a time; they must not block for
// long (a sound output copies into its own buffer).
type AudioSink interface {
	// PlayAudio takes one decoded frame: pcm holds AudioChannels
	// interleaved samples per frame at AudioRate and is valid only
	// during the call. gap is how many samples per channel of silence go
	// before it: the length of the packets lost just before it, from
	// their RTP timestamps (0 without loss).
	PlayAudio(pcm []int16, gap int)
	// ResetAudio says that what follows does not continue what came
	// before (a new session, a seek): buffered sound is dropped.
	ResetAudio()
}

// AudioDiscard is an AudioSink that drops the sound: a stream with it
// decodes its audio (probe counts what was decoded) and plays nothing.
var AudioDiscard AudioSink = discardAudio{}

type discardAudio struct{}

func (discardAudio) PlayAudio([]int16, int) {}
func (discardAudio) ResetAudio()            {}

// audioTrack is one attempt's audio track. The packet path reads it from
// the attempt (attempt.audio) and tags each packet with it, so the audio
// goroutine sees a new session as a new track.
type audioTrack struct {
	track rtsp.Track
	name  string
	// unsupported is why this player does not decode the track (set
	// before the attempt publishes it; the track is then not SET UP).
	unsupported error
	setUp       atomic.Bool // the server accepted its SETUP
	refused     atomic.Bool // the server refused its SETUP: video only
	failed      atomic.Bool // the decoder could not be opened
	// srcRate and srcCh are the stream's format as decoded, 0 before.
	srcRate, srcCh atomic.Int32
}

// audioPkt is one audio RTP packet on its way from the packet path to the
// audio goroutine.
type audioPkt struct {
	data  []byte
	track *audioTrack
	gen   uint64
}

// audioQueue bounds the audio packets between the packet path and the
// audio goroutine: about a second of AAC or G.711 in 20 ms packets. A
// stalled audio goroutine loses packets rather than holding up video.
const audioQueue = 64

// audioFeed is the stream's side of its sound: the sink, the queue to the
// audio goroutine, and the counters Stats reads.
type audioFeed struct {
	sink    atomic.Pointer[sinkBox]
	ch      chan *audioPkt
	free    chan *audioPkt
	dropped atomic.Uint64 // packets lost because the queue was full
	samples atomic.Int64  // decoded samples per channel, at AudioRate
	// sync holds the sound in step with the picture (audiosync.go); the
	// audio goroutine runs it, Stats reads its figures.
	sync avSync
}

// sinkBox holds an AudioSink in an atomic.Pointer.
type sinkBox struct{ s AudioSink }

func (f *audioFeed) init(sink AudioSink) {
	f.ch = make(chan *audioPkt, audioQueue)
	f.free = make(chan *audioPkt, audioQueue)
	for range audioQueue {
		f.free <- &audioPkt{}
	}
	if sink != nil {
		f.sink.Store(&sinkBox{sink})
	}
}

// SetAudio makes sink the stream's sound output; nil stops decoding the
// audio (a tile without the sound costs no audio decoding). The sink in
// place before gets no further call once the audio goroutine has finished
// the packet in hand.
func (s *Stream) SetAudio(sink AudioSink) {
	if sink == nil {
		s.aud.sink.Store(nil)
		// Without the sound the picture is not held back for it; the
		// audio goroutine holds it again when the sound comes back.
		s.aud.sync.picHold.Store(0)
		return
	}
	s.aud.sink.Store(&sinkBox{sink})
}

// setupAudio SETs UP d's first audio track on cl, after the video track,
// when this player decodes its codec. A server that refuses it leaves the
// session playing video only; a failure of the connection itself shows in
// the PLAY that follows. The track goes on a as soon as it may carry
// packets.
func (s *Stream) setupAudio(ctx context.Context, cl *rtsp.Client, d *rtsp.Description, a *attempt) {
	t, ok := d.AudioTrack()
	if !ok {
		return
	}
	at := &audioTrack{track: t, name: t.AudioName()}
	if _, _, err := audioCodec(t); err != nil {
		at.unsupported = err
		a.audio.Store(at)
		slog.Debug("player: audio not played", "codec", at.name, "err", err)
		return
	}
	// Stored before SETUP: the client delivers the track's packets from
	// the moment its SETUP is answered.
	a.audio.Store(at)
	if err := cl.Setup(ctx, t); err != nil {
		at.refused.Store(true)
		slog.Debug("player: audio SETUP refused; playing video only", "track", t.Index, "err", err)
		return
	}
	at.setUp.Store(true)
}

// audioPacket runs on the packet path for every RTP packet of the audio
// track. It only copies the packet into the audio goroutine's queue, or
// drops it: nothing here waits.
func (s *Stream) audioPacket(a *attempt, at *audioTrack, b []byte) {
	s.rec.audio(a, b) // recorded whether or not anyone listens (recordtap.go)
	if s.aud.sink.Load() == nil {
		return // nobody listens: the audio is not decoded
	}
	if a.lane != nil && a.lane.r.winner.Load() != a.lane {
		return // Auto's race: only the way shown is heard
	}
	var p *audioPkt
	select {
	case p = <-s.aud.free:
	default:
		s.aud.dropped.Add(1)
		return
	}
	p.data = append(p.data[:0], b...)
	p.track, p.gen = at, s.pb.gen.Load()
	s.aud.ch <- p // never blocks: ch has room for every packet in free
}

// audioLoop decodes the audio on a goroutine of its own, so that neither
// the packet path nor the video decoder waits for it. It owns the audio
// path of the track whose packets it is handed, and opens a new one when
// the packets come from another track (a new session).
func (s *Stream) audioLoop() {
	defer s.wg.Done()
	var path *audioPath
	var cur *audioTrack
	var gen uint64
	var told *sinkBox // the sink last told the sync delay
	defer func() {
		if path != nil {
			path.close()
		}
	}()
	emit := func(pcm []int16, gap int) {
		s.aud.samples.Add(int64(len(pcm) / AudioChannels))
		if b := s.aud.sink.Load(); b != nil {
			b.s.PlayAudio(pcm, gap)
		}
	}
	for {
		var p *audioPkt
		select {
		case <-s.ctx.Done():
			return
		case p = <-s.aud.ch:
		}
		if p.track != cur {
			if path != nil {
				path.close()
				path = nil
			}
			cur, gen = p.track, p.gen
			path = s.openAudio(cur)
			s.aud.sync.reset() // a new session: its own reports
			if b := s.aud.sink.Load(); b != nil {
				b.s.ResetAudio()
			}
		} else if p.gen != gen && path != nil {
			gen = p.gen // a seek: the sound starts afresh with the picture
			path.reset()
			if b := s.aud.sink.Load(); b != nil {
				b.s.ResetAudio()
			}
		}
		if path != nil {
			path.onPacket(p.data, emit)
			if r, c := path.dec.SourceFormat(); r > 0 {
				cur.srcRate.Store(int32(r))
				cur.srcCh.Store(int32(c))
			}
			told = s.syncAudio(path, cur, told, time.Now())
		}
		s.aud.free <- p
	}
}

// syncAudio runs the lip sync after a packet was played (audiosync.go):
// every syncSampleEvery it measures when the end of the sound just handed
// to the sink will be heard and when the picture last shown was, maps
// both through their tracks' latest sender reports, and gives the sink
// the sync delay that follows. A sink that is not an AudioSyncSink is
// left alone; one newly given to the stream (told is the last one) gets
// the stream's delay at once, whatever the last stream left on it. It
// returns the sink told.
func (s *Stream) syncAudio(path *audioPath, t *audioTrack, told *sinkBox, now time.Time) *sinkBox {
	b := s.aud.sink.Load()
	if b == nil {
		return told
	}
	y := &s.aud.sync
	sk, ok := b.s.(AudioSyncSink)
	if !ok {
		y.picHold.Store(0) // nothing says when this sink plays
		return b
	}
	if b != told {
		// Given the sound (again): the measures from before, if any,
		// are of another time.
		sk.SetSyncDelay(y.delay)
		y.picHold.Store(int64(y.hold))
		y.n = 0
	}
	if !y.due(now) || !path.haveNext {
		return b
	}
	lat, playing := sk.Latency()
	if !playing {
		return b
	}
	s.mu.Lock()
	cl := s.client
	s.mu.Unlock()
	if cl == nil {
		return b
	}
	video := presentation{sr: cl.Stats(cl.VideoTrackIndex()).LastSenderReport, clock: videoClockRate}
	video.ts, video.at, _ = s.frames.picture(now) // zero when none: no measure
	audio := presentation{sr: cl.Stats(t.track.Index).LastSenderReport, clock: path.clock, ts: path.next, at: now.Add(lat)}
	old, oldHold := y.delay, y.hold
	if y.step(now, video, audio) != old {
		sk.SetSyncDelay(y.delay)
	}
	if y.delay != old || y.hold != oldHold || now.Sub(y.logged) >= syncLogEvery {
		y.logged = now
		vd, vok := video.delay()
		ad, aok := audio.delay()
		if vok && aok {
			slog.Debug("player: lip sync", "picture_delay", vd, "sound_delay", ad,
				"offset", time.Duration(y.offset.Load()), "sound_held", y.delay, "picture_held", y.hold, "synced", y.synced.Load())
		}
	}
	return b
}

// openAudio opens the depacketizer and decoder for t, or marks it failed.
func (s *Stream) openAudio(t *audioTrack) *audioPath {
	p, err := newAudioPath(t.track)
	if err != nil {
		t.failed.Store(true)
		slog.Debug("player: no audio decoder", "codec", t.name, "err", err)
		return nil
	}
	return p
}

// audioInfo is Stats' view of track t; cl (nil when none) gives its packet
// count.
func (s *Stream) audioInfo(t *audioTrack, cl *rtsp.Client) *AudioInfo {
	ai := &AudioInfo{
		Codec:       t.name,
		SampleRate:  t.track.ClockRate,
		Channels:    t.track.Channels,
		Decoded:     time.Duration(s.aud.samples.Load()) * time.Second / AudioRate,
		Dropped:     s.aud.dropped.Load(),
		Supported:   t.unsupported == nil && !t.failed.Load(),
		SetUp:       t.setUp.Load(),
		Refused:     t.refused.Load(),
		Synced:      s.aud.sync.synced.Load(),
		SyncOffset:  time.Duration(s.aud.sync.offset.Load()),
		SyncDelay:   time.Duration(s.aud.sync.held.Load()),
		PictureHold: time.Duration(s.aud.sync.picHold.Load()),
	}
	if r := t.srcRate.Load(); r > 0 {
		ai.SampleRate, ai.Channels = int(r), int(t.srcCh.Load())
	}
	if cl != nil && ai.SetUp {
		ai.PacketsReceived = cl.Stats(t.track.Index).PacketsReceived
	}
	return ai
}

// AudioSentence says, for a person, why a stream's sound does not play, or
// "" when it plays (or the stream has none): "Audio (G.723.1) not
// supported" for a codec this player does not decode.
func AudioSentence(ai *AudioInfo) string {
	switch {
	case ai == nil:
		return ""
	case !ai.Supported:
		return "Audio (" + audioDisplayName(ai.Codec) + ") not supported"
	case ai.Refused:
		return "The camera refused to send its audio"
	}
	return ""
}

// audioDisplayName writes a codec as people know it.
func audioDisplayName(codec string) string {
	switch codec {
	case "G723":
		return "G.723.1"
	case "G722":
		return "G.722"
	case "G729":
		return "G.729"
	case "G726":
		return "G.726"
	case "PCMA":
		return "G.711 A-law"
	case "PCMU":
		return "G.711 µ-law"
	}
	return codec
}
