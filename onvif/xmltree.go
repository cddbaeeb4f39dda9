package onvif

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Bounds on a message read from the network. A SOAP answer of a camera
// with 16 profiles is about 60 KB; 1 MiB leaves room for the chattiest
// and still bounds memory for one that never stops talking.
const (
	maxBody  = 1 << 20
	maxDepth = 40
	maxNodes = 50000
)

// node is one element of a parsed message, reduced to what the client
// reads: its expanded name, attributes, children and character data.
// Lookups go by local name, so a maker's prefixes (s:, SOAP-ENV:, env:,
// trt2:) never matter; namespaces are checked where ONVIF fixes them.
type node struct {
	name xml.Name
	attr []xml.Attr
	kids []*node
	text string
}

// parseXML reads one XML document of at most maxBody bytes into a tree.
// It refuses a DOCTYPE (so there is no entity to expand: encoding/xml
// never expands external ones, and an internal subset is not read at all),
// undefined entities, more than maxDepth levels and more than maxNodes
// elements.
func parseXML(data []byte) (*node, error) {
	if len(data) > maxBody {
		return nil, protocolf("message of %d bytes (at most %d)", len(data), maxBody)
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.CharsetReader = charsetReader
	var root *node
	var stack []*node
	// One text buffer per open element ([]byte, not strings.Builder: a
	// Builder must not be copied, and append copies).
	var texts [][]byte
	count := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, protocolf("not XML: %v", err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			return nil, protocolf("a DOCTYPE or other directive in a SOAP message")
		case xml.StartElement:
			count++
			if count > maxNodes {
				return nil, protocolf("more than %d elements", maxNodes)
			}
			if len(stack) >= maxDepth {
				return nil, protocolf("elements nested deeper than %d", maxDepth)
			}
			n := &node{name: t.Name, attr: t.Attr}
			if len(stack) == 0 {
				if root != nil {
					return nil, protocolf("two root elements")
				}
				root = n
			} else {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, n)
			}
			stack = append(stack, n)
			texts = append(texts, nil)
		case xml.EndElement:
			n := stack[len(stack)-1]
			n.text = strings.TrimSpace(string(texts[len(texts)-1]))
			stack = stack[:len(stack)-1]
			texts = texts[:len(texts)-1]
		case xml.CharData:
			if len(stack) > 0 {
				texts[len(texts)-1] = append(texts[len(texts)-1], t...)
			}
		}
	}
	if root == nil {
		return nil, protocolf("no XML element")
	}
	return root, nil
}

// charsetReader accepts the encodings cameras declare besides UTF-8:
// US-ASCII (a subset) and ISO-8859-1 (each byte is its code point).
func charsetReader(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return in, nil
	case "iso-8859-1", "latin1", "latin-1":
		b, err := io.ReadAll(io.LimitReader(in, maxBody))
		if err != nil {
			return nil, err
		}
		out := make([]byte, 0, len(b)+len(b)/8)
		for _, c := range b {
			out = utf8.AppendRune(out, rune(c))
		}
		return bytes.NewReader(out), nil
	}
	return nil, fmt.Errorf("unsupported encoding %q", label)
}

// child is the first direct child with this local name, or nil.
func (n *node) child(local string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name.Local == local {
			return k
		}
	}
	return nil
}

// children are the direct children with this local name.
func (n *node) children(local string) []*node {
	if n == nil {
		return nil
	}
	var out []*node
	for _, k := range n.kids {
		if k.name.Local == local {
			out = append(out, k)
		}
	}
	return out
}

// path follows direct children by local name; nil where one is missing.
func (n *node) path(locals ...string) *node {
	for _, l := range locals {
		n = n.child(l)
	}
	return n
}

// str is the text at path (trimmed), "" where it is missing.
func (n *node) str(locals ...string) string {
	if m := n.path(locals...); m != nil {
		return m.text
	}
	return ""
}

// attrValue is the attribute with this local name, "" if absent.
func (n *node) attrValue(local string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// localOf drops a QName's prefix: "ter:NotAuthorized" → "NotAuthorized".
func localOf(qname string) string {
	qname = strings.TrimSpace(qname)
	if i := strings.LastIndexByte(qname, ':'); i >= 0 {
		return qname[i+1:]
	}
	return qname
}

// escape is s as XML character data or attribute value.
func escape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
