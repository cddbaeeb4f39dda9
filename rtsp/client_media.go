package rtsp

import (
	"encoding/binary"
	"sync/atomic"
	"time"

	"github.com/pion/rtcp"
)

// routeTable maps interleaved channels to tracks. Setup publishes a new
// copy; the reader loads it per frame, lock-free and allocation-free.
type routeTable struct {
	byChan [256]int16 // channel → track index*2 (+1 for RTCP), -1 none
	tracks []*setupTrack
}

type setupTrack struct {
	Track
	rtpChan, rtcpChan int // interleaved channels
	udp               *udpPair
	stats             receiverStats
	rtcpErrors        atomic.Uint64 // malformed RTCP packets, for the debug log
	// firSeq numbers this track's Full Intra Requests (RFC 5104 §4.3.1.1:
	// one more, modulo 256, per new request; a sender takes a repeated
	// number for a retransmission of a request it has already served).
	firSeq atomic.Uint32
}

func (c *Client) handleFrame(ch uint8, payload []byte) {
	rt := c.routes.Load()
	idx := rt.byChan[ch]
	if idx < 0 {
		return // a channel we did not set up: ignore, as RFC 2326 allows
	}
	t := rt.tracks[idx/2]
	if idx%2 == 0 {
		if t.stats.updateRTP(payload, time.Now()) && c.cfg.OnPacket != nil {
			c.cfg.OnPacket(t.Index, payload)
		}
		return
	}
	c.handleRTCP(t, payload)
}

func (c *Client) handleRTCP(t *setupTrack, payload []byte) {
	// Some cameras send invalid RTCP: skip it, never fail (docs/QUIRKS.md #14).
	pkts, err := rtcp.Unmarshal(payload)
	if err != nil {
		// Logged at 1, 2, 4, 8, … so a camera that sends nothing else
		// cannot flood the log.
		if n := t.rtcpErrors.Add(1); n&(n-1) == 0 {
			c.log.Debug("rtsp: ignoring malformed RTCP", "track", t.Index, "bytes", len(payload), "count", n, "err", err)
		}
		return
	}
	for _, p := range pkts {
		switch p := p.(type) {
		case *rtcp.SenderReport:
			t.stats.updateSR(p, time.Now())
		case *rtcp.Goodbye:
			c.byes.Add(1)
			c.log.Debug("rtsp: RTCP BYE", "track", t.Index, "reason", truncate(p.Reason, 64))
		}
	}
}

// Stats returns the reception counters of the set-up track with the given
// Track.Index.
func (c *Client) Stats(track int) TrackStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range c.tracks {
		if t.Index == track {
			return t.stats.snapshot()
		}
	}
	return TrackStats{}
}

func (c *Client) writeFrame(ch uint8, payload []byte) {
	if len(payload) > 0xffff {
		return
	}
	frame := make([]byte, 4+len(payload))
	frame[0], frame[1] = '$', ch
	binary.BigEndian.PutUint16(frame[2:], uint16(len(payload)))
	copy(frame[4:], payload)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.nc.SetWriteDeadline(time.Now().Add(c.cfg.Timeout))
	if _, err := c.nc.Write(frame); err != nil {
		c.log.Debug("rtsp: interleaved RTCP not sent", "channel", ch, "err", err)
	}
}

func (c *Client) udpRTPLoop(t *setupTrack) {
	defer c.wg.Done()
	buf := make([]byte, 65536)
	for {
		n, ok, err := t.udp.readRTP(buf)
		if err != nil {
			return
		}
		if !ok {
			continue
		}
		pkt := buf[:n]
		if t.stats.updateRTP(pkt, time.Now()) && c.cfg.OnPacket != nil {
			c.cfg.OnPacket(t.Index, pkt)
		}
	}
}

func (c *Client) udpRTCPLoop(t *setupTrack) {
	defer c.wg.Done()
	buf := make([]byte, 8192)
	for {
		n, ok, err := t.udp.readRTCP(buf)
		if err != nil {
			return
		}
		if ok {
			c.handleRTCP(t, buf[:n])
		}
	}
}

// VideoTrackIndex returns the Track.Index of the first set-up video track,
// or -1.
func (c *Client) VideoTrackIndex() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range c.tracks {
		if t.Media == "video" {
			return t.Index
		}
	}
	return -1
}

// RequestKeyframe asks the server for a keyframe on a set-up track: a
// receiver report, a Picture Loss Indication (RFC 4585 section 6.3.1) and
// a Full Intra Request (RFC 5104 section 4.3.1) in one compound RTCP packet
// (RFC 3550 section 6.1). A viewer that joins a live stream between
// keyframes would otherwise wait up to a GOP for its first picture.
// gst-rtsp-server passes the request to its encoder; a server without
// feedback support ignores it. It needs the sender's SSRC, learnt from the
// first RTP packet, and reports false before that.
func (c *Client) RequestKeyframe(track int) bool {
	c.mu.Lock()
	var t *setupTrack
	for _, st := range c.tracks {
		if st.Index == track {
			t = st
		}
	}
	c.mu.Unlock()
	if t == nil {
		return false
	}
	t.stats.mu.Lock()
	media, started := t.stats.ssrc, t.stats.started
	t.stats.mu.Unlock()
	if !started {
		return false
	}
	buf, err := rtcp.Marshal([]rtcp.Packet{
		&rtcp.ReceiverReport{SSRC: c.ssrc},
		&rtcp.PictureLossIndication{SenderSSRC: c.ssrc, MediaSSRC: media},
		&rtcp.FullIntraRequest{SenderSSRC: c.ssrc, MediaSSRC: media, FIR: []rtcp.FIREntry{{SSRC: media, SequenceNumber: uint8(t.firSeq.Add(1))}}},
	})
	if err != nil {
		return false
	}
	if t.udp != nil {
		if err := t.udp.sendRTCP(buf); err != nil {
			c.log.Debug("rtsp: keyframe request not sent", "track", track, "err", err)
			return false
		}
		return true
	}
	c.writeFrame(uint8(t.rtcpChan), buf)
	return true
}
