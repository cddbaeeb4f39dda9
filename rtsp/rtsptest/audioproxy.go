package rtsptest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// AudioControl is the control attribute of the media section StartAudioProxy
// adds; its SETUP is answered 404 by the proxy itself.
const AudioControl = "stream=9"

// StartAudioProxy stands in front of an RTSP server (a video-only
// gst-rtsp-server) on 127.0.0.1 and adds one audio media section, given
// as SDP lines without a=control, to every DESCRIBE answer's description;
// a SETUP of that section is answered "404 Not Found" by the proxy, and
// everything else passes through unchanged. It returns the proxy's
// rtsp:// address for upstream's path.
//
// It is how a test gets a camera whose description lists a sound the
// server will not (or the client need not) set up: gst-rtsp-server 1.22
// cannot be that camera itself. When a client SETs UP only the video of
// its live shared media, PLAY unblocks the audio branch too, whose source
// then stops with "not-linked", puts the media in its error state, and
// on a loaded machine no video is sent at all.
func StartAudioProxy(t testing.TB, upstream, media string) string {
	t.Helper()
	host, path, ok := strings.Cut(strings.TrimPrefix(upstream, "rtsp://"), "/")
	if !ok {
		t.Fatalf("rtsptest: %q has no path", upstream)
	}
	section := strings.TrimRight(strings.ReplaceAll(media, "\r\n", "\n"), "\n")
	section = strings.ReplaceAll(section, "\n", "\r\n") + "\r\na=control:" + AudioControl + "\r\n"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", host)
			if err != nil {
				c.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, c, s)
			mu.Unlock()
			var wmu sync.Mutex // the client's side has two writers
			wg.Go(func() {     // server → client, descriptions widened
				defer c.Close()
				br := bufio.NewReader(s)
				for {
					msg, err := readMessage(br)
					if err != nil {
						return
					}
					wmu.Lock()
					_, err = c.Write(addMedia(msg, section))
					wmu.Unlock()
					if err != nil {
						return
					}
				}
			})
			wg.Go(func() { // client → server, the added SETUP answered here
				defer s.Close()
				br := bufio.NewReader(c)
				for {
					msg, err := readMessage(br)
					if err != nil {
						return
					}
					if line, _, _ := strings.Cut(string(msg), "\r\n"); strings.HasPrefix(line, "SETUP ") &&
						strings.Contains(line, AudioControl) {
						wmu.Lock()
						_, err = fmt.Fprintf(c, "RTSP/1.0 404 Not Found\r\nCSeq: %s\r\n\r\n", header(msg, "CSeq"))
						wmu.Unlock()
					} else {
						_, err = s.Write(msg)
					}
					if err != nil {
						return
					}
				}
			})
		}
	})
	return "rtsp://" + ln.Addr().String() + "/" + path
}

// readMessage reads one RTSP message (head and Content-Length body) or one
// interleaved '$' frame, as it was sent; bounded at 64 header lines and a
// 64 KiB body.
func readMessage(br *bufio.Reader) ([]byte, error) {
	b, err := br.Peek(1)
	if err != nil {
		return nil, err
	}
	if b[0] == '$' {
		msg := make([]byte, 4)
		if _, err := io.ReadFull(br, msg); err != nil {
			return nil, err
		}
		msg = append(msg, make([]byte, binary.BigEndian.Uint16(msg[2:]))...)
		_, err := io.ReadFull(br, msg[4:])
		return msg, err
	}
	var msg []byte
	for range 64 {
		l, err := br.ReadString('\n')
		if err != nil {
			return nil, err
		}
		msg = append(msg, l...)
		if strings.TrimSpace(l) != "" {
			continue
		}
		n, _ := strconv.Atoi(header(msg, "Content-Length"))
		if n < 0 || n > 64<<10 {
			return nil, fmt.Errorf("rtsptest: body of %d bytes", n)
		}
		body := make([]byte, n)
		if _, err := io.ReadFull(br, body); err != nil {
			return nil, err
		}
		return append(msg, body...), nil
	}
	return nil, errors.New("rtsptest: more than 64 header lines")
}

// header is the value of msg's first header named name, or "".
func header(msg []byte, name string) string {
	head, _, _ := bytes.Cut(msg, []byte("\r\n\r\n"))
	for _, l := range strings.Split(string(head), "\r\n")[1:] {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(strings.TrimSpace(k), name) {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// addMedia appends section to msg's body when msg is an SDP answer, with
// its Content-Length corrected; any other message comes back as it was.
func addMedia(msg []byte, section string) []byte {
	if len(msg) == 0 || msg[0] == '$' || !strings.HasPrefix(header(msg, "Content-Type"), "application/sdp") {
		return msg
	}
	head, body, _ := bytes.Cut(msg, []byte("\r\n\r\n"))
	if len(body) > 0 && !bytes.HasSuffix(body, []byte("\n")) {
		body = append(body, "\r\n"...)
	}
	body = append(body, section...)
	var out bytes.Buffer
	for i, l := range strings.Split(string(head), "\r\n") {
		if k, _, ok := strings.Cut(l, ":"); i > 0 && ok && strings.EqualFold(strings.TrimSpace(k), "Content-Length") {
			l = "Content-Length: " + strconv.Itoa(len(body))
		}
		out.WriteString(l + "\r\n")
	}
	out.WriteString("\r\n")
	out.Write(body)
	return out.Bytes()
}
