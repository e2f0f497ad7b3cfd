package keys

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/pem"
	"fmt"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/derkey"
)

// MarshalPublicPEM exports a public key as ssh-keygen -e -m does: "PEM"
// is PKCS#1 "RSA PUBLIC KEY" for RSA (SubjectPublicKeyInfo otherwise, as
// OpenSSH), "PKCS8" is SubjectPublicKeyInfo "PUBLIC KEY". Ed25519 cannot
// be exported, as in OpenSSH.
func MarshalPublicPEM(key ssh.PublicKey, format string) ([]byte, error) {
	ck, ok := key.(ssh.CryptoPublicKey)
	if !ok {
		return nil, fmt.Errorf("unsupported key type %s", TypeLabel(key))
	}
	pub := ck.CryptoPublicKey()
	switch pub.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey:
	default:
		return nil, fmt.Errorf("unsupported key type %s", TypeLabel(key))
	}
	if r, ok := pub.(*rsa.PublicKey); ok && format == "PEM" {
		return pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: derkey.MarshalPKCS1PublicKey(r)}), nil
	}
	der, err := derkey.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// ParsePEMPublic imports what ssh-keygen -i -m PEM|PKCS8 accepts: a PKCS#1
// or SubjectPublicKeyInfo public key, or an unencrypted PEM/PKCS#8 private
// key (whose public half is returned).
func ParsePEMPublic(data []byte) (ssh.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, ErrInvalidFormat
	}
	var pub any
	var err error
	switch block.Type {
	case "RSA PUBLIC KEY":
		pub, err = derkey.ParsePKCS1PublicKey(block.Bytes)
	case "PUBLIC KEY":
		pub, err = derkey.ParsePKIXPublicKey(block.Bytes)
	case "RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY":
		k, perr := ParsePrivate(data, nil)
		if perr != nil {
			return nil, perr
		}
		return k.PublicKey(), nil
	default:
		return nil, fmt.Errorf("%w: unexpected PEM block %q", ErrInvalidFormat, block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidFormat, err)
	}
	switch pub.(type) {
	case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
	default:
		return nil, fmt.Errorf("unsupported key type %T", pub)
	}
	return ssh.NewPublicKey(pub)
}
