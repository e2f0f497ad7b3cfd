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
// '#' comments and blank lines skipped. An error names path:line, but for
// those OpenSSH words without it.
func (k *KRL) Update(path string, data []byte, ca []byte, anyCA bool) error {
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if err := k.updateLine(line, ca, anyCA); err != nil {
			if _, bare := err.(unplaced); bare {
				return err
			}
			return fmt.Errorf("%s:%d: %v", path, n+1, err)
		}
	}
	return nil
}

// unplaced is an error OpenSSH's ssh-keygen reports without the file and
// line it came from.
type unplaced string

func (e unplaced) Error() string { return string(e) }

func (k *KRL) updateLine(line string, ca []byte, anyCA bool) error {
	word, rest, _ := strings.Cut(line, ":")
	rest = strings.TrimSpace(rest)
	haveCA := ca != nil || anyCA
	switch strings.ToLower(word) {
	case "serial":
		if !haveCA {
			return unplaced("revoking certificates by serial number requires specification of a CA key")
		}
		lo, hi, err := serialRange(rest)
		if err != nil {
			return err
		}
		k.RevokeSerials(ca, lo, hi)
		return nil
	case "id":
		if !haveCA {
			return unplaced("revoking certificates by key ID requires specification of a CA key")
		}
		k.RevokeID(ca, rest)
		return nil
	case "hash":
		b64, ok := strings.CutPrefix(rest, "SHA256:")
		if !ok {
			return fmt.Errorf("unsupported hash algorithm")
		}
		h, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(b64, "="))
		if err != nil {
			return fmt.Errorf("decode hash failed: invalid format")
		}
		if len(h) != sha256.Size {
			return unplaced("update_krl_from_file: revoke key failed: invalid format")
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

// serialRange reads "N" or "N-M" (C's numbers: 0x hexadecimal, 0 octal);
// serial 0 revokes nothing and is refused.
func serialRange(s string) (lo, hi uint64, err error) {
	a, b, isRange := strings.Cut(s, "-")
	if lo, err = strconv.ParseUint(a, 0, 64); err != nil {
		return 0, 0, fmt.Errorf("invalid serial %q", a)
	}
	hi = lo
	if isRange {
		if hi, err = strconv.ParseUint(b, 0, 64); err != nil {
			return 0, 0, fmt.Errorf("invalid serial %q", b)
		}
		if hi < lo {
			return 0, 0, fmt.Errorf("invalid serial range %d:%d", lo, hi)
		}
	}
	if lo == 0 {
		return 0, 0, unplaced("update_krl_from_file: revoke serial failed")
	}
	return lo, hi, nil
}
