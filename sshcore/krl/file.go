package krl

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Revocation files as sshd's RevokedKeys and ssh's RevokedHostKeys name
// them: an OpenSSH KRL, or else public keys one per line. Both sides read
// them here, so that a key sshd refuses is also a key ssh refuses.

// MaxFile bounds a revocation file or a key list (TrustedUserCAKeys).
const MaxFile = 1 << 20

// ReadLimited reads a revocation file or a key list, at most MaxFile bytes.
func ReadLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, MaxFile)
	}
	return data, nil
}

// ReadKeyList reads a file of public keys (TrustedUserCAKeys, or a
// revocation file that is not a KRL).
func ReadKeyList(path string) ([]ssh.PublicKey, error) {
	data, err := ReadLimited(path)
	if err != nil {
		return nil, err
	}
	return ParseKeyList(path, data)
}

// ParseKeyList reads public keys one per line in authorized_keys form
// (options allowed and ignored), blank lines and '#' comments skipped. A
// line that is not a key is an error naming path:line.
func ParseKeyList(path string, data []byte) ([]ssh.PublicKey, error) {
	if IsKRL(data) {
		return nil, fmt.Errorf("%s: a KRL (key revocation list) is not a list of keys", path)
	}
	var keys []ssh.PublicKey
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		k, _, _, rest, err := ssh.ParseAuthorizedKey([]byte(line))
		if err != nil || len(bytes.TrimSpace(rest)) > 0 {
			return nil, fmt.Errorf("%s:%d: not a public key", path, n+1)
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// ContainsKey reports whether list holds k (compared as plain keys: a
// certificate is not its key).
func ContainsKey(list []ssh.PublicKey, k ssh.PublicKey) bool {
	b := k.Marshal()
	for _, x := range list {
		if bytes.Equal(x.Marshal(), b) {
			return true
		}
	}
	return false
}

// ReadRevocations reads a revocation file into a test for single keys: a
// KRL's own test, or for a key list whether it holds the key (for a
// certificate, its key).
func ReadRevocations(path string) (func(ssh.PublicKey) bool, error) {
	data, err := ReadLimited(path)
	if err != nil {
		return nil, err
	}
	if IsKRL(data) {
		k, err := Parse(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		return k.IsRevoked, nil
	}
	list, err := ParseKeyList(path, data)
	if err != nil {
		return nil, err
	}
	return func(k ssh.PublicKey) bool {
		if cert, ok := k.(*ssh.Certificate); ok {
			k = cert.Key
		}
		return ContainsKey(list, k)
	}, nil
}

// RevokedBy applies a revocation test as OpenSSH does: to the key and, for
// a certificate, to the CA that signed it. It returns the plain key that
// is revoked (the certificate's key, or its CA), or nil.
func RevokedBy(revoked func(ssh.PublicKey) bool, key ssh.PublicKey) ssh.PublicKey {
	check := []ssh.PublicKey{key}
	if cert, ok := key.(*ssh.Certificate); ok {
		check = append(check, cert.SignatureKey)
	}
	for _, k := range check {
		if revoked(k) {
			if cert, ok := k.(*ssh.Certificate); ok {
				return cert.Key
			}
			return k
		}
	}
	return nil
}
