package rtsptest

import (
	"bufio"
	"strings"
	"testing"
)

func TestReadRequestHead(t *testing.T) {
	many := "OPTIONS * RTSP/1.0\r\n" + strings.Repeat("X: y\r\n", 65) + "\r\n"
	tests := []struct {
		name, in string
		want     RequestHead
		ok       bool
	}{
		{"plain", "SETUP rtsp://h/s/t1 RTSP/1.0\r\nCSeq: 3\r\nTransport: x\r\n\r\n", RequestHead{"SETUP", "rtsp://h/s/t1", "3"}, true},
		{"after a $ frame", "$\x01\x00\x03abcTEARDOWN rtsp://h/s RTSP/1.0\r\ncseq:  9 \r\n\r\n", RequestHead{"TEARDOWN", "rtsp://h/s", "9"}, true},
		{"bad request line", "HELLO\r\n\r\n", RequestHead{}, false},
		{"too many headers", many, RequestHead{}, false},
		{"cut short", "PLAY rtsp://h/s RTSP/1.0\r\nCSeq: 1\r\n", RequestHead{}, false},
	}
	for _, tt := range tests {
		got, err := ReadRequestHead(bufio.NewReader(strings.NewReader(tt.in)))
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("%s: got %+v, %v; want %+v ok=%v", tt.name, got, err, tt.want, tt.ok)
		}
	}
}
