package keys

import (
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// KeyType is what a key type name given to ssh-keygen -t means.
type KeyType struct {
	Base string // "ed25519", "ecdsa" or "rsa"
	Bits int    // the size the name implies (ecdsa-sha2-nistp384: 384), 0 for the default
	// SigAlg is the signature algorithm the name asks for when signing a
	// certificate with an RSA CA (rsa-sha2-256); "" for the default.
	SigAlg string
}

// ErrSecurityKey is the answer for sk-* types: making one needs a FIDO
// token, which sshbox does not talk to.
type ErrSecurityKey struct{ Name string }

func (e *ErrSecurityKey) Error() string {
	return fmt.Sprintf("%s keys live on a FIDO security key; sshbox cannot enroll one (use OpenSSH's ssh-keygen with the token attached)", e.Name)
}

// ParseKeyType reads a key type as OpenSSH accepts it: a short name in any
// case (rsa, ecdsa, ed25519, ecdsa-sk, ed25519-sk) or a key or signature
// algorithm name (ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa,
// rsa-sha2-512, sk-ssh-ed25519@openssh.com). DSA, which OpenSSH 10
// removed, and certificate names are unknown types.
func ParseKeyType(name string) (KeyType, error) {
	switch strings.ToLower(name) {
	case "ed25519":
		return KeyType{Base: "ed25519"}, nil
	case "ecdsa":
		return KeyType{Base: "ecdsa"}, nil
	case "rsa":
		return KeyType{Base: "rsa"}, nil
	case "ecdsa-sk", "ed25519-sk":
		return KeyType{}, &ErrSecurityKey{strings.ToLower(name)}
	}
	switch name {
	case ssh.KeyAlgoED25519:
		return KeyType{Base: "ed25519"}, nil
	case ssh.KeyAlgoECDSA256:
		return KeyType{Base: "ecdsa", Bits: 256}, nil
	case ssh.KeyAlgoECDSA384:
		return KeyType{Base: "ecdsa", Bits: 384}, nil
	case ssh.KeyAlgoECDSA521:
		return KeyType{Base: "ecdsa", Bits: 521}, nil
	case ssh.KeyAlgoRSA, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSASHA512:
		return KeyType{Base: "rsa", SigAlg: name}, nil
	case ssh.KeyAlgoSKED25519, ssh.KeyAlgoSKECDSA256:
		return KeyType{}, &ErrSecurityKey{name}
	}
	return KeyType{}, fmt.Errorf("unknown key type %s", name)
}

// BaseType is the short name of a public key's type, as ParseKeyType's
// Base spells it ("" for types ssh-keygen cannot make).
func BaseType(k ssh.PublicKey) string {
	switch k.Type() {
	case ssh.KeyAlgoED25519:
		return "ed25519"
	case ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521:
		return "ecdsa"
	case ssh.KeyAlgoRSA:
		return "rsa"
	}
	return ""
}
