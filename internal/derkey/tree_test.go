package derkey

import (
	"testing"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// Byte flips rarely hit encoding/asn1's structural leniencies (optional
// fields skipped on a tag, elements after the last field, EXPLICIT
// lengths unchecked); TestTreeMutations aims at them: it edits valid
// encodings element by element, at every level.

// A node is one DER element; kids are its elements when it is a
// constructed one, or an OCTET STRING or BIT STRING holding DER; nil
// when body is to be taken as it is.
type node struct {
	tag  byte
	body []byte
	kids []*node
	pad  bool // a BIT STRING's leading 0 before kids
}

func parseTree(b []byte) *node {
	s := cryptobyte.String(b)
	var body cryptobyte.String
	var tag asn1.Tag
	if !s.ReadAnyASN1(&body, &tag) || !s.Empty() {
		return nil
	}
	n := &node{tag: byte(tag), body: body}
	inner := []byte(body)
	if tag == asn1.BIT_STRING && len(inner) > 0 && inner[0] == 0 {
		inner, n.pad = inner[1:], true
	}
	if tag&0x20 != 0 || tag == asn1.OCTET_STRING || n.pad {
		kids := []*node{}
		for c := cryptobyte.String(inner); !c.Empty(); {
			var el cryptobyte.String
			if !c.ReadAnyASN1Element(&el, &tag) {
				n.pad = false
				return n
			}
			kids = append(kids, parseTree(el))
		}
		if len(kids) > 0 || n.tag&0x20 != 0 {
			n.kids = kids
		} else {
			n.pad = false
		}
	}
	return n
}

func (n *node) encode(b *cryptobyte.Builder) {
	b.AddASN1(asn1.Tag(n.tag), func(b *cryptobyte.Builder) {
		if n.kids == nil {
			b.AddBytes(n.body)
			return
		}
		if n.pad {
			b.AddUint8(0)
		}
		for _, k := range n.kids {
			k.encode(b)
		}
	})
}

func (n *node) der() []byte {
	b := cryptobyte.NewBuilder(nil)
	n.encode(b)
	return b.BytesOrPanic()
}

// odd are elements to put among the fields: of other types, empty,
// high-tagged, malformed.
var odd = []string{
	"0500", "0400", "3000", "a000", "8000", "a1023000", "a003020101", "800100",
	"020100", "0200", "0201ff", "0600", "060180", "0300", "030101", "0a05",
	"9f810000", "bf812003020101", "9f0100", "30", "0480", "04810100",
}

// mutants calls f with root's encoding after each edit of one list of
// elements: one deleted, duplicated or replaced by an odd element, or an
// odd one inserted; and with each EXPLICIT wrapper's length changed.
func mutants(root *node, f func([]byte)) {
	var walk func(n *node)
	walk = func(n *node) {
		if n == nil {
			return
		}
		kids := n.kids
		try := func(k []*node) {
			n.kids = k
			f(root.der())
			n.kids = kids
		}
		if kids != nil {
			for i := range len(kids) + 1 {
				for _, o := range odd {
					// Those not well formed are spliced in below.
					if raw := unhex(o); len(raw) >= 2 && int(raw[1]) == len(raw)-2 && raw[0]&0x1f != 0x1f {
						on := &node{tag: raw[0], body: raw[2:]}
						try(append(append(append([]*node{}, kids[:i]...), on), kids[i:]...))
						if i < len(kids) {
							try(append(append(append([]*node{}, kids[:i]...), on), kids[i+1:]...))
						}
					}
				}
				if i < len(kids) {
					try(append(append([]*node{}, kids[:i]...), kids[i+1:]...))
					try(append(append([]*node{}, kids[:i+1]...), kids[i:]...))
				}
			}
		}
		for _, k := range kids {
			walk(k)
		}
	}
	walk(root)

	// Malformed odd elements and wrong EXPLICIT lengths, spliced into the
	// bytes: the encoding is written out with a marker element in their
	// place, then the marker replaced.
	der := root.der()
	var splice func(n *node)
	splice = func(n *node) {
		if n == nil {
			return
		}
		kids := n.kids
		for i := range kids {
			marker := &node{tag: 0x1e, body: []byte("\xde\xad\xbe\xef\x99")}
			n.kids = append(append(append([]*node{}, kids[:i]...), marker), kids[i:]...)
			m := root.der()
			n.kids = kids
			at := indexOf(m, marker.der())
			for _, o := range odd {
				f(append(append(append([]byte{}, m[:at]...), unhex(o)...), m[at+7:]...))
			}
			if k := kids[i]; k.tag&0xe0 == 0xa0 && k.kids != nil {
				// [n] EXPLICIT with its length off.
				at := indexOf(der, k.der())
				for _, l := range []byte{0, 1, 2, 0x7f} {
					m := append([]byte{}, der...)
					m[at+1] = l
					f(m)
				}
			}
		}
		for _, k := range kids {
			splice(k)
		}
	}
	splice(root)
}

func indexOf(b, sub []byte) int {
	for i := range len(b) - len(sub) + 1 {
		if string(b[i:i+len(sub)]) == string(sub) {
			return i
		}
	}
	panic("not found")
}

func TestTreeMutations(t *testing.T) {
	enc := encodings(t)
	for _, p := range parsers {
		all := enc[p.name]
		ders := [][]byte{all[0]}
		switch p.name {
		case pkcs1PrivateP.name:
			ders = append(ders, all[5])
		case pkcs8PrivateP.name, pkixPublicP.name:
			ders = [][]byte{all[0], all[7], all[16]}
		}
		n := 0
		for _, der := range ders {
			root := parseTree(der)
			if root == nil || string(root.der()) != string(der) {
				t.Fatalf("%s: tree does not round-trip", p.name)
			}
			mutants(root, func(m []byte) {
				n++
				p.check(t, "mutant", m)
			})
		}
		t.Logf("%s: %d mutants", p.name, n)
	}
}
