package keys

import (
	"crypto/sha512"
	"encoding/binary"
	"errors"

	"golang.org/x/crypto/blowfish"
)

// bcryptPBKDF is OpenBSD's bcrypt_pbkdf, the KDF of passphrase-protected
// OpenSSH private keys. x/crypto keeps its copy internal, and reading the
// comment of an encrypted key needs the decrypted block, so sshbox has its
// own.
func bcryptPBKDF(pass, salt []byte, rounds, keyLen int) ([]byte, error) {
	if rounds < 1 {
		return nil, errors.New("bcrypt_pbkdf: rounds must be at least 1")
	}
	if len(pass) == 0 || len(salt) == 0 || keyLen <= 0 || keyLen > 1024 {
		return nil, errors.New("bcrypt_pbkdf: bad passphrase, salt or key length")
	}
	const hashLen = 32
	stride := (keyLen + hashLen - 1) / hashLen
	amt := (keyLen + stride - 1) / stride
	key := make([]byte, keyLen)
	sha2pass := sha512.Sum512(pass)
	countSalt := make([]byte, len(salt)+4)
	copy(countSalt, salt)
	remaining := keyLen
	for count := 1; remaining > 0; count++ {
		binary.BigEndian.PutUint32(countSalt[len(salt):], uint32(count))
		sha2salt := sha512.Sum512(countSalt)
		tmp := bcryptHash(sha2pass[:], sha2salt[:])
		out := tmp
		for i := 1; i < rounds; i++ {
			sha2salt = sha512.Sum512(tmp[:])
			tmp = bcryptHash(sha2pass[:], sha2salt[:])
			for j := range out {
				out[j] ^= tmp[j]
			}
		}
		if amt > remaining {
			amt = remaining
		}
		i := 0
		for ; i < amt; i++ {
			dest := i*stride + (count - 1)
			if dest >= keyLen {
				break
			}
			key[dest] = out[i]
		}
		remaining -= i
	}
	return key, nil
}

func bcryptHash(sha2pass, sha2salt []byte) [32]byte {
	c, _ := blowfish.NewSaltedCipher(sha2pass, sha2salt)
	for i := 0; i < 64; i++ {
		blowfish.ExpandKey(sha2salt, c)
		blowfish.ExpandKey(sha2pass, c)
	}
	var data [32]byte
	copy(data[:], "OxychromaticBlowfishSwatDynamite")
	for i := 0; i < 64; i++ {
		for j := 0; j < 32; j += 8 {
			c.Encrypt(data[j:j+8], data[j:j+8])
		}
	}
	// The C code keeps the state as big-endian words and emits them
	// little-endian.
	for j := 0; j < 32; j += 4 {
		data[j], data[j+1], data[j+2], data[j+3] = data[j+3], data[j+2], data[j+1], data[j]
	}
	return data
}
