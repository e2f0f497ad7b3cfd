package keys

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"golang.org/x/crypto/ssh"
)

// sshfpAlgorithms are the SSHFP algorithm numbers (RFC 4255, 6594, 7479).
var sshfpAlgorithms = map[string]int{
	ssh.KeyAlgoRSA:      1,
	ssh.KeyAlgoECDSA256: 3,
	ssh.KeyAlgoECDSA384: 3,
	ssh.KeyAlgoECDSA521: 3,
	ssh.KeyAlgoED25519:  4,
}

// SSHFP returns the DNS resource records ssh-keygen -r prints for a host
// key, SHA-1 then SHA-256, in zone file syntax or, generic, in RFC 3597's
// syntax for servers that do not know SSHFP; nil for a key type SSHFP has
// no number for.
func SSHFP(host string, k ssh.PublicKey, generic bool) []string {
	alg, ok := sshfpAlgorithms[k.Type()]
	if !ok {
		return nil
	}
	blob := k.Marshal()
	s1 := sha1.Sum(blob)
	s256 := sha256.Sum256(blob)
	var out []string
	for i, digest := range [][]byte{s1[:], s256[:]} {
		hash := i + 1
		if generic {
			out = append(out, fmt.Sprintf("%s IN TYPE44 \\# %d %02x %02x %s", host, 2+len(digest), alg, hash, hex.EncodeToString(digest)))
		} else {
			out = append(out, fmt.Sprintf("%s IN SSHFP %d %d %s", host, alg, hash, hex.EncodeToString(digest)))
		}
	}
	return out
}
