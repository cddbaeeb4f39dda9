package player

import "testing"

func TestURLUser(t *testing.T) {
	for in, want := range map[string]string{
		"rtsp://admin:x@h/s":     "admin",
		"rtsp://h/s":             "",
		"rtsp://bob@h":           "bob",
		"nope":                   "",
		"rtsp://a:p@ss@cam/s":    "a", // '@' in an unescaped password
		"rtsps://root@[::1]:322": "root",
	} {
		if got := URLUser(in); got != want {
			t.Errorf("URLUser(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestTunnelPort: the port the window shows for an empty tunnel-port
// field is the one the dial uses (rtsp.TunnelAddr).
func TestTunnelPort(t *testing.T) {
	for _, tc := range []struct {
		url  string
		tr   Transport
		want int
	}{
		{"rtsp://cam/s", TransportHTTP, 80},
		{"rtsp://cam/s", TransportHTTPS, 443},
		{"rtsp://cam:8554/s", TransportHTTP, 8554},
		{"rtsp://u:p@[::1]:8554/s", TransportHTTPS, 8554},
		{"rtsp://cam:8554/s", TransportTCP, 0},
		{"rtsp://cam:99999", TransportHTTP, 80}, // not an address yet
	} {
		if got := TunnelPort(tc.url, tc.tr); got != tc.want {
			t.Errorf("TunnelPort(%q, %v) = %d, want %d", tc.url, tc.tr, got, tc.want)
		}
	}
}
