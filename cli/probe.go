package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/rtspview/rtspview/player"
)

// probeResult is the probe command's JSON contract (docs/headless.md, "probe"):
// other tooling parses it, so fields and names only ever grow.
type probeResult struct {
	URL             string            `json:"url"`
	Transport       string            `json:"transport"`
	TLS             bool              `json:"tls"`
	Video           probeVideo        `json:"video"`
	FramesShown     uint64            `json:"frames_decoded"` // pictures shown; the JSON name is the first probe's
	ConnectMS       int64             `json:"connect_ms"`
	FirstFrameMS    int64             `json:"first_frame_ms"`
	PacketsReceived uint64            `json:"packets_received"`
	PacketsLost     uint64            `json:"packets_lost"`
	Fallbacks       []player.Fallback `json:"fallbacks"`
	// FramesConcealed counts decoded pictures that lost data on the way
	// and were shown with the gaps concealed; DecodeErrors counts access
	// units the decoder rejected.
	FramesConcealed uint64 `json:"frames_concealed"`
	DecodeErrors    uint64 `json:"decode_errors"`
	// Seekable is true for a recording (the SDP's range is finite, or in
	// clock= times); DurationS is its length in seconds, null when live;
	// StartNPT is the normal play time of the first decoded picture, from
	// the PLAY answer's Range and RTP-Info and the picture's RTP
	// timestamp, null for a live stream (its range starts "now") or when
	// no picture came.
	Seekable  bool     `json:"seekable"`
	DurationS *float64 `json:"duration_s"`
	StartNPT  *float64 `json:"start_npt"`
	// Audio is the stream's sound track, null when it has none: its
	// codec (AAC, PCMA, PCMU, L16, OPUS, G726, or the SDP's own name in
	// upper case for one not decoded), sample rate and channels.
	// AudioMSDecoded is how many milliseconds of it were decoded while
	// the video frames were.
	Audio          *probeAudio `json:"audio"`
	AudioMSDecoded int64       `json:"audio_ms_decoded"`
	Error          string      `json:"error,omitempty"`
	ErrorKind      string      `json:"error_kind,omitempty"`
}

type probeAudio struct {
	Codec      string `json:"codec"`
	SampleRate int    `json:"sample_rate"`
	Channels   int    `json:"channels"`
}

type probeVideo struct {
	Codec  string `json:"codec"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

// parseInterspersed parses flags that may come before or after the
// positional arguments ("probe URL --json" as well as "probe --json URL").
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func runProbe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	transport := fs.String("transport", "auto", "auto|udp|tcp|http|https")
	frames := fs.Int("frames", 25, "video frames to decode")
	timeout := fs.Duration("timeout", 20*time.Second, "give up after this long")
	user := fs.String("user", "", "username (overrides the URL's)")
	password := fs.String("password", "", "password (overrides the URL's; or set RTSPVIEW_PASSWORD)")
	insecure := fs.Bool("insecure", false, "accept any TLS certificate")
	allowBasic := fs.Bool("allow-basic", false, "answer a Basic-only password challenge on a connection without TLS (the password crosses the network in clear)")
	asJSON := fs.Bool("json", false, "print one JSON object on stdout")
	proxy := fs.String("proxy", "", "HTTP proxy for the http/https tunnel (default: HTTP_PROXY/HTTPS_PROXY)")
	verbose := fs.Bool("verbose", false, "debug log on stderr, without credentials (or set RTSPVIEW_VERBOSE=1)")
	start := fs.String("start", "", "play a recording from this play time (12s, 00:01:30) or wall-clock time (2026-11-28T22:00:00Z)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: rtspview probe [--transport auto|udp|tcp|http|https] [--frames N] [--timeout DURATION] [--user U] [--password P] [--insecure] [--allow-basic] [--proxy URL] [--start TIME] [--json] [--verbose] URL")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fs.Usage()
		return 2
	}
	setupLogging(stderr, *verbose)
	rawURL := pos[0]
	// A mistake in the person's own input (address, proxy, transport word)
	// exits 2 as bad usage does, with the sentence that says what to fix;
	// --json still prints its one object, with error_kind "input".
	inputFail := func(err error) int {
		res := probeResult{URL: player.RedactURL(rawURL), Fallbacks: []player.Fallback{},
			Error: player.Sentence(err, rawURL), ErrorKind: string(player.KindInput)}
		if *asJSON {
			_ = json.NewEncoder(stdout).Encode(res)
		}
		fmt.Fprintln(stderr, res.Error)
		return 2
	}
	tr, err := player.ParseTransport(*transport)
	if err != nil {
		return inputFail(err)
	}
	if *frames < 1 || *timeout <= 0 {
		fmt.Fprintln(stderr, "--frames must be at least 1 and --timeout positive")
		return 2
	}
	pass := *password
	if pass == "" {
		pass = os.Getenv("RTSPVIEW_PASSWORD")
	}
	cfg := player.Config{
		URL:       rawURL,
		Transport: tr,
		Username:  *user,
		Password:  pass,
		Insecure:  *insecure,
		Proxy:     *proxy,

		AllowBasic: *allowBasic,
	}
	if err := player.CheckInput(cfg); err != nil {
		return inputFail(err)
	}
	if cfg.Start, cfg.StartClock, err = player.ParseStart(*start); err != nil {
		return inputFail(err)
	}
	res, err := probe(cfg, *frames, *timeout)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		_ = enc.Encode(res)
	} else if err == nil {
		fmt.Fprintf(stdout, "%s: %s %dx%d over %s, %d frames, connect %d ms, first frame %d ms, %d packets (%d lost)%s\n",
			res.URL, res.Video.Codec, res.Video.Width, res.Video.Height, res.Transport, res.FramesShown,
			res.ConnectMS, res.FirstFrameMS, res.PacketsReceived, res.PacketsLost, res.audioText())
	}
	if err != nil {
		fmt.Fprintln(stderr, res.Error)
		if res.ErrorKind == string(player.KindInput) {
			return 2 // e.g. a malformed HTTP_PROXY, found only when dialling
		}
		return 1
	}
	return 0
}

// probe plays cfg until frames pictures are decoded, the stream fails, or
// timeout passes.
func probe(cfg player.Config, frames int, timeout time.Duration) (probeResult, error) {
	got := make(chan struct{}, 1)
	failed := make(chan player.Status, 1)
	ended := make(chan struct{}, 1)
	count := 0
	cfg.OnFrame = func() {
		count++ // OnFrame is only ever called from the one decoder goroutine
		if count == frames {
			select {
			case got <- struct{}{}:
			default:
			}
		}
	}
	cfg.OnStatus = func(st player.Status) {
		if st.State == player.StateFailed {
			select {
			case failed <- st:
			default:
			}
		}
		if st.State == player.StateEnded {
			select {
			case ended <- struct{}{}:
			default:
			}
		}
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = min(timeout, 10*time.Second)
	}
	cfg.Audio = player.AudioDiscard // decoded and counted, not played
	s := player.Start(cfg)
	var err error
	var kind player.ErrorKind
	timer := time.NewTimer(timeout)
	select {
	case <-got:
	case st := <-failed:
		err, kind = st.Err, st.Kind
	case <-ended:
		// The recording ended before enough frames: said as such, not as
		// a timeout after waiting for frames that cannot come.
		err, kind = errEnded, player.KindTimeout
	case <-timer.C:
		err = fmt.Errorf("no %d frames within %v: %w", frames, timeout, player.ErrTimeout)
		kind = player.KindTimeout
	}
	timer.Stop()
	st := s.Stats()
	s.Close()
	res := probeResult{
		URL:             st.URL,
		Transport:       st.Transport,
		TLS:             st.TLS,
		Video:           probeVideo{Codec: st.Codec, Width: st.Width, Height: st.Height},
		FramesShown:     st.FramesShown,
		ConnectMS:       st.ConnectTime.Milliseconds(),
		FirstFrameMS:    st.FirstFrameTime.Milliseconds(),
		PacketsReceived: st.PacketsReceived,
		PacketsLost:     st.PacketsLost,
		Fallbacks:       st.Fallbacks,
		FramesConcealed: st.FramesConcealed,
		DecodeErrors:    st.DecodeErrors,
		Seekable:        st.Seekable,
	}
	if st.Duration > 0 {
		d := seconds(st.Duration)
		res.DurationS = &d
	}
	if st.HasStartNPT {
		n := seconds(st.StartNPT)
		res.StartNPT = &n
	}
	if a := st.Audio; a != nil {
		res.Audio = &probeAudio{Codec: a.Codec, SampleRate: a.SampleRate, Channels: a.Channels}
		res.AudioMSDecoded = a.Decoded.Milliseconds()
	}
	if res.Fallbacks == nil {
		res.Fallbacks = []player.Fallback{}
	}
	if res.Transport == "" {
		res.Transport = cfg.Transport.String()
		if n := len(st.Fallbacks); n > 0 {
			res.Transport = st.Fallbacks[n-1].Transport
		}
	}
	if err != nil {
		res.Error = player.Sentence(err, cfg.URL)
		if errors.Is(err, errEnded) {
			res.Error = fmt.Sprintf("The recording ended after %d of %d frames.", st.FramesShown, frames)
		} else if kind == player.KindTimeout && st.FramesShown > 0 {
			res.Error = fmt.Sprintf("Only %d of %d frames arrived within %v.", st.FramesShown, frames, timeout)
		} else if kind == player.KindTimeout && st.PacketsReceived == 0 && st.Transport != "" {
			res.Error = fmt.Sprintf("Connected over %s, but no video arrived within %v.", st.Transport, timeout)
		} else if kind == player.KindTimeout && st.PacketsReceived > 0 && !errors.Is(err, player.ErrNoPicture) {
			// Video came but nothing decoded: the server did answer.
			res.Error = fmt.Sprintf("Video arrives but no picture could be decoded in %v (no keyframe).", timeout)
		}
		res.ErrorKind = string(kind)
	}
	return res, err
}

// errEnded: the recording played to its end before probe had its frames.
var errEnded = errors.New("the recording ended")

// seconds rounds d to milliseconds, as the JSON's other times are.
func seconds(d time.Duration) float64 {
	return float64(d.Round(time.Millisecond)) / float64(time.Second)
}

// audioText is the sound's part of probe's line: ", audio AAC 48000 Hz 2 ch
// (2000 ms decoded)", or "" without audio.
func (r probeResult) audioText() string {
	if r.Audio == nil {
		return ""
	}
	return fmt.Sprintf(", audio %s %d Hz %d ch (%d ms decoded)", r.Audio.Codec, r.Audio.SampleRate, r.Audio.Channels, r.AudioMSDecoded)
}
