package passwd

import (
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"strconv"
	"strings"
)

// sha256-crypt ($5$) and sha512-crypt ($6$), after Ulrich Drepper's
// specification "Unix crypt using SHA-256 and SHA-512".

type shaSpec struct {
	prefix string
	newH   func() hash.Hash
	// perm lists the byte triples of the final encoding, then the tail.
	perm [][3]int
	tail []int // bytes of the last partial group, most significant first
}

var sha512Spec = &shaSpec{
	prefix: "$6$",
	newH:   sha512.New,
	perm: [][3]int{
		{0, 21, 42}, {22, 43, 1}, {44, 2, 23}, {3, 24, 45}, {25, 46, 4},
		{47, 5, 26}, {6, 27, 48}, {28, 49, 7}, {50, 8, 29}, {9, 30, 51},
		{31, 52, 10}, {53, 11, 32}, {12, 33, 54}, {34, 55, 13}, {56, 14, 35},
		{15, 36, 57}, {37, 58, 16}, {59, 17, 38}, {18, 39, 60}, {40, 61, 19},
		{62, 20, 41},
	},
	tail: []int{63},
}

var sha256Spec = &shaSpec{
	prefix: "$5$",
	newH:   sha256.New,
	perm: [][3]int{
		{0, 10, 20}, {21, 1, 11}, {12, 22, 2}, {3, 13, 23}, {24, 4, 14},
		{15, 25, 5}, {6, 16, 26}, {27, 7, 17}, {18, 28, 8}, {9, 19, 29},
	},
	tail: []int{31, 30},
}

const (
	shaRoundsDefault = 5000
	shaRoundsMin     = 1000
	shaRoundsMax     = 999_999_999
	shaSaltMax       = 16
)

type shaCrypt struct {
	spec   *shaSpec
	rounds int
	custom bool // "rounds=" was given, so it is part of the output
	salt   string
}

func parseShaCrypt(h string, spec *shaSpec) (hasher, error) {
	s := h[len(spec.prefix):]
	c := &shaCrypt{spec: spec, rounds: shaRoundsDefault}
	if rest, ok := strings.CutPrefix(s, "rounds="); ok {
		end := strings.IndexByte(rest, '$')
		if end < 1 || rest[0] < '1' || rest[0] > '9' {
			return nil, fmt.Errorf("%w: %s rounds= is not a number", ErrMalformedHash, spec.prefix)
		}
		n, err := strconv.ParseUint(rest[:end], 10, 64)
		if err != nil || n < shaRoundsMin || n > shaRoundsMax {
			return nil, fmt.Errorf("%w: %s rounds=%s outside %d..%d", ErrMalformedHash, spec.prefix, rest[:end], shaRoundsMin, shaRoundsMax)
		}
		if n > MaxShaCryptRounds {
			return nil, fmt.Errorf("%w: %s rounds=%d above %d", ErrCostTooHigh, spec.prefix, n, MaxShaCryptRounds)
		}
		c.rounds, c.custom = int(n), true
		s = rest[end+1:]
	}
	c.salt = saltField(s, shaSaltMax)
	return compareCrypt{c}, nil
}

func (c *shaCrypt) crypt(pw []byte) []byte {
	salt := []byte(c.salt)
	h := c.spec.newH()

	// B = H(password salt password)
	h.Write(pw)
	h.Write(salt)
	h.Write(pw)
	b := h.Sum(nil)

	// A = H(password salt B-repeated-to-len(password) bits-of-len(password))
	h.Reset()
	h.Write(pw)
	h.Write(salt)
	writeRepeated(h, b, len(pw))
	for n := len(pw); n > 0; n >>= 1 {
		if n&1 != 0 {
			h.Write(b)
		} else {
			h.Write(pw)
		}
	}
	a := h.Sum(nil)

	// P = H(password repeated len(password) times), stretched to len(password)
	h.Reset()
	for range pw {
		h.Write(pw)
	}
	p := repeatTo(h.Sum(nil), len(pw))

	// S = H(salt repeated 16+A[0] times), stretched to len(salt)
	h.Reset()
	for i := 0; i < 16+int(a[0]); i++ {
		h.Write(salt)
	}
	s := repeatTo(h.Sum(nil), len(salt))

	c0 := stretch(h, a, p, s, c.rounds)

	out := []byte(c.spec.prefix)
	if c.custom {
		out = append(out, "rounds="+strconv.Itoa(c.rounds)+"$"...)
	}
	out = append(out, c.salt...)
	out = append(out, '$')
	for _, t := range c.spec.perm {
		out = b64From24(out, c0[t[0]], c0[t[1]], c0[t[2]], 4)
	}
	if len(c.spec.tail) == 1 {
		out = b64From24(out, 0, 0, c0[c.spec.tail[0]], 2)
	} else {
		out = b64From24(out, 0, c0[c.spec.tail[0]], c0[c.spec.tail[1]], 3)
	}
	return out
}

// writeRepeated writes n bytes of b repeated.
func writeRepeated(h hash.Hash, b []byte, n int) {
	for ; n > len(b); n -= len(b) {
		h.Write(b)
	}
	h.Write(b[:n])
}

// repeatTo returns n bytes of b repeated.
func repeatTo(b []byte, n int) []byte {
	out := make([]byte, 0, n)
	for len(out) < n {
		out = append(out, b[:min(len(b), n-len(out))]...)
	}
	return out
}
