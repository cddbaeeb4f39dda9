package rtsp

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
)

// udpPair is the RTP/RTCP socket pair of one track. RFC 3550 §11 wants RTP
// on an even port and RTCP on the next odd one; many cameras assume it.
type udpPair struct {
	rtp, rtcp *net.UDPConn
	rtpPort   int
	server    netip.Addr // packets from any other address are dropped

	mu         sync.Mutex
	serverRTP  netip.AddrPort
	serverRTCP netip.AddrPort
	closeOnce  sync.Once
}

const udpReadBuffer = 4 << 20 // a 4K keyframe burst is ~1 MB; the kernel caps this at rmem_max

func listenUDPPair(server netip.Addr) (*udpPair, error) {
	var lastErr error
	for attempt := 0; attempt < 40; attempt++ {
		var b [2]byte
		_, _ = rand.Read(b[:])
		// Even ports in 20000..59998.
		port := 20000 + int(binary.BigEndian.Uint16(b[:])%20000)*2
		rtp, err := net.ListenUDP("udp", &net.UDPAddr{Port: port})
		if err != nil {
			lastErr = err
			continue
		}
		rtcp, err := net.ListenUDP("udp", &net.UDPAddr{Port: port + 1})
		if err != nil {
			rtp.Close()
			lastErr = err
			continue
		}
		_ = rtp.SetReadBuffer(udpReadBuffer)
		return &udpPair{rtp: rtp, rtcp: rtcp, rtpPort: port, server: server.Unmap()}, nil
	}
	return nil, fmt.Errorf("no free UDP port pair: %w", lastErr)
}

func (p *udpPair) setServerPorts(rtpPort, rtcpPort int) {
	if !p.server.IsValid() || rtpPort <= 0 || rtpPort > 65535 {
		return
	}
	if rtcpPort <= 0 || rtcpPort > 65535 {
		rtcpPort = rtpPort + 1
	}
	p.mu.Lock()
	p.serverRTP = netip.AddrPortFrom(p.server, uint16(rtpPort))
	p.serverRTCP = netip.AddrPortFrom(p.server, uint16(rtcpPort))
	p.mu.Unlock()
}

// punch sends one minimal RTP packet and one empty receiver report to the
// server's ports so that NATs and stateful firewalls on the way let the
// media in (the same trick ffmpeg and live555 use).
// A failed punch is not fatal (media may still come in), so the error is
// only returned for the debug log.
func (p *udpPair) punch() error {
	p.mu.Lock()
	rtpAddr, rtcpAddr := p.serverRTP, p.serverRTCP
	p.mu.Unlock()
	var errs []error
	if rtpAddr.IsValid() {
		_, err := p.rtp.WriteToUDPAddrPort([]byte{0x80, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, rtpAddr)
		errs = append(errs, err)
	}
	if rtcpAddr.IsValid() {
		// RTCP RR, no report blocks, SSRC 0.
		_, err := p.rtcp.WriteToUDPAddrPort([]byte{0x80, 201, 0, 1, 0, 0, 0, 0}, rtcpAddr)
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (p *udpPair) sendRTCP(b []byte) error {
	p.mu.Lock()
	addr := p.serverRTCP
	p.mu.Unlock()
	if !addr.IsValid() {
		return nil
	}
	_, err := p.rtcp.WriteToUDPAddrPort(b, addr)
	return err
}

// readRTP reads one datagram; ok is false when it came from someone other
// than the server (spoofed or stray traffic is dropped, not delivered).
func (p *udpPair) readRTP(buf []byte) (int, bool, error) { return p.read(p.rtp, buf) }

func (p *udpPair) readRTCP(buf []byte) (int, bool, error) { return p.read(p.rtcp, buf) }

func (p *udpPair) read(c *net.UDPConn, buf []byte) (int, bool, error) {
	n, from, err := c.ReadFromUDPAddrPort(buf)
	if err != nil {
		return 0, false, err
	}
	if p.server.IsValid() && from.Addr().Unmap() != p.server {
		return n, false, nil
	}
	return n, true, nil
}

func (p *udpPair) close() {
	p.closeOnce.Do(func() {
		p.rtp.Close()
		p.rtcp.Close()
	})
}

func remoteIP(c net.Conn) netip.Addr {
	if ap, err := netip.ParseAddrPort(c.RemoteAddr().String()); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.Addr{}
}
