package krl

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Update adds what a revocation specification revokes, as ssh-keygen -k
// reads one: lines "serial: N" or "serial: N-M" and "id: KEYID" (which need
// a CA: ca is its key blob, or nil with anyCA for -s none), "key: KEY",
// "sha1: KEY", "sha256: KEY", "hash: SHA256:..." and plain public keys,
// '#' comments and blank lines skipped. An error names path:line.
func (k *KRL) Update(path string, data []byte, ca []byte, anyCA bool) error {
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if err := k.updateLine(line, ca, anyCA); err != nil {
			return fmt.Errorf("%s:%d: %v", path, n+1, err)
		}
	}
	return nil
}

func (k *KRL) updateLine(line string, ca []byte, anyCA bool) error {
	word, rest, _ := strings.Cut(line, ":")
	rest = strings.TrimSpace(rest)
	haveCA := ca != nil || anyCA
	switch strings.ToLower(word) {
	case "serial":
		if !haveCA {
			return fmt.Errorf("revoking certificates by serial number requires specification of a CA key")
		}
		lo, hi, err := serialRange(rest)
		if err != nil {
			return err
		}
		k.RevokeSerials(ca, lo, hi)
		return nil
	case "id":
		if !haveCA {
			return fmt.Errorf("revoking certificates by key ID requires specification of a CA key")
		}
		if rest == "" {
			return fmt.Errorf("missing key ID")
		}
		k.RevokeID(ca, rest)
		return nil
	case "hash":
		b64, ok := strings.CutPrefix(rest, "SHA256:")
		h, err := base64.RawStdEncoding.DecodeString(b64)
		if !ok || err != nil || len(h) != sha256.Size {
			return fmt.Errorf("invalid hash %q (want SHA256:...)", rest)
		}
		k.SHA256 = append(k.SHA256, h)
		return nil
	case "key", "sha1", "sha256":
		key, err := parseKey(rest)
		if err != nil {
			return err
		}
		plain := key
		if c, ok := key.(*ssh.Certificate); ok {
			plain = c.Key
		}
		switch strings.ToLower(word) {
		case "key":
			k.Keys = append(k.Keys, plain.Marshal())
		case "sha1":
			k.SHA1 = append(k.SHA1, sha1Of(plain.Marshal()))
		default:
			s := sha256.Sum256(plain.Marshal())
			k.SHA256 = append(k.SHA256, s[:])
		}
		return nil
	}
	key, err := parseKey(line)
	if err != nil {
		return err
	}
	k.RevokeKey(key)
	return nil
}

func parseKey(s string) (ssh.PublicKey, error) {
	key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(s))
	if err != nil {
		return nil, fmt.Errorf("invalid key: invalid format")
	}
	return key, nil
}

// serialRange reads "N" or "N-M"; serial 0 revokes nothing and is refused.
func serialRange(s string) (lo, hi uint64, err error) {
	a, b, isRange := strings.Cut(s, "-")
	if lo, err = strconv.ParseUint(strings.TrimSpace(a), 0, 64); err != nil || lo == 0 {
		return 0, 0, fmt.Errorf("invalid serial number %q", s)
	}
	hi = lo
	if isRange {
		if hi, err = strconv.ParseUint(strings.TrimSpace(b), 0, 64); err != nil || hi < lo {
			return 0, 0, fmt.Errorf("invalid serial range %q", s)
		}
	}
	return lo, hi, nil
}
