package player

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

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
	// KindUnavailable: the server is there but cannot serve the stream now
	// (5xx, 453 Not Enough Bandwidth, 454 Session Not Found).
	KindUnavailable ErrorKind = "unavailable"
	// KindInput: the person's own input is wrong (address, proxy,
	// transport word); nothing was sent. probe exits 2 on it.
	KindInput    ErrorKind = "input"
	KindProtocol ErrorKind = "protocol"
	// KindOutOfRange: a start or seek point past a recording's end.
	KindOutOfRange ErrorKind = "out_of_range"
)

// ErrNoVideo means the stream has no video track this build can decode.
var ErrNoVideo = errors.New("no playable video track")

// Classify maps an error from this package or rtsp to its kind.
func Classify(err error) ErrorKind {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrBeyondEnd):
		return KindOutOfRange
	case errors.Is(err, rtsp.ErrInput):
		return KindInput
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
	case errors.Is(err, rtsp.ErrUnavailable):
		return KindUnavailable
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
	var be *BeyondEndError
	if errors.As(err, &be) {
		return fmt.Sprintf("Cannot play from %s: the recording ends at %s.", be.At, be.End)
	}
	var status *rtsp.StatusError
	hasStatus := errors.As(err, &status)
	switch Classify(err) {
	case KindInput:
		var ie *rtsp.InputError
		if errors.As(err, &ie) {
			return fmt.Sprintf("Check the %s: %s.", ie.Field, ie.Problem)
		}
		return "Check the address and settings."
	case KindUnauthorized:
		var cw *CredentialsWithheldError
		if errors.As(err, &cw) {
			if cw.Guessed {
				return fmt.Sprintf("%s, a tunnel port tried on a guess, asks for a password; the camera's password was not sent there.", cw.To)
			}
			return fmt.Sprintf("The camera sent the stream to another host, %s, which asks for a password; the camera's password was not sent there.", cw.To)
		}
		if errors.Is(err, ErrBasicInClear) {
			return fmt.Sprintf("%s asks for the password in clear (Basic) on a connection without encryption; it was not sent. Allow it for this camera only on a network you trust.", where)
		}
		if errors.Is(err, rtsp.ErrNoCredentials) {
			return "The camera wants a username and password."
		}
		return "Camera refused the password."
	case KindUnavailable:
		if hasStatus {
			return unavailableSentence(status.Code)
		}
		return "The camera is busy or cannot start this stream."
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
	if hasStatus {
		// The server understood us and turned the request down: say which
		// request and the code, which is what its manual or log will name.
		return fmt.Sprintf("The camera turned down the %s request (%s).", status.Method, codeText(status.Code))
	}
	return fmt.Sprintf("%s answered something this viewer does not understand.", where)
}

// unavailableSentence is KindUnavailable's sentence for a status code.
func unavailableSentence(code int) string {
	switch code {
	case 453:
		return fmt.Sprintf("The camera does not have enough bandwidth for another stream (%s).", codeText(code))
	case 454:
		return fmt.Sprintf("The camera lost track of this session (%s).", codeText(code))
	case 501, 505, 551:
		return fmt.Sprintf("The camera does not support what this viewer asked for (%s).", codeText(code))
	}
	return fmt.Sprintf("The camera is busy or cannot start this stream (%s).", codeText(code))
}

// codeText is "503 Service Unavailable". RFC 2326's phrase is used, not the
// server's, which could put any text in front of the person.
func codeText(code int) string {
	if t := rtsp.StatusText(code); t != "" {
		return fmt.Sprintf("%d %s", code, t)
	}
	return fmt.Sprintf("status %d", code)
}

// CredentialsWithheldError means a redirect led to another host than the
// one the credentials were given for, that host asked for a password, and
// the credentials were not sent: a server that redirects to a host of its
// choosing must not collect the camera's password (in clear with Basic, or
// a Digest answer it can attack offline). curl without --location-trusted
// and browsers behave the same. From and To are host:port; To is the host
// to list in Config.CredentialHosts once the person agrees.
//
// Guessed marks the other case: To is on the camera's own host, on a tunnel
// port Auto guessed (80, 8080, 443) that nobody gave; whatever answers
// there is not known to be the camera. ToHost is then To itself
// ("host:port"), the form Config.CredentialHosts takes for one port.
type CredentialsWithheldError struct {
	From, To string
	// ToHost is what to add to Config.CredentialHosts to allow To: its
	// host name, or host:port when Guessed.
	ToHost  string
	Guessed bool
	Err     error
}

func (e *CredentialsWithheldError) Error() string {
	if e.Guessed {
		return fmt.Sprintf("credentials not sent to %s, a tunnel port nobody gave for %s: %v", e.To, e.From, e.Err)
	}
	return fmt.Sprintf("redirected from %s to %s: credentials not sent to another host: %v", e.From, e.To, e.Err)
}

// ErrBasicInClear means the camera offered only Basic authentication on a
// connection without TLS and Config.AllowBasic was off: the password was
// not sent. Classify reads it as KindUnauthorized.
var ErrBasicInClear = rtsp.ErrBasicInClear

// Unwrap returns the other host's refusal (ErrUnauthorized).
func (e *CredentialsWithheldError) Unwrap() error { return e.Err }

var (
	errNoMedia = fmt.Errorf("no media arrived: %w", rtsp.ErrTimeout)
)

// ErrTimeout is the timeout sentinel, re-exported so callers above player
// need not import rtsp.
var ErrTimeout = rtsp.ErrTimeout

// RedactURL returns rawURL without its password.
func RedactURL(rawURL string) string { return rtsp.RedactString(rawURL) }

// CheckInput checks what the person typed (the address and the proxy)
// before anything goes on the wire. Its errors are *rtsp.InputError
// (KindInput): the UI says what to fix, probe exits 2.
func CheckInput(cfg Config) error {
	u, err := rtsp.ParseURL(cfg.URL)
	if err != nil {
		return err
	}
	if cfg.Transport != TransportAuto {
		if err := rtsp.CheckTransport(u, cfg.Transport.rtsp()); err != nil {
			return err
		}
	}
	if cfg.Proxy != "" {
		if _, err := parseProxy(cfg.Proxy); err != nil {
			return err
		}
	}
	return nil
}

// parseProxy reads an HTTP forward proxy address, http://[user:pass@]host:port.
// Its error never quotes the address, which may hold the proxy's password.
func parseProxy(raw string) (*url.URL, error) {
	p, err := url.Parse(strings.TrimSpace(raw))
	if err == nil && p.Scheme == "https" && p.Hostname() != "" {
		return nil, &rtsp.InputError{Field: "proxy", Problem: "an https:// proxy (TLS to the proxy) is not supported; give its plain http:// address"}
	}
	if err != nil || p.Host == "" || p.Hostname() == "" || p.Scheme != "http" {
		return nil, &rtsp.InputError{Field: "proxy", Problem: "it must look like http://host:port"}
	}
	return p, nil
}
