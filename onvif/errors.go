package onvif

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"syscall"
)

// Errors a caller branches on. Every error the package returns wraps
// exactly one of them (Kind names it), and the message keeps the context.
var (
	// ErrUnauthorized means the device refused the username and password
	// (a NotAuthorized fault, HTTP 401 after a digest, 403), or asked for
	// them and none were given, or offered only Basic on a connection
	// without TLS.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrTimeout means the device did not answer in full before the
	// deadline: no connection, no answer, or a body that dripped too slowly.
	ErrTimeout = errors.New("timed out")
	// ErrRefused means nothing accepted the connection (TCP RST, no route,
	// no such host) or there was nothing to ask (no interface with multicast).
	ErrRefused = errors.New("connection refused")
	// ErrProtocol means the answer was not what ONVIF says: not XML, not a
	// SOAP envelope, the wrong namespaces, too big or too deep, a redirect,
	// an unexpected HTTP status or a SOAP fault other than NotAuthorized.
	ErrProtocol = errors.New("protocol error")
)

// ErrNotSupported is wrapped, beside ErrProtocol, by a fault saying the
// device does not implement the operation (ActionNotSupported): a caller
// falls back to an older operation (GetServices → GetCapabilities, media2
// → media1).
var ErrNotSupported = errors.New("operation not supported by the device")

// ErrorKind is the one word probe-like output prints for a failure.
type ErrorKind string

// Kinds of failure, as in discover --json's error_kind.
const (
	KindUnauthorized ErrorKind = "unauthorized"
	KindTimeout      ErrorKind = "timeout"
	KindRefused      ErrorKind = "refused"
	KindProtocol     ErrorKind = "protocol"
)

// Kind names the sentinel err wraps; an error of no kind counts as
// protocol (the device answered, but not usefully). nil gives "".
func Kind(err error) ErrorKind {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrUnauthorized):
		return KindUnauthorized
	case errors.Is(err, ErrTimeout):
		return KindTimeout
	case errors.Is(err, ErrRefused):
		return KindRefused
	}
	return KindProtocol
}

// Sentence says err in one sentence for a person, without credentials
// (none are ever put into an error).
func Sentence(err error) string {
	var f *Fault
	switch Kind(err) {
	case "":
		return ""
	case KindUnauthorized:
		if errors.Is(err, errBasicInClear) {
			return "The camera asks for the password in clear (HTTP Basic without TLS); it was not sent."
		}
		if errors.Is(err, errNoCredentials) {
			return "The camera asks for a username and password."
		}
		return "The camera refused the username or password."
	case KindTimeout:
		return "The camera did not answer in time."
	case KindRefused:
		if errors.Is(err, errNoInterface) {
			return "No network interface with multicast to search on."
		}
		return "Nothing answers at the camera's address."
	}
	if errors.As(err, &f) {
		return fmt.Sprintf("The camera answered with an error: %s.", strings.TrimSuffix(f.text(), "."))
	}
	return "The camera's answer is not ONVIF: " + err.Error() + "."
}

var (
	errNoCredentials = fmt.Errorf("the device asks for a username and password: %w", ErrUnauthorized)
	errBasicInClear  = fmt.Errorf("the device offers only HTTP Basic without TLS, the password was not sent: %w", ErrUnauthorized)
	errNoInterface   = fmt.Errorf("no network interface with multicast: %w", ErrRefused)
)

// protocolf is an ErrProtocol with a reason.
func protocolf(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, ErrProtocol)...)
}

// Fault is a SOAP fault a device answered with. Subcode is the most
// specific subcode's local name (NotAuthorized, ActionNotSupported,
// InvalidArgVal, …); Status is the HTTP status it came with.
type Fault struct {
	Op      string
	Status  int
	Code    string
	Subcode string
	Reason  string
}

func (f *Fault) text() string {
	s := f.Subcode
	if s == "" {
		s = f.Code
	}
	if f.Reason != "" {
		s += " (" + f.Reason + ")"
	}
	return s
}

func (f *Fault) Error() string { return f.Op + ": fault " + f.text() }

// Unwrap maps the subcode to the kind a caller decides on:
// NotAuthorized (and its cousins) to ErrUnauthorized, ActionNotSupported
// to ErrNotSupported and ErrProtocol, anything else to ErrProtocol.
func (f *Fault) Unwrap() []error {
	sub := strings.ToLower(f.Subcode + " " + f.Code)
	switch {
	case strings.Contains(sub, "notauthorized"), strings.Contains(sub, "failedauthentication"),
		strings.Contains(sub, "invalidsecurity"):
		return []error{ErrUnauthorized}
	case strings.Contains(sub, "actionnotsupported"), strings.Contains(sub, "notsupported"):
		return []error{ErrNotSupported, ErrProtocol}
	}
	return []error{ErrProtocol}
}

// HTTPError is an HTTP status that carried no SOAP fault.
type HTTPError struct {
	Op     string
	Status int
}

func (e *HTTPError) Error() string { return fmt.Sprintf("%s: HTTP %d", e.Op, e.Status) }

// Unwrap maps 401 and 403 to ErrUnauthorized, everything else to
// ErrProtocol (the device answered, but not with SOAP).
func (e *HTTPError) Unwrap() error {
	if e.Status == 401 || e.Status == 403 {
		return ErrUnauthorized
	}
	return ErrProtocol
}

// classifyNetError wraps a dial, write or read error in its kind.
func classifyNetError(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrProtocol) || errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrTimeout) || errors.Is(err, ErrRefused) {
		return err
	}
	var ne net.Error
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &ne) && ne.Timeout():
		return fmt.Errorf("%s: %w", op, ErrTimeout)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("%s: cancelled: %w", op, ErrTimeout)
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EADDRNOTAVAIL),
		errors.As(err, &dnsErr):
		return fmt.Errorf("%s: %v: %w", op, trimErr(err), ErrRefused)
	}
	return fmt.Errorf("%s: %v: %w", op, trimErr(err), ErrProtocol)
}

// trimErr drops net/http's "Post \"URL\": " prefix, so that an address
// given with credentials by mistake never reaches a message.
func trimErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, "\": "); i >= 0 {
		s = s[i+3:]
	}
	return s
}
