package keys

import (
	"crypto/ecdsa"
	"crypto/md5"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"fmt"
	"strings"

	"golang.org/x/crypto/ssh"
)

// Fingerprint returns the key's fingerprint with hash "sha256" (the
// default) or "md5", in OpenSSH's notation.
func Fingerprint(key ssh.PublicKey, hash string) string {
	// OpenSSH fingerprints a certificate by the key it certifies.
	if c, ok := key.(*ssh.Certificate); ok {
		key = c.Key
	}
	if strings.EqualFold(hash, "md5") {
		return "MD5:" + strings.TrimPrefix(ssh.FingerprintLegacyMD5(key), "MD5:")
	}
	return ssh.FingerprintSHA256(key)
}

// ValidHash reports whether ssh-keygen -E accepts name.
func ValidHash(name string) bool {
	return strings.EqualFold(name, "sha256") || strings.EqualFold(name, "md5")
}

// Bits returns the key size as ssh-keygen -l prints it.
func Bits(key ssh.PublicKey) int {
	if c, ok := key.(*ssh.Certificate); ok {
		return Bits(c.Key)
	}
	ck, ok := key.(ssh.CryptoPublicKey)
	if !ok {
		return 0
	}
	switch k := ck.CryptoPublicKey().(type) {
	case *rsa.PublicKey:
		return k.N.BitLen()
	case *ecdsa.PublicKey:
		return k.Curve.Params().BitSize
	}
	if strings.Contains(key.Type(), "ed25519") {
		return 256
	}
	return 0
}

// TypeLabel returns OpenSSH's short name for the key type: ED25519, ECDSA,
// RSA, with -CERT for certificates.
func TypeLabel(key ssh.PublicKey) string {
	if c, ok := key.(*ssh.Certificate); ok {
		return TypeLabel(c.Key) + "-CERT"
	}
	switch t := key.Type(); {
	case t == ssh.KeyAlgoED25519:
		return "ED25519"
	case strings.HasPrefix(t, "ecdsa-"):
		return "ECDSA"
	case t == ssh.KeyAlgoRSA:
		return "RSA"
	case t == ssh.KeyAlgoDSA:
		return "DSA"
	case t == ssh.KeyAlgoSKED25519:
		return "ED25519-SK"
	case t == ssh.KeyAlgoSKECDSA256:
		return "ECDSA-SK"
	default:
		return strings.ToUpper(t)
	}
}

// FingerprintLine is ssh-keygen -l's line: "256 SHA256:... comment (ED25519)".
func FingerprintLine(key ssh.PublicKey, hash, comment string) string {
	return fmt.Sprintf("%d %s %s (%s)", Bits(key), Fingerprint(key, hash), comment, TypeLabel(key))
}

// Randomart draws OpenSSH's "drunken bishop" picture of the key's digest.
func Randomart(key ssh.PublicKey, hash string) string {
	const sx, sy = 17, 9
	const symbols = " .o+=*BOX@%&#/^SE"
	const top = len(symbols) - 1
	var digest []byte
	alg := "SHA256"
	blob := key.Marshal()
	if c, ok := key.(*ssh.Certificate); ok {
		blob = c.Key.Marshal()
	}
	if strings.EqualFold(hash, "md5") {
		d := md5.Sum(blob)
		digest, alg = d[:], "MD5"
	} else {
		d := sha256.Sum256(blob)
		digest = d[:]
	}
	var field [sx][sy]int
	x, y := sx/2, sy/2
	for _, in := range digest {
		for b := 0; b < 4; b++ {
			if in&1 != 0 {
				x++
			} else {
				x--
			}
			if in&2 != 0 {
				y++
			} else {
				y--
			}
			x = min(max(x, 0), sx-1)
			y = min(max(y, 0), sy-1)
			if field[x][y] < top-2 {
				field[x][y]++
			}
			in >>= 2
		}
	}
	field[sx/2][sy/2] = top - 1
	field[x][y] = top

	title := fmt.Sprintf("[%s %d]", TypeLabel(key), Bits(key))
	if len(title) > sx {
		title = "[" + TypeLabel(key) + "]"
	}
	var b strings.Builder
	border := func(label string) {
		b.WriteByte('+')
		left := (sx - len(label)) / 2
		b.WriteString(strings.Repeat("-", left) + label + strings.Repeat("-", sx-left-len(label)))
		b.WriteByte('+')
	}
	border(title)
	b.WriteByte('\n')
	for y := 0; y < sy; y++ {
		b.WriteByte('|')
		for x := 0; x < sx; x++ {
			b.WriteByte(symbols[min(field[x][y], top)])
		}
		b.WriteString("|\n")
	}
	border("[" + alg + "]")
	return b.String()
}

// RSATooShort reports whether key is an RSA key (or certificate) shorter
// than min bits, or than 1024 whatever min says, as OpenSSH's
// sshkey_check_rsa_length (RequiredRSASize) refuses it.
func RSATooShort(key ssh.PublicKey, min int) bool {
	if c, ok := key.(*ssh.Certificate); ok {
		key = c.Key
	}
	return key.Type() == ssh.KeyAlgoRSA && Bits(key) < max(min, 1024)
}

// Bubblebabble is the key's SHA-1 digest in the Bubble Babble encoding
// (Antti Huima's), as ssh-keygen -B prints it; a certificate is
// fingerprinted by the key it certifies, as by Fingerprint.
func Bubblebabble(key ssh.PublicKey) string {
	if c, ok := key.(*ssh.Certificate); ok {
		key = c.Key
	}
	sum := sha1.Sum(key.Marshal())
	return bubblebabble(sum[:])
}

func bubblebabble(d []byte) string {
	const vowels, consonants = "aeiouy", "bcdfghklmnprstvzx"
	b := []byte{'x'}
	seed := 1
	rounds := len(d)/2 + 1
	for i := 0; i < rounds; i++ {
		if i+1 < rounds || len(d)%2 != 0 {
			c := int(d[2*i])
			b = append(b, vowels[((c>>6&3)+seed)%6], consonants[c>>2&15], vowels[((c&3)+seed/6)%6])
			if i+1 < rounds {
				c2 := int(d[2*i+1])
				b = append(b, consonants[c2>>4&15], '-', consonants[c2&15])
				seed = (seed*5 + c*7 + c2) % 36
			}
		} else {
			b = append(b, vowels[seed%6], consonants[16], vowels[seed/6])
		}
	}
	return string(append(b, 'x'))
}

// BubblebabbleLine is ssh-keygen -B's line: "256 xetad-...-lyxux comment (ED25519)".
func BubblebabbleLine(key ssh.PublicKey, comment string) string {
	return fmt.Sprintf("%d %s %s (%s)", Bits(key), Bubblebabble(key), comment, TypeLabel(key))
}
