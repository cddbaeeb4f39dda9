package rtsp

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Hard limits on what a peer may send. A hostile or broken server gets a
// clear ErrProtocol instead of unbounded memory.
const (
	MaxLineSize    = 8 << 10   // one start or header line
	MaxHeaderBytes = 64 << 10  // all header lines of one message
	MaxHeaders     = 128       // header lines of one message
	MaxBodySize    = 512 << 10 // an SDP is a few KiB; this is generous
	// maxGarbage bounds how many stray bytes the reader skips while looking
	// for the next message or '$' frame (some cameras emit padding).
	maxGarbage = 64 << 10
)

var errEOF = io.ErrUnexpectedEOF

// HeaderField is one header line.
type HeaderField struct {
	Name  string
	Value string
}

// Header is an ordered list of header fields. RTSP messages carry a handful
// of headers, so a slice with case-insensitive lookup beats a map: it keeps
// the order we write in and needs no canonicalisation of names like "CSeq".
type Header []HeaderField

// Get returns the first value of name, matched case-insensitively.
func (h Header) Get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Values returns every value of name, in order.
func (h Header) Values(name string) []string {
	var out []string
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// Set replaces all values of name with value.
func (h *Header) Set(name, value string) {
	h.Del(name)
	*h = append(*h, HeaderField{name, value})
}

// Add appends a value of name.
func (h *Header) Add(name, value string) { *h = append(*h, HeaderField{name, value}) }

// Del removes all values of name.
func (h *Header) Del(name string) {
	out := (*h)[:0]
	for _, f := range *h {
		if !strings.EqualFold(f.Name, name) {
			out = append(out, f)
		}
	}
	*h = out
}

// Request is an RTSP request.
type Request struct {
	Method string
	URL    string // as written on the request line (no credentials)
	Header Header
	Body   []byte
}

// Response is an RTSP response.
type Response struct {
	StatusCode int
	Reason     string
	Header     Header
	Body       []byte
}

// CSeq returns the response's CSeq, or -1 when absent or unparsable.
// Some servers pad the value with spaces (docs/QUIRKS.md #6).
func (r *Response) CSeq() int { return parseCSeq(r.Header.Get("CSeq")) }

func parseCSeq(v string) int {
	v = strings.TrimSpace(v)
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

// WriteTo writes the request in wire form.
func (r *Request) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	b.Grow(256 + len(r.Body))
	b.WriteString(r.Method)
	b.WriteByte(' ')
	b.WriteString(r.URL)
	b.WriteString(" RTSP/1.0\r\n")
	for _, f := range r.Header {
		b.WriteString(f.Name)
		b.WriteString(": ")
		b.WriteString(f.Value)
		b.WriteString("\r\n")
	}
	if len(r.Body) > 0 {
		b.WriteString("Content-Length: ")
		b.WriteString(strconv.Itoa(len(r.Body)))
		b.WriteString("\r\n")
	}
	b.WriteString("\r\n")
	b.Write(r.Body)
	n, err := w.Write(b.Bytes())
	return int64(n), err
}

// WriteTo writes the response in wire form (used to answer server requests).
func (r *Response) WriteTo(w io.Writer) (int64, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "RTSP/1.0 %d %s\r\n", r.StatusCode, r.Reason)
	for _, f := range r.Header {
		b.WriteString(f.Name + ": " + f.Value + "\r\n")
	}
	if len(r.Body) > 0 {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(r.Body))
	}
	b.WriteString("\r\n")
	b.Write(r.Body)
	n, err := w.Write(b.Bytes())
	return int64(n), err
}

// MessageKind says what Reader.Next found.
type MessageKind int

// Kinds of message on a control connection.
const (
	KindResponse MessageKind = iota + 1
	KindRequest
	KindFrame
)

// Reader reads RTSP responses, server-to-client requests and '$'
// interleaved frames (RFC 2326 §10.12) from one byte stream. Frames can
// arrive at any time, even before the PLAY response (docs/QUIRKS.md #7), so every
// read demultiplexes.
type Reader struct {
	br *bufio.Reader
	// frame is reused for every interleaved frame: no allocation per packet.
	frame []byte
}

// NewReader returns a Reader on r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10), frame: make([]byte, 0, 2048)}
}

// Next reads the next message. For KindFrame, channel and payload are set
// and payload is valid until the next call; for KindResponse, resp; for
// KindRequest, req.
func (r *Reader) Next() (kind MessageKind, channel uint8, payload []byte, resp *Response, req *Request, err error) {
	skipped := 0
	for {
		b, err := r.br.Peek(1)
		if err != nil {
			return 0, 0, nil, nil, nil, err
		}
		switch {
		case b[0] == '$':
			ch, p, err := r.readFrame()
			return KindFrame, ch, p, nil, nil, err
		case b[0] >= 'A' && b[0] <= 'Z':
			line, err := r.readLine()
			if err != nil {
				return 0, 0, nil, nil, nil, err
			}
			if strings.HasPrefix(line, "HTTP/") {
				return 0, 0, nil, nil, nil, protocolErrorf("server answered in HTTP, not RTSP (%q)", truncate(line, 40))
			}
			if strings.HasPrefix(line, "RTSP/") {
				resp, err := r.readResponse(line)
				return KindResponse, 0, nil, resp, nil, err
			}
			if req, ok, err := r.readRequest(line); ok || err != nil {
				return KindRequest, 0, nil, nil, req, err
			}
			skipped += len(line)
		default:
			// Stray bytes between messages: skip them, boundedly.
			if _, err := r.br.Discard(1); err != nil {
				return 0, 0, nil, nil, nil, err
			}
			skipped++
		}
		if skipped > maxGarbage {
			return 0, 0, nil, nil, nil, protocolErrorf("more than %d bytes of garbage between messages", maxGarbage)
		}
	}
}

func (r *Reader) readFrame() (uint8, []byte, error) {
	var h [4]byte
	if _, err := io.ReadFull(r.br, h[:]); err != nil {
		return 0, nil, err
	}
	n := int(h[2])<<8 | int(h[3])
	if cap(r.frame) < n {
		r.frame = make([]byte, n)
	}
	r.frame = r.frame[:n]
	if _, err := io.ReadFull(r.br, r.frame); err != nil {
		return 0, nil, err
	}
	return h[1], r.frame, nil
}

// readLine reads one CRLF- or LF-terminated line without its terminator.
func (r *Reader) readLine() (string, error) {
	var buf []byte
	for {
		chunk, err := r.br.ReadSlice('\n')
		if len(buf)+len(chunk) > MaxLineSize {
			return "", protocolErrorf("header line longer than %d bytes", MaxLineSize)
		}
		buf = append(buf, chunk...)
		if err == nil {
			break
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return "", err
	}
	buf = bytes.TrimRight(buf, "\r\n")
	return string(buf), nil
}

func (r *Reader) readHeader() (Header, error) {
	var h Header
	total := 0
	// folded collects the continuation lines of the last field (obsolete
	// line folding) and is written back once, when the field ends: adding
	// each line to the value would copy it again per line, quadratic in a
	// header a hostile server can make MaxHeaderBytes long.
	var folded strings.Builder
	unfold := func() {
		if folded.Len() > 0 {
			h[len(h)-1].Value += folded.String()
			folded.Reset()
		}
	}
	for {
		line, err := r.readLine()
		if err != nil {
			return nil, err
		}
		if line == "" {
			unfold()
			return h, nil
		}
		total += len(line)
		if total > MaxHeaderBytes {
			return nil, protocolErrorf("headers larger than %d bytes", MaxHeaderBytes)
		}
		if (line[0] == ' ' || line[0] == '\t') && len(h) > 0 {
			// Obsolete line folding: continue the previous value.
			folded.WriteByte(' ')
			folded.WriteString(strings.TrimSpace(line))
			continue
		}
		unfold()
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, protocolErrorf("malformed header line %q", truncate(line, 64))
		}
		if len(h) >= MaxHeaders {
			return nil, protocolErrorf("more than %d header lines", MaxHeaders)
		}
		h = append(h, HeaderField{strings.TrimSpace(name), strings.TrimSpace(value)})
	}
}

func (r *Reader) readBody(h Header) ([]byte, error) {
	cl := strings.TrimSpace(h.Get("Content-Length"))
	if cl == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(cl)
	if err != nil || n < 0 {
		return nil, protocolErrorf("bad Content-Length %q", truncate(cl, 32))
	}
	if n > MaxBodySize {
		return nil, protocolErrorf("body of %d bytes exceeds %d", n, MaxBodySize)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r.br, body); err != nil {
		return nil, err
	}
	return body, nil
}

func (r *Reader) readResponse(line string) (*Response, error) {
	// "RTSP/1.0 200 OK"; the reason phrase may be missing (docs/QUIRKS.md #6).
	rest, ok := strings.CutPrefix(line, "RTSP/")
	if !ok {
		return nil, protocolErrorf("bad status line %q", truncate(line, 64))
	}
	_, rest, _ = strings.Cut(rest, " ")
	rest = strings.TrimLeft(rest, " ")
	codeStr, reason, _ := strings.Cut(rest, " ")
	code, err := strconv.Atoi(codeStr)
	if err != nil || code < 100 || code > 999 {
		return nil, protocolErrorf("bad status line %q", truncate(line, 64))
	}
	h, err := r.readHeader()
	if err != nil {
		return nil, err
	}
	body, err := r.readBody(h)
	if err != nil {
		return nil, err
	}
	return &Response{StatusCode: code, Reason: strings.TrimSpace(reason), Header: h, Body: body}, nil
}

// readRequest parses a server-to-client request ("GET_PARAMETER rtsp://…
// RTSP/1.0"). ok is false when line is not a request line at all.
func (r *Reader) readRequest(line string) (*Request, bool, error) {
	parts := strings.Fields(line)
	if len(parts) != 3 || !strings.HasPrefix(parts[2], "RTSP/") {
		return nil, false, nil
	}
	h, err := r.readHeader()
	if err != nil {
		return nil, true, err
	}
	body, err := r.readBody(h)
	if err != nil {
		return nil, true, err
	}
	return &Request{Method: parts[0], URL: parts[1], Header: h, Body: body}, true, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
