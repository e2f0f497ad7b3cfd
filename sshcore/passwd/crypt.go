package passwd

import (
	"crypto/subtle"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
)

// Limits on hash parameters. A hash string is data read from a file; these
// keep a hostile or mistaken one from costing minutes of CPU or gigabytes.
const (
	// MaxShaCryptRounds bounds sha256-crypt and sha512-crypt rounds= (the
	// scheme itself clamps at 999999999, which would take many minutes).
	MaxShaCryptRounds = 20_000_000
	// MaxBcryptCost bounds the bcrypt cost (2^cost rounds).
	MaxBcryptCost = 16
	// MaxYescryptMemory bounds yescrypt's working memory: V (128*N*r
	// bytes), the p blocks and the S-boxes.
	MaxYescryptMemory = 1 << 30
	// MaxYescryptT bounds yescrypt's time parameter t.
	MaxYescryptT = 8
)

// hasher is one parsed hash string: it recomputes the hash of a candidate
// password under the same scheme, salt and cost, and compares the result with
// the stored string in constant time.
type hasher interface {
	verify(password []byte, stored string) bool
}

// cryptHasher is a scheme that reproduces the whole crypt(3) output string, so
// verification compares it with the stored one, as libc's crypt users do.
type cryptHasher interface {
	crypt(password []byte) []byte
}

type compareCrypt struct{ c cryptHasher }

func (c compareCrypt) verify(pw []byte, stored string) bool {
	return subtle.ConstantTimeCompare(c.c.crypt(pw), []byte(stored)) == 1
}

// parseHash recognises the scheme of a crypt(3) string and checks its
// parameters, without doing the expensive part.
func parseHash(h string) (hasher, error) {
	switch {
	case strings.HasPrefix(h, "$y$"):
		return parseYescrypt(h)
	case strings.HasPrefix(h, "$6$"):
		return parseShaCrypt(h, sha512Spec)
	case strings.HasPrefix(h, "$5$"):
		return parseShaCrypt(h, sha256Spec)
	case strings.HasPrefix(h, "$1$"):
		return parseMD5Crypt(h)
	case strings.HasPrefix(h, "$2a$"), strings.HasPrefix(h, "$2b$"), strings.HasPrefix(h, "$2y$"):
		return parseBcrypt(h)
	case strings.HasPrefix(h, "$"):
		return nil, fmt.Errorf("%w: %q", ErrUnsupportedScheme, schemeID(h))
	case isDESHash(h):
		return nil, fmt.Errorf("%w: traditional DES crypt", ErrUnsupportedScheme)
	}
	return nil, ErrMalformedHash
}

// schemeID is the "$id$" prefix of a hash, for messages.
func schemeID(h string) string {
	if i := strings.IndexByte(h[1:], '$'); i >= 0 && i < 16 {
		return h[:i+2]
	}
	if len(h) > 8 {
		return h[:8] + "..."
	}
	return h
}

// isDESHash recognises the 13-character traditional crypt and the
// 20-character BSDi "_" form, only so they can be named in the error.
func isDESHash(h string) bool {
	if len(h) == 20 && h[0] == '_' {
		h = h[1:]
	} else if len(h) != 13 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if atoi64(h[i]) > 63 {
			return false
		}
	}
	return true
}

// hashSlots limits how many hashes are computed at once: they are CPU-bound
// (more in parallel than cores only adds latency) and yescrypt needs 16 MiB
// each, so a burst of password attempts must not multiply memory.
var hashSlots = make(chan struct{}, max(2, runtime.NumCPU()))

func runHash(hs hasher, password []byte, stored string) bool {
	if f := hashObserver.Load(); f != nil {
		(*f)(costClass(strings.TrimLeft(stored, "!")))
	}
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return hs.verify(password, stored)
}

// Verify reports whether password matches the crypt(3) string hash: nil on a
// match, ErrWrongPassword on a mismatch, or ErrUnsupportedScheme,
// ErrMalformedHash or ErrCostTooHigh when the hash cannot be used. It does not
// know about locked ('!') or empty hashes; Check handles those.
func Verify(hash, password string) error {
	hs, err := parseHash(hash)
	if err != nil {
		return err
	}
	if !runHash(hs, []byte(password), hash) {
		return ErrWrongPassword
	}
	return nil
}

// The crypt(3) base-64 alphabet shared by every scheme here.
const itoa64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func atoi64(c byte) uint32 {
	switch {
	case c >= '.' && c <= '9':
		return uint32(c - '.')
	case c >= 'A' && c <= 'Z':
		return uint32(c-'A') + 12
	case c >= 'a' && c <= 'z':
		return uint32(c-'a') + 38
	}
	return 64
}

// b64From24 appends n characters of the 24-bit group b2:b1:b0, least
// significant six bits first (the encoding of md5-crypt and sha-crypt).
func b64From24(dst []byte, b2, b1, b0 byte, n int) []byte {
	w := uint32(b2)<<16 | uint32(b1)<<8 | uint32(b0)
	for ; n > 0; n-- {
		dst = append(dst, itoa64[w&0x3f])
		w >>= 6
	}
	return dst
}

// saltField returns the salt of a "$id$[params$]salt[$hash]" string: at most
// maxLen bytes, ending at the next '$' or the end.
func saltField(s string, maxLen int) string {
	if i := strings.IndexByte(s, '$'); i >= 0 {
		s = s[:i]
	}
	if len(s) > maxLen {
		s = s[:maxLen]
	}
	return s
}

// hashObserver is told the cost class of every hash computed.
var hashObserver atomic.Pointer[func(class string)]

// ObserveHashes makes f learn the cost class (costClass: scheme and cost,
// no salt) of every hash Check and Verify compute, until stop is called.
// It exists for tests: the guarantee against timing attacks is "every
// path computes exactly one hash of the usual cost", and counting hashes
// checks that without a clock, which a busy machine makes unreliable.
func ObserveHashes(f func(class string)) (stop func()) {
	hashObserver.Store(&f)
	return func() { hashObserver.Store(nil) }
}
