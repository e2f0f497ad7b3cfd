package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"os"

	"sshbox/internal/atomicfile"
	"sshbox/internal/derkey"
)

// ErrEncryptedPKCS8 is the answer to a passphrase with -m PKCS8: sshbox
// neither reads nor writes encrypted PKCS#8 (PBES2) keys.
var ErrEncryptedPKCS8 = errors.New("encrypted PKCS#8 keys are not supported; use -m PEM or the default OpenSSH format")

// MarshalPrivate encodes key in format as ssh-keygen -m does when it makes
// a key: PEM is PKCS#1 or SEC1, encrypted with AES-128-CBC under a
// passphrase as OpenSSL does; PKCS8 unencrypted only. Ed25519 keys, which
// these formats predate in OpenSSH, are always written in OpenSSH's
// format, as OpenSSH's ssh-keygen writes them.
func MarshalPrivate(key crypto.Signer, format Format, comment string, passphrase []byte) ([]byte, error) {
	var typ string
	var der []byte
	var err error
	switch k := key.(type) {
	case *rsa.PrivateKey:
		typ, der = "RSA PRIVATE KEY", derkey.MarshalPKCS1PrivateKey(k)
	case *ecdsa.PrivateKey:
		typ = "EC PRIVATE KEY"
		der, err = derkey.MarshalECPrivateKey(k)
	default:
		format = FormatOpenSSH
	}
	if err != nil {
		return nil, err
	}
	switch format {
	case FormatPEM:
		if len(passphrase) == 0 {
			return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), nil
		}
		b, err := derkey.EncryptPEMBlock(rand.Reader, typ, der, passphrase)
		if err != nil {
			return nil, err
		}
		return pem.EncodeToMemory(b), nil
	case FormatPKCS8:
		if len(passphrase) > 0 {
			return nil, ErrEncryptedPKCS8
		}
		der, err := derkey.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return nil, err
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
	}
	return MarshalOpenSSH(key, comment, passphrase)
}

// SavePrivateFormat is SavePrivate in the given format.
func SavePrivateFormat(path string, key *PrivateKey, format Format, passphrase []byte) error {
	data, err := MarshalPrivate(key.Key, format, key.Comment, passphrase)
	if err != nil {
		return err
	}
	if st, err := os.Stat(path); err == nil && st.Mode().Perm() != 0o600 {
		if err := os.Chmod(path, 0o600); err != nil {
			return err
		}
	}
	return atomicfile.WriteFile(path, data, 0o600)
}
