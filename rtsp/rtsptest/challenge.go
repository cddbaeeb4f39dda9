package rtsptest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// Challenger is a scripted server that answers every request, RTSP or
// HTTP (a tunnel's GET and POST), with 401 and the WWW-Authenticate
// values it was given, and keeps every byte it received: the tests of
// where a password may go look in Received for an Authorization header
// that must never arrive.
type Challenger struct {
	Addr string

	mu    sync.Mutex
	raw   bytes.Buffer
	conns int
}

// StartChallenger listens on addr ("127.0.0.1:0", "127.0.0.2:0") and
// answers with challenges, one WWW-Authenticate header each.
func StartChallenger(t testing.TB, addr string, challenges ...string) *Challenger {
	t.Helper()
	c := &Challenger{}
	c.Addr = ScriptedServerOn(t, addr, func(nc net.Conn) {
		c.mu.Lock()
		c.conns++
		c.mu.Unlock()
		br := bufio.NewReader(io.TeeReader(nc, c))
		// Bounded: a client that retries forever ends with the test.
		for range 16 {
			_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
			line, err := br.ReadString('\n')
			if err != nil {
				return
			}
			proto := "RTSP/1.0"
			if strings.Contains(line, "HTTP/1.") {
				proto = "HTTP/1.0"
			}
			cseq := ""
			for range 64 {
				l, err := br.ReadString('\n')
				if err != nil {
					return
				}
				if l = strings.TrimSpace(l); l == "" {
					break
				}
				if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "CSeq") {
					cseq = strings.TrimSpace(v)
				}
			}
			var b strings.Builder
			fmt.Fprintf(&b, "%s 401 Unauthorized\r\n", proto)
			if cseq != "" {
				fmt.Fprintf(&b, "CSeq: %s\r\n", cseq)
			}
			for _, ch := range challenges {
				fmt.Fprintf(&b, "WWW-Authenticate: %s\r\n", ch)
			}
			b.WriteString("Content-Length: 0\r\n\r\n")
			if _, err := io.WriteString(nc, b.String()); err != nil {
				return
			}
		}
	})
	return c
}

// Write keeps what the server read (io.TeeReader's side).
func (c *Challenger) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.raw.Write(p)
}

// Received returns every byte read so far, from all connections.
func (c *Challenger) Received() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.raw.String()
}

// Connections returns how many connections were accepted.
func (c *Challenger) Connections() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conns
}

// SawAuthorization reports whether any request carried an Authorization
// header (any case).
func (c *Challenger) SawAuthorization() bool {
	return strings.Contains(strings.ToLower(c.Received()), "\nauthorization:")
}

// Port returns the listener's port.
func (c *Challenger) Port() int {
	_, p, _ := net.SplitHostPort(c.Addr)
	var n int
	fmt.Sscan(p, &n)
	return n
}
