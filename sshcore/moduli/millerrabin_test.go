package moduli

import (
	"crypto/rand"
	"math/big"
	"testing"
)

// TestProbablyPrime checks probablyPrime against math/big's ProbablyPrime
// on every number below 20000, on strong pseudoprimes to the smallest
// bases and Carmichael numbers, which fool a test with fixed bases, and on
// random 512-bit primes and their neighbours. A composite passes 20 rounds
// with a probability below 10^-12.
func TestProbablyPrime(t *testing.T) {
	for i := int64(0); i < 20000; i++ {
		n := big.NewInt(i)
		if got, want := probablyPrime(n, 20), n.ProbablyPrime(20); got != want {
			t.Errorf("probablyPrime(%d) = %v, want %v", i, got, want)
		}
	}
	for _, s := range []string{"561", "1105", "1729", "2047", "1373653", "25326001", "3215031751",
		"2152302898747", "3474749660383", "341550071728321", "3825123056546413051",
		"318665857834031151167461", "3317044064679887385961981"} {
		n, _ := new(big.Int).SetString(s, 10)
		if probablyPrime(n, 20) {
			t.Errorf("probablyPrime(%s) = true for a composite", s)
		}
	}
	for i := 0; i < 20; i++ {
		p, err := rand.Prime(rand.Reader, 512)
		if err != nil {
			t.Fatal(err)
		}
		if !probablyPrime(p, 20) {
			t.Errorf("probablyPrime(%v) = false for a prime", p)
		}
		for _, d := range []int64{-2, 2, 4} {
			n := new(big.Int).Add(p, big.NewInt(d))
			if got, want := probablyPrime(n, 20), n.ProbablyPrime(20); got != want {
				t.Errorf("probablyPrime(%v) = %v, want %v", n, got, want)
			}
		}
	}
}
