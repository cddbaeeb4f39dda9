package rtsptest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"
	"time"
)

func TestClosedPortRefuses(t *testing.T) {
	port := ClosedPort(t)
	// Several dials: the port stays refused for the whole test.
	for i := 0; i < 3; i++ {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 2*time.Second)
		if err == nil {
			c.Close()
			t.Fatal("connected to ClosedPort")
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			t.Fatalf("dial: %v, want connection refused", err)
		}
	}
}

func TestFreePortCanListen(t *testing.T) {
	port := FreePort(t)
	ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatalf("FreePort %d: %v", port, err)
	}
	ln.Close()
}

func TestSilentServerNeverAnswers(t *testing.T) {
	addr := SilentServer(t)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "OPTIONS rtsp://"+addr+"/ RTSP/1.0\r\nCSeq: 1\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	var buf [1]byte
	n, err := c.Read(buf[:])
	var ne net.Error
	if n != 0 || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("read %d bytes, err %v: want a timeout with nothing read", n, err)
	}
}

// TestSilentServerClosesOnCleanup checks the Cleanup hangs up on clients.
func TestSilentServerClosesOnCleanup(t *testing.T) {
	var c net.Conn
	t.Run("server", func(t *testing.T) {
		addr := SilentServer(t)
		var err error
		if c, err = net.Dial("tcp", addr); err != nil {
			t.Fatal(err)
		}
		// Make sure it was accepted before the subtest's cleanup runs.
		_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		_, _ = c.Read(make([]byte, 1))
	})
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("read after cleanup: %v, want EOF", err)
	}
}

func TestScriptedServer(t *testing.T) {
	addr := ScriptedServer(t, func(c net.Conn) {
		line, err := bufio.NewReader(c).ReadString('\n')
		if err != nil {
			return
		}
		// A hostile answer: a status line with no CSeq, then hang up.
		fmt.Fprintf(c, "RTSP/1.0 200\r\n\r\necho %s", line)
	})
	for i := 0; i < 2; i++ { // a handler per connection
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "PING %d\n", i)
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		got, err := io.ReadAll(c)
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("RTSP/1.0 200\r\n\r\necho PING %d\n", i); string(got) != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}

func TestFFmpegFirstFrameFailsOnClosedPort(t *testing.T) {
	needFFmpeg(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := FFmpegFirstFrame(ctx, fmt.Sprintf("rtsp://127.0.0.1:%d/x", ClosedPort(t)), "tcp")
	var exit interface{ ExitCode() int }
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("err = %v, want ffmpeg's exit error", err)
	}
}
