package keys

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// ssh.com ("SSH2 ENCRYPTED PRIVATE KEY") private keys are what ssh2
// installations keep. Like OpenSSH's ssh-keygen -i, sshbox reads
// unencrypted RSA ones.
const (
	sshcomBegin = "---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----"
	sshcomEnd   = "---- END SSH2 ENCRYPTED PRIVATE KEY ----"
	sshcomMagic = 0x3f6ff9eb
)

// FormatSSHCom is a key read from an ssh.com private key file.
const FormatSSHCom Format = 101

// IsSSHComPrivate reports whether data looks like an ssh.com private key.
func IsSSHComPrivate(data []byte) bool { return strings.Contains(string(data), sshcomBegin) }

// ParseSSHComPrivate decodes an unencrypted ssh.com RSA private key and
// returns it with its Comment header.
func ParseSSHComPrivate(data []byte) (*rsa.PrivateKey, string, error) {
	blob, headers, _, err := parseArmor(data, sshcomBegin, sshcomEnd)
	if err != nil {
		return nil, "", err
	}
	r := &sshcomReader{b: blob}
	magic := r.uint32()
	total := r.uint32()
	if r.err != nil || magic != sshcomMagic || int(total) != len(blob) {
		return nil, "", fmt.Errorf("%w: bad ssh.com magic or length", ErrInvalidFormat)
	}
	keyType := string(r.str())
	cipher := string(r.str())
	inner := r.str()
	if r.err != nil {
		return nil, "", fmt.Errorf("%w: truncated ssh.com key", ErrInvalidFormat)
	}
	if cipher != "none" {
		return nil, "", fmt.Errorf("unsupported cipher %s", cipher)
	}
	if !strings.HasPrefix(keyType, "if-modn{sign{rsa") {
		return nil, "", fmt.Errorf("unsupported key type %s", keyType)
	}
	k := &sshcomReader{b: inner}
	k.uint32() // length of the key data that follows
	e, d, n := k.bits(), k.bits(), k.bits()
	_ = k.bits() // u = p^-1 mod q, recomputed below
	// The primes come q first, as OpenSSH reads them; in that order the
	// PEM written by -i is byte for byte OpenSSH's.
	q, p := k.bits(), k.bits()
	if k.err != nil {
		return nil, "", fmt.Errorf("%w: truncated ssh.com RSA key", ErrInvalidFormat)
	}
	if !e.IsInt64() || e.Int64() > 1<<31-1 {
		return nil, "", fmt.Errorf("%w: bad RSA exponent", ErrInvalidFormat)
	}
	key := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: int(e.Int64())}, D: d, Primes: []*big.Int{p, q}}
	if err := key.Validate(); err != nil {
		return nil, "", fmt.Errorf("%w: %v", ErrInvalidFormat, err)
	}
	key.Precompute()
	return key, headers["Comment"], nil
}

type sshcomReader struct {
	b   []byte
	err error
}

func (r *sshcomReader) uint32() uint32 {
	if r.err != nil || len(r.b) < 4 {
		r.err = errors.New("short")
		return 0
	}
	v := binary.BigEndian.Uint32(r.b)
	r.b = r.b[4:]
	return v
}

func (r *sshcomReader) str() []byte {
	n := r.uint32()
	if r.err != nil || uint64(n) > uint64(len(r.b)) {
		r.err = errors.New("short")
		return nil
	}
	s := r.b[:n]
	r.b = r.b[n:]
	return s
}

// bits reads ssh.com's multiple precision integer: a bit count, then that
// many bits, big-endian.
func (r *sshcomReader) bits() *big.Int {
	n := r.uint32()
	size := (uint64(n) + 7) / 8
	if r.err != nil || size > uint64(len(r.b)) || n > 16384 {
		r.err = errors.New("short")
		return new(big.Int)
	}
	v := new(big.Int).SetBytes(r.b[:size])
	r.b = r.b[size:]
	return v
}

// MarshalSSHComPrivate writes an RSA key as an unencrypted ssh.com private
// key, the form ParseSSHComPrivate reads: how the tests make the keys of
// an ssh2 installation.
func MarshalSSHComPrivate(k *rsa.PrivateKey, comment string) []byte {
	var inner []byte
	for _, v := range []*big.Int{big.NewInt(int64(k.E)), k.D, k.N, k.Precomputed.Qinv, k.Primes[1], k.Primes[0]} {
		inner = binary.BigEndian.AppendUint32(inner, uint32(v.BitLen()))
		inner = append(inner, v.Bytes()...)
	}
	inner = append(binary.BigEndian.AppendUint32(nil, uint32(len(inner))), inner...)
	str := func(b []byte, s []byte) []byte { return append(binary.BigEndian.AppendUint32(b, uint32(len(s))), s...) }
	body := str(nil, []byte("if-modn{sign{rsa-pkcs1-sha1},encrypt{rsa-pkcs1v2-oaep}}"))
	body = str(body, []byte("none"))
	body = str(body, inner)
	blob := binary.BigEndian.AppendUint32(nil, sshcomMagic)
	blob = binary.BigEndian.AppendUint32(blob, uint32(len(body)+8))
	blob = append(blob, body...)
	return []byte(sshcomBegin + "\nComment: \"" + comment + "\"\n" + base64.StdEncoding.EncodeToString(blob) + "\n" + sshcomEnd + "\n")
}
