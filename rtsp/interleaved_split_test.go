package rtsp

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"go.uber.org/goleak"

	"github.com/rtspview/rtspview/rtsp/rtsptest"
)

// splitFrame is one '$' frame (RFC 2326 §10.12) in wire form.
func splitFrame(ch byte, payload []byte) []byte {
	return append([]byte{'$', ch, byte(len(payload) >> 8), byte(len(payload))}, payload...)
}

// splitRTP is an RTP packet whose payload holds bytes that would derail a
// reader that looked for message starts inside a frame: '$', a status line.
func splitRTP(t *testing.T, seq uint16, size int) []byte {
	t.Helper()
	payload := bytes.Repeat([]byte{0x5c}, size)
	copy(payload, []byte{0x65, '$', 0, 0, 4})
	copy(payload[size/2:], "RTSP/1.0 200 OK\r\nCSeq: 4\r\n\r\n")
	p := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 96, SequenceNumber: seq, Timestamp: uint32(seq) * 3600, SSRC: 0x11223344, Marker: true}, Payload: payload}
	b, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// splitServer is a camera whose RTP-over-TCP arrives cut at odd places, as
// from older live555 builds: it answers the handshake, and after PLAY it
// writes chunks one Write (one TCP segment: Go sets TCP_NODELAY) at a
// time with a pause between, so the client's reads end where the chunks
// do. Stale frames on a channel nobody set up come before the DESCRIBE
// answer, in the same segment (live555 kept writing an old session's
// frames to a reused socket).
type splitServer struct {
	addr     string
	describe [][]byte // chunks that carry the DESCRIBE answer
	play     func(resp []byte) [][]byte
	mu       sync.Mutex
	requests []string
}

func startSplitServer(t *testing.T, s *splitServer) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		s.serve(c)
	}()
	t.Cleanup(func() { ln.Close(); wg.Wait() })
}

func (s *splitServer) serve(c net.Conn) {
	const sdp = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:track1\r\n"
	br := bufio.NewReader(c)
	for i := 0; i < 20; i++ { // handshake, a keepalive, TEARDOWN: bounded anyway
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		req, err := rtsptest.ReadRequestHead(br)
		if err != nil {
			return
		}
		method, cseq := req.Method, req.CSeq
		s.mu.Lock()
		s.requests = append(s.requests, method)
		s.mu.Unlock()
		ok := "RTSP/1.0 200 OK\r\nCSeq: " + cseq + "\r\n"
		var chunks [][]byte
		switch method {
		case "OPTIONS":
			chunks = [][]byte{[]byte(ok + "Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN\r\n\r\n")}
		case "DESCRIBE":
			resp := []byte(fmt.Sprintf("%sContent-Type: application/sdp\r\nContent-Length: %d\r\n\r\n%s", ok, len(sdp), sdp))
			for _, ch := range s.describe {
				chunks = append(chunks, bytes.ReplaceAll(ch, []byte("<DESCRIBE>"), resp))
			}
		case "SETUP":
			chunks = [][]byte{[]byte(ok + "Session: 1234;timeout=60\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n\r\n")}
		case "PLAY":
			chunks = s.play([]byte(ok + "Session: 1234\r\nRTP-Info: url=track1;seq=100\r\n\r\n"))
		default:
			chunks = [][]byte{[]byte(ok + "Session: 1234\r\n\r\n")}
		}
		for _, ch := range chunks {
			_ = c.SetWriteDeadline(time.Now().Add(5 * time.Second))
			if _, err := c.Write(ch); err != nil {
				return
			}
			time.Sleep(15 * time.Millisecond) // the client reads this chunk alone
		}
	}
}

// TestInterleavedSplitAcrossReads plays a stream whose '$' frames, and the
// responses among them, are cut across TCP reads wherever a segment can
// end: the 4-byte header split after 1 and after 3 bytes, a payload cut in
// the middle and sent a byte at a time, the PLAY answer between two frames
// in one segment with the next header's first two bytes, a header that
// ends a segment exactly, RTCP split, a frame on a channel nobody set up.
// Every RTP packet must reach OnPacket byte for byte, in order, and the
// session must stay up.
func TestInterleavedSplitAcrossReads(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())

	var rtps [][]byte
	for i := 0; i < 6; i++ {
		rtps = append(rtps, splitRTP(t, uint16(100+i), 180+i*97))
	}
	f := make([][]byte, len(rtps))
	for i, p := range rtps {
		f[i] = splitFrame(0, p)
	}
	sr, err := (&rtcp.SenderReport{SSRC: 0x11223344, NTPTime: 0xe0000000_00000000, RTPTime: 360000, PacketCount: 5, OctetCount: 1000}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	rtcpFrame := splitFrame(1, sr)
	stale := splitFrame(7, splitRTP(t, 9, 60)) // channel 7: never set up
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

	s := &splitServer{
		describe: [][]byte{
			stale[:3], // a stale frame's header, cut
			cat(stale[3:], []byte("<DESCRIBE>"), stale[:1]), // its rest, the answer, another's '$'
			stale[1:],
		},
		play: func(resp []byte) [][]byte {
			chunks := [][]byte{
				f[0][:1],                       // '$' alone
				f[0][1:3],                      // channel and the length's high byte
				cat(f[0][3:], f[1][:50]),       // the length's low byte, a whole payload, half a frame
				cat(f[1][50:], resp, f[2][:2]), // the frame's rest, the PLAY answer, two header bytes
			}
			for i := 2; i < 12; i++ { // a byte at a time
				chunks = append(chunks, f[2][i:i+1])
			}
			mid := len(f[3]) / 2
			chunks = append(chunks,
				cat(f[2][12:], rtcpFrame[:5]),         // RTCP cut one byte into its payload
				cat(rtcpFrame[5:], stale, f[3][:mid]), // its rest, a stale frame, half of RTP
				f[3][mid:mid+1],
				cat(f[3][mid+1:], f[4][:4]), // a header that ends the segment exactly
				f[4][4:],
				cat(f[5][:len(f[5])-1]), // all but the last byte
				f[5][len(f[5])-1:],
			)
			return chunks
		},
	}
	startSplitServer(t, s)

	var mu sync.Mutex
	var got [][]byte
	arrived := make(chan struct{}, len(rtps)+8)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := Dial(ctx, "rtsp://"+s.addr+"/stream", Config{
		Transport: TransportTCP,
		Timeout:   5 * time.Second,
		OnPacket: func(track int, pkt []byte) {
			mu.Lock()
			got = append(got, append([]byte(nil), pkt...))
			mu.Unlock()
			arrived <- struct{}{}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Options(ctx); err != nil {
		t.Fatal(err)
	}
	d, err := c.Describe(ctx)
	if err != nil {
		t.Fatalf("DESCRIBE with stale frames around its answer: %v", err)
	}
	if err := c.Setup(ctx, d.Tracks[0]); err != nil {
		t.Fatal(err)
	}
	if err := c.Play(ctx); err != nil {
		t.Fatalf("PLAY answered between split frames: %v", err)
	}
	deadline := time.After(10 * time.Second)
	for i := 0; i < len(rtps); i++ {
		select {
		case <-arrived:
		case <-deadline:
			mu.Lock()
			n := len(got)
			mu.Unlock()
			t.Fatalf("%d of %d RTP packets arrived (client err %v)", n, len(rtps), c.Err())
		}
	}
	select {
	case <-c.Done():
		t.Fatalf("session ended: %v", c.Err())
	default:
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != len(rtps) {
		t.Fatalf("%d packets, want %d (a stale channel's frame leaked in?)", len(got), len(rtps))
	}
	for i := range rtps {
		if !bytes.Equal(got[i], rtps[i]) {
			t.Fatalf("packet %d differs: got %d bytes, want %d", i, len(got[i]), len(rtps[i]))
		}
	}
	st := c.Stats(0)
	if st.PacketsReceived != uint64(len(rtps)) || st.PacketsLost != 0 {
		t.Fatalf("stats %+v", st)
	}
	tctx, tcancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer tcancel()
	if err := c.Teardown(tctx); err != nil {
		t.Fatalf("TEARDOWN after the split frames: %v", err)
	}
}
