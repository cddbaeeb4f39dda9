package rtsptest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/rtspview/rtspview/internal/peer"
)

// Proxy is a running tinyproxy, a real HTTP forward proxy from Debian.
type Proxy struct {
	Addr    string // host:port
	LogFile string // tinyproxy's log: shows what it carried
}

// StartTinyproxy runs tinyproxy on a loopback port. With user set it
// demands Basic proxy authentication.
func StartTinyproxy(t testing.TB, user, pass string) *Proxy {
	t.Helper()
	bin := peer.Command(t, "tinyproxy")
	dir := t.TempDir()
	port := FreePort(t)
	logf := filepath.Join(dir, "tinyproxy.log")
	conf := fmt.Sprintf("Port %d\nListen 127.0.0.1\nTimeout 600\nMaxClients 50\nAllow 127.0.0.1\nLogLevel Info\nLogFile %q\nPidFile %q\n",
		port, logf, filepath.Join(dir, "pid"))
	if user != "" {
		conf += fmt.Sprintf("BasicAuth %s %s\n", user, pass)
	}
	confPath := filepath.Join(dir, "tinyproxy.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-d", "-c", confPath)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for i := 0; i < 100; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return &Proxy{Addr: addr, LogFile: logf}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("tinyproxy did not start")
	return nil
}

// Log returns what tinyproxy logged so far.
func (p *Proxy) Log() string {
	b, _ := os.ReadFile(p.LogFile)
	return string(b)
}
