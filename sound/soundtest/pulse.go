// Package soundtest gives tests a sound card they can hear: a PulseAudio
// server of their own with a null sink as the default device, paced in
// real time as a card is, with ALSA's default routed to it, and parec to
// record what reaches it. (ALSA's file PCM over null is not paced: a
// player writes to it as fast as it can, silence included, so it cannot
// tell a gap from the lack of one.)
package soundtest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/peer"
	"github.com/rtspview/rtspview/internal/tone"
)

// alsaPulsePlugin is where Debian's libasound2-plugins puts ALSA's pulse
// PCM, which the .asoundrc written here names as the default.
const alsaPulsePlugin = "/usr/lib/x86_64-linux-gnu/alsa-lib/libasound_module_pcm_pulse.so"

// Pulse is a PulseAudio server with one null sink, "speaker", as the
// default sink.
type Pulse struct {
	t testing.TB
	// Env is what a process needs to play on it: HOME (for the
	// .asoundrc that routes ALSA's default there), XDG_RUNTIME_DIR and
	// PULSE_SERVER.
	Env []string
	// Home is the HOME of Env.
	Home string

	pa, pactl string
	cmd       *exec.Cmd
	done      chan struct{}
	log       bytes.Buffer
}

func command(tb testing.TB, name, pkg string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		peer.Missing(tb, "%s is missing: install %s (scripts/setup.sh installs it)", name, pkg)
	}
	return p
}

// StartPulse starts PulseAudio for the test; it stops when the test ends.
// A missing pulseaudio, pactl, parec or ALSA pulse plugin is a missing
// peer (internal/peer).
func StartPulse(t testing.TB) *Pulse {
	t.Helper()
	p := NewPulse(t)
	p.Start()
	return p
}

// NewPulse prepares a PulseAudio server's environment (Env) without
// starting it: a player started with it finds no server until Start.
func NewPulse(t testing.TB) *Pulse {
	t.Helper()
	pa := command(t, "pulseaudio", "pulseaudio")
	pactl := command(t, "pactl", "pulseaudio-utils")
	command(t, "parec", "pulseaudio-utils")
	if _, err := os.Stat(alsaPulsePlugin); err != nil {
		peer.Missing(t, "ALSA's PulseAudio plugin is missing: install libasound2-plugins (scripts/setup.sh installs it): %v", err)
	}
	// Short paths: the server's socket must fit in sun_path.
	dir, err := os.MkdirTemp("", "pa")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	home, xdg := filepath.Join(dir, "h"), filepath.Join(dir, "x")
	for _, d := range []string{home, xdg} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(home, ".asoundrc"), []byte("pcm.!default pulse\nctl.!default pulse\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return &Pulse{t: t, Home: home, pa: pa, pactl: pactl, Env: []string{
		"HOME=" + home, "XDG_RUNTIME_DIR=" + xdg, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"PULSE_SERVER=unix:" + filepath.Join(xdg, "pulse", "native"),
	}}
}

// Start starts the server and waits until it answers; it is stopped when
// the test ends, or by Kill.
func (p *Pulse) Start() {
	t := p.t
	t.Helper()
	p.log.Reset()
	cmd := exec.Command(p.pa, "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
		"--load=module-native-protocol-unix", "--load=module-null-sink sink_name=speaker", "--load=module-always-sink")
	cmd.Env = append(os.Environ(), p.Env...)
	cmd.Stdout, cmd.Stderr = &p.log, &p.log
	if err := cmd.Start(); err != nil {
		t.Fatalf("pulseaudio: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	p.cmd, p.done = cmd, done
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	// Ready when pactl gets an answer: at most 10 s of tries, each one
	// bounded by pactl's own connection timeout.
	deadline := time.Now().Add(10 * time.Second)
	for {
		c := exec.Command(p.pactl, "set-default-sink", "speaker")
		c.Env = cmd.Env
		out, err := c.CombinedOutput()
		if err == nil {
			break
		}
		select {
		case <-done:
			t.Fatalf("pulseaudio exited: %s", p.log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("pulseaudio did not answer in 10 s: %v %s", err, out)
		}
		time.Sleep(50 * time.Millisecond) // between tries of a poll, not a wait for an event
	}
}

// Kill ends the server at once, as a sound server that crashed: its
// players are not told.
func (p *Pulse) Kill() {
	p.t.Helper()
	_ = p.cmd.Process.Kill()
	<-p.done
}

// Recording is parec writing what reaches the speaker to a WAV file.
type Recording struct {
	t     testing.TB
	cmd   *exec.Cmd
	path  string
	done  chan struct{}
	Start time.Time
}

// Record starts recording the speaker's monitor at 48 kHz stereo. It asks
// for 10 ms of latency: with parec's default the null sink renders in
// blocks of 2 s, and a player that starts after it waits that long for
// its first sound to be taken (measured).
func (p *Pulse) Record() *Recording {
	p.t.Helper()
	r := &Recording{t: p.t, path: filepath.Join(p.t.TempDir(), "speaker.wav"), done: make(chan struct{})}
	r.cmd = exec.Command(command(p.t, "parec", "pulseaudio-utils"), "-d", "speaker.monitor", "--file-format=wav",
		"--rate=48000", "--channels=2", "--format=s16le", "--latency-msec=10", r.path)
	r.cmd.Env = append(os.Environ(), p.Env...)
	var stderr bytes.Buffer
	r.cmd.Stderr = &stderr
	if err := r.cmd.Start(); err != nil {
		p.t.Fatalf("parec: %v", err)
	}
	r.Start = time.Now()
	go func() { _ = r.cmd.Wait(); close(r.done) }()
	p.t.Cleanup(func() { r.kill() })
	return r
}

func (r *Recording) kill() {
	if r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-r.done:
	case <-time.After(5 * time.Second):
		_ = r.cmd.Process.Kill()
		<-r.done
	}
}

// Stop ends the recording and returns what it holds as 48 kHz stereo.
func (r *Recording) Stop() []int16 {
	r.t.Helper()
	r.kill()
	b, err := os.ReadFile(r.path)
	if err != nil {
		r.t.Fatalf("the recording: %v", err)
	}
	pcm, ch, rate, err := tone.ReadWAV(b)
	if err != nil {
		r.t.Fatalf("the recording (%d bytes): %v", len(b), err)
	}
	if ch != 2 || rate != 48000 {
		r.t.Fatalf("recorded %d channels at %d Hz, asked for 2 at 48000", ch, rate)
	}
	return pcm
}

// Setenv puts Env in the test's environment (t.Setenv, undone when it
// ends), so that what the test opens plays on this server.
func (p *Pulse) Setenv() {
	for _, kv := range p.Env {
		k, v, _ := strings.Cut(kv, "=")
		p.t.Setenv(k, v)
	}
}
