package player

import (
	"errors"
	"fmt"

	"github.com/rtspview/rtspview/rtsp"
)

// ErrorKind is the one word a caller (probe's error_kind, the UI's choice of
// dialog) decides on. The values are part of probe's JSON contract.
type ErrorKind string

// Kinds of failure, as printed in probe --json.
const (
	KindUnauthorized         ErrorKind = "unauthorized"
	KindTimeout              ErrorKind = "timeout"
	KindRefused              ErrorKind = "refused"
	KindNotFound             ErrorKind = "not_found"
	KindUnsupportedTransport ErrorKind = "unsupported_transport"
	KindTLS                  ErrorKind = "tls"
	KindProtocol             ErrorKind = "protocol"
)

// ErrNoVideo means the stream has no video track this build can decode.
var ErrNoVideo = errors.New("no playable video track")

// Classify maps an error from this package or rtsp to its kind.
func Classify(err error) ErrorKind {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, rtsp.ErrUnauthorized):
		return KindUnauthorized
	case errors.Is(err, rtsp.ErrNotFound):
		return KindNotFound
	case errors.Is(err, rtsp.ErrTLS):
		return KindTLS
	case errors.Is(err, rtsp.ErrTransportUnsupported):
		return KindUnsupportedTransport
	case errors.Is(err, rtsp.ErrRefused):
		return KindRefused
	case errors.Is(err, rtsp.ErrTimeout), errors.Is(err, errNoMedia):
		return KindTimeout
	}
	return KindProtocol
}

// Sentence says what went wrong in words a person understands, without
// credentials. One mapping serves the status line, dialogs and probe.
func Sentence(err error, rawURL string) string {
	if err == nil {
		return ""
	}
	where := "the camera"
	if u, perr := rtsp.ParseURL(rawURL); perr == nil {
		where = rtsp.HostPort(u)
	}
	if errors.Is(err, ErrNoPicture) || errors.Is(err, ErrNoDecoder) {
		return decodeSentence(err)
	}
	switch Classify(err) {
	case KindUnauthorized:
		return "Camera refused the password."
	case KindNotFound:
		return "No such stream on this server."
	case KindRefused:
		return fmt.Sprintf("Nothing is listening at %s.", where)
	case KindTLS:
		return fmt.Sprintf("Secure connection to %s failed: the certificate was not accepted.", where)
	case KindUnsupportedTransport:
		return "The server does not offer this transport."
	case KindTimeout:
		if errors.Is(err, errNoMedia) {
			return fmt.Sprintf("Connected to %s, but no video arrived.", where)
		}
		return fmt.Sprintf("%s did not answer in time.", where)
	}
	var re *rtsp.RedirectError
	if errors.As(err, &re) {
		return "The server sent the stream elsewhere too many times."
	}
	if errors.Is(err, ErrNoVideo) {
		return "The stream has no video this viewer can play."
	}
	if errors.Is(err, rtsp.ErrClosed) {
		return fmt.Sprintf("%s closed the connection.", where)
	}
	return fmt.Sprintf("%s answered something this viewer does not understand.", where)
}

var (
	errNoMedia = fmt.Errorf("no media arrived: %w", rtsp.ErrTimeout)
)

// ErrTimeout is the timeout sentinel, re-exported so callers above player
// need not import rtsp.
var ErrTimeout = rtsp.ErrTimeout

// RedactURL returns rawURL without its password.
func RedactURL(rawURL string) string { return rtsp.RedactString(rawURL) }
