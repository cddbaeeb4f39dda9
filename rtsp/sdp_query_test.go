package rtsp

import (
	"net/url"
	"testing"
)

// TestQueryCarried checks which control URLs get the request's query back
// (docs/QUIRKS.md #9): only those without one, on the request's host:port,
// at or under its path.
func TestQueryCarried(t *testing.T) {
	tests := []struct{ request, control, want string }{
		{"rtsp://cam/stream?token=abc", "rtsp://cam/stream/trackID=1", "rtsp://cam/stream/trackID=1?token=abc"},
		{"rtsp://cam/stream?token=abc", "rtsp://cam:554/stream/", "rtsp://cam/stream?token=abc"},           // the resource itself: the request URL
		{"rtsp://cam/stream/?token=abc", "rtsp://cam/stream/track1", "rtsp://cam/stream/track1?token=abc"}, // a request path with a trailing slash
		{"rtsp://cam/?token=abc", "rtsp://cam/any/track1", "rtsp://cam/any/track1?token=abc"},              // the whole host is the resource
		{"rtsp://cam/stream?token=abc", "rtsp://cam/streamX/track1", "rtsp://cam/streamX/track1"},          // another path sharing a prefix
		{"rtsp://cam/stream?token=abc", "rtsp://cam:8554/stream/track1", "rtsp://cam:8554/stream/track1"},  // another port
		{"rtsp://cam/stream?token=abc", "rtsp://other/stream/track1", "rtsp://other/stream/track1"},        // another host
		{"rtsp://cam/stream?token=abc", "rtsp://cam/stream/track1?ch=1", "rtsp://cam/stream/track1?ch=1"},  // a query of its own
		{"rtsp://cam/stream", "rtsp://cam/stream/track1", "rtsp://cam/stream/track1"},                      // nothing to carry
	}
	for _, tt := range tests {
		req, err := url.Parse(tt.request)
		if err != nil {
			t.Fatal(err)
		}
		if got := queryCarried(tt.control, req); got != tt.want {
			t.Errorf("%s + %s: got %q, want %q", tt.request, tt.control, got, tt.want)
		}
	}
}
