package derkey

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	encasn1 "encoding/asn1"
	"errors"
	"fmt"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// readPKIX reads a SubjectPublicKeyInfo (RFC 5280, 4.1) as far as
// encoding/asn1 would have filled crypto/x509's struct from it: the
// algorithm, its parameters (the whole element, nil if absent) and the
// key's bits. rest is what follows the SEQUENCE.
func readPKIX(der []byte) (algo oid, params []byte, key encasn1.BitString, rest []byte, ok bool) {
	f := fields{b: der}
	s := f.seq()
	a := s.seq()
	algo = a.oid()
	params = a.raw()
	if el := s.take(asn1.BIT_STRING, false); el != nil {
		s.bad = !el.ReadASN1BitString(&key)
	}
	return algo, params, key, f.b, !s.bad && !a.bad
}

// ParsePKIXPublicKey parses a public key in PKIX SubjectPublicKeyInfo
// (RFC 5280, 4.1) DER form, the body of a PEM "PUBLIC KEY", as
// x509.ParsePKIXPublicKey does, for the key types it returns: an
// *rsa.PublicKey (RFC 3279), an *ecdsa.PublicKey on P-256, P-384 or P-521
// (RFC 5480) or an ed25519.PublicKey (RFC 8410). Other algorithms, X25519
// and DSA among them, are errors.
func ParsePKIXPublicKey(der []byte) (any, error) {
	algo, params, bits, rest, ok := readPKIX(der)
	if !ok {
		if _, _, _, ok := readPKCS1Public(der); ok {
			return nil, errors.New("x509: failed to parse public key (use ParsePKCS1PublicKey instead for this key format)")
		}
		return nil, errors.New("x509: malformed PKIX public key")
	}
	if len(rest) != 0 {
		return nil, errors.New("x509: trailing data after ASN.1 of public-key")
	}
	// x509 takes a BIT STRING that is not whole bytes too, shifted right.
	data := bits.RightAlign()
	switch {
	case algo.Equal(oidRSA):
		if !bytes.Equal(params, []byte{5, 0}) {
			return nil, errors.New("x509: RSA key missing NULL parameters")
		}
		// Unlike PKCS #1 in ParsePKCS1PublicKey, this reading (x509's
		// cryptobyte one) lets anything follow the key, and any exponent
		// above zero through.
		k := &rsa.PublicKey{N: new(big.Int)}
		s := cryptobyte.String(data)
		if !s.ReadASN1(&s, asn1.SEQUENCE) || !s.ReadASN1Integer(k.N) || !s.ReadASN1Integer(&k.E) {
			return nil, errors.New("x509: invalid RSA public key")
		}
		if k.N.Sign() <= 0 || k.E <= 0 {
			return nil, errors.New("x509: RSA public key contains zero or negative value")
		}
		return k, nil

	case algo.Equal(oidECDSA):
		var id oid
		if p := cryptobyte.String(params); !p.ReadASN1ObjectIdentifier(&id) {
			return nil, errors.New("x509: invalid ECDSA parameters")
		}
		curve := curveFromOID(id)
		if curve == nil {
			return nil, errors.New("x509: unsupported elliptic curve")
		}
		return ecdsa.ParseUncompressedPublicKey(curve, data)

	case algo.Equal(oidEd25519):
		if len(params) != 0 {
			return nil, errors.New("x509: Ed25519 key encoded with illegal parameters")
		}
		if len(data) != ed25519.PublicKeySize {
			return nil, errors.New("x509: wrong Ed25519 public key size")
		}
		return ed25519.PublicKey(bytes.Clone(data)), nil
	}
	return nil, errors.New("x509: unknown public key algorithm")
}

// MarshalPKIXPublicKey encodes an *rsa.PublicKey, an *ecdsa.PublicKey
// (P-256, P-384, P-521) or an ed25519.PublicKey in PKIX
// SubjectPublicKeyInfo (RFC 5280, 4.1) DER form, as
// x509.MarshalPKIXPublicKey does.
func MarshalPKIXPublicKey(pub any) ([]byte, error) {
	var algo, curve oid
	var key []byte
	var err error
	switch k := pub.(type) {
	case *rsa.PublicKey:
		algo = oidRSA
		key, err = pkcs1Public(k)
	case *ecdsa.PublicKey:
		algo, curve = oidECDSA, oidFromCurve(k.Curve)
		if curve == nil {
			return nil, errors.New("x509: unsupported elliptic curve")
		}
		key, err = k.Bytes()
	case ed25519.PublicKey:
		algo, key = oidEd25519, k
	default:
		return nil, fmt.Errorf("x509: unsupported public key type: %T", pub)
	}
	if err != nil {
		return nil, err
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		addAlgorithm(b, algo, curve)
		b.AddASN1BitString(key)
	})
	return b.Bytes()
}
