//go:build !linux

package rtsptest

import "testing"

// ClosedPort returns a loopback TCP port with nothing listening on it, for
// "connection refused" tests. Outside Linux it is a port that was free a
// moment ago (see FreePort).
func ClosedPort(t testing.TB) int {
	t.Helper()
	return FreePort(t)
}
