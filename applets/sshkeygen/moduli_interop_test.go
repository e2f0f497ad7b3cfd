package sshkeygen

import (
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// afterTime drops each line's time field: two screenings of the same
// candidates agree on everything else.
func afterTime(s string) string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if _, rest, ok := strings.Cut(l, " "); ok {
			out = append(out, rest)
		}
	}
	return strings.Join(out, "\n")
}

// TestModuliAgainstOpenSSH: OpenSSH's ssh-keygen -M screen accepts the
// candidates sshbox generates and finds in them exactly the safe primes
// sshbox's screening finds (same generators, tests and tries), over a range
// chosen with start-line/lines and resumed from a checkpoint; OpenSSH's
// screening of sshbox's moduli keeps every one; each is a safe prime by
// math/big.
func TestModuliAgainstOpenSSH(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cand := filepath.Join(dir, "cand")
	r := must(t, sb(t, "-M", "generate", "-O", "bits=512", cand), "sshbox -M generate")
	if !strings.Contains(r.err, "Sieve next ") || !strings.Contains(r.err, " candidates") {
		t.Errorf("generate said %q", r.err)
	}

	// The same range twice each, once resumed from a checkpoint.
	mine, theirs := filepath.Join(dir, "sb"), filepath.Join(dir, "os")
	rng := []string{"-O", "start-line=100", "-O", "lines=2500"}
	must(t, sb(t, append(append([]string{"-M", "screen", "-f", cand}, rng...), mine)...), "sshbox -M screen")
	must(t, ossh(t, append(append([]string{"-M", "screen", "-f", cand}, rng...), theirs)...), "OpenSSH -M screen")
	got, want := afterTime(readFile(t, mine)), afterTime(readFile(t, theirs))
	if got != want || got == "" {
		t.Fatalf("sshbox screened:\n%s\nOpenSSH screened:\n%s", got, want)
	}
	ck := filepath.Join(dir, "ck")
	resumed := filepath.Join(dir, "resumed")
	if err := os.WriteFile(ck, []byte("1300\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = must(t, sb(t, append(append([]string{"-M", "screen", "-f", cand, "-O", "checkpoint=" + ck}, rng...), resumed)...), "resumed")
	if !strings.Contains(r.err, "Loaded checkpoint from '"+ck+"' line 1300") {
		t.Errorf("resume said %q", r.err)
	}
	if _, err := os.Stat(ck); !os.IsNotExist(err) {
		t.Error("checkpoint left behind")
	}
	// The candidates are random, so the part from line 1300 on may hold
	// every prime of the range or none; OpenSSH resumed from the same
	// checkpoint says which.
	part := afterTime(readFile(t, resumed))
	if err := os.WriteFile(ck, []byte("1300\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	resumedOS := filepath.Join(dir, "resumed-os")
	must(t, ossh(t, append(append([]string{"-M", "screen", "-f", cand, "-O", "checkpoint=" + ck}, rng...), resumedOS)...), "OpenSSH resumed")
	if wantPart := afterTime(readFile(t, resumedOS)); part != wantPart || !strings.HasSuffix(got, part) {
		t.Errorf("resumed from line 1300:\n%s\nOpenSSH resumed:\n%s\nof the full range:\n%s", part, wantPart, got)
	}

	for _, l := range strings.Split(got, "\n") {
		f := strings.Fields(l)
		p, ok := new(big.Int).SetString(f[5], 16)
		if !ok || len(f) != 6 || f[0] != "2" || f[1] != "6" || f[2] != "100" || f[3] != "511" {
			t.Fatalf("line %q", l)
		}
		q := new(big.Int).Rsh(p, 1)
		if p.BitLen() != 512 || !p.ProbablyPrime(20) || !q.ProbablyPrime(20) {
			t.Errorf("not a safe prime: %s", l)
		}
	}

	again := filepath.Join(dir, "again")
	must(t, ossh(t, "-M", "screen", "-f", mine, again), "OpenSSH re-screens sshbox's moduli")
	if n, m := strings.Count(readFile(t, again), "\n"), strings.Count(readFile(t, mine), "\n"); n != m {
		t.Errorf("OpenSSH kept %d of sshbox's %d moduli", n, m)
	}
}

// TestModuliErrors: bad -M uses fail as OpenSSH's do, with its message.
func TestModuliErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cand := filepath.Join(dir, "cand")
	os.WriteFile(cand, []byte("20260101000000 4 2 1 510 0 7\n20260101000000 4 2 1 510 zz 7\n"), 0o644)
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"-M", "bogus", "x"}, "Unsupported moduli option bogus"},
		{[]string{"-M", "generate"}, "No output file specified"},
		{[]string{"-M", "generate", "a", "b"}, "Too many output files specified"},
		{[]string{"-M", "generate", "-O", "bits=100", filepath.Join(dir, "o")}, "Too few bits: 100 < 512"},
		{[]string{"-M", "generate", "-O", "frob=1", filepath.Join(dir, "o")}, `Option "frob=1" is unsupported for moduli generation`},
		{[]string{"-M", "screen", "-O", "frob=1", "-f", cand, filepath.Join(dir, "o")}, `Option "frob=1" is unsupported for moduli screening`},
		{[]string{"-M", "screen", "-f", filepath.Join(dir, "none"), filepath.Join(dir, "o")}, `Couldn't open modulus candidate file "` + filepath.Join(dir, "none") + `": No such file or directory`},
		{[]string{"-M", "screen", "-f", cand, filepath.Join(dir, "o")}, cand + `:2: invalid generator "zz"`},
	} {
		r := sb(t, tc.args...)
		if r.rc == 0 || !strings.Contains(r.err, tc.msg) || strings.Contains(r.err, "goroutine") {
			t.Errorf("%q: exit %d, stderr %q; want %q", tc.args, r.rc, r.err, tc.msg)
		}
		if len(tc.args) > 1 && tc.args[1] != "screen" {
			if o := ossh(t, tc.args...); o.rc == 0 || !strings.Contains(o.err, tc.msg) {
				t.Errorf("OpenSSH %q: exit %d, stderr %q", tc.args, o.rc, o.err)
			}
		}
	}
}
