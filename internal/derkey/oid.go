package derkey

import (
	"crypto/elliptic"
	encasn1 "encoding/asn1" // for the ObjectIdentifier type cryptobyte uses; nothing reflective

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

type oid = encasn1.ObjectIdentifier

// Algorithm identifiers (RFC 3279, RFC 5480, RFC 8410) and named curves
// (RFC 5480, SEC 2).
var (
	oidRSA     = oid{1, 2, 840, 113549, 1, 1, 1}
	oidECDSA   = oid{1, 2, 840, 10045, 2, 1}
	oidEd25519 = oid{1, 3, 101, 112}

	oidP256 = oid{1, 2, 840, 10045, 3, 1, 7}
	oidP384 = oid{1, 3, 132, 0, 34}
	oidP521 = oid{1, 3, 132, 0, 35}
)

// curveFromOID returns the curve named by id, or nil for any other
// (P-224 included, which x509 knows and sshbox does not use).
func curveFromOID(id oid) elliptic.Curve {
	switch {
	case id.Equal(oidP256):
		return elliptic.P256()
	case id.Equal(oidP384):
		return elliptic.P384()
	case id.Equal(oidP521):
		return elliptic.P521()
	}
	return nil
}

// oidFromCurve is curveFromOID's inverse; nil for another curve.
func oidFromCurve(c elliptic.Curve) oid {
	switch c {
	case elliptic.P256():
		return oidP256
	case elliptic.P384():
		return oidP384
	case elliptic.P521():
		return oidP521
	}
	return nil
}

// addAlgorithm adds an AlgorithmIdentifier (RFC 5280, 4.1.1.2) for the key
// algorithm id, with the parameters x509 writes: NULL for RSA (RFC 3279),
// the curve for ECDSA (RFC 5480), none for Ed25519 (RFC 8410).
func addAlgorithm(b *cryptobyte.Builder, id, curve oid) {
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(id)
		if id.Equal(oidRSA) {
			b.AddASN1NULL()
		} else if curve != nil {
			b.AddASN1ObjectIdentifier(curve)
		}
	})
}
