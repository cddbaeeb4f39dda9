package rtsp

import (
	"time"

	"github.com/pion/rtcp"
)

// keepaliveLoop keeps the session alive and sends RTCP receiver reports.
// Keepalives go out at half the session timeout (docs/QUIRKS.md #13) without waiting
// for an answer: some cameras never answer them.
func (c *Client) keepaliveLoop() {
	defer c.wg.Done()
	interval := c.SessionTimeout() / 2
	if interval < time.Second {
		interval = time.Second
	}
	keep := time.NewTicker(interval)
	defer keep.Stop()
	// Reports every 5 s (RFC 3550's minimum), more often when the session
	// timeout is short: some servers treat RRs as the sign of life.
	rr := time.NewTicker(min(rtcpInterval, interval))
	defer rr.Stop()
	c.sendReceiverReports() // some cameras want an RR before any SR (docs/QUIRKS.md #14)
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-keep.C:
			c.sendKeepalive()
		case <-rr.C:
			c.sendReceiverReports()
		}
	}
}

func (c *Client) sendKeepalive() {
	c.mu.Lock()
	method := "OPTIONS"
	if c.public.Has("GET_PARAMETER") {
		method = "GET_PARAMETER"
	}
	target := c.url.String()
	if c.desc != nil {
		target = c.desc.Control
	}
	c.mu.Unlock()
	req := c.newRequest(method, target)
	c.prepare(req, false)
	if err := c.write(req); err != nil {
		// A broken connection ends the session through the read loop;
		// a slow one just misses this keepalive.
		c.log.Debug("rtsp: keepalive not sent", "method", method, "err", err)
	}
}

func (c *Client) sendReceiverReports() {
	now := time.Now()
	c.mu.Lock()
	tracks := append([]*setupTrack(nil), c.tracks...)
	c.mu.Unlock()
	for _, t := range tracks {
		rr := &rtcp.ReceiverReport{SSRC: c.ssrc}
		if rep, ok := t.stats.report(now); ok {
			rr.Reports = []rtcp.ReceptionReport{rep}
		}
		buf, err := rr.Marshal()
		if err != nil {
			continue
		}
		if t.udp != nil {
			if err := t.udp.sendRTCP(buf); err != nil {
				c.log.Debug("rtsp: UDP receiver report not sent", "track", t.Index, "err", err)
			}
			continue
		}
		c.writeFrame(uint8(t.rtcpChan), buf)
	}
}
