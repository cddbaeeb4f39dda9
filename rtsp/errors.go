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
)

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

// Unwrap maps the status code to the sentinel a caller decides on.
func (e *StatusError) Unwrap() error {
	switch e.Code {
	case 401, 403, 407:
		return ErrUnauthorized
	case 404, 410:
		return ErrNotFound
	case 461:
		return ErrTransportUnsupported
	case 408, 504:
		return ErrTimeout
	}
	return ErrProtocol
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
	for _, k := range []error{ErrUnauthorized, ErrNotFound, ErrTimeout, ErrRefused, ErrTLS, ErrTransportUnsupported, ErrProtocol, ErrClosed} {
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
