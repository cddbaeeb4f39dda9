// Package peer is the one gate every test uses for a peer it cannot run
// without: a command such as ffmpeg, ffprobe or gnome-keyring-daemon, an X
// display, a gst-rtsp-server through python3-gi, a loopback address. When
// peers are required (scripts/test.sh and CI), a missing one fails the
// test with a sentence naming it; elsewhere it skips, so a developer
// without the whole set can still run the rest.
//
// It imports nothing of rtspview, so the tests of every package (decode and
// internal/demo included, below rtsp/rtsptest) can use it.
package peer

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// Required reports whether a missing peer must fail a test instead of
// skipping it: RTSPVIEW_REQUIRE_PEERS is set (scripts/test.sh sets it to
// 1) or CI is (GitHub Actions and most CI systems set CI=true), so a CI run
// cannot pass by skipping what it did not have. "0" and "false" turn either
// off, as an unset variable does.
func Required() bool {
	return on(os.Getenv("RTSPVIEW_REQUIRE_PEERS")) || on(os.Getenv("CI"))
}

func on(v string) bool {
	return v != "" && v != "0" && v != "false"
}

// Missing skips tb, or fails it when peers are required. The message is a
// sentence a person acts on: what is missing and how to get it.
func Missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if Required() {
		tb.Fatalf(format, args...)
	}
	tb.Skipf(format, args...)
}

// packages names the Debian package that installs each command the tests
// run, so the sentence of Command says what to install.
var packages = map[string]string{
	"ffmpeg":               "ffmpeg",
	"ffprobe":              "ffmpeg",
	"gnome-keyring-daemon": "gnome-keyring",
	"dbus-run-session":     "dbus-daemon",
	"Xvfb":                 "xvfb",
	"xdotool":              "xdotool",
	"import":               "imagemagick",
	"openbox":              "openbox",
	"ip":                   "iproute2",
	"nft":                  "nftables",
	"stunnel4":             "stunnel4",
	"tinyproxy":            "tinyproxy",
	"node":                 "nodejs",
}

// Command returns the path of the command name, found on PATH. A missing
// one is Missing's, with a sentence such as "ffmpeg is missing: install
// ffmpeg (scripts/setup.sh installs it)".
func Command(tb testing.TB, name string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		Missing(tb, "%s", missingSentence(name))
	}
	return path
}

func missingSentence(name string) string {
	pkg := packages[name]
	if pkg == "" {
		pkg = name
	}
	return fmt.Sprintf("%s is missing: install %s (scripts/setup.sh installs it)", name, pkg)
}
