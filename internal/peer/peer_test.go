package peer

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestRequired(t *testing.T) {
	for _, tc := range []struct {
		require, ci string
		want        bool
	}{
		{"", "", false},
		{"0", "", false},
		{"false", "", false},
		{"1", "", true},
		{"", "true", true},
		{"", "1", true},
		{"", "yes", true},
		{"", "false", false},
		{"", "0", false},
		{"0", "true", true},
		{"1", "false", true},
	} {
		t.Setenv("RTSPVIEW_REQUIRE_PEERS", tc.require)
		t.Setenv("CI", tc.ci)
		if got := Required(); got != tc.want {
			t.Errorf("RTSPVIEW_REQUIRE_PEERS=%q CI=%q: %v, want %v", tc.require, tc.ci, got, tc.want)
		}
	}
}

// recorder is a testing.TB that records Fatal and Skip instead of ending a
// real test. Like testing.T, both stop the calling goroutine
// (runtime.Goexit), so a gate that went on after Fatalf would show here.
type recorder struct {
	testing.TB // nil: a method the gate should not call panics
	fatal      string
	skip       string
	failed     bool
	skipped    bool
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed, r.fatal = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Skipf(format string, args ...any) {
	r.skipped, r.skip = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// gate runs f on its own goroutine, as the testing package runs a test,
// and returns what f's TB recorded and what f returned.
func gate(f func(tb testing.TB) string) (*recorder, string) {
	r := &recorder{}
	var got string
	done := make(chan struct{})
	go func() {
		defer close(done)
		got = f(r)
	}()
	<-done
	return r, got
}

// TestCommandFailsWhenPeerMissing is the gate's promise: with CI set or
// RTSPVIEW_REQUIRE_PEERS=1, a test whose ffmpeg is missing fails with a
// sentence naming ffmpeg; elsewhere it skips; with ffmpeg on PATH it goes
// on and gets the path.
func TestCommandFailsWhenPeerMissing(t *testing.T) {
	empty := t.TempDir()
	withFFmpeg := t.TempDir()
	fake := filepath.Join(withFFmpeg, "ffmpeg")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path, require, ci string
		wantFail, wantSkip      bool
	}{
		{"CI=true, missing", empty, "", "true", true, false},
		{"RTSPVIEW_REQUIRE_PEERS=1, missing", empty, "1", "", true, false},
		{"CI=false, missing", empty, "", "false", false, true},
		{"neither, missing", empty, "", "", false, true},
		{"CI=true, present", withFFmpeg, "", "true", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("PATH", tc.path)
			t.Setenv("RTSPVIEW_REQUIRE_PEERS", tc.require)
			t.Setenv("CI", tc.ci)
			r, path := gate(func(tb testing.TB) string { return Command(tb, "ffmpeg") })
			if r.failed != tc.wantFail || r.skipped != tc.wantSkip {
				t.Fatalf("failed=%v skipped=%v, want failed=%v skipped=%v (fatal %q, skip %q)",
					r.failed, r.skipped, tc.wantFail, tc.wantSkip, r.fatal, r.skip)
			}
			msg := r.fatal + r.skip
			if (tc.wantFail || tc.wantSkip) && !strings.HasPrefix(msg, "ffmpeg is missing: install ffmpeg") {
				t.Errorf("message %q does not say that ffmpeg is missing and how to install it", msg)
			}
			if !tc.wantFail && !tc.wantSkip && path != fake {
				t.Errorf("path %q, want %q", path, fake)
			}
		})
	}
}

func TestMissingSentenceNamesPackage(t *testing.T) {
	for name, want := range map[string]string{
		"ffprobe":              "ffprobe is missing: install ffmpeg (scripts/setup.sh installs it)",
		"gnome-keyring-daemon": "gnome-keyring-daemon is missing: install gnome-keyring (scripts/setup.sh installs it)",
		"somethingelse":        "somethingelse is missing: install somethingelse (scripts/setup.sh installs it)",
	} {
		if got := missingSentence(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}
