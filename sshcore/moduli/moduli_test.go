package moduli

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSieveLarge: the sieve marks exactly the offsets where q or 2q+1 has
// the small prime as a factor (checked by division over a short window).
func TestSieveLarge(t *testing.T) {
	base, err := randomTopBits(511)
	if err != nil {
		t.Fatal(err)
	}
	base.SetBit(base, 0, 1)
	const window = 3000
	for _, s := range smallPrimes(600) {
		marked := map[uint64]bool{}
		sieveLarge(base, uint64(s), window, func(j uint64) { marked[j] = true })
		q, p, m := new(big.Int), new(big.Int), new(big.Int)
		bs := big.NewInt(int64(s))
		for j := uint64(0); j < window; j++ {
			q.SetUint64(2*j).Add(q, base)
			p.Lsh(q, 1).Add(p, big.NewInt(1))
			want := m.Mod(q, bs).Sign() == 0 || m.Mod(p, bs).Sign() == 0
			if marked[j] != want {
				t.Fatalf("s=%d j=%d: marked %v, divisible %v", s, j, marked[j], want)
			}
		}
	}
}

func TestSmallPrimes(t *testing.T) {
	got := smallPrimes(100)
	want := []uint32{3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97}
	if len(got) != len(want) {
		t.Fatalf("%v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%v", got)
		}
	}
	if n := len(smallPrimes(1 << 16)); n != 6541 { // π(65536) = 6542, less 2
		t.Errorf("%d odd primes below 65536", n)
	}
}

func TestModWord(t *testing.T) {
	v, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 2000))
	for _, s := range []uint64{3, 10, 24, 65521, 1<<32 - 5} {
		want := new(big.Int).Mod(v, new(big.Int).SetUint64(s)).Uint64()
		if got := modWord(v, s); got != want {
			t.Errorf("mod %d: %d, want %d", s, got, want)
		}
	}
}

// TestGenerateAndScreen: candidates have the size field, type and tests
// OpenSSH writes and survive the sieve; every screened line is a safe
// prime with the generator OpenSSH's rule gives, and its fields say so.
func TestGenerateAndScreen(t *testing.T) {
	var cand bytes.Buffer
	var log []string
	n, err := Generate(&cand, GenerateOptions{Bits: 512,
		Logf: func(f string, a ...any) { log = append(log, f) }})
	if err != nil || n == 0 {
		t.Fatalf("Generate: %d %v", n, err)
	}
	if len(log) != 3 || !strings.Contains(log[0], "Sieve next") || !strings.Contains(log[2], "Found %d candidates") {
		t.Errorf("log %q", log)
	}
	lines := strings.Split(strings.TrimSpace(cand.String()), "\n")
	if len(lines) != n {
		t.Fatalf("%d lines for %d candidates", len(lines), n)
	}
	for _, l := range lines[:50] {
		e, err := ParseLine(l)
		if err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		if e.Type != TypeSophieGermain || e.Tests != TestsSieve || e.Size != 510 || e.Generator != 0 || e.Modulus.BitLen() != 511 || e.Modulus.Bit(0) != 1 {
			t.Fatalf("candidate %q", l)
		}
		if e.String() != l {
			t.Fatalf("%q renders as %q", l, e.String())
		}
	}
	var out bytes.Buffer
	res, err := Screen(strings.NewReader(strings.Join(lines[:3000], "\n")+"\n"), &out, ScreenOptions{Trials: 20, Name: "cand"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Found == 0 || res.Found != strings.Count(out.String(), "\n") {
		t.Fatalf("found %d, output:\n%s", res.Found, out.String())
	}
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		e, err := ParseLine(l)
		if err != nil {
			t.Fatal(err)
		}
		p := e.Modulus
		q := new(big.Int).Rsh(p, 1)
		if !p.ProbablyPrime(30) || !q.ProbablyPrime(30) || p.BitLen() != 512 {
			t.Errorf("not a 512-bit safe prime: %s", l)
		}
		if e.Type != TypeSafe || e.Tests != TestsSieve|TestsMillerRabin || e.Tries != 20 || e.Size != 511 || e.Generator != guessGenerator(p) || e.Generator == 0 {
			t.Errorf("fields of %s", l)
		}
	}
}

// TestScreenRange: start-line and lines choose the range, a checkpoint
// skips what a previous run of the range did and is removed at the end, and
// a line that is not an entry is an error naming it.
func TestScreenRange(t *testing.T) {
	input := "# comment\n" + strings.Repeat("20260101000000 4 2 1 510 0 7\n", 9)
	seen := func(o ScreenOptions) []string {
		var lines []string
		o.Debugf = func(level int, f string, a ...any) {
			if strings.Contains(f, "bit size") {
				lines = append(lines, strings.TrimSpace(strings.Fields(sprintf(f, a...))[0]))
			}
		}
		if _, err := Screen(strings.NewReader(input), &bytes.Buffer{}, o); err != nil {
			t.Fatal(err)
		}
		return lines
	}
	if got := strings.Join(seen(ScreenOptions{StartLine: 3, Lines: 4}), " "); got != "4: 5: 6: 7:" {
		t.Errorf("start-line 3 lines 4: %s", got)
	}
	cp := filepath.Join(t.TempDir(), "ck")
	os.WriteFile(cp, []byte("5\n"), 0o644)
	if got := strings.Join(seen(ScreenOptions{StartLine: 3, Lines: 4, Checkpoint: cp}), " "); got != "6: 7:" {
		t.Errorf("with checkpoint 5: %s", got)
	}
	if _, err := os.Stat(cp); !os.IsNotExist(err) {
		t.Error("checkpoint left behind")
	}
	_, err := Screen(strings.NewReader("# x\n20260101000000 4 2 1 510 zz 7\n"), &bytes.Buffer{}, ScreenOptions{Name: "c.txt"})
	if err == nil || err.Error() != `c.txt:2: invalid generator "zz"` {
		t.Errorf("bad line: %v", err)
	}
	if _, err := Screen(strings.NewReader(""), &bytes.Buffer{}, ScreenOptions{Trials: 3}); err == nil {
		t.Error("3 trials accepted")
	}
}

func sprintf(f string, a ...any) string { return fmt.Sprintf(f, a...) }
