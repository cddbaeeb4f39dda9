package cli

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"strings"
)

// startPprof serves Go's profiler when RTSPVIEW_PPROF names a loopback
// address (RTSPVIEW_PPROF=127.0.0.1:6060): how the wall's painting cost is
// found under Xvfb (`go tool pprof http://127.0.0.1:6060/debug/pprof/profile`).
// Any other address is refused, so a profile never leaves the machine.
func startPprof() {
	addr := os.Getenv("RTSPVIEW_PPROF")
	if addr == "" {
		return
	}
	host, _, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		slog.Warn("RTSPVIEW_PPROF must be a loopback host:port; profiler not started", "addr", addr)
		return
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		slog.Warn("profiler not started", "err", err)
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	go http.Serve(ln, loopbackHostOnly(mux)) //nolint:errcheck // lives as long as the process
}

// loopbackHostOnly answers only requests whose Host header names a
// loopback address (127.0.0.1:6060, [::1]:6060, localhost:6060). A web page
// the person opens can make the browser send requests to 127.0.0.1 under a
// name of its own that resolves there (DNS rebinding); the browser then
// sends that name as Host, and it gets 403 instead of the process's heap.
func loopbackHostOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil {
			host = r.Host
		}
		host = strings.Trim(host, "[]")
		ip := net.ParseIP(host)
		if !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
			http.Error(w, "forbidden host", http.StatusForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}
