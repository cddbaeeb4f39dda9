package onvif

import (
	"net"
	"testing"
)

// FuzzSOAPAnswer feeds device answers to the SOAP reader and the field
// readers the operations use: no input may panic or hang, and whatever
// is accepted is an ONVIF answer to the operation asked.
func FuzzSOAPAnswer(f *testing.F) {
	f.Add([]byte(okEnvelope), 200)
	f.Add([]byte(`<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault><s:Code><s:Value>s:Sender</s:Value>`+
		`<s:Subcode><s:Value>ter:NotAuthorized</s:Value></s:Subcode></s:Code><s:Reason><s:Text>no</s:Text></s:Reason></s:Fault></s:Body></s:Envelope>`), 400)
	f.Fuzz(func(t *testing.T, data []byte, status int) {
		res, err := answer("GetDeviceInformation", status, data)
		if err != nil {
			if Kind(err) == "" {
				t.Fatalf("an error of no kind: %v", err)
			}
			return
		}
		if res.name.Local != "GetDeviceInformationResponse" {
			t.Fatalf("accepted %s", res.name.Local)
		}
		for _, p := range res.children("Profiles") {
			_ = p.attrValue("token")
			_ = atoi(p.str("VideoEncoderConfiguration", "Resolution", "Width"))
		}
		_ = res.str("SystemDateAndTime", "UTCDateTime", "Date", "Year")
	})
}

// FuzzProbeMatches feeds WS-Discovery datagrams to the answer reader: no
// panic, and an accepted answer always relates to our probe and names
// usable http(s) addresses.
func FuzzProbeMatches(f *testing.F) {
	const id = "urn:uuid:11111111-2222-4333-8444-555555555555"
	f.Add([]byte(`<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery">` +
		`<e:Header><a:RelatesTo>` + id + `</a:RelatesTo></e:Header><e:Body><d:ProbeMatches><d:ProbeMatch>` +
		`<a:EndpointReference><a:Address>urn:uuid:cam-1</a:Address></a:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types>` +
		`<d:Scopes>onvif://www.onvif.org/name/Front%20Door</d:Scopes><d:XAddrs>http://0.0.0.0:80/onvif/device_service http://[fe80::1]/x</d:XAddrs>` +
		`</d:ProbeMatch></d:ProbeMatches></e:Body></e:Envelope>`))
	src := net.ParseIP("192.168.1.64")
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := parseProbeMatches(data, id, src)
		if err != nil {
			return
		}
		for _, d := range ds {
			if d.Endpoint == "" || len(d.XAddrs) == 0 || len(d.XAddrs) > maxXAddrs {
				t.Fatalf("accepted %+v", d)
			}
			_ = ParseScopes(d.Scopes)
		}
	})
}
