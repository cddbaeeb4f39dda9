package cli

import (
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
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
	go http.Serve(ln, mux) //nolint:errcheck // lives as long as the process
}
