package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
)

// RSA sizes as OpenSSH: 3072 by default, nothing weaker than 2048.
const (
	DefaultRSABits = 3072
	MinRSABits     = 2048
	MaxRSABits     = 16384
)

// DefaultBits returns the size ssh-keygen uses when -b is absent.
func DefaultBits(keyType string) int {
	switch keyType {
	case "rsa":
		return DefaultRSABits
	case "ecdsa":
		return 256
	case "ed25519":
		return 256
	}
	return 0
}

// Generate makes a new key of type ed25519, ecdsa or rsa. bits 0 means
// the default size.
func Generate(keyType string, bits int) (crypto.Signer, error) {
	if bits == 0 {
		bits = DefaultBits(keyType)
	}
	switch keyType {
	case "ed25519":
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	case "ecdsa":
		var c elliptic.Curve
		switch bits {
		case 256:
			c = elliptic.P256()
		case 384:
			c = elliptic.P384()
		case 521:
			c = elliptic.P521()
		default:
			return nil, fmt.Errorf("Invalid ECDSA key length: valid lengths are 256, 384 or 521 bits")
		}
		return ecdsa.GenerateKey(c, rand.Reader)
	case "rsa":
		if bits < MinRSABits {
			return nil, fmt.Errorf("Invalid RSA key length: minimum is %d bits", MinRSABits)
		}
		if bits > MaxRSABits {
			return nil, fmt.Errorf("Invalid RSA key length: maximum is %d bits", MaxRSABits)
		}
		return rsa.GenerateKey(rand.Reader, bits)
	}
	return nil, fmt.Errorf("unknown key type %s", keyType)
}
