package derkey

import (
	"crypto/rsa"
	"errors"
	"math/big"

	"golang.org/x/crypto/cryptobyte"
	"golang.org/x/crypto/cryptobyte/asn1"
)

var errTrailing = errors.New("x509: trailing data after the key")

// readPKCS1Private reads an RSAPrivateKey (RFC 8017, A.1.2) as far as
// encoding/asn1 would have filled crypto/x509's struct from it: the
// version and a key holding only the values stored (the other primes'
// exponents and coefficients are checked for form and dropped, since
// Precompute derives them). rest is what follows the SEQUENCE.
func readPKCS1Private(der []byte) (version int, key *rsa.PrivateKey, rest []byte, ok bool) {
	f := fields{b: der}
	s := f.seq()
	version = s.int()
	key = new(rsa.PrivateKey)
	key.N = s.bigInt(false)
	key.E = s.int()
	key.D = s.bigInt(false)
	key.Primes = []*big.Int{s.bigInt(false), s.bigInt(false)}
	key.Precomputed.Dp = s.bigInt(true)
	key.Precomputed.Dq = s.bigInt(true)
	key.Precomputed.Qinv = s.bigInt(true)
	if el := s.take(asn1.SEQUENCE, true); el != nil {
		var c cryptobyte.String
		el.ReadASN1(&c, asn1.SEQUENCE)
		more := fields{b: c}
		for len(more.b) > 0 && !more.bad {
			p := more.seq()
			key.Primes = append(key.Primes, p.bigInt(false))
			p.bigInt(false)
			p.bigInt(false)
			more.bad = p.bad
		}
		s.bad = more.bad
	}
	return version, key, f.b, !s.bad
}

// ParsePKCS1PrivateKey parses an RSA private key in PKCS #1 (RFC 8017,
// A.1.2) DER form, the body of a PEM "RSA PRIVATE KEY", as
// x509.ParsePKCS1PrivateKey does: the stored CRT values must be right
// (Validate), and nothing may follow the key.
func ParsePKCS1PrivateKey(der []byte) (*rsa.PrivateKey, error) {
	version, key, rest, ok := readPKCS1Private(der)
	if !ok {
		return nil, misfiled(der, errors.New("x509: malformed PKCS #1 RSA private key"))
	}
	if len(rest) > 0 {
		return nil, errTrailing
	}
	if version > 1 {
		return nil, errors.New("x509: unsupported private key version")
	}
	pre := &key.Precomputed
	for _, v := range []*big.Int{key.N, key.D, key.Primes[0], key.Primes[1], pre.Dp, pre.Dq, pre.Qinv} {
		if v != nil && v.Sign() <= 0 {
			return nil, errors.New("x509: private key contains zero or negative value")
		}
	}
	for _, p := range key.Primes[2:] {
		if p.Sign() <= 0 {
			return nil, errors.New("x509: private key contains zero or negative prime")
		}
	}
	key.Precompute()
	if err := key.Validate(); err != nil {
		return nil, err
	}
	return key, nil
}

// MarshalPKCS1PrivateKey encodes an RSA private key in PKCS #1 (RFC 8017,
// A.1.2) DER form, as x509.MarshalPKCS1PrivateKey does: it runs
// Precompute first, writes version 1 and the other primes for a key of
// more than two, and returns nil for a key missing a value.
func MarshalPKCS1PrivateKey(key *rsa.PrivateKey) []byte {
	key.Precompute()
	pre := &key.Precomputed
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		b.AddASN1Int64(int64(min(len(key.Primes)-2, 1)))
		addInt(b, key.N)
		b.AddASN1Int64(int64(key.E))
		addInt(b, key.D)
		addInt(b, key.Primes[0])
		addInt(b, key.Primes[1])
		// encoding/asn1 leaves out an optional field that is nil.
		for _, v := range []*big.Int{pre.Dp, pre.Dq, pre.Qinv} {
			if v != nil {
				addInt(b, v)
			}
		}
		if len(pre.CRTValues) == 0 {
			return
		}
		b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
			for i, v := range pre.CRTValues {
				b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
					addInt(b, key.Primes[2+i])
					addInt(b, v.Exp)
					addInt(b, v.Coeff)
				})
			}
		})
	})
	der, _ := b.Bytes()
	return der
}

// addInt adds an INTEGER; a nil one fails the encoding, as encoding/asn1
// refuses to marshal it.
func addInt(b *cryptobyte.Builder, v *big.Int) {
	if v == nil {
		b.SetError(errors.New("x509: missing RSA key value"))
		return
	}
	b.AddASN1BigInt(v)
}

// ParsePKCS1PublicKey parses an RSA public key in PKCS #1 (RFC 8017,
// A.1.1) DER form, the body of a PEM "RSA PUBLIC KEY", as
// x509.ParsePKCS1PublicKey does: the modulus must be positive and the
// exponent between 1 and 2^31-1.
func ParsePKCS1PublicKey(der []byte) (*rsa.PublicKey, error) {
	n, e, rest, ok := readPKCS1Public(der)
	if !ok {
		if _, _, _, _, ok := readPKIX(der); ok {
			return nil, errors.New("x509: failed to parse public key (use ParsePKIXPublicKey instead for this key format)")
		}
		return nil, errors.New("x509: malformed PKCS #1 RSA public key")
	}
	if len(rest) > 0 {
		return nil, errTrailing
	}
	if n.Sign() <= 0 || e <= 0 {
		return nil, errors.New("x509: public key contains zero or negative value")
	}
	if e > 1<<31-1 {
		return nil, errors.New("x509: public key contains large public exponent")
	}
	return &rsa.PublicKey{N: n, E: e}, nil
}

// readPKCS1Public reads an RSAPublicKey (RFC 8017, A.1.1) as
// encoding/asn1 would have filled crypto/x509's struct from it.
func readPKCS1Public(der []byte) (n *big.Int, e int, rest []byte, ok bool) {
	f := fields{b: der}
	s := f.seq()
	n, e = s.bigInt(false), s.int()
	return n, e, f.b, !s.bad
}

// MarshalPKCS1PublicKey encodes an RSA public key in PKCS #1 (RFC 8017,
// A.1.1) DER form, as x509.MarshalPKCS1PublicKey does (nil for a key
// without a modulus).
func MarshalPKCS1PublicKey(key *rsa.PublicKey) []byte {
	der, _ := pkcs1Public(key)
	return der
}

func pkcs1Public(key *rsa.PublicKey) ([]byte, error) {
	b := cryptobyte.NewBuilder(nil)
	b.AddASN1(asn1.SEQUENCE, func(b *cryptobyte.Builder) {
		addInt(b, key.N)
		b.AddASN1Int64(int64(key.E))
	})
	return b.Bytes()
}

// misfiled returns, for a private key that did not parse in one format,
// the error x509 gives when it is well formed in another of the three
// (the second element of each tells them apart, so at most one fits),
// and err otherwise.
func misfiled(der []byte, err error) error {
	name := ""
	if _, _, _, ok := readSEC1(der); ok {
		name = "ParseECPrivateKey"
	} else if _, _, _, ok := readPKCS8(der); ok {
		name = "ParsePKCS8PrivateKey"
	} else if _, _, _, ok := readPKCS1Private(der); ok {
		name = "ParsePKCS1PrivateKey"
	} else {
		return err
	}
	return errors.New("x509: failed to parse private key (use " + name + " instead for this key format)")
}
