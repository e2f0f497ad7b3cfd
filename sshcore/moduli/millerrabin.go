package moduli

import (
	"crypto/rand"
	"math/big"
)

var bigOne, bigTwo = big.NewInt(1), big.NewInt(2)

// probablyPrime reports whether n passes rounds of the Miller-Rabin test,
// each with a base drawn at random from [2, n-2]: what OpenSSH's screening
// asks of OpenSSL (BN_is_prime_ex with that many checks). A composite
// passes a round with a probability of at most 1/4. math/big's
// ProbablyPrime does the same with bases of its own and a Lucas test on
// top; this one keeps that code, math/rand's source and its 4.8 KiB of
// seed table out of the binary.
func probablyPrime(n *big.Int, rounds int) bool {
	if n.Cmp(big.NewInt(4)) < 0 {
		return n.Cmp(bigOne) > 0 // 2 and 3
	}
	if n.Bit(0) == 0 {
		return false
	}
	nm1 := new(big.Int).Sub(n, bigOne)
	s := nm1.TrailingZeroBits()
	d := new(big.Int).Rsh(nm1, s)
	span := new(big.Int).Sub(n, big.NewInt(3)) // bases 2 .. n-2
	x := new(big.Int)
	for i := 0; i < rounds; i++ {
		a, err := rand.Int(rand.Reader, span)
		if err != nil {
			panic(err) // crypto/rand does not fail on Linux
		}
		x.Exp(a.Add(a, bigTwo), d, n)
		if x.Cmp(bigOne) == 0 || x.Cmp(nm1) == 0 {
			continue
		}
		witness := true
		for r := uint(1); r < s && witness; r++ {
			x.Mul(x, x).Mod(x, n)
			witness = x.Cmp(nm1) != 0
		}
		if witness {
			return false
		}
	}
	return true
}
