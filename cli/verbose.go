package cli

import (
	"io"
	"log/slog"
	"os"
	"regexp"
	"strings"

	"github.com/rtspview/rtspview/decode"
)

// setupLogging turns on the debug log (log/slog, text on w) when verbose is
// set or RTSPVIEW_VERBOSE is 1/true; otherwise debug records are dropped by
// slog's default level. Whatever a package logs passes through redact
// first, so a URL with a password or an Authorization value that slipped
// into a record never reaches the terminal.
func setupLogging(w io.Writer, verbose bool) {
	if !verbose {
		switch strings.ToLower(os.Getenv("RTSPVIEW_VERBOSE")) {
		case "1", "true", "yes", "on":
			verbose = true
		}
	}
	if !verbose {
		return
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		Level:       slog.LevelDebug,
		ReplaceAttr: redactAttr,
	})))
	decode.SetVerbose(true)
}

// secretKeys are attribute names whose values are never printed.
var secretKeys = map[string]bool{
	"authorization": true, "proxy-authorization": true, "password": true, "pass": true, "secret": true,
}

func redactAttr(_ []string, a slog.Attr) slog.Attr {
	if secretKeys[strings.ToLower(a.Key)] {
		return slog.String(a.Key, "[redacted]")
	}
	switch a.Value.Kind() {
	case slog.KindString:
		return slog.String(a.Key, redactText(a.Value.String()))
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok {
			return slog.String(a.Key, redactText(err.Error()))
		}
	}
	return a
}

// userinfoRE finds the userinfo of any URL in a text: scheme://user:pass@.
// The userinfo runs to the last '@' before a '/', space or quote, so a
// password holding '@' (cameras allow it) is caught whole.
var userinfoRE = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)([^\s/"'<>]*)@`)

// authRE finds Basic/Digest credentials written out in a header line.
var authRE = regexp.MustCompile(`(?i)((?:proxy-)?authorization:\s*)[^\r\n]*`)

// redactText keeps a URL's user name and drops its password, and drops the
// value of any Authorization header written into the text.
func redactText(s string) string {
	if strings.Contains(s, "://") {
		s = userinfoRE.ReplaceAllStringFunc(s, func(m string) string {
			sub := userinfoRE.FindStringSubmatch(m)
			name, _, hasPass := strings.Cut(sub[2], ":")
			if !hasPass {
				return m
			}
			return sub[1] + name + ":xxxxx@"
		})
	}
	if strings.Contains(strings.ToLower(s), "authorization") {
		s = authRE.ReplaceAllString(s, "${1}[redacted]")
	}
	return s
}
