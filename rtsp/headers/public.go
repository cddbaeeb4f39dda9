package headers

import "strings"

// Public is a Public header (RFC 2326 section 12.28): the methods the server
// supports, as listed in the OPTIONS response.
type Public []string

// Unmarshal parses a comma-separated method list. Spaces and empty items
// ("OPTIONS,, DESCRIBE ,") are dropped; method names keep their case. An
// empty list is not an error: the caller just knows no method beyond what
// RFC 2326 requires.
func (p *Public) Unmarshal(v string) error {
	var methods Public
	for _, item := range strings.Split(v, ",") {
		item = trimOWS(item)
		if item == "" {
			continue
		}
		if hasCTL(item) {
			return syntaxError("Public", "control character in %s", snippet(item))
		}
		methods = append(methods, item)
	}
	*p = methods
	return nil
}

// Marshal formats p as "OPTIONS, DESCRIBE, ...".
func (p Public) Marshal() string {
	return strings.Join(p, ", ")
}

// Has reports whether method is listed, ignoring case. RFC 2326 method names
// are case-sensitive, but a case slip in a server's list should not decide
// between GET_PARAMETER and OPTIONS keepalives (docs/QUIRKS.md #13).
func (p Public) Has(method string) bool {
	for _, m := range p {
		if strings.EqualFold(m, method) {
			return true
		}
	}
	return false
}
