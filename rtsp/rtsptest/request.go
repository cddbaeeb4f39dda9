package rtsptest

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"strings"
	"time"
)

// RequestHead is what a scripted server needs from a client's request: the
// request line and the CSeq to echo.
type RequestHead struct {
	Method, Target, CSeq string
}

// ReadRequestHead reads one request line and its headers from br, bounded
// at 64 header lines (a client that sends more is broken, and a scripted
// server must not loop on it). Interleaved '$' frames before the request
// (the client's RTCP receiver reports over TCP) are skipped. Bodies are not
// read: our client's requests carry none.
func ReadRequestHead(br *bufio.Reader) (RequestHead, error) {
	for range 1024 {
		b, err := br.Peek(1)
		if err != nil {
			return RequestHead{}, err
		}
		if b[0] != '$' {
			break
		}
		var hdr [4]byte
		if _, err := io.ReadFull(br, hdr[:]); err != nil {
			return RequestHead{}, err
		}
		if _, err := br.Discard(int(binary.BigEndian.Uint16(hdr[2:]))); err != nil {
			return RequestHead{}, err
		}
	}
	line, err := br.ReadString('\n')
	if err != nil {
		return RequestHead{}, err
	}
	f := strings.Fields(line)
	if len(f) != 3 {
		return RequestHead{}, errors.New("rtsptest: bad request line " + strings.TrimSpace(line))
	}
	h := RequestHead{Method: f[0], Target: f[1]}
	for range 64 {
		l, err := br.ReadString('\n')
		if err != nil {
			return RequestHead{}, err
		}
		if l = strings.TrimSpace(l); l == "" {
			return h, nil
		}
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "CSeq") {
			h.CSeq = strings.TrimSpace(v)
		}
	}
	return RequestHead{}, errors.New("rtsptest: more than 64 header lines")
}

// AnswerRequests is a scripted server's loop: it reads requests from c
// and writes answer's reply to each, until c fails, closes, or stays
// silent for 5 s.
func AnswerRequests(c net.Conn, answer func(RequestHead) string) {
	br := bufio.NewReader(c)
	for {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		req, err := ReadRequestHead(br)
		if err != nil {
			return
		}
		if _, err := io.WriteString(c, answer(req)); err != nil {
			return
		}
	}
}
