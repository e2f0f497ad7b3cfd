package keys

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"os"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/atomicfile"
)

// Dropbear keeps its keys (/etc/dropbear/dropbear_*_host_key,
// ~/.ssh/id_dropbear) in its own binary form: no armour, no comment, no
// encryption, just SSH wire encoding of the key type and its numbers:
//
//	ssh-ed25519          string type, string (32-byte seed || 32-byte public)
//	ecdsa-sha2-nistpNNN  string type, string curve, string point, mpint d
//	ssh-rsa              string type, mpint e, mpint n, mpint d, mpint p, mpint q
//
// Reading it is what lets sshbox replace Dropbear in an image without
// changing the host's identity.

// FormatDropbear is a key read from Dropbear's binary key file.
const FormatDropbear Format = 100

// dropbearMaxKey bounds the file: an RSA key of 16384 bits fits easily.
const dropbearMaxKey = 16 << 10

// DropbearError names where in a Dropbear key file the data went wrong.
type DropbearError struct {
	Offset int
	Reason string
}

func (e *DropbearError) Error() string {
	return fmt.Sprintf("invalid format: Dropbear key: %s at byte offset %d", e.Reason, e.Offset)
}

func (e *DropbearError) Unwrap() error { return ErrInvalidFormat }

// LooksDropbear reports whether data starts like a Dropbear key file: the
// length of a key type name sshbox knows, then that name.
func LooksDropbear(data []byte) bool {
	if len(data) < 4 {
		return false
	}
	n := binary.BigEndian.Uint32(data)
	if n == 0 || n > 32 || uint64(len(data)) < 4+uint64(n) {
		return false
	}
	switch string(data[4 : 4+n]) {
	case ssh.KeyAlgoED25519, ssh.KeyAlgoRSA, ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521, ssh.KeyAlgoDSA:
		return true
	}
	return false
}

// dropbearReader reads SSH wire fields and remembers the offset of the
// field that failed, for the error message.
type dropbearReader struct {
	b   []byte
	off int
	err *DropbearError
}

func (r *dropbearReader) fail(reason string) {
	if r.err == nil {
		r.err = &DropbearError{Offset: r.off, Reason: reason}
	}
}

func (r *dropbearReader) str(what string) []byte {
	if r.err != nil {
		return nil
	}
	if len(r.b)-r.off < 4 {
		r.fail("truncated " + what)
		return nil
	}
	n := binary.BigEndian.Uint32(r.b[r.off:])
	if uint64(n) > uint64(len(r.b)-r.off-4) {
		r.fail(fmt.Sprintf("%s length %d past the end of the file", what, n))
		return nil
	}
	s := r.b[r.off+4 : r.off+4+int(n)]
	r.off += 4 + int(n)
	return s
}

// mpint reads a non-negative SSH mpint.
func (r *dropbearReader) mpint(what string) *big.Int {
	start := r.off
	s := r.str(what)
	if r.err != nil {
		return nil
	}
	if len(s) > 0 && s[0]&0x80 != 0 {
		r.off = start
		r.fail("negative " + what)
		return nil
	}
	return new(big.Int).SetBytes(s)
}

// ParseDropbear decodes a private key in Dropbear's binary form.
func ParseDropbear(data []byte) (*PrivateKey, error) {
	if len(data) > dropbearMaxKey {
		return nil, &DropbearError{Offset: dropbearMaxKey, Reason: "file too large for a key"}
	}
	r := &dropbearReader{b: data}
	typ := string(r.str("key type"))
	if r.err != nil {
		return nil, r.err
	}
	var key crypto.Signer
	switch typ {
	case ssh.KeyAlgoED25519:
		key = r.ed25519()
	case ssh.KeyAlgoRSA:
		key = r.rsa()
	case ssh.KeyAlgoECDSA256, ssh.KeyAlgoECDSA384, ssh.KeyAlgoECDSA521:
		key = r.ecdsa(typ)
	case ssh.KeyAlgoDSA:
		return nil, errors.New("DSA keys are not supported")
	default:
		return nil, &DropbearError{Offset: 4, Reason: fmt.Sprintf("unknown key type %q", typ)}
	}
	if r.err != nil {
		return nil, r.err
	}
	if r.off != len(data) {
		return nil, &DropbearError{Offset: r.off, Reason: "trailing data"}
	}
	return &PrivateKey{Key: key, Format: FormatDropbear}, nil
}

func (r *dropbearReader) ed25519() crypto.Signer {
	start := r.off
	b := r.str("ed25519 key")
	if r.err != nil {
		return nil
	}
	if len(b) != ed25519.PrivateKeySize {
		r.off = start
		r.fail(fmt.Sprintf("ed25519 key of %d bytes, want %d", len(b), ed25519.PrivateKeySize))
		return nil
	}
	k := ed25519.NewKeyFromSeed(b[:ed25519.SeedSize])
	if subtle.ConstantTimeCompare(k[ed25519.SeedSize:], b[ed25519.SeedSize:]) != 1 {
		r.off = start
		r.fail("ed25519 public half does not match the private half")
		return nil
	}
	return k
}

func (r *dropbearReader) rsa() crypto.Signer {
	start := r.off
	e := r.mpint("RSA e")
	n := r.mpint("RSA n")
	d := r.mpint("RSA d")
	p := r.mpint("RSA p")
	q := r.mpint("RSA q")
	if r.err != nil {
		return nil
	}
	if !e.IsInt64() || e.Int64() < 3 || e.Int64() > 1<<31-1 || n.BitLen() > 16384 {
		r.off = start
		r.fail("RSA key out of range")
		return nil
	}
	k := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: n, E: int(e.Int64())}, D: d, Primes: []*big.Int{p, q}}
	if err := k.Validate(); err != nil {
		r.off = start
		r.fail("inconsistent RSA key")
		return nil
	}
	k.Precompute()
	return k
}

func dropbearCurve(typ string) (elliptic.Curve, string) {
	switch typ {
	case ssh.KeyAlgoECDSA256:
		return elliptic.P256(), "nistp256"
	case ssh.KeyAlgoECDSA384:
		return elliptic.P384(), "nistp384"
	}
	return elliptic.P521(), "nistp521"
}

func (r *dropbearReader) ecdsa(typ string) crypto.Signer {
	curve, name := dropbearCurve(typ)
	start := r.off
	if got := string(r.str("curve name")); r.err == nil && got != name {
		r.off = start
		r.fail(fmt.Sprintf("curve %q does not match key type %s", got, typ))
	}
	start = r.off
	point := r.str("ECDSA public point")
	d := r.mpint("ECDSA private value")
	if r.err != nil {
		return nil
	}
	x, y := elliptic.Unmarshal(curve, point) //nolint:staticcheck // only way to get at the coordinates
	if x == nil || d.Sign() == 0 || d.Cmp(curve.Params().N) >= 0 {
		r.off = start
		r.fail("invalid ECDSA key")
		return nil
	}
	if gx, gy := curve.ScalarBaseMult(d.Bytes()); gx.Cmp(x) != 0 || gy.Cmp(y) != 0 { //nolint:staticcheck
		r.off = start
		r.fail("ECDSA public point does not match the private value")
		return nil
	}
	return &ecdsa.PrivateKey{PublicKey: ecdsa.PublicKey{Curve: curve, X: x, Y: y}, D: d}
}

// MarshalDropbear encodes key in Dropbear's binary form.
func MarshalDropbear(key crypto.Signer) ([]byte, error) {
	var b []byte
	str := func(s []byte) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	mpint := func(v *big.Int) {
		s := v.Bytes()
		if len(s) > 0 && s[0]&0x80 != 0 {
			s = append([]byte{0}, s...)
		}
		str(s)
	}
	switch k := key.(type) {
	case ed25519.PrivateKey:
		str([]byte(ssh.KeyAlgoED25519))
		str(k)
	case *rsa.PrivateKey:
		if len(k.Primes) != 2 {
			return nil, errors.New("Dropbear keeps only two-prime RSA keys")
		}
		str([]byte(ssh.KeyAlgoRSA))
		mpint(big.NewInt(int64(k.E)))
		mpint(k.N)
		mpint(k.D)
		mpint(k.Primes[0])
		mpint(k.Primes[1])
	case *ecdsa.PrivateKey:
		pub, err := ssh.NewPublicKey(&k.PublicKey)
		if err != nil {
			return nil, err
		}
		_, name := dropbearCurve(pub.Type())
		str([]byte(pub.Type()))
		str([]byte(name))
		str(elliptic.Marshal(k.Curve, k.X, k.Y)) //nolint:staticcheck
		mpint(k.D)
	default:
		return nil, fmt.Errorf("unsupported key type %T", key)
	}
	return b, nil
}

// SaveDropbear writes key to path in Dropbear's form, 0600, atomically.
func SaveDropbear(path string, key crypto.Signer) error {
	b, err := MarshalDropbear(key)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, b, 0o600)
}

// LoadDropbearFile reads a Dropbear key file after the permission check.
func LoadDropbearFile(path string) (*PrivateKey, error) {
	if err := CheckPermissions(path); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := ParseDropbear(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}
