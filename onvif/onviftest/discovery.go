package onviftest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"net"
	"strings"
)

// ProbeAnswer shapes what AnswerProbes sends for each Probe.
type ProbeAnswer struct {
	// XAddrs is the XAddrs field as sent (space-separated; may hold
	// 0.0.0.0 or several addresses).
	XAddrs string
	// Noise sends, before the real answer, a datagram of garbage and a
	// well-formed ProbeMatches for another MessageID naming another
	// endpoint (spoofed or stale): a client must ignore both.
	Noise bool
	// Twice sends the real answer twice (one per interface, as a camera
	// with two does): a client must list the device once.
	Twice bool
}

// AnswerProbes answers the WS-Discovery Probes read from pc, by unicast
// to their source, until pc is closed. It returns the number of Probes
// answered.
func (d *Device) AnswerProbes(pc net.PacketConn, a ProbeAnswer) int {
	buf := make([]byte, 64<<10)
	n := 0
	for {
		size, src, err := pc.ReadFrom(buf)
		if err != nil {
			return n
		}
		id, ok := probeID(buf[:size])
		if !ok {
			continue
		}
		n++
		if a.Noise {
			_, _ = pc.WriteTo([]byte("<not xml"), src)
			_, _ = pc.WriteTo(d.probeMatches("urn:uuid:"+newUUID(), "urn:uuid:spoofed-"+newUUID(), "http://192.0.2.66/onvif/device_service"), src)
		}
		reply := d.probeMatches(id, d.o.Endpoint, a.XAddrs)
		_, _ = pc.WriteTo(reply, src)
		if a.Twice {
			_, _ = pc.WriteTo(d.probeMatches(id, d.o.Endpoint, a.XAddrs), src)
		}
	}
}

// probeID reads a Probe's MessageID; ok is false for anything else.
func probeID(b []byte) (string, bool) {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var id string
	var cur string
	probe := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return id, probe && id != ""
		}
		if err != nil {
			return "", false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			cur = t.Name.Local
			if t.Name.Local == "Probe" && t.Name.Space == "http://schemas.xmlsoap.org/ws/2005/04/discovery" {
				probe = true
			}
		case xml.CharData:
			if cur == "MessageID" {
				id += strings.TrimSpace(string(t))
			}
		case xml.EndElement:
			cur = ""
		}
	}
}

func (d *Device) probeMatches(relatesTo, endpoint, xaddrs string) []byte {
	scopes := "onvif://www.onvif.org/name/" + pathEscape(d.o.Name) + " onvif://www.onvif.org/location/" +
		pathEscape(d.o.Location) + " onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/Profile/Streaming"
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` +
		`<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:wsadis="http://schemas.xmlsoap.org/ws/2004/08/addressing"` +
		` xmlns:wsdd="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">` +
		`<env:Header><wsadis:MessageID>urn:uuid:` + newUUID() + `</wsadis:MessageID><wsadis:RelatesTo>` + relatesTo + `</wsadis:RelatesTo>` +
		`<wsadis:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsadis:To>` +
		`<wsadis:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsadis:Action></env:Header>` +
		`<env:Body><wsdd:ProbeMatches><wsdd:ProbeMatch><wsadis:EndpointReference><wsadis:Address>` + endpoint +
		`</wsadis:Address></wsadis:EndpointReference><wsdd:Types>dn:NetworkVideoTransmitter tds:Device</wsdd:Types>` +
		`<wsdd:Scopes>` + html.EscapeString(scopes) + `</wsdd:Scopes><wsdd:XAddrs>` + xaddrs + `</wsdd:XAddrs>` +
		`<wsdd:MetadataVersion>1</wsdd:MetadataVersion></wsdd:ProbeMatch></wsdd:ProbeMatches></env:Body></env:Envelope>`)
}
