package onvif

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/ipv4"
)

// WS-Discovery (the 2005/04 draft ONVIF Core 7.3 uses) over SOAP-over-UDP.
const (
	// DiscoveryAddr is the WS-Discovery multicast group and port.
	DiscoveryAddr = "239.255.255.250:3702"
	// DefaultProbeTimeout is how long Probe listens for answers when the
	// context has no deadline: cameras answer within a second, and the
	// person waits no more than this for the list.
	DefaultProbeTimeout = 3 * time.Second

	nsDiscovery  = "http://schemas.xmlsoap.org/ws/2005/04/discovery"
	nsAddressing = "http://schemas.xmlsoap.org/ws/2004/08/addressing"
	nsNetwork    = "http://www.onvif.org/ver10/network/wsdl"
	// resendAfter: SOAP-over-UDP repeats a multicast once, with the same
	// MessageID, in case the first was lost.
	resendAfter = 250 * time.Millisecond
	// maxXAddrs bounds what one answer can make us keep.
	maxXAddrs = 8
)

// Discovered is a device that answered a Probe.
type Discovered struct {
	// Endpoint is the device's stable identity (urn:uuid:…), kept across
	// address changes.
	Endpoint string
	// XAddrs are its device service addresses, best first: one on the
	// address the answer came from, then IPv4, then the rest. 0.0.0.0 and
	// other unusable hosts are replaced by the answer's source address.
	XAddrs []string
	Scopes []string
	Types  []string
	// From is the address the answer came from.
	From string
}

// XAddr is the best device service address ("" if none).
func (d Discovered) XAddr() string {
	if len(d.XAddrs) == 0 {
		return ""
	}
	return d.XAddrs[0]
}

// ProbeOptions narrows a Probe. The zero value probes every interface
// that is up and has multicast and an IPv4 address.
type ProbeOptions struct {
	// Interfaces to probe on; nil means all that qualify.
	Interfaces []net.Interface
	// Addr is the group to send to (DiscoveryAddr when empty); tests use
	// another port so that a real camera on the network cannot answer.
	Addr string
}

// Probe sends a WS-Discovery Probe for dn:NetworkVideoTransmitter on each
// interface and gathers the answers that relate to it, until ctx is done
// (or DefaultProbeTimeout, without a deadline). Devices are deduplicated
// by endpoint reference; malformed answers and answers to another
// MessageID are ignored. It fails (ErrRefused) only when it could send on
// no interface.
func Probe(ctx context.Context, opts ProbeOptions) ([]Discovered, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultProbeTimeout)
		defer cancel()
	}
	group := opts.Addr
	if group == "" {
		group = DiscoveryAddr
	}
	gaddr, err := net.ResolveUDPAddr("udp4", group)
	if err != nil || !gaddr.IP.IsMulticast() {
		return nil, fmt.Errorf("%q is not a multicast address: %w", group, ErrProtocol)
	}
	ifaces := opts.Interfaces
	if ifaces == nil {
		if ifaces, err = net.Interfaces(); err != nil {
			return nil, fmt.Errorf("listing interfaces: %v: %w", err, errNoInterface)
		}
	}
	id := "urn:uuid:" + newUUID()
	msg := probeMessage(id)

	// Sockets are opened here, in the caller's goroutine, before any
	// reader starts: a caller that runs Probe on a thread in another
	// network namespace gets sockets there.
	var conns []*net.UDPConn
	var errs []error
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagMulticast == 0 {
			continue
		}
		ip := ifaceIPv4(ifc)
		if ip == nil {
			continue
		}
		conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: ip})
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", ifc.Name, err))
			continue
		}
		pc := ipv4.NewPacketConn(conn)
		ifc := ifc
		if err := pc.SetMulticastInterface(&ifc); err != nil {
			conn.Close()
			errs = append(errs, fmt.Errorf("%s: %w", ifc.Name, err))
			continue
		}
		_ = pc.SetMulticastTTL(1) // the local network only
		_ = pc.SetMulticastLoopback(true)
		if _, err := conn.WriteToUDP(msg, gaddr); err != nil {
			conn.Close()
			errs = append(errs, fmt.Errorf("%s: %w", ifc.Name, err))
			continue
		}
		conns = append(conns, conn)
	}
	if len(conns) == 0 {
		if len(errs) > 0 {
			return nil, fmt.Errorf("%v: %w", errors.Join(errs...), errNoInterface)
		}
		return nil, errNoInterface
	}

	var (
		mu    sync.Mutex
		found = map[string]*Discovered{}
		order []string
		wg    sync.WaitGroup
	)
	add := func(ds []Discovered) {
		mu.Lock()
		defer mu.Unlock()
		for _, d := range ds {
			key := d.Endpoint
			if old, ok := found[key]; ok {
				old.XAddrs = mergeAddrs(old.XAddrs, d.XAddrs)
				continue
			}
			d := d
			found[key] = &d
			order = append(order, key)
		}
	}
	deadline, _ := ctx.Deadline()
	for _, conn := range conns {
		wg.Add(1)
		go func(conn *net.UDPConn) {
			defer wg.Done()
			readAnswers(ctx, conn, msg, gaddr, id, deadline, add)
		}(conn)
	}
	stop := context.AfterFunc(ctx, func() {
		for _, conn := range conns {
			_ = conn.SetReadDeadline(time.Unix(1, 0))
		}
	})
	wg.Wait()
	stop()
	for _, conn := range conns {
		conn.Close()
	}
	out := make([]Discovered, 0, len(order))
	for _, k := range order {
		out = append(out, *found[k])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].XAddr() < out[j].XAddr() })
	return out, nil
}

// readAnswers reads unicast answers on conn until the deadline, sending
// the probe a second time after resendAfter.
func readAnswers(ctx context.Context, conn *net.UDPConn, msg []byte, group *net.UDPAddr, id string, deadline time.Time, add func([]Discovered)) {
	buf := make([]byte, 64<<10)
	resend := time.Now().Add(resendAfter)
	resent := false
	for {
		until := deadline
		if !resent && resend.Before(until) {
			until = resend
		}
		if time.Now().After(deadline) {
			return
		}
		_ = conn.SetReadDeadline(until)
		// Probe's AfterFunc moves the deadline to the past once ctx is
		// done; checked after setting ours, so that ours cannot undo it.
		if ctx.Err() != nil {
			return
		}
		n, src, err := conn.ReadFromUDP(buf)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() && ctx.Err() == nil && !resent && !time.Now().Before(resend) {
				resent = true
				_, _ = conn.WriteToUDP(msg, group)
				continue
			}
			return
		}
		ds, err := parseProbeMatches(buf[:n], id, src.IP)
		if err == nil {
			add(ds)
		}
	}
}

// probeMessage is a Probe for ONVIF's NetworkVideoTransmitter type.
func probeMessage(id string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` +
		`<s:Envelope xmlns:s="` + nsSOAP12 + `" xmlns:a="` + nsAddressing + `" xmlns:d="` + nsDiscovery + `" xmlns:dn="` + nsNetwork + `">` +
		`<s:Header><a:Action s:mustUnderstand="1">` + nsDiscovery + `/Probe</a:Action>` +
		`<a:MessageID>` + id + `</a:MessageID>` +
		`<a:ReplyTo><a:Address>` + nsAddressing + `/role/anonymous</a:Address></a:ReplyTo>` +
		`<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>` +
		`<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>`)
}

var errUnrelated = fmt.Errorf("an answer to another probe: %w", ErrProtocol)

// parseProbeMatches reads one ProbeMatches datagram. It must relate to our
// MessageID id (anything else is another client's, stale, or spoofed), be
// a SOAP envelope, and each match must name an endpoint and at least one
// usable http(s) XAddr. An XAddr host that is unspecified (0.0.0.0, as
// some cameras send before DHCP settles) is replaced by src.
func parseProbeMatches(data []byte, id string, src net.IP) ([]Discovered, error) {
	root, err := parseXML(data)
	if err != nil {
		return nil, err
	}
	body, err := soapBody(root)
	if err != nil {
		return nil, err
	}
	hdr := root.child("Header")
	if strings.TrimSpace(hdr.str("RelatesTo")) != id {
		return nil, errUnrelated
	}
	pm := body.child("ProbeMatches")
	if pm == nil {
		return nil, protocolf("no ProbeMatches")
	}
	var out []Discovered
	for _, m := range pm.children("ProbeMatch") {
		d := Discovered{Endpoint: normalEndpoint(m.str("EndpointReference", "Address"))}
		if src != nil {
			d.From = src.String()
		}
		for _, x := range fieldsN(m.str("XAddrs"), maxXAddrs) {
			if a := usableXAddr(x, src); a != "" {
				d.XAddrs = mergeAddrs(d.XAddrs, []string{a})
			}
		}
		if len(d.XAddrs) == 0 {
			continue
		}
		if d.Endpoint == "" {
			d.Endpoint = d.XAddrs[0] // no identity: the address has to do
		}
		sortXAddrs(d.XAddrs, src)
		d.Scopes = fieldsN(m.str("Scopes"), 64)
		d.Types = fieldsN(m.str("Types"), 16)
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, protocolf("no usable ProbeMatch")
	}
	return out, nil
}

// usableXAddr checks one XAddr and fills in an unspecified host.
func usableXAddr(x string, src net.IP) string {
	u, err := url.Parse(x)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || len(x) > 512 {
		return ""
	}
	u.User = nil
	h := u.Hostname()
	if ip := net.ParseIP(h); h == "" || (ip != nil && ip.IsUnspecified()) {
		if src == nil {
			return ""
		}
		fixHost(u, src.String())
	}
	if u.Host == "" {
		return ""
	}
	return u.String()
}

// sortXAddrs puts the address on the answer's source first (it is the
// one known to be reachable from here), then IPv4, then the rest in the
// device's order.
func sortXAddrs(xs []string, src net.IP) {
	rank := func(x string) int {
		u, _ := url.Parse(x)
		ip := net.ParseIP(u.Hostname())
		switch {
		case src != nil && ip != nil && ip.Equal(src):
			return 0
		case ip != nil && ip.To4() != nil:
			return 1
		case ip == nil:
			return 2 // a host name
		}
		return 3
	}
	sort.SliceStable(xs, func(i, j int) bool { return rank(xs[i]) < rank(xs[j]) })
}

func mergeAddrs(a, b []string) []string {
	for _, x := range b {
		dup := false
		for _, y := range a {
			if x == y {
				dup = true
				break
			}
		}
		if !dup && len(a) < maxXAddrs {
			a = append(a, x)
		}
	}
	return a
}

// fieldsN splits on white space, keeping at most n fields.
func fieldsN(s string, n int) []string {
	f := strings.Fields(s)
	if len(f) > n {
		f = f[:n]
	}
	return f
}

// ifaceIPv4 is the interface's first IPv4 address, nil if none.
func ifaceIPv4(ifc net.Interface) net.IP {
	addrs, err := ifc.Addrs()
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok {
			if ip4 := ipn.IP.To4(); ip4 != nil {
				return ip4
			}
		}
	}
	return nil
}

// newUUID is a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
