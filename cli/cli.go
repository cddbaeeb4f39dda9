// Package cli is rtspview's command line and its composition root, the one
// package that imports all the others: the window (flags and the URLs to
// open), and the headless subcommands probe, discover, record, bench and
// demo-server, which share the same player so everything can be tested
// without a display. main only attaches a console and calls Run. The
// libraries under internal/ are leaves, and none of them imports this.
package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/rtspview/rtspview/internal/demo"
	_ "github.com/rtspview/rtspview/internal/locale" // before Fyne's init: see the package doc
	"github.com/rtspview/rtspview/internal/version"
	"github.com/rtspview/rtspview/player"
	"github.com/rtspview/rtspview/ui"
)

// Run runs the command line args (without the program name) and returns
// the exit status: 0 success, 1 failure, 2 bad usage or input.
func Run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "probe":
			return runProbe(args[1:], stdout, stderr)
		case "record":
			return runRecord(args[1:], stdout, stderr)
		case "discover":
			return runDiscover(args[1:], stdout, stderr)
		case "demo-server":
			return runDemoServer(args[1:], stdout, stderr)
		case "bench":
			return runBench(args[1:], stdout, stderr)
		case "help", "-h", "--help":
			usage(stdout)
			return 0
		case "version", "-version", "--version":
			fmt.Fprintln(stdout, version.Get(player.FFmpegVersion(), player.FFmpegLicense()))
			return 0
		}
	}
	return runGUI(args, stderr)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  rtspview [--transport auto|udp|tcp|http|https] [--insecure] [--proxy URL] [--start TIME] [--verbose] [--screenshot FILE --after DURATION] [URL…]
  rtspview [--wall FILE] [--fullscreen | --kiosk] [--screenshot FILE --after DURATION] [--stats-file FILE]
  rtspview probe [--transport …] [--frames N] [--timeout DURATION] [--user U] [--password P] [--insecure] [--proxy URL] [--start TIME] [--json] [--verbose] URL
  rtspview record [--out DIR] [--segment 15m] [--for DURATION] [--transport T] [--name NAME] URL
  rtspview discover [--timeout 3s] [--json] [--user U] [--password P] [HOST[:PORT]…]
  rtspview demo-server [--addr 127.0.0.1:8554]
  rtspview bench [--streams N] [--duration D] [--size WxH] [--transport T] [--hidden] [--record DIR [--record-queue BYTES]] [--json] [URL]
  rtspview --version

With no URL the viewer opens the saved camera wall (see docs/wall-format.md),
or plays its built-in demo stream when there is none. Addresses given here
open as a temporary wall: the saved one is left as it is.
--stats-file FILE writes, every second and at exit, what each tile paints:
painted and decoded fps, drops, latency from the last RTP packet to the
canvas (scripts/bench-wall.sh reads it).
--kiosk shows the wall fullscreen with no address bar, menus or dialogs;
cameras reconnect for ever, and only Ctrl+Shift+Q leaves.
`)
}

func runGUI(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("rtspview", flag.ContinueOnError)
	fs.SetOutput(stderr)
	transport := fs.String("transport", "auto", "auto|udp|tcp|http|https")
	shot := fs.String("screenshot", "", "write a PNG of the window to FILE after --after, then exit")
	after := fs.Duration("after", 3*time.Second, "delay before --screenshot")
	insecure := fs.Bool("insecure", false, "accept any TLS certificate")
	proxy := fs.String("proxy", "", "HTTP proxy for the http/https tunnel (default: HTTP_PROXY/HTTPS_PROXY)")
	verbose := fs.Bool("verbose", false, "debug log on stderr, without credentials (or set RTSPVIEW_VERBOSE=1)")
	wallFile := fs.String("wall", "", "open the camera wall in FILE and save edits there (default: the saved wall)")
	start := fs.String("start", "", "play recordings from this play time (12s, 00:01:30) or wall-clock time (2026-11-28T22:00:00Z)")
	statsFile := fs.String("stats-file", "", "write what each tile paints (fps, latency) as JSON to FILE every second and at exit")
	fullscreen := fs.Bool("fullscreen", false, "start fullscreen (F or Esc leaves it)")
	kiosk := fs.Bool("kiosk", false, "the wall alone, fullscreen: no address bar, menus or dialogs, reconnects for ever; Ctrl+Shift+Q leaves")
	fs.Usage = func() { usage(stderr) }
	urls, err := parseInterspersed(fs, args)
	if err != nil {
		return 2
	}
	setupLogging(stderr, *verbose)
	startPprof()
	tr, err := player.ParseTransport(*transport)
	if err != nil {
		fmt.Fprintln(stderr, player.Sentence(err, ""))
		return 2
	}
	opts := ui.Options{URLs: urls, Transport: tr, Screenshot: *shot, After: *after, Insecure: *insecure, Proxy: *proxy, StatsFile: *statsFile, Fullscreen: *fullscreen, Kiosk: *kiosk}
	if opts.Start, opts.StartClock, err = player.ParseStart(*start); err != nil {
		fmt.Fprintln(stderr, player.Sentence(err, ""))
		return 2
	}
	if code := openWall(&opts, *wallFile, stderr); code != 0 {
		return code
	}
	if len(urls) == 0 && (opts.Wall == nil || len(opts.Wall.Cameras) == 0) {
		srv, err := demo.Start(demo.Config{})
		if err != nil {
			fmt.Fprintln(stderr, "cannot start the demo stream:", err)
			return 1
		}
		defer srv.Close()
		opts.URLs = []string{srv.URL()}
	}
	if err := ui.Run(opts); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

func runDemoServer(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8554", "listen address")
	if _, err := parseInterspersed(fs, args); err != nil {
		return 2
	}
	srv, err := demo.Start(demo.Config{Addr: *addr})
	if err != nil {
		fmt.Fprintln(stderr, "cannot start the demo server:", err)
		return 1
	}
	defer srv.Close()
	fmt.Fprintln(stdout, "serving", srv.URL())
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	return 0
}
