// Package sshsig is OpenSSH's SSH signature format (PROTOCOL.sshsig): what
// ssh-keygen -Y signs and verifies, and git's gpg.format=ssh relies on. A
// signature binds a message digest to a namespace ("git", "file") so that
// a signature made for one purpose cannot be replayed for another.
package sshsig

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"sshbox/sshcore/keys"
	"strings"

	"golang.org/x/crypto/ssh"
)

const (
	magic   = "SSHSIG"
	version = 1

	armorBegin = "-----BEGIN SSH SIGNATURE-----"
	armorEnd   = "-----END SSH SIGNATURE-----"
	// armorWidth is the base64 line length OpenSSH writes.
	armorWidth = 70
)

// DefaultHash is the message digest OpenSSH uses unless -O hashalg= says.
const DefaultHash = "sha512"

// Signature is one parsed SSHSIG blob.
type Signature struct {
	PublicKey ssh.PublicKey // may be a certificate
	Namespace string
	HashAlg   string
	Sig       *ssh.Signature
}

// wire is the blob's layout after the magic preamble.
type wire struct {
	Version   uint32
	PublicKey []byte
	Namespace string
	Reserved  string
	HashAlg   string
	Signature []byte
}

// signedData is what the key actually signs.
type signedData struct {
	Namespace string
	Reserved  string
	HashAlg   string
	Hash      []byte
}

// HashSupported reports whether alg is a digest SSHSIG signs with.
func HashSupported(alg string) bool {
	_, err := newHash(alg)
	return err == nil
}

func newHash(alg string) (hash.Hash, error) {
	switch alg {
	case "sha256":
		return sha256.New(), nil
	case "sha512":
		return sha512.New(), nil
	}
	return nil, fmt.Errorf("unsupported hash algorithm %q", alg)
}

// digest hashes the message and wraps it as the data to sign.
func digest(msg io.Reader, namespace, hashAlg string) ([]byte, error) {
	h, err := newHash(hashAlg)
	if err != nil {
		return nil, err
	}
	if _, err := io.Copy(h, msg); err != nil {
		return nil, err
	}
	return append([]byte(magic), ssh.Marshal(signedData{Namespace: namespace, HashAlg: hashAlg, Hash: h.Sum(nil)})...), nil
}

// Sign signs msg for namespace. pub is the key to name in the signature
// (the signer's key, or its certificate). RSA keys sign with SHA-512, as
// OpenSSH does; SHA-1 is never used.
func Sign(signer ssh.Signer, pub ssh.PublicKey, msg io.Reader, namespace, hashAlg string) ([]byte, error) {
	if namespace == "" {
		return nil, errors.New("missing namespace")
	}
	data, err := digest(msg, namespace, hashAlg)
	if err != nil {
		return nil, err
	}
	var sig *ssh.Signature
	if signer.PublicKey().Type() == ssh.KeyAlgoRSA {
		as, ok := signer.(ssh.AlgorithmSigner)
		if !ok {
			return nil, errors.New("RSA key cannot sign with rsa-sha2-512")
		}
		sig, err = as.SignWithAlgorithm(rand.Reader, data, ssh.KeyAlgoRSASHA512)
	} else {
		sig, err = signer.Sign(rand.Reader, data)
	}
	if err != nil {
		return nil, err
	}
	if pub == nil {
		pub = signer.PublicKey()
	}
	return append([]byte(magic), ssh.Marshal(wire{Version: version, PublicKey: pub.Marshal(),
		Namespace: namespace, HashAlg: hashAlg, Signature: ssh.Marshal(sig)})...), nil
}

// Parse decodes a binary SSHSIG blob.
func Parse(blob []byte) (*Signature, error) {
	if !bytes.HasPrefix(blob, []byte(magic)) {
		return nil, errors.New("invalid signature: missing SSHSIG preamble")
	}
	var w wire
	if err := ssh.Unmarshal(blob[len(magic):], &w); err != nil {
		return nil, fmt.Errorf("invalid signature: %w", err)
	}
	if w.Version != version {
		return nil, fmt.Errorf("unsupported signature version %d", w.Version)
	}
	pub, err := keys.ParsePublicKey(w.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("invalid signature key: %w", err)
	}
	var sig ssh.Signature
	if err := ssh.Unmarshal(w.Signature, &sig); err != nil {
		return nil, fmt.Errorf("invalid signature: %w", err)
	}
	if _, err := newHash(w.HashAlg); err != nil {
		return nil, err
	}
	return &Signature{PublicKey: pub, Namespace: w.Namespace, HashAlg: w.HashAlg, Sig: &sig}, nil
}

// ErrNamespace is a valid signature made for another purpose.
var ErrNamespace = errors.New("namespace does not match")

// ErrBadSignature is a signature that does not match the message.
var ErrBadSignature = errors.New("incorrect signature")

// Verify checks the signature over msg for namespace with the key the
// signature names (for a certificate, the certified key). Who that key
// belongs to is the caller's question (allowed signers).
func (s *Signature) Verify(msg io.Reader, namespace string) error {
	if s.Namespace != namespace {
		return ErrNamespace
	}
	if s.Sig.Format == ssh.KeyAlgoRSA {
		// OpenSSH refuses RSA/SHA-1 signatures here.
		return ErrBadSignature
	}
	data, err := digest(msg, s.Namespace, s.HashAlg)
	if err != nil {
		return err
	}
	key := s.PublicKey
	if c, ok := key.(*ssh.Certificate); ok {
		key = c.Key
	}
	if err := key.Verify(data, s.Sig); err != nil {
		return ErrBadSignature
	}
	return nil
}

// Armor wraps a blob in OpenSSH's PEM-like armour.
func Armor(blob []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(blob)
	var b strings.Builder
	b.WriteString(armorBegin + "\n")
	for len(enc) > armorWidth {
		b.WriteString(enc[:armorWidth] + "\n")
		enc = enc[armorWidth:]
	}
	b.WriteString(enc + "\n" + armorEnd + "\n")
	return []byte(b.String())
}

// Unarmor extracts the blob from armoured text, tolerating CR LF line
// ends and surrounding whitespace as OpenSSH does.
func Unarmor(data []byte) ([]byte, error) {
	s := strings.ReplaceAll(string(data), "\r", "")
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, armorBegin) {
		return nil, errors.New("couldn't parse signature: missing header")
	}
	s = strings.TrimPrefix(s, armorBegin)
	end := strings.Index(s, armorEnd)
	if end < 0 {
		return nil, errors.New("couldn't parse signature: missing footer")
	}
	body := strings.Join(strings.Fields(s[:end]), "")
	blob, err := base64.StdEncoding.DecodeString(body)
	if err != nil {
		return nil, fmt.Errorf("couldn't parse signature: %w", err)
	}
	return blob, nil
}
