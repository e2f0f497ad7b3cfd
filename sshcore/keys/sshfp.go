package keys

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"golang.org/x/crypto/ssh"
)

// SSHFP fingerprint types (RFC 4255, 6594).
const (
	SSHFPSHA1   = 1
	SSHFPSHA256 = 2
)

// sshfpAlgorithms are the SSHFP algorithm numbers (RFC 4255, 6594, 7479),
// for the plain key types OpenSSH 9.2's dns.c numbers: security keys and
// certificates have none.
var sshfpAlgorithms = map[string]uint8{
	ssh.KeyAlgoRSA:      1,
	ssh.KeyAlgoDSA:      2,
	ssh.KeyAlgoECDSA256: 3,
	ssh.KeyAlgoECDSA384: 3,
	ssh.KeyAlgoECDSA521: 3,
	ssh.KeyAlgoED25519:  4,
}

// SSHFPAlgorithm is the key's SSHFP algorithm number, 0 when SSHFP has
// none for its type.
func SSHFPAlgorithm(k ssh.PublicKey) uint8 { return sshfpAlgorithms[k.Type()] }

// SSHFPDigest is the key's fingerprint of SSHFP type fpType (the hash of
// its wire form), nil for a type other than SHA-1 and SHA-256.
func SSHFPDigest(k ssh.PublicKey, fpType uint8) []byte {
	switch fpType {
	case SSHFPSHA1:
		s := sha1.Sum(k.Marshal())
		return s[:]
	case SSHFPSHA256:
		s := sha256.Sum256(k.Marshal())
		return s[:]
	}
	return nil
}

// SSHFP returns the DNS resource records ssh-keygen -r prints for a host
// key, SHA-1 then SHA-256, in zone file syntax or, generic, in RFC 3597's
// syntax for servers that do not know SSHFP; nil for a key type SSHFP has
// no number for.
func SSHFP(host string, k ssh.PublicKey, generic bool) []string {
	alg := SSHFPAlgorithm(k)
	if alg == 0 {
		return nil
	}
	var out []string
	for _, hash := range []uint8{SSHFPSHA1, SSHFPSHA256} {
		digest := SSHFPDigest(k, hash)
		if generic {
			out = append(out, fmt.Sprintf("%s IN TYPE44 \\# %d %02x %02x %s", host, 2+len(digest), alg, hash, hex.EncodeToString(digest)))
		} else {
			out = append(out, fmt.Sprintf("%s IN SSHFP %d %d %s", host, alg, hash, hex.EncodeToString(digest)))
		}
	}
	return out
}
