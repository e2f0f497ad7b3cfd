package moduli

import (
	"bufio"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// MinTrials is the fewest Miller-Rabin rounds screening accepts.
const MinTrials = 4

// ScreenOptions are -M screen's -O options.
type ScreenOptions struct {
	Trials     int    // Miller-Rabin rounds for p (q gets one fewer); 0: 100
	Generator  uint32 // keep only moduli for this generator; 0: any
	StartLine  uint64 // skip the lines up to this one
	Lines      uint64 // process this many lines after StartLine; 0: all
	Checkpoint string // file recording the last line taken up, to resume
	Name       string // the input's name, for errors
	// Logf receives OpenSSH's progress lines, Debugf (with OpenSSH's
	// debug level, 1 to 3) what happens to each line.
	Logf   func(format string, args ...any)
	Debugf func(level int, format string, args ...any)
}

// ScreenResult counts what screening found.
type ScreenResult struct {
	Found, Candidates int
}

// Screen reads candidates (or moduli) from r and appends to w, in
// moduli(5) format, each safe prime p = 2q+1 with a known generator:
// q passes one Miller-Rabin round, then p passes Trials rounds and q
// Trials-1 (math/big adds a Baillie-PSW test to each). Entries marked
// composite, of a size that does not match their modulus or below 512
// bits are skipped, as OpenSSH skips them; a line that cannot be parsed
// at all is an error naming it.
func Screen(r io.Reader, w io.Writer, o ScreenOptions) (ScreenResult, error) {
	var res ScreenResult
	logf, debugf := o.Logf, o.Debugf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if debugf == nil {
		debugf = func(int, string, ...any) {}
	}
	trials := o.Trials
	if trials == 0 {
		trials = 100
	}
	if trials < MinTrials {
		return res, fmt.Errorf("Minimum primality trials is %d", MinTrials)
	}
	start := now()
	// The range is the options' (start-line, start-line+lines]; a
	// checkpoint only skips what a previous run of the same range did.
	last := o.StartLine
	if o.Checkpoint != "" {
		if cp, ok := readCheckpoint(o.Checkpoint); ok {
			logf("Loaded checkpoint from '%s' line %d", o.Checkpoint, cp)
			last = max(last, cp)
		}
	}
	end := uint64(0)
	if o.Lines > 0 {
		end = o.StartLine + o.Lines
		debugf(1, "process from line %d to line %d", last, end)
	} else {
		debugf(1, "process from line %d", last)
	}
	in := bufio.NewReader(r)
	n := uint64(0)
	for {
		line, err := in.ReadString('\n')
		if line == "" && err != nil {
			if err != io.EOF {
				return res, err
			}
			break
		}
		n++
		if n <= last {
			continue
		}
		if end > 0 && n > end {
			break
		}
		if o.Checkpoint != "" {
			if err := writeCheckpoint(o.Checkpoint, n); err != nil {
				return res, err
			}
		}
		line = strings.TrimRight(line, "\r\n")
		if IsComment(line) {
			debugf(2, "%10d: comment or short line", n)
			continue
		}
		e, err := ParseLine(line)
		if err != nil {
			return res, fmt.Errorf("%s:%d: %v", o.Name, n, err)
		}
		safe := screenEntry(e, n, trials, o.Generator, debugf, &res)
		if safe == nil {
			continue
		}
		// One write per line, as OpenSSH flushes each: an interrupted
		// screening keeps what it found.
		if _, err := io.WriteString(w, safe.String()+"\n"); err != nil {
			return res, err
		}
		res.Found++
	}
	if o.Checkpoint != "" {
		os.Remove(o.Checkpoint)
	}
	logf("%s Found %d safe primes of %d candidates in %d seconds", ctime(), res.Found, res.Candidates,
		int64(now().Sub(start).Seconds()))
	return res, nil
}

// screenEntry tests one entry and returns the moduli line for its safe
// prime, or nil (with the reason at debug level).
func screenEntry(e *Entry, n uint64, trials int, want uint32, debugf func(int, string, ...any), res *ScreenResult) *Entry {
	if e.Tests&TestsComposite != 0 {
		debugf(2, "%10d: known composite", n)
		return nil
	}
	p, q := new(big.Int), new(big.Int)
	size, gen := e.Size, e.Generator
	switch e.Type {
	case TypeSophieGermain:
		debugf(2, "%10d: (%d) Sophie-Germain", n, e.Type)
		q.Set(e.Modulus)
		p.Lsh(q, 1).Add(p, big.NewInt(1))
		size++
		gen = 0
	case TypeUnstructured, TypeSafe, TypeSchnorr, TypeStrong, TypeUnknown:
		debugf(2, "%10d: (%d)", n, e.Type)
		p.Set(e.Modulus)
		q.Rsh(p, 1)
	default:
		debugf(2, "%10d: unknown prime type %d", n, e.Type)
		return nil
	}
	if uint32(p.BitLen()) != size+1 {
		debugf(2, "%10d: bit size %d mismatch", n, size)
		return nil
	}
	if size < MinSize {
		debugf(2, "%10d: bit size %d too short", n, size)
		return nil
	}
	tries := uint32(trials)
	if e.Tests&TestsMillerRabin != 0 {
		tries += e.Tries
	}
	if gen == 0 {
		gen = guessGenerator(p)
	}
	if want > 0 && want != gen {
		debugf(2, "%10d: generator %d != %d", n, gen, want)
		return nil
	}
	if gen == 0 {
		debugf(2, "%10d: no known generator", n)
		return nil
	}
	res.Candidates++
	// The cheap round on q first: most candidates fail it.
	if !probablyPrime(q, 1) {
		debugf(1, "%10d: q failed first possible prime test", n)
		return nil
	}
	if !probablyPrime(p, trials) {
		debugf(1, "%10d: p is not prime", n)
		return nil
	}
	debugf(1, "%10d: p is almost certainly prime", n)
	if !probablyPrime(q, trials-1) {
		debugf(1, "%10d: q is not prime", n)
		return nil
	}
	debugf(1, "%10d: q is almost certainly prime", n)
	return &Entry{Time: Now(), Type: TypeSafe, Tests: e.Tests | TestsMillerRabin, Tries: tries,
		Size: size, Generator: gen, Modulus: p}
}

// guessGenerator is OpenSSH's rule: 2 generates the quadratic residues
// when p ≡ 11 (mod 24), 5 when p ≡ 3 or 7 (mod 10); 0 means neither.
func guessGenerator(p *big.Int) uint32 {
	if modWord(p, 24) == 11 {
		return 2
	}
	if r := modWord(p, 10); r == 3 || r == 7 {
		return 5
	}
	return 0
}

// readCheckpoint reads the line number a previous screening reached.
func readCheckpoint(path string) (uint64, bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	v, err := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64)
	return v, err == nil
}

// writeCheckpoint records line n in a new file renamed over the old one,
// so that a screening killed at any moment leaves a whole number. Not
// synced, as in OpenSSH: it is written for every line, and a checkpoint
// lost in a crash only costs lines screened again.
func writeCheckpoint(path string, n uint64) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	_, err = tmp.WriteString(strconv.FormatUint(n, 10) + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write checkpoint %s: %w", path, err)
	}
	return nil
}
