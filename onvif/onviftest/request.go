package onviftest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

const soap12 = "http://www.w3.org/2003/05/soap-envelope"

// request is what the device reads of a SOAP request.
type request struct {
	op, opSpace                                      string
	username, password, passwordType, nonce, created string
	profileToken, presetToken                        string
	pan, tilt, zoom                                  string
	stopPanTilt, stopZoom, timeout                   string
	hasStopPanTilt, hasStopZoom                      bool
}

// readRequest walks the request with encoding/xml, by namespace URI and
// local name: a client's prefixes do not matter, its namespaces do.
func readRequest(body []byte) (*request, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	req := &request{}
	var stack []xml.Name
	inBody := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 && (t.Name.Local != "Envelope" || t.Name.Space != soap12) {
				return nil, errors.New("not a SOAP 1.2 envelope")
			}
			if len(stack) == 2 && inBody && req.op == "" {
				req.op, req.opSpace = t.Name.Local, t.Name.Space
			}
			if len(stack) == 1 && t.Name.Local == "Body" {
				inBody = true
			}
			switch t.Name.Local {
			case "Password":
				req.passwordType = attr(t, "Type")
			case "PanTilt":
				if parentIs(stack, "Velocity") {
					req.pan, req.tilt = attr(t, "x"), attr(t, "y")
				} else {
					req.hasStopPanTilt = true
				}
			case "Zoom":
				if parentIs(stack, "Velocity") {
					req.zoom = attr(t, "x")
				} else {
					req.hasStopZoom = true
				}
			}
			stack = append(stack, t.Name)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				continue
			}
			s := strings.TrimSpace(string(t))
			switch stack[len(stack)-1].Local {
			case "Username":
				req.username = s
			case "Password":
				req.password = s
			case "Nonce":
				req.nonce = s
			case "Created":
				req.created = s
			case "ProfileToken":
				req.profileToken = s
			case "PresetToken":
				req.presetToken = s
			case "Timeout":
				req.timeout = s
			case "PanTilt":
				req.stopPanTilt = s
			case "Zoom":
				req.stopZoom = s
			}
		}
	}
	if req.op == "" {
		return nil, errors.New("no operation in the Body")
	}
	return req, nil
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

func parentIs(stack []xml.Name, local string) bool {
	return len(stack) > 0 && stack[len(stack)-1].Local == local
}
