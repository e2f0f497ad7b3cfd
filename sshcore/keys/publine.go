package keys

import (
	"encoding/base64"
	"errors"
	"strings"

	"golang.org/x/crypto/ssh"
)

// ssh_err's words for a key line whose type name disagrees with its blob
// and for a blob cut short; ErrInvalidFormat is the rest.
var (
	ErrKeyTypeMismatch = errors.New("key type does not match")
	ErrIncomplete      = errors.New("incomplete message")
)

// lineTypes are the type names a public key line may start with.
var lineTypes = map[string]bool{
	ssh.KeyAlgoRSA: true, ssh.KeyAlgoDSA: true, ssh.KeyAlgoED25519: true,
	ssh.KeyAlgoECDSA256: true, ssh.KeyAlgoECDSA384: true, ssh.KeyAlgoECDSA521: true,
	ssh.KeyAlgoSKED25519: true, ssh.KeyAlgoSKECDSA256: true,
	ssh.CertAlgoRSAv01: true, ssh.CertAlgoDSAv01: true, ssh.CertAlgoED25519v01: true,
	ssh.CertAlgoECDSA256v01: true, ssh.CertAlgoECDSA384v01: true, ssh.CertAlgoECDSA521v01: true,
	ssh.CertAlgoSKED25519v01: true, ssh.CertAlgoSKECDSA256v01: true,
}

// ParsePublicLine reads a key from one line as OpenSSH's sshkey_read does:
// a type name, the base64 blob, and after the blanks that follow it the
// comment, kept as it is. Unlike an authorized_keys line it takes no
// options in front.
func ParsePublicLine(line string) (ssh.PublicKey, string, error) {
	typ, rest := cutBlank(strings.TrimLeft(line, " \t"))
	b64, comment := cutBlank(rest)
	if !lineTypes[typ] || b64 == "" {
		return nil, "", ErrInvalidFormat
	}
	blob, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, "", ErrInvalidFormat
	}
	k, err := ssh.ParsePublicKey(blob)
	if err != nil {
		// x/crypto says "short read", or for a key's fields cut short
		// "parse error".
		if msg := err.Error(); strings.Contains(msg, "short read") || strings.Contains(msg, "parse error") {
			return nil, "", ErrIncomplete
		}
		return nil, "", ErrInvalidFormat
	}
	if k.Type() != typ {
		return nil, "", ErrKeyTypeMismatch
	}
	return k, comment, nil
}

// cutBlank splits s at its first space or tab, dropping the blanks.
func cutBlank(s string) (word, rest string) {
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeft(s[i:], " \t")
}
