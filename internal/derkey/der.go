package derkey

import (
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// head parses the identifier and length octets of the element b begins
// with as encoding/asn1's parseTagAndLength does: it accepts high tag
// numbers (which cryptobyte refuses) and insists on minimal lengths. It
// returns the header's size and the declared content length, which the
// caller checks against the input only where encoding/asn1 does.
func head(b []byte) (hdr, n int, ok bool) {
	i := 1
	if len(b) > 0 && b[0]&0x1f == 0x1f {
		// High tag number, base 128: minimal, below 2^31, at least 31.
		var tag int64
		for {
			if i >= len(b) || i == 6 || i == 1 && b[i] == 0x80 {
				return 0, 0, false
			}
			tag = tag<<7 | int64(b[i]&0x7f)
			i++
			if b[i-1]&0x80 == 0 {
				break
			}
		}
		if tag < 0x1f || tag > 1<<31-1 {
			return 0, 0, false
		}
	}
	if i >= len(b) {
		return 0, 0, false
	}
	l := b[i]
	i++
	if l < 0x80 {
		return i, int(l), true
	}
	for k := l & 0x7f; k > 0; k-- {
		if i >= len(b) || n >= 1<<23 {
			return 0, 0, false
		}
		n = n<<8 | int(b[i])
		i++
		if n == 0 {
			return 0, 0, false
		}
	}
	// l == 0x80 (indefinite length) leaves n at 0, refused here too.
	return i, n, n >= 0x80
}

// fields reads the contents of a SEQUENCE field by field as encoding/asn1
// fills a struct: an optional field is absent when the next element's tag
// differs (its header must still parse), and whatever follows the last
// field is never looked at. bad records the first failure; every read
// after it returns nothing.
type fields struct {
	b   []byte
	bad bool
}

// take reads the next field, of the given (low-numbered) tag. It returns
// the whole element, header included, so that cryptobyte can decode it,
// or nil when an optional field is absent.
func (f *fields) take(tag asn1.Tag, optional bool) cryptobyte.String {
	if f.bad || len(f.b) == 0 {
		f.bad = f.bad || !optional
		return nil
	}
	hdr, n, ok := head(f.b)
	switch {
	case !ok:
		f.bad = true
	case f.b[0] != byte(tag):
		f.bad = !optional
	case n > len(f.b)-hdr:
		f.bad = true
	default:
		el := f.b[:hdr+n]
		f.b = f.b[hdr+n:]
		return el
	}
	return nil
}

// raw reads an optional field of any type (an asn1.RawValue), returning
// the whole element or nil.
func (f *fields) raw() []byte {
	if f.bad || len(f.b) == 0 {
		return nil
	}
	hdr, n, ok := head(f.b)
	if !ok || n > len(f.b)-hdr {
		f.bad = true
		return nil
	}
	el := f.b[:hdr+n]
	f.b = f.b[hdr+n:]
	return el
}

// explicit reads an optional field tagged [num] EXPLICIT whose inner
// element has the given tag, with encoding/asn1's quirks: an element
// whose header ends the SEQUENCE is an error, even one that does not
// match; so is an empty [num]; and the inner element is bounded by the
// SEQUENCE, not by the [num] wrapper, whose length goes unchecked.
func (f *fields) explicit(num uint8, tag asn1.Tag) cryptobyte.String {
	if f.bad || len(f.b) == 0 {
		return nil
	}
	hdr, n, ok := head(f.b)
	ctx := byte(asn1.Tag(num).ContextSpecific())
	switch {
	case !ok || hdr == len(f.b) || n == 0 && f.b[0]&^0x20 == ctx:
		f.bad = true
	case f.b[0] == ctx|0x20:
		inner := fields{b: f.b[hdr:]}
		el := inner.take(tag, true)
		if el != nil {
			f.b = inner.b
		}
		f.bad = inner.bad
		return el
	}
	return nil
}

// seq reads a SEQUENCE field (required) and returns a reader of its
// contents.
func (f *fields) seq() *fields {
	var c cryptobyte.String
	if el := f.take(asn1.SEQUENCE, false); el != nil {
		el.ReadASN1(&c, asn1.SEQUENCE)
	}
	return &fields{b: c, bad: f.bad}
}

// bigInt reads an INTEGER field into a big.Int (nil when absent).
func (f *fields) bigInt(optional bool) *big.Int {
	el := f.take(asn1.INTEGER, optional)
	if el == nil {
		return nil
	}
	v := new(big.Int)
	f.bad = !el.ReadASN1Integer(v)
	return v
}

// int reads a required INTEGER field that must fit an int, as a Go int
// field does for encoding/asn1.
func (f *fields) int() int {
	var v int
	if el := f.take(asn1.INTEGER, false); el != nil {
		f.bad = !el.ReadASN1Integer(&v)
	}
	return v
}

// octets reads a required OCTET STRING field.
func (f *fields) octets() []byte {
	var v []byte
	if el := f.take(asn1.OCTET_STRING, false); el != nil {
		el.ReadASN1Bytes(&v, asn1.OCTET_STRING)
	}
	return v
}

// oid reads a required OBJECT IDENTIFIER field.
func (f *fields) oid() oid {
	var v oid
	if el := f.take(asn1.OBJECT_IDENTIFIER, false); el != nil {
		f.bad = !el.ReadASN1ObjectIdentifier(&v)
	}
	return v
}
