package cli

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestPprofRefusesForeignHostHeaders: a rebound DNS name pointing at
// 127.0.0.1 arrives with its own Host header and is refused.
func TestPprofRefusesForeignHostHeaders(t *testing.T) {
	h := loopbackHostOnly(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for host, want := range map[string]int{
		"127.0.0.1:6060":          http.StatusOK,
		"[::1]:6060":              http.StatusOK,
		"localhost:6060":          http.StatusOK,
		"127.0.0.1":               http.StatusOK,
		"attacker.example:6060":   http.StatusForbidden,
		"rebind.attacker.example": http.StatusForbidden,
		"10.0.0.5:6060":           http.StatusForbidden,
		"":                        http.StatusForbidden,
	} {
		r := httptest.NewRequest("GET", "/debug/pprof/heap", nil)
		r.Host = host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if rec.Code != want {
			t.Errorf("Host %q: %d, want %d", host, rec.Code, want)
		}
	}
}
