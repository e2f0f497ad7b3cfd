package sshkeygen

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"strconv"
	"strings"

	"sshbox/internal/errtext"
	"sshbox/sshcore/moduli"
)

// moduliMode is -M generate / -M screen: Diffie-Hellman group candidates
// and their screening into a moduli(5) file, with OpenSSH's -O options.
func (o *opts) moduliMode() int {
	if len(o.args) == 0 {
		return o.fatal(msgModuliNoOutput)
	}
	if len(o.args) > 1 {
		return o.fatal(msgModuliTooManyOutputs)
	}
	if o.moduli == "generate" {
		return o.moduliGenerate(o.args[0])
	}
	return o.moduliScreen(o.args[0])
}

func (o *opts) fatal(format string, args ...any) int {
	return o.fatalf(format, args...)
}

// logf prints a progress line as OpenSSH's logit does; debugf one at -v.
func (o *opts) logf(format string, args ...any) {
	o.errorf(format, args...)
}

func (o *opts) debugf(level int, format string, args ...any) {
	if o.verbose >= level {
		o.errorf("debug%d: "+format, append([]any{level}, args...)...)
	}
}

// moduliGenerate is -M generate [-O bits=N] [-O memory=MiB] [-O start=HEX] FILE.
func (o *opts) moduliGenerate(outFile string) int {
	g := moduli.GenerateOptions{Bits: 3072, Logf: o.logf}
	for _, opt := range o.options {
		_, val, _ := strings.Cut(opt, "=")
		switch {
		case strings.HasPrefix(opt, "memory="):
			n, ok := parseNumber(val, 1, math.MaxUint32)
			if !ok {
				return o.fatal(msgModuliMemory, numberErr(val, 1, math.MaxUint32), val)
			}
			g.MemoryMiB = int(n)
		case strings.HasPrefix(opt, "start="):
			v, ok := new(big.Int).SetString(val, 16)
			if !ok || v.Sign() <= 0 {
				return o.fatal("%s", msgModuliStart)
			}
			g.Start = v
		case strings.HasPrefix(opt, "bits="):
			n, ok := parseNumber(val, 1, math.MaxInt32)
			if !ok {
				return o.fatal(msgModuliNumber, val, numberErr(val, 1, math.MaxInt32))
			}
			g.Bits = int(n)
		default:
			return o.fatal(msgModuliGenOption, opt)
		}
	}
	f, err := os.Create(outFile)
	if err != nil {
		return o.fatal(msgModuliCandOpen, outFile, errtext.Reason(err))
	}
	_, err = moduli.Generate(f, g)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("%s: %s", outFile, errtext.Reason(cerr))
	}
	if err != nil {
		o.errorf("%v", err)
		return o.fatal("%s", msgModuliGenFailed)
	}
	return 0
}

// moduliScreen is -M screen [-f candidates] [-O lines=N] [-O start-line=N]
// [-O checkpoint=FILE] [-O generator=N] [-O prime-tests=N] FILE; the
// safe primes are appended to FILE.
func (o *opts) moduliScreen(outFile string) int {
	s := moduli.ScreenOptions{Logf: o.logf, Debugf: o.debugf}
	for _, opt := range o.options {
		_, val, _ := strings.Cut(opt, "=")
		switch {
		case strings.HasPrefix(opt, "lines="):
			n, ok := parseNumber(val, 0, math.MaxUint64)
			if !ok {
				return o.fatal(msgModuliNumber, val, numberErr(val, 0, math.MaxUint64))
			}
			s.Lines = n
		case strings.HasPrefix(opt, "start-line="):
			n, ok := parseNumber(val, 0, math.MaxUint64)
			if !ok {
				return o.fatal(msgModuliNumber, val, numberErr(val, 0, math.MaxUint64))
			}
			s.StartLine = n
		case strings.HasPrefix(opt, "checkpoint="):
			s.Checkpoint = val
		case strings.HasPrefix(opt, "generator="):
			n, ok := parseNumber(val, 1, math.MaxUint32)
			if !ok {
				return o.fatal(msgModuliGenerator, val, numberErr(val, 1, math.MaxUint32))
			}
			s.Generator = uint32(n)
		case strings.HasPrefix(opt, "prime-tests="):
			n, ok := parseNumber(val, 1, math.MaxInt32)
			if !ok {
				return o.fatal(msgModuliNumber, val, numberErr(val, 1, math.MaxInt32))
			}
			s.Trials = int(n)
		default:
			return o.fatal(msgModuliScreenOption, opt)
		}
	}
	var in io.Reader = o.stdin
	s.Name = "(stdin)"
	if o.hasFile && o.file != "-" {
		f, err := os.Open(o.file)
		if err != nil {
			return o.fatal(msgModuliCandOpen, o.file, errtext.Reason(err))
		}
		defer f.Close()
		in, s.Name = f, o.file
		if st, err := f.Stat(); err == nil && st.IsDir() {
			// OpenSSH's fopen takes a directory, which reads as empty.
			in = strings.NewReader("")
		}
	}
	out, err := os.OpenFile(outFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o666)
	if err != nil {
		return o.fatal(msgModuliOpen, outFile, errtext.Reason(err))
	}
	_, err = moduli.Screen(in, out, s)
	if cerr := out.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("%s: %s", outFile, errtext.Reason(cerr))
	}
	if err != nil {
		o.errorf("%v", err)
		return o.fatal("%s", msgModuliScreenFailed)
	}
	return 0
}

// numberErr is strtonum(3)'s word for a number out of [min, max].
func numberErr(s string, min, max uint64) string {
	n, err := strconv.ParseUint(s, 10, 64)
	switch {
	case errors.Is(err, strconv.ErrRange):
		return "too large"
	case err != nil:
		return "invalid"
	case n < min:
		return "too small"
	case n > max:
		return "too large"
	}
	return ""
}

// parseNumber is strtonum(3): a decimal in [min, max].
func parseNumber(s string, min, max uint64) (uint64, bool) {
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil && n >= min && n <= max
}
