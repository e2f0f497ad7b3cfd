package derkey

import (
	"crypto/ecdsa"
	encasn1 "encoding/asn1"
	"errors"
	"strconv"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// readSEC1 reads an ECPrivateKey (SEC 1 C.4, RFC 5915) as far as
// encoding/asn1 would have filled crypto/x509's struct from it: version,
// private key octets and the curve's OID (nil if absent). The public key
// must be a well-formed BIT STRING but is otherwise ignored, as by x509,
// which derives it from the private key.
func readSEC1(der []byte) (version int, d []byte, curve oid, ok bool) {
	f := fields{b: der}
	s := f.seq()
	version = s.int()
	d = s.octets()
	if el := s.explicit(0, asn1.OBJECT_IDENTIFIER); el != nil {
		s.bad = !el.ReadASN1ObjectIdentifier(&curve)
	}
	if el := s.explicit(1, asn1.BIT_STRING); el != nil {
		var pub encasn1.BitString
		s.bad = !el.ReadASN1BitString(&pub)
	}
	return version, d, curve, !s.bad
}

// ParseECPrivateKey parses an EC private key in SEC 1 (RFC 5915) DER
// form, the body of a PEM "EC PRIVATE KEY", on P-256, P-384 or P-521, as
// x509.ParseECPrivateKey does. Like it, it ignores what follows the key.
func ParseECPrivateKey(der []byte) (*ecdsa.PrivateKey, error) {
	return parseSEC1(nil, der)
}

// parseSEC1 parses SEC 1 on the curve named, or if named is nil (as
// outside PKCS #8, or when PKCS #8 names none) on the one the key names.
func parseSEC1(named oid, der []byte) (*ecdsa.PrivateKey, error) {
	version, d, id, ok := readSEC1(der)
	if !ok {
		return nil, misfiled(der, errors.New("x509: malformed SEC 1 EC private key"))
	}
	if version != 1 {
		return nil, errors.New("x509: unknown EC private key version " + strconv.Itoa(version))
	}
	if named != nil {
		id = named
	}
	curve := curveFromOID(id)
	if curve == nil {
		return nil, errors.New("x509: unknown elliptic curve")
	}
	// SEC 1 wants the private key at the curve's size; as x509 does, take
	// it with leading zeros stripped (as OpenSSL once wrote it) or added.
	size := (curve.Params().N.BitLen() + 7) / 8
	for len(d) > size {
		if d[0] != 0 {
			return nil, errors.New("x509: invalid private key length")
		}
		d = d[1:]
	}
	k := make([]byte, size)
	copy(k[size-len(d):], d)
	return ecdsa.ParseRawPrivateKey(curve, k)
}

// MarshalECPrivateKey encodes an EC private key on P-256, P-384 or P-521
// in SEC 1 (RFC 5915) DER form, curve and public key included, as
// x509.MarshalECPrivateKey does.
func MarshalECPrivateKey(key *ecdsa.PrivateKey) ([]byte, error) {
	id := oidFromCurve(key.Curve)
	if id == nil {
		return nil, errors.New("x509: unknown elliptic curve")
	}
	return sec1(key, id)
}

// sec1 encodes key in SEC 1, naming the curve id unless it is nil (as
// inside PKCS #8, whose algorithm identifier names it).
func sec1(key *ecdsa.PrivateKey, id oid) ([]byte, error) {
	d, err := key.Bytes()
	if err != nil {
		return nil, err
	}
	pub, err := key.PublicKey.Bytes()
	if err != nil {
		return nil, err
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(1)
		b.AddASN1OctetString(d)
		if id != nil {
			b.AddASN1(asn1.Tag(0).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
				b.AddASN1ObjectIdentifier(id)
			})
		}
		b.AddASN1(asn1.Tag(1).Constructed().ContextSpecific(), func(b *cryptobyte.Builder) {
			b.AddASN1BitString(pub)
		})
	})
	return b.Bytes()
}
