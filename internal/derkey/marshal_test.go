package derkey

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"math/big"
	"testing"
)

// TestMarshal: every encoding is x509's, byte for byte.
func TestMarshal(t *testing.T) {
	same := func(what string, k any, ours, std []byte, err, stdErr error) {
		t.Helper()
		if err != nil || stdErr != nil || !bytes.Equal(ours, std) {
			t.Errorf("%s of %T: ours (%v)\n%x\nx509's (%v)\n%x", what, k, err, ours, stdErr, std)
		}
	}
	for _, k := range privateKeys() {
		switch k := k.(type) {
		case *rsa.PrivateKey:
			same("MarshalPKCS1PrivateKey", k, MarshalPKCS1PrivateKey(k), x509.MarshalPKCS1PrivateKey(k), nil, nil)
			same("MarshalPKCS1PublicKey", k, MarshalPKCS1PublicKey(&k.PublicKey), x509.MarshalPKCS1PublicKey(&k.PublicKey), nil, nil)
		case *ecdsa.PrivateKey:
			ours, err := MarshalECPrivateKey(k)
			std, stdErr := x509.MarshalECPrivateKey(k)
			same("MarshalECPrivateKey", k, ours, std, err, stdErr)
		}
		ours, err := MarshalPKCS8PrivateKey(k)
		std, stdErr := x509.MarshalPKCS8PrivateKey(k)
		same("MarshalPKCS8PrivateKey", k, ours, std, err, stdErr)
		ours, err = MarshalPKIXPublicKey(publicOf(k))
		std, stdErr = x509.MarshalPKIXPublicKey(publicOf(k))
		same("MarshalPKIXPublicKey", k, ours, std, err, stdErr)
	}
}

// TestMarshalPrecomputes: like x509, the PKCS #1 and PKCS #8 encoders
// fill in the CRT values of a key that lacks them.
func TestMarshalPrecomputes(t *testing.T) {
	for _, k := range keys().rsa {
		bare := func() *rsa.PrivateKey {
			return &rsa.PrivateKey{PublicKey: k.PublicKey, D: k.D, Primes: k.Primes}
		}
		if ours, std := MarshalPKCS1PrivateKey(bare()), x509.MarshalPKCS1PrivateKey(bare()); !bytes.Equal(ours, std) {
			t.Errorf("PKCS #1 of a %d-prime key without CRT values differs", len(k.Primes))
		}
		if ours, std := must(MarshalPKCS8PrivateKey(bare())), must(x509.MarshalPKCS8PrivateKey(bare())); !bytes.Equal(ours, std) {
			t.Errorf("PKCS #8 of a %d-prime key without CRT values differs", len(k.Primes))
		}
	}
}

// TestMarshalRefuses: keys x509 cannot encode are errors here too, and so
// are those it can but this package does not deal in.
func TestMarshalRefuses(t *testing.T) {
	k := keys().rsa[0]
	// A key that fails Validate: PKCS #8 refuses it. (PKCS #1 cannot
	// refuse; both encode what they have.)
	bad := &rsa.PrivateKey{PublicKey: k.PublicKey, D: new(big.Int).Add(k.D, big.NewInt(2)), Primes: k.Primes}
	if _, err := MarshalPKCS8PrivateKey(bad); err == nil {
		t.Error("PKCS #8 took an invalid RSA key")
	}
	bad = &rsa.PrivateKey{PublicKey: k.PublicKey, D: new(big.Int).Add(k.D, big.NewInt(2)), Primes: k.Primes}
	if ours, std := MarshalPKCS1PrivateKey(bad), x509.MarshalPKCS1PrivateKey(bad); !bytes.Equal(ours, std) {
		t.Errorf("PKCS #1 of an invalid key: ours %x, x509's %x", ours, std)
	}
	// No modulus: nil, or an error, as x509.
	if ours, std := MarshalPKCS1PublicKey(&rsa.PublicKey{E: 3}), x509.MarshalPKCS1PublicKey(&rsa.PublicKey{E: 3}); ours != nil || std != nil {
		t.Errorf("PKCS #1 public key without modulus: ours %x, x509's %x", ours, std)
	}
	if _, err := MarshalPKIXPublicKey(&rsa.PublicKey{E: 3}); err == nil {
		t.Error("PKIX took an RSA key without modulus")
	}
	p224 := must(ecdsa.GenerateKey(elliptic.P224(), rand.Reader))
	x25519 := must(ecdh.X25519().GenerateKey(rand.Reader))
	ed := keys().ed[0]
	for _, k := range []any{p224, x25519, &ed, "key", nil} {
		if _, err := MarshalPKCS8PrivateKey(k); err == nil {
			t.Errorf("MarshalPKCS8PrivateKey took a %T", k)
		}
	}
	edPub := ed.Public().(ed25519.PublicKey)
	for _, k := range []any{&p224.PublicKey, x25519.PublicKey(), &edPub, rsa.PublicKey{}, nil} {
		if _, err := MarshalPKIXPublicKey(k); err == nil {
			t.Errorf("MarshalPKIXPublicKey took a %T", k)
		}
	}
	if _, err := MarshalECPrivateKey(p224); err == nil {
		t.Error("MarshalECPrivateKey took a P-224 key")
	}
}
