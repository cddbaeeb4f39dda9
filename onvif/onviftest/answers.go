package onviftest

import (
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const (
	nsDevice = "http://www.onvif.org/ver10/device/wsdl"
	nsMedia  = "http://www.onvif.org/ver10/media/wsdl"
	nsMedia2 = "http://www.onvif.org/ver20/media/wsdl"
	nsSchema = "http://www.onvif.org/ver10/schema"
	nsPTZ    = "http://www.onvif.org/ver20/ptz/wsdl"
	nsError  = "http://www.onvif.org/ver10/error"
)

// prefixSets are the makers' ways of naming the same namespaces.
var prefixSets = map[string]map[string]string{
	"onvif": {soap12: "s", nsDevice: "tds", nsMedia: "trt", nsMedia2: "tr2", nsSchema: "tt", nsPTZ: "tptz", nsError: "ter"},
	"hik":   {soap12: "SOAP-ENV", nsDevice: "ns3", nsMedia: "trt2", nsMedia2: "ns9", nsSchema: "tt2", nsPTZ: "ns7", nsError: "ns11"},
}

// writer writes elements with the device's prefixes, or with a default
// namespace on each element when it has none.
type writer struct{ p map[string]string }

func (d *Device) w() writer { return writer{prefixSets[d.o.Prefixes]} }

func (w writer) el(ns, local, attrs, inner string) string {
	if attrs != "" {
		attrs = " " + attrs
	}
	if w.p == nil {
		return fmt.Sprintf(`<%s xmlns="%s"%s>%s</%s>`, local, ns, attrs, inner, local)
	}
	p := w.p[ns]
	return fmt.Sprintf(`<%s:%s%s>%s</%s:%s>`, p, local, attrs, inner, p, local)
}

// qname is a QName value (a fault code) in the writer's prefixes.
func (w writer) qname(ns, local string) (string, string) {
	if w.p == nil {
		return "x:" + local, ` xmlns:x="` + ns + `"`
	}
	return w.p[ns] + ":" + local, ""
}

func (d *Device) envelope(body string) string {
	w := d.w()
	decl := ""
	if w.p != nil {
		for ns, p := range w.p {
			if ns != soap12 {
				decl += fmt.Sprintf(` xmlns:%s="%s"`, p, ns)
			}
		}
	}
	env := w.el(soap12, "Envelope", "", w.el(soap12, "Body", "", body))
	if w.p != nil {
		p := w.p[soap12]
		env = strings.Replace(env, "<"+p+":Envelope>", fmt.Sprintf(`<%s:Envelope xmlns:%s="%s"%s>`, p, p, soap12, decl), 1)
	}
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + env
}

func (d *Device) fault(code, sub, reason string) string {
	w := d.w()
	c, cdecl := w.qname(soap12, code)
	s, sdecl := w.qname(nsError, sub)
	return d.envelope(w.el(soap12, "Fault", "",
		w.el(soap12, "Code", "", w.el(soap12, "Value", strings.TrimSpace(cdecl), c)+
			w.el(soap12, "Subcode", "", w.el(soap12, "Value", strings.TrimSpace(sdecl), s)))+
			w.el(soap12, "Reason", "", w.el(soap12, "Text", `xml:lang="en"`, html.EscapeString(reason)))))
}

func (d *Device) systemTime() string {
	w := d.w()
	t := time.Now().Add(d.o.Skew).UTC()
	n := func(local string, v int) string { return w.el(nsSchema, local, "", fmt.Sprint(v)) }
	return d.envelope(w.el(nsDevice, "GetSystemDateAndTimeResponse", "", w.el(nsDevice, "SystemDateAndTime", "",
		w.el(nsSchema, "DateTimeType", "", "Manual")+w.el(nsSchema, "DaylightSavings", "", "false")+
			w.el(nsSchema, "UTCDateTime", "",
				w.el(nsSchema, "Time", "", n("Hour", t.Hour())+n("Minute", t.Minute())+n("Second", t.Second()))+
					w.el(nsSchema, "Date", "", n("Year", t.Year())+n("Month", int(t.Month()))+n("Day", t.Day()))))))
}

// base is the address services are given at: the Host the client used,
// or 0.0.0.0 on its port with ZeroXAddr.
func (d *Device) base(r *http.Request) string {
	host := r.Host
	if d.o.ZeroXAddr {
		_, port, _ := net.SplitHostPort(r.Host)
		host = "0.0.0.0:" + port
	}
	return "http://" + host
}

func (d *Device) answer(r *http.Request, req *request) (int, string) {
	w := d.w()
	base := d.base(r)
	x := func(s string) string { return html.EscapeString(s) }
	switch req.op {
	case "GetServices":
		svc := func(ns, path string) string {
			return w.el(nsDevice, "Service", "", w.el(nsDevice, "Namespace", "", ns)+
				w.el(nsDevice, "XAddr", "", base+"/onvif/"+path)+
				w.el(nsDevice, "Version", "", w.el(nsSchema, "Major", "", "2")+w.el(nsSchema, "Minor", "", "60")))
		}
		out := svc(nsDevice, "device_service")
		if d.o.Media2Only {
			out += svc(nsMedia2, "media2_service")
		} else {
			out += svc(nsMedia, "media_service")
		}
		if d.o.PTZ {
			out += svc(nsPTZ, "ptz_service")
		}
		return 200, d.envelope(w.el(nsDevice, "GetServicesResponse", "", out))
	case "GetCapabilities":
		out := w.el(nsSchema, "Device", "", w.el(nsSchema, "XAddr", "", base+"/onvif/device_service"))
		if !d.o.Media2Only {
			out += w.el(nsSchema, "Media", "", w.el(nsSchema, "XAddr", "", base+"/onvif/media_service"))
		}
		if d.o.PTZ {
			out += w.el(nsSchema, "PTZ", "", w.el(nsSchema, "XAddr", "", base+"/onvif/ptz_service"))
		}
		return 200, d.envelope(w.el(nsDevice, "GetCapabilitiesResponse", "", w.el(nsDevice, "Capabilities", "", out)))
	case "GetDeviceInformation":
		return 200, d.envelope(w.el(nsDevice, "GetDeviceInformationResponse", "",
			w.el(nsDevice, "Manufacturer", "", x(d.o.Manufacturer))+w.el(nsDevice, "Model", "", x(d.o.Model))+
				w.el(nsDevice, "FirmwareVersion", "", x(d.o.Firmware))+w.el(nsDevice, "SerialNumber", "", "SIM0001")+
				w.el(nsDevice, "HardwareId", "", "1")))
	case "GetScopes":
		var out string
		for _, s := range []string{"name/" + pathEscape(d.o.Name), "location/" + pathEscape(d.o.Location), "Profile/Streaming"} {
			out += w.el(nsDevice, "Scopes", "", w.el(nsSchema, "ScopeDef", "", "Fixed")+
				w.el(nsSchema, "ScopeItem", "", x("onvif://www.onvif.org/"+s)))
		}
		return 200, d.envelope(w.el(nsDevice, "GetScopesResponse", "", out))
	case "GetEndpointReference":
		switch d.o.EndpointReference {
		case "none":
			return 400, d.fault("Receiver", "ActionNotSupported", "GetEndpointReference is not supported")
		case "bare":
			return 200, d.envelope(w.el(nsDevice, "GetEndpointReferenceResponse", "",
				w.el(nsDevice, "GUID", "", x(strings.TrimPrefix(d.o.Endpoint, "urn:uuid:")))))
		}
		return 200, d.envelope(w.el(nsDevice, "GetEndpointReferenceResponse", "", w.el(nsDevice, "GUID", "", x(d.o.Endpoint))))
	case "GetProfiles":
		return d.profiles(req)
	case "GetVideoSources":
		// Mandatory in Profile S: the sensor the profiles' video source
		// configurations name (agsh's onvif for node drops every profile
		// of a camera that does not answer it).
		if d.o.Media2Only {
			break
		}
		sw, sh := d.sensor()
		return 200, d.envelope(w.el(nsMedia, "GetVideoSourcesResponse", "",
			w.el(nsMedia, "VideoSources", `token="VideoSource_1"`, w.el(nsSchema, "Framerate", "", "25")+
				w.el(nsSchema, "Resolution", "", w.el(nsSchema, "Width", "", fmt.Sprint(sw))+w.el(nsSchema, "Height", "", fmt.Sprint(sh))))))
	case "GetStreamUri", "GetSnapshotUri":
		var uri string
		for _, p := range d.o.Profiles {
			if p.Token == req.profileToken {
				uri = p.URL
				if req.op == "GetSnapshotUri" {
					uri = base + "/snapshot.jpg"
				}
			}
		}
		if uri == "" {
			return 400, d.fault("Sender", "InvalidArgVal", "no such profile")
		}
		if req.opSpace == nsMedia2 {
			return 200, d.envelope(w.el(nsMedia2, req.op+"Response", "", w.el(nsMedia2, "Uri", "", x(uri))))
		}
		return 200, d.envelope(w.el(nsMedia, req.op+"Response", "", w.el(nsMedia, "MediaUri", "",
			w.el(nsSchema, "Uri", "", x(uri))+w.el(nsSchema, "InvalidAfterConnect", "", "false")+
				w.el(nsSchema, "InvalidAfterReboot", "", "false")+w.el(nsSchema, "Timeout", "", "PT0S"))))
	case "ContinuousMove", "Stop", "GetPresets", "GotoPreset":
		if !d.o.PTZ || !strings.HasSuffix(r.URL.Path, "/ptz_service") {
			break
		}
		return d.ptz(req)
	}
	return 400, d.fault("Receiver", "ActionNotSupported", req.op+" is not supported")
}

// sensor is the size of the one video source: the largest profile's.
func (d *Device) sensor() (w, h int) {
	for _, p := range d.o.Profiles {
		if p.Width*p.Height > w*h {
			w, h = p.Width, p.Height
		}
	}
	return w, h
}

// videoSourceConfiguration is what every profile of the one sensor holds:
// the whole picture of VideoSource_1.
func (d *Device) videoSourceConfiguration(element string) string {
	w := d.w()
	sw, sh := d.sensor()
	return w.el(nsSchema, element, `token="VSC_1"`, w.el(nsSchema, "Name", "", "sensor")+w.el(nsSchema, "UseCount", "", fmt.Sprint(len(d.o.Profiles)))+
		w.el(nsSchema, "SourceToken", "", "VideoSource_1")+
		w.el(nsSchema, "Bounds", fmt.Sprintf(`x="0" y="0" width="%d" height="%d"`, sw, sh), ""))
}

func (d *Device) profiles(req *request) (int, string) {
	w := d.w()
	media2 := req.opSpace == nsMedia2
	if media2 != d.o.Media2Only {
		return 400, d.fault("Receiver", "ActionNotSupported", "GetProfiles of this media service is not supported")
	}
	var out string
	for _, p := range d.o.Profiles {
		enc := p.Encoding
		if enc == "" {
			enc = "H264"
		}
		res := w.el(nsSchema, "Resolution", "", w.el(nsSchema, "Width", "", fmt.Sprint(p.Width))+w.el(nsSchema, "Height", "", fmt.Sprint(p.Height)))
		ptz := ""
		if media2 {
			if d.o.PTZ {
				ptz = w.el(nsSchema, "PTZ", `token="PTZ_1"`, w.el(nsSchema, "Name", "", "PTZ")+w.el(nsSchema, "NodeToken", "", "Node_1"))
			}
			vec := w.el(nsSchema, "VideoEncoder", `token="VE_`+p.Token+`" GovLength="50" Profile="Main"`,
				w.el(nsSchema, "Name", "", "enc")+w.el(nsSchema, "UseCount", "", "1")+w.el(nsSchema, "Encoding", "", enc)+res+
					w.el(nsSchema, "RateControl", "", w.el(nsSchema, "FrameRateLimit", "", "25.0")+w.el(nsSchema, "BitrateLimit", "", "2048")))
			out += w.el(nsMedia2, "Profiles", `token="`+p.Token+`" fixed="true"`,
				w.el(nsSchema, "Name", "", p.Name)+w.el(nsMedia2, "Configurations", "", d.videoSourceConfiguration("VideoSource")+vec+ptz))
			continue
		}
		if d.o.PTZ {
			ptz = w.el(nsSchema, "PTZConfiguration", `token="PTZ_1"`, w.el(nsSchema, "Name", "", "PTZ")+w.el(nsSchema, "NodeToken", "", "Node_1"))
		}
		out += w.el(nsMedia, "Profiles", `token="`+p.Token+`" fixed="true"`,
			w.el(nsSchema, "Name", "", p.Name)+d.videoSourceConfiguration("VideoSourceConfiguration")+
				w.el(nsSchema, "VideoEncoderConfiguration", `token="VE_`+p.Token+`"`,
					w.el(nsSchema, "Name", "", "enc")+w.el(nsSchema, "UseCount", "", "1")+w.el(nsSchema, "Encoding", "", enc)+res+
						w.el(nsSchema, "RateControl", "", w.el(nsSchema, "FrameRateLimit", "", "25")+w.el(nsSchema, "EncodingInterval", "", "1")+
							w.el(nsSchema, "BitrateLimit", "", "2048")))+ptz)
	}
	ns := nsMedia
	if media2 {
		ns = nsMedia2
	}
	return 200, d.envelope(w.el(ns, "GetProfilesResponse", "", out))
}

func (d *Device) ptz(req *request) (int, string) {
	w := d.w()
	switch req.op {
	case "ContinuousMove":
		d.record(&d.moves, fmt.Sprintf("ContinuousMove %s pan=%s tilt=%s zoom=%s timeout=%s", req.profileToken, req.pan, req.tilt, req.zoom, req.timeout))
	case "Stop":
		d.record(&d.moves, fmt.Sprintf("Stop %s pantilt=%s zoom=%s", req.profileToken, req.stopPanTilt, req.stopZoom))
		if d.o.StopNeedsBare && (req.hasStopPanTilt || req.hasStopZoom) {
			return 400, d.fault("Sender", "InvalidArgVal", "Argument Value Invalid")
		}
	case "GotoPreset":
		d.record(&d.moves, fmt.Sprintf("GotoPreset %s %s", req.profileToken, req.presetToken))
	case "GetPresets":
		return 200, d.envelope(w.el(nsPTZ, "GetPresetsResponse", "",
			w.el(nsPTZ, "Preset", `token="1"`, w.el(nsSchema, "Name", "", "Door"))+
				w.el(nsPTZ, "Preset", `token="2"`, w.el(nsSchema, "Name", "", "Yard"))))
	}
	return 200, d.envelope(w.el(nsPTZ, req.op+"Response", "", ""))
}

func pathEscape(s string) string { return url.PathEscape(s) }
