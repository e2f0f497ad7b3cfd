// Package moduli makes and checks Diffie-Hellman group moduli in the
// format of OpenSSH's moduli(5) file, as ssh-keygen -M generate and -M
// screen do: a sieve proposes Sophie Germain candidates q (so that
// p = 2q+1 may be a safe prime), and screening keeps the p for which both
// p and q pass Miller-Rabin tests, with a generator that suits them.
package moduli

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"sshbox/internal/sshtime"
)

// Types (the second field), as moduli(5) numbers them.
const (
	TypeUnknown       = 0
	TypeUnstructured  = 1
	TypeSafe          = 2
	TypeSchnorr       = 3
	TypeSophieGermain = 4
	TypeStrong        = 5
)

// Tests (the third field) is a bit mask of the tests a number passed.
const (
	TestsComposite   = 0x01
	TestsSieve       = 0x02
	TestsMillerRabin = 0x04
)

// MinSize is the smallest modulus size (most significant bit) moduli(5)
// accepts: 512-bit groups.
const MinSize = 511

// timeLayout is the first field, in UTC.
const timeLayout = "20060102150405"

// Entry is one line of a moduli or candidates file.
type Entry struct {
	Time      string // YYYYMMDDHHMMSS, UTC
	Type      uint32
	Tests     uint32
	Tries     uint32
	Size      uint32 // the number of the most significant bit
	Generator uint32
	Modulus   *big.Int // q for a Sophie Germain candidate, else p
}

// IsComment reports whether a line carries no entry: blank, too short to
// hold one, or starting with '#' or '!' (OpenSSH's test).
func IsComment(line string) bool {
	return len(line) < 14 || line[0] == '#' || line[0] == '!'
}

// ParseLine reads one entry: seven fields separated by blanks, decimal but
// for the generator and the modulus, which are hexadecimal.
func ParseLine(line string) (*Entry, error) {
	f := strings.Fields(line)
	if len(f) != 7 {
		return nil, fmt.Errorf("%d fields, want 7", len(f))
	}
	if len(f[0]) != 14 {
		return nil, fmt.Errorf("invalid time %q", f[0])
	}
	if _, err := sshtime.Absolute(f[0], time.UTC); err != nil {
		return nil, fmt.Errorf("invalid time %q", f[0])
	}
	e := &Entry{Time: f[0]}
	for i, p := range []*uint32{&e.Type, &e.Tests, &e.Tries, &e.Size} {
		v, err := strconv.ParseUint(f[i+1], 10, 32)
		if err != nil {
			return nil, fmt.Errorf("invalid %s %q", []string{"type", "tests", "tries", "size"}[i], f[i+1])
		}
		*p = uint32(v)
	}
	g, err := strconv.ParseUint(f[5], 16, 32)
	if err != nil {
		return nil, fmt.Errorf("invalid generator %q", f[5])
	}
	e.Generator = uint32(g)
	m, ok := new(big.Int).SetString(f[6], 16)
	if !ok || m.Sign() <= 0 || strings.HasPrefix(f[6], "+") || strings.HasPrefix(f[6], "0x") {
		return nil, errors.New("invalid modulus")
	}
	e.Modulus = m
	return e, nil
}

// String renders the entry as OpenSSH writes it (upper-case hexadecimal
// modulus, lower-case generator).
func (e *Entry) String() string {
	return fmt.Sprintf("%s %d %d %d %d %x %s", e.Time, e.Type, e.Tests, e.Tries, e.Size, e.Generator,
		strings.ToUpper(e.Modulus.Text(16)))
}

// Now is the time field for an entry written now.
func Now() string { return time.Now().UTC().Format(timeLayout) }
