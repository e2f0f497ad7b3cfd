package knownhosts

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"strings"
)

// hashMagic starts a hashed host name: |1|base64(salt)|base64(HMAC-SHA1(salt, name)).
// SHA-1 is what OpenSSH's HashKnownHosts uses; it only hides names, it signs nothing.
const hashMagic = "|1|"

// HashName returns the hashed form of name with a fresh random salt.
func HashName(name string) string {
	salt := make([]byte, sha1.Size)
	if _, err := rand.Read(salt); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	return hashWithSalt(salt, strings.ToLower(name))
}

func hashWithSalt(salt []byte, name string) string {
	m := hmac.New(sha1.New, salt)
	m.Write([]byte(name))
	return hashMagic + base64.StdEncoding.EncodeToString(salt) + "|" +
		base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func decodeHash(field string) (salt, sum []byte, err error) {
	parts := strings.Split(strings.TrimPrefix(field, hashMagic), "|")
	if len(parts) != 2 {
		return nil, nil, errors.New("invalid hashed host name")
	}
	salt, err = base64.StdEncoding.DecodeString(parts[0])
	if err != nil || len(salt) != sha1.Size {
		return nil, nil, errors.New("invalid salt in hashed host name")
	}
	sum, err = base64.StdEncoding.DecodeString(parts[1])
	if err != nil || len(sum) != sha1.Size {
		return nil, nil, errors.New("invalid hash in hashed host name")
	}
	return salt, sum, nil
}

func hashMatches(field, name string) bool {
	salt, sum, err := decodeHash(field)
	if err != nil {
		return false
	}
	m := hmac.New(sha1.New, salt)
	m.Write([]byte(name))
	return hmac.Equal(m.Sum(nil), sum)
}
