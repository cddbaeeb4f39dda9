package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/rtspview/rtspview/onvif"
)

// discoverResult is the discover command's JSON contract (docs/headless.md,
// "discover"): other tooling parses it, so fields and names only ever grow.
type discoverResult struct {
	Devices []discoverDevice `json:"devices"`
}

type discoverDevice struct {
	Endpoint     string            `json:"endpoint"`
	XAddr        string            `json:"xaddr"`
	Name         string            `json:"name"`
	Location     string            `json:"location"`
	Manufacturer string            `json:"manufacturer"`
	Model        string            `json:"model"`
	Firmware     string            `json:"firmware"`
	PTZ          bool              `json:"ptz"`
	SnapshotURL  *string           `json:"snapshot_url"`
	Profiles     []discoverProfile `json:"profiles"`
	// Error is one sentence and ErrorKind one of unauthorized, timeout,
	// protocol, refused; both null when the device answered everything.
	Error     *string `json:"error"`
	ErrorKind *string `json:"error_kind"`
}

type discoverProfile struct {
	Token  string `json:"token"`
	Name   string `json:"name"`
	Codec  string `json:"codec"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
	URL    string `json:"url"`
}

// describeRounds bounds one device's whole description at this many
// --timeout periods (each request is bounded by one): a device that
// answers every request just in time cannot hold the command for long.
const describeRounds = 3

func discoverUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: rtspview discover [--timeout 3s] [--json] [--user U] [--password P] [HOST[:PORT]…]")
	fmt.Fprintln(w, "With no host it searches the local networks (WS-Discovery); with hosts it asks each one's")
	fmt.Fprintln(w, "device service (http://HOST[:PORT]/onvif/device_service). Exit 0 when it could ask,")
	fmt.Fprintln(w, "even with no camera found; 1 when it could not (no interface with multicast); 2 for bad usage.")
}

func runDiscover(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("discover", flag.ContinueOnError)
	fs.SetOutput(stderr)
	timeout := fs.Duration("timeout", onvif.DefaultProbeTimeout, "how long to listen for cameras, and the bound on each request to one")
	asJSON := fs.Bool("json", false, "print one JSON object on stdout")
	user := fs.String("user", "", "ONVIF username")
	password := fs.String("password", "", "ONVIF password (or set RTSPVIEW_PASSWORD)")
	fs.Usage = func() {
		discoverUsage(stderr)
		fs.PrintDefaults()
	}
	hosts, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	if *timeout <= 0 {
		fmt.Fprintln(stderr, "--timeout must be positive")
		return 2
	}
	var xaddrs []string
	for _, h := range hosts {
		x, err := onvif.DeviceServiceURL(h)
		if err != nil {
			fmt.Fprintf(stderr, "Check the camera address: %v.\n", err)
			return 2
		}
		xaddrs = append(xaddrs, x)
	}
	pass := *password
	if pass == "" {
		pass = os.Getenv("RTSPVIEW_PASSWORD")
	}
	devs, err := discover(context.Background(), xaddrs, *user, pass, *timeout)
	res := discoverResult{Devices: devs}
	if *asJSON {
		_ = json.NewEncoder(stdout).Encode(res)
	} else {
		printDevices(stdout, devs)
	}
	if err != nil {
		fmt.Fprintln(stderr, onvif.Sentence(err))
		return 1
	}
	return 0
}

// discover finds the devices (by WS-Discovery when xaddrs is empty) and
// describes each, all at once. Its error is only that nothing could be
// asked; a device's failure is in its row.
func discover(ctx context.Context, xaddrs []string, user, pass string, timeout time.Duration) ([]discoverDevice, error) {
	type target struct {
		endpoint string
		xaddr    string
		scopes   []string
	}
	var targets []target
	if len(xaddrs) == 0 {
		pctx, cancel := context.WithTimeout(ctx, timeout)
		found, err := onvif.Probe(pctx, onvif.ProbeOptions{})
		cancel()
		if err != nil {
			return []discoverDevice{}, err
		}
		for _, d := range found {
			targets = append(targets, target{endpoint: d.Endpoint, xaddr: d.XAddr(), scopes: d.Scopes})
		}
	} else {
		for _, x := range xaddrs {
			targets = append(targets, target{xaddr: x})
		}
	}
	out := make([]discoverDevice, len(targets))
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dctx, cancel := context.WithTimeout(ctx, describeRounds*timeout)
			defer cancel()
			cam, _, err := onvif.Describe(dctx, onvif.Config{XAddr: t.xaddr, Username: user, Password: pass, Timeout: timeout}, t.scopes)
			if t.endpoint != "" { // found by WS-Discovery; by address, Describe asked the device
				cam.Endpoint = t.endpoint
			}
			out[i] = deviceRow(cam, err)
		}()
	}
	wg.Wait()
	return out, nil
}

func deviceRow(cam onvif.Camera, err error) discoverDevice {
	d := discoverDevice{
		Endpoint:     cam.Endpoint,
		XAddr:        onvif.StripCredentials(cam.XAddr),
		Name:         cam.Name,
		Location:     cam.Location,
		Manufacturer: cam.Info.Manufacturer,
		Model:        cam.Info.Model,
		Firmware:     cam.Info.Firmware,
		PTZ:          cam.PTZ,
		Profiles:     []discoverProfile{},
	}
	if cam.SnapshotURL != "" {
		s := onvif.StripCredentials(cam.SnapshotURL)
		d.SnapshotURL = &s
	}
	for _, p := range cam.Profiles {
		d.Profiles = append(d.Profiles, discoverProfile{Token: p.Token, Name: p.Name, Codec: p.Encoding,
			Width: p.Width, Height: p.Height, URL: onvif.StripCredentials(p.URL)})
	}
	if err != nil {
		s, k := onvif.Sentence(err), string(onvif.Kind(err))
		d.Error, d.ErrorKind = &s, &k
	}
	return d
}

func printDevices(w io.Writer, devs []discoverDevice) {
	if len(devs) == 0 {
		fmt.Fprintln(w, "No ONVIF camera answered.")
		return
	}
	for _, d := range devs {
		title := d.Name
		if d.Location != "" {
			title += " (" + d.Location + ")"
		}
		if title != "" {
			fmt.Fprintln(w, title)
		}
		fmt.Fprintf(w, "  %s", d.XAddr)
		if d.Manufacturer != "" || d.Model != "" {
			fmt.Fprintf(w, " · %s %s", d.Manufacturer, d.Model)
		}
		if d.Firmware != "" {
			fmt.Fprintf(w, " · firmware %s", d.Firmware)
		}
		if d.PTZ {
			fmt.Fprint(w, " · PTZ")
		}
		fmt.Fprintln(w)
		for _, p := range d.Profiles {
			fmt.Fprintf(w, "  %s (%s) %s %d×%d %s\n", p.Name, p.Token, p.Codec, p.Width, p.Height, p.URL)
		}
		if d.SnapshotURL != nil {
			fmt.Fprintf(w, "  snapshot %s\n", *d.SnapshotURL)
		}
		if d.Error != nil {
			fmt.Fprintf(w, "  %s\n", *d.Error)
		}
	}
}
