package rtsp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
)

// Errors a caller branches on. Every error the client returns wraps at most
// one of them, so errors.Is picks the kind and the message keeps the context.
var (
	// ErrUnauthorized means the server refused the credentials (401 after
	// one authentication round) or asked for some and none were given.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrNotFound means the server has no such stream (404).
	ErrNotFound = errors.New("not found")
	// ErrTimeout means the server did not answer within the deadline.
	ErrTimeout = errors.New("timed out")
	// ErrRefused means nothing accepted the connection (TCP RST, no route).
	ErrRefused = errors.New("connection refused")
	// ErrTLS means the TLS handshake or certificate verification failed.
	ErrTLS = errors.New("tls failure")
	// ErrTransportUnsupported means the server (461) or this build cannot
	// carry media over the requested transport.
	ErrTransportUnsupported = errors.New("transport not supported")
	// ErrProtocol means the peer broke the protocol: malformed messages,
	// missing headers, oversized fields, unexpected answers.
	ErrProtocol = errors.New("protocol error")
	// ErrClosed means the client was closed or the server closed the
	// connection.
	ErrClosed = errors.New("connection closed")
	// ErrUnavailable means the server is up and understood the request but
	// cannot serve the stream now: a 5xx answer (503 from a camera at its
	// client limit, 500 or 503 from a gst-rtsp-server that cannot build its
	// pipeline), 453 Not Enough Bandwidth, or 454 Session Not Found (the
	// server forgot the session; a new one may work). A later try may
	// succeed, so a viewer retries.
	ErrUnavailable = errors.New("server cannot serve the stream now")
	// ErrNoCredentials means the server asks for a username and password
	// and none were given. Errors that wrap it also wrap ErrUnauthorized;
	// it tells "give me a password" apart from "wrong password".
	ErrNoCredentials = errors.New("no username and password given")
	// ErrBasicInClear means the server offers only Basic authentication
	// (RFC 7617: the password itself, base64-encoded) on a connection
	// without TLS, and Config.AllowBasic is off, so the password was not
	// sent. Errors that wrap it also wrap ErrUnauthorized. Anyone on the
	// path can strip a Digest challenge and offer Basic, so a viewer asks
	// the person before the password crosses the network readable.
	ErrBasicInClear = errors.New("the server asks for the password in clear (Basic) on a connection without TLS")
	// ErrInput means the caller's own input is wrong (a malformed address,
	// an unknown transport word, a bad proxy address): nothing went on the
	// wire and only the person can fix it. *InputError wraps it.
	ErrInput = errors.New("invalid input")
	// ErrInvalidState means a Client method was called out of order: PLAY
	// before SETUP, PLAY twice, SETUP before DESCRIBE. *StateError wraps it.
	ErrInvalidState = errors.New("call out of order")
)

// InputError is a mistake in the caller's own input, found before anything
// went on the wire. Field names what to fix ("address", "proxy",
// "transport"); Problem says what is wrong in words that fit after "Check
// the address: ", and never holds a password.
type InputError struct {
	Field   string
	Problem string
}

func (e *InputError) Error() string { return e.Field + ": " + e.Problem }

// Unwrap returns ErrInput.
func (e *InputError) Unwrap() error { return ErrInput }

// StateError is a Client method called out of order (see ClientState).
type StateError struct {
	Method string
	State  ClientState
}

func (e *StateError) Error() string {
	return fmt.Sprintf("%s: not allowed while the client is %s", e.Method, e.State)
}

// Unwrap returns ErrInvalidState.
func (e *StateError) Unwrap() error { return ErrInvalidState }

func inputErrorf(field, format string, args ...any) error {
	return &InputError{Field: field, Problem: fmt.Sprintf(format, args...)}
}

// StatusError is a non-2xx answer to a request.
type StatusError struct {
	Method string
	Code   int
	Reason string
}

func (e *StatusError) Error() string {
	if e.Reason == "" {
		return fmt.Sprintf("%s: server answered %d", e.Method, e.Code)
	}
	return fmt.Sprintf("%s: server answered %d %s", e.Method, e.Code, e.Reason)
}

// Unwrap maps the status code to the sentinel a caller decides on. A code
// with no kind of its own (400, 405, 451, 455, …: the server understood the
// message and turned the request down) stays ErrProtocol; the caller still
// has the code to show.
func (e *StatusError) Unwrap() error {
	switch {
	case e.Code == 401, e.Code == 403, e.Code == 407:
		return ErrUnauthorized
	case e.Code == 404, e.Code == 410:
		return ErrNotFound
	case e.Code == 461:
		return ErrTransportUnsupported
	case e.Code == 408, e.Code == 504:
		return ErrTimeout
	case e.Code == 453, e.Code == 454, e.Code >= 500 && e.Code <= 599:
		return ErrUnavailable
	}
	return ErrProtocol
}

// StatusText is the reason phrase RFC 2326 §7.1.1 gives a status code, or ""
// for a code it does not list. Sentences shown to a person use it rather
// than the server's own phrase, which the server may fill with anything.
func StatusText(code int) string {
	return statusText[code]
}

var statusText = map[int]string{
	400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden",
	404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
	407: "Proxy Authentication Required", 408: "Request Timeout", 410: "Gone",
	411: "Length Required", 412: "Precondition Failed", 413: "Request Entity Too Large",
	414: "Request-URI Too Large", 415: "Unsupported Media Type", 451: "Parameter Not Understood",
	452: "Conference Not Found", 453: "Not Enough Bandwidth", 454: "Session Not Found",
	455: "Method Not Valid in This State", 456: "Header Field Not Valid for Resource",
	457: "Invalid Range", 458: "Parameter Is Read-Only", 459: "Aggregate Operation Not Allowed",
	460: "Only Aggregate Operation Allowed", 461: "Unsupported Transport",
	462: "Destination Unreachable", 500: "Internal Server Error", 501: "Not Implemented",
	502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
	505: "RTSP Version Not Supported", 551: "Option Not Supported",
}

// kindError pairs a sentinel kind with the underlying cause so that both
// errors.Is(err, ErrTimeout) and errors.As(err, *net.OpError) work.
type kindError struct {
	kind  error
	msg   string
	cause error
}

func (e *kindError) Error() string {
	if e.cause == nil {
		return e.msg
	}
	return e.msg + ": " + e.cause.Error()
}

func (e *kindError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

func protocolErrorf(format string, args ...any) error {
	return &kindError{kind: ErrProtocol, msg: fmt.Sprintf(format, args...)}
}

// classifyNetError wraps a dial/read/write error with the kind a user can act
// on. The message names what was being done (op) but never credentials.
func classifyNetError(op string, err error) error {
	if err == nil {
		return nil
	}
	for _, k := range []error{ErrUnauthorized, ErrNotFound, ErrTimeout, ErrRefused, ErrTLS, ErrTransportUnsupported, ErrProtocol, ErrClosed, ErrUnavailable, ErrInput, ErrInvalidState} {
		if errors.Is(err, k) {
			return fmt.Errorf("%s: %w", op, err)
		}
	}
	var kind error
	var ne net.Error
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var recErr tls.RecordHeaderError
	var alert tls.AlertError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded):
		kind = ErrTimeout
	case errors.As(err, &ne) && ne.Timeout():
		kind = ErrTimeout
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		kind = ErrRefused
	case errors.As(err, &certErr), errors.As(err, &unknownAuth), errors.As(err, &hostErr), errors.As(err, &recErr), errors.As(err, &alert):
		kind = ErrTLS
	case errors.Is(err, context.Canceled), errors.Is(err, net.ErrClosed), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, errEOF), errors.Is(err, io.EOF):
		kind = ErrClosed
	default:
		kind = ErrProtocol
	}
	return &kindError{kind: kind, msg: op, cause: err}
}

// RedirectError is a 3xx answer with a Location (RFC 2326 §11.3.3, §10.10)
// or a REDIRECT request from the server. rtsp never follows it itself: the
// caller opens a new Client on Location.
type RedirectError struct {
	Method   string
	Code     int    // 301, 302, …; 0 for a REDIRECT request
	Location string // absolute, without credentials
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s: server redirects to %s", e.Method, e.Location)
}

// TLSError is a failed TLS handshake with the server at Addr (host:port, as
// dialed). It is ErrTLS to errors.Is, and Err keeps the cause (for a
// certificate, a *tls.CertificateVerificationError with the chain), so a
// caller can show the certificate and remember a decision for Addr.
type TLSError struct {
	Addr string
	Err  error
}

func (e *TLSError) Error() string { return "TLS handshake with " + e.Addr + ": " + e.Err.Error() }

func (e *TLSError) Unwrap() []error { return []error{ErrTLS, e.Err} }
