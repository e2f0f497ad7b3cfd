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

// CheckBits says what is wrong with a key type and size, in OpenSSH's
// words; bits 0 means the default size.
func CheckBits(keyType string, bits int) error {
	if bits == 0 {
		return nil
	}
	switch keyType {
	case "ecdsa":
		if bits != 256 && bits != 384 && bits != 521 {
			return fmt.Errorf("Invalid ECDSA key length: valid lengths are 256, 384 or 521 bits")
		}
	case "rsa":
		if bits < MinRSABits {
			return fmt.Errorf("Invalid RSA key length: minimum is %d bits", MinRSABits)
		}
		if bits > MaxRSABits {
			return fmt.Errorf("Invalid RSA key length: maximum is %d bits", MaxRSABits)
		}
	case "ed25519":
	default:
		return fmt.Errorf("unknown key type %s", keyType)
	}
	return nil
}

// Generate makes a new key of type ed25519, ecdsa or rsa. bits 0 means
// the default size.
func Generate(keyType string, bits int) (crypto.Signer, error) {
	if err := CheckBits(keyType, bits); err != nil {
		return nil, err
	}
	if bits == 0 {
		bits = DefaultBits(keyType)
	}
	switch keyType {
	case "ed25519":
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	case "ecdsa":
		c := map[int]elliptic.Curve{256: elliptic.P256(), 384: elliptic.P384(), 521: elliptic.P521()}[bits]
		return ecdsa.GenerateKey(c, rand.Reader)
	}
	return rsa.GenerateKey(rand.Reader, bits)
}
