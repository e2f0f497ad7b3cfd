package passwd

import (
	"fmt"
	"strconv"

	"golang.org/x/crypto/bcrypt"
)

// bcrypt ($2a$, $2b$, $2y$) through golang.org/x/crypto/bcrypt, which keeps
// the minor version letter it was given, so all three verify as written.
// The three differ only in bugs of old implementations on passwords longer
// than 255 bytes ($2a$ on OpenBSD) or with 8-bit characters ($2x$, which is
// not accepted here); for passwords libxcrypt hashes today they are the same.

// bcryptKeyMax: bcrypt uses at most 72 bytes of the password. libxcrypt
// silently ignores the rest, and so does this package (x/crypto refuses to
// hash longer passwords, so they are cut here).
const bcryptKeyMax = 72

type bcryptHash struct{}

func parseBcrypt(h string) (hasher, error) {
	// $2b$NN$ + 22 salt + 31 hash characters.
	if len(h) != 60 || h[6] != '$' {
		return nil, fmt.Errorf("%w: bcrypt hash is not $2b$NN$ and 53 characters", ErrMalformedHash)
	}
	cost, err := strconv.Atoi(h[4:6])
	if err != nil || cost < bcrypt.MinCost || cost > bcrypt.MaxCost {
		return nil, fmt.Errorf("%w: bcrypt cost %q", ErrMalformedHash, h[4:6])
	}
	if cost > MaxBcryptCost {
		return nil, fmt.Errorf("%w: bcrypt cost %d above %d", ErrCostTooHigh, cost, MaxBcryptCost)
	}
	for i := 7; i < len(h); i++ {
		if atoi64(h[i]) > 63 {
			return nil, fmt.Errorf("%w: bcrypt hash has %q", ErrMalformedHash, h[i])
		}
	}
	return bcryptHash{}, nil
}

func (bcryptHash) verify(pw []byte, stored string) bool {
	if len(pw) > bcryptKeyMax {
		pw = pw[:bcryptKeyMax]
	}
	// CompareHashAndPassword compares in constant time.
	return bcrypt.CompareHashAndPassword([]byte(stored), pw) == nil
}
