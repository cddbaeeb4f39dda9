package depack

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/peer"
)

// requireFFmpeg returns the ffmpeg command's path, through peer's gate.
func requireFFmpeg(t testing.TB) string {
	t.Helper()
	return peer.Command(t, "ffmpeg")
}

// frameMD5s decodes file (of the given ffmpeg demuxer format) with the
// ffmpeg command and returns the MD5 of every decoded frame, in order. Any
// decoder complaint at -v error fails the test.
func frameMD5s(t *testing.T, format, file string) []string {
	t.Helper()
	ffmpeg := requireFFmpeg(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, ffmpeg, "-v", "error", "-nostdin",
		"-f", format, "-i", file, "-f", "framemd5", "-")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ffmpeg %s: %v\n%s", file, err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Fatalf("ffmpeg reported decode errors for %s:\n%s", file, stderr.String())
	}
	var sums []string
	for line := range strings.SplitSeq(stdout.String(), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ",")
		sums = append(sums, strings.TrimSpace(f[len(f)-1]))
	}
	return sums
}

// writeTemp writes data to a new file in the test's temporary directory.
func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// encodeClip runs ffmpeg with args (which must end with the output format
// options) writing to a new file named name in a temporary directory, and
// returns its path.
func encodeClip(t testing.TB, name string, args ...string) string {
	t.Helper()
	ffmpeg := requireFFmpeg(t)
	out := filepath.Join(t.TempDir(), name)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args = append(append([]string{"-v", "error", "-nostdin", "-y"}, args...), out)
	if msg, err := exec.CommandContext(ctx, ffmpeg, args...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, msg)
	}
	return out
}
