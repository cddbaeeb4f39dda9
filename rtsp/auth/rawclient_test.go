package auth_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rawResponse is an RTSP response read off the wire by rawRoundTrip.
type rawResponse struct {
	status int
	header textproto.MIMEHeader
	body   string
}

// rawRoundTrip writes one request on conn and reads its response, bounded by
// a deadline, without any RTSP client library: the point of these tests is
// that our Authorization value satisfies an independent server.
func rawRoundTrip(t *testing.T, conn net.Conn, br *bufio.Reader, method, uri string, cseq int, extra map[string]string) (*rawResponse, error) {
	t.Helper()
	if err := conn.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return nil, err
	}
	var req strings.Builder
	fmt.Fprintf(&req, "%s %s RTSP/1.0\r\nCSeq: %d\r\nUser-Agent: rtspview-test\r\n", method, uri, cseq)
	if method == "DESCRIBE" {
		req.WriteString("Accept: application/sdp\r\n") // docs/QUIRKS.md #8
	}
	for k, v := range extra {
		fmt.Fprintf(&req, "%s: %s\r\n", k, v)
	}
	req.WriteString("\r\n")
	if _, err := io.WriteString(conn, req.String()); err != nil {
		return nil, err
	}

	tp := textproto.NewReader(br)
	line, err := tp.ReadLine()
	if err != nil {
		return nil, err
	}
	proto, rest, _ := strings.Cut(line, " ")
	code, _, _ := strings.Cut(rest, " ")
	if proto != "RTSP/1.0" {
		return nil, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(code)
	if err != nil {
		return nil, fmt.Errorf("bad status line %q", line)
	}
	h, err := tp.ReadMIMEHeader()
	if err != nil {
		return nil, err
	}
	if got := h.Get("CSeq"); strings.TrimSpace(got) != strconv.Itoa(cseq) {
		return nil, fmt.Errorf("CSeq %q, want %d", got, cseq)
	}
	res := &rawResponse{status: status, header: h}
	if cl := h.Get("Content-Length"); cl != "" {
		n, err := strconv.Atoi(strings.TrimSpace(cl))
		if err != nil || n < 0 || n > 1<<20 {
			return nil, fmt.Errorf("bad Content-Length %q", cl)
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(br, body); err != nil {
			return nil, err
		}
		res.body = string(body)
	}
	return res, nil
}
