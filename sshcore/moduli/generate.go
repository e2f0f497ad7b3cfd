package moduli

import (
	"bufio"
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"math/bits"
)

// Bounds of -O bits= and -O memory=, as OpenSSH's moduli.c has them.
const (
	MinBits      = MinSize + 1
	MaxBits      = 1 << 16
	MinMemoryMiB = 8
	MaxMemoryMiB = 127
)

// DefaultSieveLimit bounds the small primes the candidates are sieved
// with. OpenSSH sieves with every prime below 2^32, which takes minutes;
// below 2^24 the sieve takes about a second and leaves roughly twice as
// many candidates, which screening then rejects cheaply.
const DefaultSieveLimit = 1 << 24

// defaultWindow is how many consecutive odd q are sieved without -O
// memory: a 512 KiB table.
const defaultWindow = 1 << 22

// GenerateOptions are -M generate's -O options.
type GenerateOptions struct {
	Bits       int      // size of the safe primes p wanted
	MemoryMiB  int      // size of the sieve table; 0: the default
	Start      *big.Int // first q to try; nil: random
	SieveLimit uint32   // small primes below this sieve; 0: DefaultSieveLimit
	// Logf receives OpenSSH's progress lines.
	Logf func(format string, args ...any)
}

// Generate writes Sophie Germain candidates: odd q of Bits-1 bits such that
// neither q nor 2q+1 has a factor below the sieve limit. It returns how many
// it wrote.
func Generate(w io.Writer, o GenerateOptions) (int, error) {
	if o.Bits > MaxBits {
		return 0, fmt.Errorf("Too many bits: %d > %d", o.Bits, MaxBits)
	}
	if o.Bits < MinBits {
		return 0, fmt.Errorf("Too few bits: %d < %d", o.Bits, MinBits)
	}
	if o.MemoryMiB != 0 && (o.MemoryMiB < MinMemoryMiB || o.MemoryMiB > MaxMemoryMiB) {
		return 0, fmt.Errorf("Invalid memory amount (min %d, max %d)", MinMemoryMiB, MaxMemoryMiB)
	}
	logf := o.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	power := o.Bits - 1 // the length of q
	base := o.Start
	if base == nil {
		var err error
		if base, err = randomTopBits(power); err != nil {
			return 0, err
		}
	} else {
		base = new(big.Int).Set(base)
		if base.BitLen() != power {
			return 0, fmt.Errorf("start point must be a %d-bit number for %d-bit moduli", power, o.Bits)
		}
	}
	base.SetBit(base, 0, 1)
	window := defaultWindow
	if o.MemoryMiB > 0 {
		window = o.MemoryMiB << 23
	}
	limit := o.SieveLimit
	if limit == 0 {
		limit = DefaultSieveLimit
	}

	logf("%s Sieve next %d plus %d-bit", ctime(), window, power)
	start := now()
	composite := make([]uint64, (window+63)/64)
	mark := func(j uint64) { composite[j/64] |= 1 << (j % 64) }
	tries := uint32(0)
	for _, s := range smallPrimes(limit) {
		tries++
		sieveLarge(base, uint64(s), uint64(window), mark)
	}
	logf("%s Sieved with %d small primes in %d seconds", ctime(), tries, int64(now().Sub(start).Seconds()))

	bw := bufio.NewWriter(w)
	found := 0
	q := new(big.Int)
	for j := 0; j < window; j++ {
		if composite[j/64]&(1<<(j%64)) != 0 {
			continue
		}
		q.SetUint64(2 * uint64(j))
		q.Add(q, base)
		e := &Entry{Time: Now(), Type: TypeSophieGermain, Tests: TestsSieve, Tries: tries,
			Size: uint32(power - 1), Modulus: q}
		if _, err := fmt.Fprintln(bw, e); err != nil {
			return found, err
		}
		found++
	}
	if err := bw.Flush(); err != nil {
		return found, err
	}
	logf("%s Found %d candidates", ctime(), found)
	return found, nil
}

// randomTopBits is a random number of n bits whose two top bits are set,
// so that 2q+1 has exactly n+1 bits even at the end of the window.
func randomTopBits(n int) (*big.Int, error) {
	max := new(big.Int).Lsh(big.NewInt(1), uint(n))
	v, err := rand.Int(rand.Reader, max)
	if err != nil {
		return nil, err
	}
	v.SetBit(v, n-1, 1)
	v.SetBit(v, n-2, 1)
	return v, nil
}

// sieveLarge marks the j in [0, window) for which q = base+2j or
// p = 2q+1 = 2base+1+4j is divisible by the odd prime s.
func sieveLarge(base *big.Int, s, window uint64, mark func(uint64)) {
	r := modWord(base, s)
	inv2 := (s + 1) / 2 // 2·inv2 ≡ 1 (mod s)
	inv4 := inv2 * inv2 % s
	// q ≡ 0  ⇔  2j ≡ −r
	j := (s - r) % s * inv2 % s
	for ; j < window; j += s {
		mark(j)
	}
	// p ≡ 0  ⇔  4j ≡ −(2r+1)
	j = (s - (2*r+1)%s) % s * inv4 % s
	for ; j < window; j += s {
		mark(j)
	}
}

// modWord is v mod s for a small s, without allocating.
func modWord(v *big.Int, s uint64) uint64 {
	words := v.Bits()
	var r uint64
	for i := len(words) - 1; i >= 0; i-- {
		w := uint64(words[i])
		if bits.UintSize == 64 {
			r = ((r << 32) | w>>32) % s
			w &= 1<<32 - 1
		}
		r = ((r << 32) | w) % s
	}
	return r
}

// smallPrimes lists the odd primes below limit (Eratosthenes over the odd
// numbers).
func smallPrimes(limit uint32) []uint32 {
	n := int(limit / 2) // index i stands for 2i+1
	composite := make([]uint64, n/64+1)
	var out []uint32
	for i := 1; i < n; i++ {
		if composite[i/64]&(1<<(i%64)) != 0 {
			continue
		}
		p := 2*i + 1
		out = append(out, uint32(p))
		if uint64(p)*uint64(p) >= uint64(limit) {
			continue
		}
		for k := (p*p - 1) / 2; k < n; k += p {
			composite[k/64] |= 1 << (k % 64)
		}
	}
	return out
}
