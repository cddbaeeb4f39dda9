// Package onvif is a small ONVIF client: the SOAP calls a viewer needs to
// turn a camera's address into stream addresses (device information,
// services, media profiles, stream and snapshot URIs), PTZ (continuous
// moves, stop, presets), and WS-Discovery to find cameras on the local
// networks. It knows nothing of RTSP or of the window: it hands back
// addresses and facts, and the caller plays them.
//
// It is our own client on encoding/xml rather than one of the Go ONVIF
// libraries (use-go/onvif, its forks IOTechSystems/onvif and
// kerberos-io/onvif, and videonext/onvif). Those generate or hand-write
// hundreds of operations for the few a viewer calls, read answers with
// ioutil.ReadAll and no size or time bound (use-go panics on a read
// error), and pull in a web framework (gin, and through it a JSON engine
// and QUIC), etree or mxj. Ours reads every answer through a size cap and a
// depth- and element-capped tree, under the caller's deadline, matches
// elements by namespace and local name whatever prefix a maker chooses,
// and sends the password only as a WS-UsernameToken digest (made with the
// camera's clock) or an HTTP Digest.
//
// Errors wrap one of ErrUnauthorized, ErrTimeout, ErrRefused and
// ErrProtocol; Kind names it in one word and Sentence says it for a person.
package onvif
