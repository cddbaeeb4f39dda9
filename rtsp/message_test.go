package rtsp

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReaderResponses(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		code   int
		reason string
		cseq   int
		body   string
	}{
		{"plain", "RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n", 200, "OK", 1, ""},
		{"no reason phrase", "RTSP/1.0 200\r\nCSeq: 2\r\n\r\n", 200, "", 2, ""},
		{"cseq with spaces", "RTSP/1.0 404 Not Found\r\nCSeq:    7  \r\n\r\n", 404, "Not Found", 7, ""},
		{"bare LF", "RTSP/1.0 200 OK\nCSeq: 3\nContent-Length: 4\n\nv=0\n", 200, "OK", 3, "v=0\n"},
		{"body", "RTSP/1.0 200 OK\r\nCSeq: 4\r\nContent-Type: application/sdp\r\nContent-Length: 5\r\n\r\nhello", 200, "OK", 4, "hello"},
		{"lowercase header names", "RTSP/1.0 200 OK\r\ncseq: 5\r\ncontent-length: 2\r\n\r\nhi", 200, "OK", 5, "hi"},
		{"folded header", "RTSP/1.0 200 OK\r\nCSeq: 6\r\nPublic: OPTIONS,\r\n DESCRIBE\r\n\r\n", 200, "OK", 6, ""},
		{"garbage before", "\x00\x00\r\nRTSP/1.0 200 OK\r\nCSeq: 8\r\n\r\n", 200, "OK", 8, ""},
		{"no cseq", "RTSP/1.0 200 OK\r\n\r\n", 200, "OK", -1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.in))
			kind, _, _, resp, _, err := r.Next()
			if err != nil {
				t.Fatal(err)
			}
			if kind != KindResponse {
				t.Fatalf("kind = %v", kind)
			}
			if resp.StatusCode != tt.code || resp.Reason != tt.reason || resp.CSeq() != tt.cseq || string(resp.Body) != tt.body {
				t.Fatalf("got %d %q cseq %d body %q", resp.StatusCode, resp.Reason, resp.CSeq(), resp.Body)
			}
		})
	}
}

func TestReaderFramesBeforeResponse(t *testing.T) {
	// RTP may arrive before the PLAY response (docs/QUIRKS.md #7).
	var in bytes.Buffer
	in.Write([]byte{'$', 0, 0, 3, 1, 2, 3})
	in.WriteString("RTSP/1.0 200 OK\r\nCSeq: 5\r\n\r\n")
	in.Write([]byte{'$', 1, 0, 0})
	r := NewReader(&in)
	kind, ch, p, _, _, err := r.Next()
	if err != nil || kind != KindFrame || ch != 0 || !bytes.Equal(p, []byte{1, 2, 3}) {
		t.Fatalf("frame: %v %v %v %v", kind, ch, p, err)
	}
	kind, _, _, resp, _, err := r.Next()
	if err != nil || kind != KindResponse || resp.CSeq() != 5 {
		t.Fatalf("response: %v %v", kind, err)
	}
	kind, ch, p, _, _, err = r.Next()
	if err != nil || kind != KindFrame || ch != 1 || len(p) != 0 {
		t.Fatalf("empty frame: %v %v %v %v", kind, ch, p, err)
	}
	if _, _, _, _, _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Fatalf("want EOF, got %v", err)
	}
}

func TestReaderServerRequest(t *testing.T) {
	r := NewReader(strings.NewReader("GET_PARAMETER rtsp://h/s RTSP/1.0\r\nCSeq: 9\r\n\r\n"))
	kind, _, _, _, req, err := r.Next()
	if err != nil || kind != KindRequest || req.Method != "GET_PARAMETER" || req.Header.Get("cseq") != "9" {
		t.Fatalf("%v %+v %v", kind, req, err)
	}
}

func TestReaderLimits(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"huge line", "RTSP/1.0 200 OK\r\nX: " + strings.Repeat("a", MaxLineSize+10) + "\r\n\r\n"},
		{"huge header block", "RTSP/1.0 200 OK\r\n" + strings.Repeat("X-Pad: "+strings.Repeat("b", 1000)+"\r\n", 80) + "\r\n"},
		{"too many headers", "RTSP/1.0 200 OK\r\n" + strings.Repeat("X: y\r\n", MaxHeaders+1) + "\r\n"},
		{"huge body", "RTSP/1.0 200 OK\r\nContent-Length: 999999999\r\n\r\n"},
		{"negative body", "RTSP/1.0 200 OK\r\nContent-Length: -1\r\n\r\n"},
		{"bad status", "RTSP/1.0 abc OK\r\n\r\n"},
		{"header without colon", "RTSP/1.0 200 OK\r\nnocolon\r\n\r\n"},
		{"endless garbage", strings.Repeat("\x01", maxGarbage+10)},
		{"megabyte header", "RTSP/1.0 200 OK\r\nX-Big: " + strings.Repeat("z", 1<<20) + "\r\n\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.in))
			_, _, _, _, _, err := r.Next()
			if !errors.Is(err, ErrProtocol) {
				t.Fatalf("want ErrProtocol, got %v", err)
			}
		})
	}
}

func TestReaderTruncated(t *testing.T) {
	for _, in := range []string{"$\x00\x00\x10abc", "RTSP/1.0 200 OK\r\nCSeq: 1", "RTSP/1.0 200 OK\r\nContent-Length: 10\r\n\r\nabc"} {
		r := NewReader(strings.NewReader(in))
		if _, _, _, _, _, err := r.Next(); err == nil {
			t.Fatalf("%q: want error", in)
		}
	}
}

func TestRequestWrite(t *testing.T) {
	req := &Request{Method: "SETUP", URL: "rtsp://h/s/trackID=1", Body: []byte("x")}
	req.Header.Set("CSeq", "3")
	req.Header.Set("Transport", "RTP/AVP/TCP;unicast;interleaved=0-1")
	var b bytes.Buffer
	if _, err := req.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	want := "SETUP rtsp://h/s/trackID=1 RTSP/1.0\r\nCSeq: 3\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\nContent-Length: 1\r\n\r\nx"
	if b.String() != want {
		t.Fatalf("got %q", b.String())
	}
}

// FuzzReader feeds arbitrary bytes to the message reader: it must never
// panic and never read more than the limits allow.
func FuzzReader(f *testing.F) {
	f.Add([]byte("RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 3\r\n\r\nabc"))
	f.Add([]byte{'$', 0, 0, 2, 0x80, 0x60})
	f.Add([]byte("ANNOUNCE rtsp://x RTSP/1.0\r\nCSeq: 1\r\n\r\n"))
	f.Add([]byte("RTSP/1.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"a\", nonce=\"b\"\r\n\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data))
		for i := 0; i < 64; i++ {
			kind, _, payload, resp, _, err := r.Next()
			if err != nil {
				return
			}
			if kind == KindFrame && len(payload) > 0xffff {
				t.Fatal("frame longer than 65535")
			}
			if resp != nil && len(resp.Body) > MaxBodySize {
				t.Fatal("body over limit")
			}
		}
	})
}

// TestReaderUnfoldsEachFieldOnce: continuation lines join their own field,
// also when two fields are folded in a row.
func TestReaderUnfoldsEachFieldOnce(t *testing.T) {
	in := "RTSP/1.0 200 OK\r\nCSeq: 9\r\nPublic: OPTIONS,\r\n DESCRIBE,\r\n\tSETUP\r\nServer: cam\r\n  v2\r\n\r\n"
	_, _, _, resp, _, err := NewReader(strings.NewReader(in)).Next()
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Header.Get("Public"); got != "OPTIONS, DESCRIBE, SETUP" {
		t.Errorf("Public = %q", got)
	}
	if got := resp.Header.Get("Server"); got != "cam v2" {
		t.Errorf("Server = %q", got)
	}
}

// BenchmarkReaderFoldedHeader reads a header of MaxHeaderBytes made of
// one-character continuation lines. A reader that copied the value at
// every line would move about 0.4 GB per message; this one copies it once.
func BenchmarkReaderFoldedHeader(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("RTSP/1.0 200 OK\r\nCSeq: 1\r\nX: a\r\n")
	for sb.Len() < MaxHeaderBytes-200 {
		sb.WriteString(" b\r\n")
	}
	sb.WriteString("\r\n")
	msg := sb.String()
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, _, _, _, err := NewReader(strings.NewReader(msg)).Next(); err != nil {
			b.Fatal(err)
		}
	}
}
