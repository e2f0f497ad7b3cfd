package derkey

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

// readPKCS8 reads a PrivateKeyInfo (RFC 5208) as far as encoding/asn1
// would have filled crypto/x509's struct from it: the algorithm, its
// parameters (the whole element, nil if absent) and the private key
// octets. Like x509 it reads the version without checking it and ignores
// the attributes and whatever follows.
func readPKCS8(der []byte) (algo oid, params, key []byte, ok bool) {
	f := fields{b: der}
	s := f.seq()
	s.int()
	a := s.seq()
	algo = a.oid()
	params = a.raw()
	key = s.octets()
	return algo, params, key, !s.bad && !a.bad
}

// ParsePKCS8PrivateKey parses an unencrypted private key in PKCS #8
// (RFC 5208, RFC 5958) DER form, the body of a PEM "PRIVATE KEY", as
// x509.ParsePKCS8PrivateKey does, for the key types it returns: an
// *rsa.PrivateKey, an *ecdsa.PrivateKey (P-256, P-384, P-521) or an
// ed25519.PrivateKey. Other algorithms, X25519 among them, are errors.
func ParsePKCS8PrivateKey(der []byte) (any, error) {
	algo, params, key, ok := readPKCS8(der)
	if !ok {
		return nil, misfiled(der, errors.New("x509: malformed PKCS #8 private key"))
	}
	switch {
	case algo.Equal(oidRSA):
		k, err := ParsePKCS1PrivateKey(key)
		if err != nil {
			return nil, errors.New("x509: failed to parse RSA private key embedded in PKCS#8: " + err.Error())
		}
		return k, nil

	case algo.Equal(oidECDSA):
		// The curve named in the parameters wins over the one in the key;
		// parameters that are no OID at all leave the choice to the key.
		var named oid
		if p := cryptobyte.String(params); !p.ReadASN1ObjectIdentifier(&named) {
			named = nil
		}
		k, err := parseSEC1(named, key)
		if err != nil {
			return nil, errors.New("x509: failed to parse EC private key embedded in PKCS#8: " + err.Error())
		}
		return k, nil

	case algo.Equal(oidEd25519):
		if len(params) != 0 {
			return nil, errors.New("x509: invalid Ed25519 private key parameters")
		}
		// CurvePrivateKey (RFC 8410, 7), followed by anything.
		f := fields{b: key}
		seed := f.octets()
		if f.bad {
			return nil, errors.New("x509: invalid Ed25519 private key")
		}
		if len(seed) != ed25519.SeedSize {
			return nil, fmt.Errorf("x509: invalid Ed25519 private key length: %d", len(seed))
		}
		return ed25519.NewKeyFromSeed(seed), nil
	}
	return nil, errors.New("x509: PKCS#8 wrapping contained private key with unknown algorithm: " + algo.String())
}

// MarshalPKCS8PrivateKey encodes an *rsa.PrivateKey, an *ecdsa.PrivateKey
// (P-256, P-384, P-521) or an ed25519.PrivateKey in PKCS #8 (RFC 5208)
// DER form, as x509.MarshalPKCS8PrivateKey does: RSA keys are
// precomputed and must pass Validate.
func MarshalPKCS8PrivateKey(key any) ([]byte, error) {
	var algo, curve oid
	var inner []byte
	switch k := key.(type) {
	case *rsa.PrivateKey:
		algo = oidRSA
		k.Precompute()
		if err := k.Validate(); err != nil {
			return nil, err
		}
		inner = MarshalPKCS1PrivateKey(k)

	case *ecdsa.PrivateKey:
		algo, curve = oidECDSA, oidFromCurve(k.Curve)
		if curve == nil {
			return nil, errors.New("x509: unknown curve while marshaling to PKCS#8")
		}
		var err error
		if inner, err = sec1(k, nil); err != nil {
			return nil, errors.New("x509: failed to marshal EC private key while building PKCS#8: " + err.Error())
		}

	case ed25519.PrivateKey:
		algo = oidEd25519
		b := cryptobyte.NewBuilder(nil)
		b.AddASN1OctetString(k.Seed())
		inner = b.BytesOrPanic()

	default:
		return nil, fmt.Errorf("x509: unknown key type while marshaling PKCS#8: %T", key)
	}
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(0)
		addAlgorithm(b, algo, curve)
		b.AddASN1OctetString(inner)
	})
	return b.Bytes()
}
