package passwd

import (
	"crypto/md5"
	"hash"
	"strings"
)

// md5-crypt ($1$), Poul-Henning Kamp's FreeBSD scheme: 1000 fixed rounds.

const md5SaltMax = 8

type md5Crypt struct{ salt string }

func parseMD5Crypt(h string) (hasher, error) {
	return compareCrypt{&md5Crypt{salt: saltField(strings.TrimPrefix(h, "$1$"), md5SaltMax)}}, nil
}

func (c *md5Crypt) crypt(pw []byte) []byte {
	const magic = "$1$"
	salt := []byte(c.salt)

	alt := md5.New()
	alt.Write(pw)
	alt.Write(salt)
	alt.Write(pw)
	fin := alt.Sum(nil)

	h := md5.New()
	h.Write(pw)
	h.Write([]byte(magic))
	h.Write(salt)
	for n := len(pw); n > 0; n -= 16 {
		h.Write(fin[:min(16, n)])
	}
	// The original code writes a NUL for each set bit and the first byte of
	// the password for each clear bit.
	for n := len(pw); n > 0; n >>= 1 {
		if n&1 != 0 {
			h.Write([]byte{0})
		} else {
			h.Write(pw[:1])
		}
	}
	fin = h.Sum(nil)

	fin = stretch(h, fin, pw, salt, 1000)

	out := []byte(magic + c.salt + "$")
	out = b64From24(out, fin[0], fin[6], fin[12], 4)
	out = b64From24(out, fin[1], fin[7], fin[13], 4)
	out = b64From24(out, fin[2], fin[8], fin[14], 4)
	out = b64From24(out, fin[3], fin[9], fin[15], 4)
	out = b64From24(out, fin[4], fin[10], fin[5], 4)
	out = b64From24(out, 0, 0, fin[11], 2)
	return out
}

// stretch is the rounds loop md5-crypt introduced and sha-crypt kept: each
// round hashes the previous digest with the key and the salt in an order
// that depends on the round number. It returns the last digest.
func stretch(h hash.Hash, digest, key, salt []byte, rounds int) []byte {
	for i := 0; i < rounds; i++ {
		h.Reset()
		if i&1 != 0 {
			h.Write(key)
		} else {
			h.Write(digest)
		}
		if i%3 != 0 {
			h.Write(salt)
		}
		if i%7 != 0 {
			h.Write(key)
		}
		if i&1 != 0 {
			h.Write(digest)
		} else {
			h.Write(key)
		}
		digest = h.Sum(digest[:0])
	}
	return digest
}
