package rtsptest

import (
	"syscall"
	"testing"
)

// ClosedPort returns a loopback TCP port with nothing listening on it, for
// "connection refused" tests. The port stays reserved until the test ends:
// it is bound to a socket that never listens, so Linux answers a connect
// with RST and no other test can start a server on it meanwhile.
func ClosedPort(t testing.TB) int {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("ClosedPort: socket: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("ClosedPort: bind: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("ClosedPort: getsockname: %v", err)
	}
	return sa.(*syscall.SockaddrInet4).Port
}
