package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/record"
	"github.com/rtspview/rtspview/rtsp"
)

// recordStartTimeout bounds the wait for the first file: a camera that
// never sends a picture to start at is a failure to report, not a wait
// until someone presses Ctrl-C.
const recordStartTimeout = 30 * time.Second

func runRecord(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("record", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "recordings folder (default: the Videos folder's rtspview)")
	segment := fs.Duration("segment", 15*time.Minute, "start a new file at the first keyframe after this long (0: one file)")
	duration := fs.Duration("for", 0, "stop after recording this long (default: until interrupted)")
	transport := fs.String("transport", "auto", "auto|udp|tcp|http|https")
	name := fs.String("name", "", "the camera's name, the folder its files go in (default: its host and port)")
	user := fs.String("user", "", "username (overrides the URL's)")
	password := fs.String("password", "", "password (overrides the URL's; or set RTSPVIEW_PASSWORD)")
	insecure := fs.Bool("insecure", false, "accept any TLS certificate")
	allowBasic := fs.Bool("allow-basic", false, "answer a Basic-only password challenge on a connection without TLS")
	proxy := fs.String("proxy", "", "HTTP proxy for the http/https tunnel (default: HTTP_PROXY/HTTPS_PROXY)")
	verbose := fs.Bool("verbose", false, "debug log on stderr, without credentials (or set RTSPVIEW_VERBOSE=1)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: rtspview record [--out DIR] [--segment 15m] [--for DURATION] [--transport auto|udp|tcp|http|https] [--name NAME] [--user U] [--password P] [--insecure] [--allow-basic] [--proxy URL] [--verbose] URL")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	if len(pos) != 1 {
		fs.Usage()
		return 2
	}
	if *segment < 0 || *duration < 0 {
		fmt.Fprintln(stderr, "--segment and --for must not be negative")
		return 2
	}
	if *segment > 0 && *segment < time.Second {
		fmt.Fprintln(stderr, "--segment must be at least 1s (or 0 for one file)")
		return 2
	}
	setupLogging(stderr, *verbose)
	rawURL := pos[0]
	tr, err := player.ParseTransport(*transport)
	if err != nil {
		fmt.Fprintln(stderr, player.Sentence(err, rawURL))
		return 2
	}
	pass := *password
	if pass == "" {
		pass = os.Getenv("RTSPVIEW_PASSWORD")
	}
	cfg := player.Config{
		URL: rawURL, Transport: tr, Username: *user, Password: pass,
		Insecure: *insecure, Proxy: *proxy, AllowBasic: *allowBasic,
		Reconnect: true, // a camera that drops is recorded again in a new file
	}
	if err := player.CheckInput(cfg); err != nil {
		fmt.Fprintln(stderr, player.Sentence(err, rawURL))
		return 2
	}
	dir := *out
	if dir == "" {
		if dir, err = record.DefaultDir(); err != nil {
			fmt.Fprintf(stderr, "no Videos folder (%v): give one with --out\n", err)
			return 2
		}
	}
	camera := *name
	if camera == "" {
		camera = cameraName(rawURL)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sig)
	return recordStream(cfg, recordOptions{dir: dir, camera: camera, segment: *segment, duration: *duration}, sig, stdout, stderr)
}

type recordOptions struct {
	dir, camera       string
	segment, duration time.Duration
}

// recordStream records cfg's stream until stop, the duration (counted
// from the first file's start) or a failure, and says where each file went.
func recordStream(cfg player.Config, o recordOptions, stop <-chan os.Signal, stdout, stderr io.Writer) int {
	failed := make(chan player.Status, 1)
	cfg.OnStatus = func(st player.Status) {
		if st.State == player.StateFailed {
			select {
			case failed <- st:
			default:
			}
		}
	}
	begun := make(chan struct{})
	var once sync.Once
	var outMu sync.Mutex
	rc := record.Config{
		Dir: o.dir, Camera: o.camera, Segment: o.segment,
		OnFile: func(f record.FileStats) {
			outMu.Lock()
			defer outMu.Unlock()
			if !f.Done {
				fmt.Fprintf(stdout, "recording %s\n", f.Path)
				once.Do(func() { close(begun) })
				return
			}
			fmt.Fprintf(stdout, "wrote %s: %d video frames, %d audio frames, %.2f s\n",
				f.Path, f.VideoFrames, f.AudioFrames, f.Duration.Seconds())
		},
	}
	s := player.Start(cfg)
	defer s.Close()
	// Nothing is shown: the packets are recorded, not decoded.
	s.SetHidden(true)
	rec, err := s.StartRecording(rc)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	startWait := time.NewTimer(recordStartTimeout)
	defer startWait.Stop()
	var until <-chan time.Time
	code := 0
wait:
	for {
		select {
		case <-stop:
			break wait
		case <-begun:
			begun = nil
			startWait.Stop()
			if o.duration > 0 {
				t := time.NewTimer(o.duration)
				defer t.Stop()
				until = t.C
			}
		case <-until:
			break wait
		case <-startWait.C:
			st := s.Status()
			fmt.Fprintf(stderr, "nothing recorded: no picture to start at within %v (%s)\n", recordStartTimeout, st.Text)
			code = 1
			break wait
		case st := <-failed:
			fmt.Fprintln(stderr, st.Text)
			code = 1
			break wait
		case <-rec.Done():
			break wait // a write error: said below
		}
	}
	if err := s.StopRecording(); err != nil {
		fmt.Fprintf(stderr, "recording stopped: %s\n", sentenceOf(err))
		code = 1
	}
	if st := rec.Stats(); st.Dropped > 0 {
		fmt.Fprintf(stderr, "the disk was too slow: %d units were left out\n", st.Dropped)
	}
	return code
}

// sentenceOf is err's words, with a WriteError's sentence as it is.
func sentenceOf(err error) string {
	var we *record.WriteError
	if errors.As(err, &we) {
		return we.Error()
	}
	return err.Error()
}

// cameraName is the folder a camera's files go in when no --name is given:
// its host and port, never its login.
func cameraName(rawURL string) string {
	u, err := rtsp.ParseURL(rawURL)
	if err != nil {
		return "camera"
	}
	return rtsp.HostPort(u)
}
