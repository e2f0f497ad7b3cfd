package derkey

// crypto/x509 is the oracle: every test here compares this package with it.

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
)

// testKeys are generated once per test binary: RSA keys of 2048 bits and
// more take a while.
type testKeys struct {
	rsa []*rsa.PrivateKey
	ec  []*ecdsa.PrivateKey
	ed  []ed25519.PrivateKey
}

var keys = sync.OnceValue(func() testKeys {
	var k testKeys
	for _, bits := range []int{1024, 2048, 3072} {
		k.rsa = append(k.rsa, must(rsa.GenerateKey(rand.Reader, bits)))
	}
	k.rsa = append(k.rsa, rsaE3(1024), rsaE3(2048),
		must(rsa.GenerateMultiPrimeKey(rand.Reader, 3, 1024)),
		must(rsa.GenerateMultiPrimeKey(rand.Reader, 4, 2048)))
	for _, c := range []elliptic.Curve{elliptic.P256(), elliptic.P384(), elliptic.P521()} {
		k.ec = append(k.ec, must(ecdsa.GenerateKey(c, rand.Reader)))
		// A private key with a leading zero byte, and a tiny one: x509
		// and OpenSSL once wrote them short.
		size := (c.Params().N.BitLen() + 7) / 8
		d := make([]byte, size)
		rand.Read(d[1:])
		k.ec = append(k.ec, must(ecdsa.ParseRawPrivateKey(c, d)))
		d = make([]byte, size)
		d[size-1] = 7
		k.ec = append(k.ec, must(ecdsa.ParseRawPrivateKey(c, d)))
	}
	for range 2 {
		_, ed, _ := ed25519.GenerateKey(rand.Reader)
		k.ed = append(k.ed, ed)
	}
	return k
})

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// rsaE3 makes an RSA key with public exponent 3, which rsa.GenerateKey
// does not.
func rsaE3(bits int) *rsa.PrivateKey {
	one, e := big.NewInt(1), big.NewInt(3)
	for {
		p := must(rand.Prime(rand.Reader, bits/2))
		q := must(rand.Prime(rand.Reader, bits/2))
		n := new(big.Int).Mul(p, q)
		phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
		d := new(big.Int).ModInverse(e, phi)
		if d == nil || n.BitLen() != bits || p.Cmp(q) == 0 {
			continue
		}
		k := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: 3}, D: d, Primes: []*big.Int{p, q}}
		k.Precompute()
		if k.Validate() == nil {
			return k
		}
	}
}

// privateKeys lists every test private key as the any the PKCS #8
// functions take.
func privateKeys() []any {
	k := keys()
	var all []any
	for _, r := range k.rsa {
		all = append(all, r)
	}
	for _, e := range k.ec {
		all = append(all, e)
	}
	for _, e := range k.ed {
		all = append(all, e)
	}
	return all
}

func publicOf(k any) any {
	return k.(crypto.Signer).Public()
}

// supported reports whether k is of a type and curve this package deals
// in; x509 returns others too.
func supported(k any) bool {
	switch k := k.(type) {
	case *rsa.PrivateKey, *rsa.PublicKey, ed25519.PrivateKey, ed25519.PublicKey:
		return true
	case *ecdsa.PrivateKey:
		return oidFromCurve(k.Curve) != nil
	case *ecdsa.PublicKey:
		return oidFromCurve(k.Curve) != nil
	}
	return false
}

// sameKey reports whether a and b are the same key, for RSA private keys
// down to the precomputed CRT values.
func sameKey(a, b any) bool {
	switch a := a.(type) {
	case *rsa.PrivateKey:
		b, ok := b.(*rsa.PrivateKey)
		if !ok || !a.Equal(b) || len(a.Primes) != len(b.Primes) {
			return false
		}
		pa, pb := a.Precomputed, b.Precomputed
		if !sameInt(pa.Dp, pb.Dp) || !sameInt(pa.Dq, pb.Dq) || !sameInt(pa.Qinv, pb.Qinv) ||
			len(pa.CRTValues) != len(pb.CRTValues) {
			return false
		}
		for i, v := range pa.CRTValues {
			w := pb.CRTValues[i]
			if !sameInt(v.Exp, w.Exp) || !sameInt(v.Coeff, w.Coeff) || !sameInt(v.R, w.R) {
				return false
			}
		}
		return true
	case interface{ Equal(crypto.PrivateKey) bool }:
		return a.Equal(b)
	case interface{ Equal(crypto.PublicKey) bool }:
		return a.Equal(b)
	}
	return false
}

func sameInt(a, b *big.Int) bool {
	return a == nil && b == nil || a != nil && b != nil && a.Cmp(b) == 0
}

// A parser is one of this package's parse functions beside its x509
// namesake.
type parser struct {
	name      string
	ours, std func([]byte) (any, error)
}

func anyKey[K any](f func([]byte) (K, error)) func([]byte) (any, error) {
	return func(der []byte) (any, error) {
		k, err := f(der)
		if err != nil {
			return nil, err
		}
		return k, nil
	}
}

var (
	pkcs1PrivateP = parser{"ParsePKCS1PrivateKey", anyKey(ParsePKCS1PrivateKey), anyKey(x509.ParsePKCS1PrivateKey)}
	pkcs1PublicP  = parser{"ParsePKCS1PublicKey", anyKey(ParsePKCS1PublicKey), anyKey(x509.ParsePKCS1PublicKey)}
	sec1PrivateP  = parser{"ParseECPrivateKey", anyKey(ParseECPrivateKey), anyKey(x509.ParseECPrivateKey)}
	pkcs8PrivateP = parser{"ParsePKCS8PrivateKey", ParsePKCS8PrivateKey, x509.ParsePKCS8PrivateKey}
	pkixPublicP   = parser{"ParsePKIXPublicKey", ParsePKIXPublicKey, x509.ParsePKIXPublicKey}
	parsers       = []parser{pkcs1PrivateP, pkcs1PublicP, sec1PrivateP, pkcs8PrivateP, pkixPublicP}
)

// differ holds p to the contract on der: it accepts der iff x509 accepts
// it as a key of a supported type, and then returns the same key; errors
// are one line, der is left as it was. It returns what went wrong, or "".
func (p parser) differ(der []byte) string {
	in := bytes.Clone(der)
	ours, err := p.ours(in)
	std, stdErr := p.std(bytes.Clone(der))
	switch {
	case !bytes.Equal(in, der):
		return "the input changed"
	case stdErr == nil && supported(std) && err != nil:
		return fmt.Sprintf("x509 accepts a %T, we refuse: %v", std, err)
	case stdErr == nil && supported(std) && !sameKey(ours, std):
		return fmt.Sprintf("keys differ: ours %T %v, x509's %T %v", ours, ours, std, std)
	case (stdErr != nil || !supported(std)) && err == nil:
		return fmt.Sprintf("x509 refuses (%v, %T), we accept a %T", stdErr, std, ours)
	case err != nil && strings.Contains(err.Error(), "\n"):
		return fmt.Sprintf("error of more than one line: %q", err)
	case err == nil:
		return marshalDiffers(ours, std)
	}
	return ""
}

// marshalDiffers holds our encoders to x509's on a key parsed by ours and
// by x509 (two copies, as the RSA encoders may precompute), in each form
// the key's type has. It returns what went wrong, or "".
func marshalDiffers(ours, std any) string {
	type form struct {
		name      string
		ours, std func(any) ([]byte, error)
	}
	noErr := func(f func(any) []byte) func(any) ([]byte, error) {
		return func(k any) ([]byte, error) { return f(k), nil }
	}
	var forms []form
	switch ours.(type) {
	case *rsa.PrivateKey:
		forms = []form{{"PKCS #1",
			noErr(func(k any) []byte { return MarshalPKCS1PrivateKey(k.(*rsa.PrivateKey)) }),
			noErr(func(k any) []byte { return x509.MarshalPKCS1PrivateKey(k.(*rsa.PrivateKey)) })}}
	case *rsa.PublicKey:
		forms = []form{{"PKCS #1",
			noErr(func(k any) []byte { return MarshalPKCS1PublicKey(k.(*rsa.PublicKey)) }),
			noErr(func(k any) []byte { return x509.MarshalPKCS1PublicKey(k.(*rsa.PublicKey)) })}}
	case *ecdsa.PrivateKey:
		forms = []form{{"SEC 1",
			func(k any) ([]byte, error) { return MarshalECPrivateKey(k.(*ecdsa.PrivateKey)) },
			func(k any) ([]byte, error) { return x509.MarshalECPrivateKey(k.(*ecdsa.PrivateKey)) }}}
	}
	switch ours.(type) {
	case *rsa.PrivateKey, *ecdsa.PrivateKey, ed25519.PrivateKey:
		forms = append(forms, form{"PKCS #8", MarshalPKCS8PrivateKey, x509.MarshalPKCS8PrivateKey})
	default:
		forms = append(forms, form{"PKIX", MarshalPKIXPublicKey, x509.MarshalPKIXPublicKey})
	}
	for _, f := range forms {
		a, err := f.ours(ours)
		b, stdErr := f.std(std)
		if (err == nil) != (stdErr == nil) || !bytes.Equal(a, b) {
			return fmt.Sprintf("%s encodings differ: ours (%v) %x, x509's (%v) %x", f.name, err, a, stdErr, b)
		}
	}
	return ""
}

func (p parser) check(t testing.TB, what string, der []byte) {
	t.Helper()
	if d := p.differ(der); d != "" {
		t.Errorf("%s: %s: %s\n%x", p.name, what, d, der)
	}
}

// encodings returns x509's encodings of the test keys for each parser's
// format.
func encodings(t testing.TB) map[string][][]byte {
	enc := map[string][][]byte{}
	for _, k := range privateKeys() {
		switch k := k.(type) {
		case *rsa.PrivateKey:
			enc[pkcs1PrivateP.name] = append(enc[pkcs1PrivateP.name], x509.MarshalPKCS1PrivateKey(k))
			enc[pkcs1PublicP.name] = append(enc[pkcs1PublicP.name], x509.MarshalPKCS1PublicKey(&k.PublicKey))
		case *ecdsa.PrivateKey:
			enc[sec1PrivateP.name] = append(enc[sec1PrivateP.name], must(x509.MarshalECPrivateKey(k)))
		}
		enc[pkcs8PrivateP.name] = append(enc[pkcs8PrivateP.name], must(x509.MarshalPKCS8PrivateKey(k)))
		enc[pkixPublicP.name] = append(enc[pkixPublicP.name], must(x509.MarshalPKIXPublicKey(publicOf(k))))
	}
	return enc
}
