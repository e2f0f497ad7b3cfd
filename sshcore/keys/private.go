// Package keys loads, saves and converts SSH keys the way OpenSSH's
// ssh-keygen does: OpenSSH private keys (bcrypt KDF), PEM (PKCS#1, SEC1) and
// PKCS#8 private keys, RFC 4716 and PEM public keys, fingerprints, randomart
// and certificates. The ssh client and sshd load their keys through it.
package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/pem"
	"errors"
	"fmt"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/derkey"
)

// Format is the container a private key was read from.
type Format int

const (
	FormatOpenSSH Format = iota // "OPENSSH PRIVATE KEY"
	FormatPEM                   // PKCS#1 "RSA PRIVATE KEY" or SEC1 "EC PRIVATE KEY"
	FormatPKCS8                 // "PRIVATE KEY"
)

// PrivateKey is a decoded private key with what the file said about it.
type PrivateKey struct {
	Key       crypto.Signer // ed25519.PrivateKey, *ecdsa.PrivateKey or *rsa.PrivateKey
	Comment   string
	Format    Format
	Encrypted bool
}

// PassphraseFunc is asked for a passphrase only when the key is encrypted.
type PassphraseFunc func() ([]byte, error)

var (
	// ErrInvalidFormat is OpenSSH's text for data that is no key it knows.
	ErrInvalidFormat = errors.New("invalid format")
	// ErrBadPassphrase is OpenSSH's text for a wrong passphrase.
	ErrBadPassphrase = errors.New("incorrect passphrase supplied to decrypt private key")
	// ErrPassphraseNeeded is returned for an encrypted key without callback.
	ErrPassphraseNeeded = errors.New("passphrase is required to decrypt private key")
	// errDSA: x/crypto no longer has DSA (nor has OpenSSH 10); still an
	// invalid format to callers that test for one.
	errDSA = fmt.Errorf("%w: DSA keys are not supported", ErrInvalidFormat)
)

// Signer returns the key as an ssh.Signer.
func (k *PrivateKey) Signer() (ssh.Signer, error) { return ssh.NewSignerFromSigner(k.Key) }

// PublicKey returns the key's public half in SSH form.
func (k *PrivateKey) PublicKey() ssh.PublicKey {
	p, err := ssh.NewPublicKey(k.Key.Public())
	if err != nil {
		panic(err) // normalize admitted only types x/crypto supports
	}
	return p
}

// ParsePrivate decodes a private key in OpenSSH, PEM, PKCS#8 or
// Dropbear's form, or an unencrypted ssh.com RSA key.
func ParsePrivate(data []byte, pass PassphraseFunc) (*PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		if LooksDropbear(data) {
			return ParseDropbear(data)
		}
		if IsSSHComPrivate(data) {
			// An ssh2 installation's key, as an IdKey line names it.
			k, comment, err := ParseSSHComPrivate(data)
			if err != nil {
				return nil, err
			}
			return &PrivateKey{Key: k, Comment: comment, Format: FormatSSHCom}, nil
		}
		return nil, ErrInvalidFormat
	}
	switch block.Type {
	case "OPENSSH PRIVATE KEY":
		return parseOpenSSH(block.Bytes, pass)
	case "RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY":
	case "ENCRYPTED PRIVATE KEY":
		return nil, errors.New("encrypted PKCS#8 keys are not supported")
	case "DSA PRIVATE KEY":
		return nil, errDSA
	default:
		return nil, ErrInvalidFormat
	}
	format := FormatPEM
	if block.Type == "PRIVATE KEY" {
		format = FormatPKCS8
	}
	var raw any
	var err error
	encrypted := derkey.IsEncryptedPEMBlock(block) // legacy PEM encryption, as old keys have it
	if encrypted {
		if pass == nil {
			return nil, ErrPassphraseNeeded
		}
		p, perr := pass()
		if perr != nil {
			return nil, perr
		}
		raw, err = ssh.ParseRawPrivateKeyWithPassphrase(data, p)
		if err != nil {
			return nil, ErrBadPassphrase
		}
	} else {
		raw, err = ssh.ParseRawPrivateKey(pem.EncodeToMemory(block))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrInvalidFormat, err)
		}
	}
	k, err := normalize(raw)
	if err != nil {
		return nil, err
	}
	return &PrivateKey{Key: k, Format: format, Encrypted: encrypted}, nil
}

// normalize turns x/crypto's key values into the three types sshbox
// handles, ed25519 as a value.
func normalize(raw any) (crypto.Signer, error) {
	switch k := raw.(type) {
	case ed25519.PrivateKey:
		return k, nil
	case *ed25519.PrivateKey:
		return *k, nil
	case *ecdsa.PrivateKey:
		return k, nil
	case *rsa.PrivateKey:
		return k, nil
	}
	return nil, fmt.Errorf("unsupported key type %T", raw)
}

// MarshalOpenSSH encodes key in OpenSSH's private key format; a non-empty
// passphrase encrypts it with aes256-ctr under the bcrypt KDF (16 rounds),
// as ssh-keygen does.
func MarshalOpenSSH(key crypto.Signer, comment string, passphrase []byte) ([]byte, error) {
	var b *pem.Block
	var err error
	if len(passphrase) > 0 {
		b, err = ssh.MarshalPrivateKeyWithPassphrase(key, comment, passphrase)
	} else {
		b, err = ssh.MarshalPrivateKey(key, comment)
	}
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(b), nil
}
