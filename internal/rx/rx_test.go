package rx

import (
	"errors"
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"
)

// goAgrees compares rx with Go's regexp on one expression and one string:
// both refuse it with the same ErrorCode, or both accept it and agree on
// whether the whole string matches (case-insensitively if fold). Where rx
// refuses by design ("(?", escapes with letters or digits, a program past
// maxInsts) or the inputs leave
// ASCII (rx matches bytes, Go runes), only the absence of a panic counts.
func goAgrees(t *testing.T, expr, subject string, fold bool) {
	t.Helper()
	re, err := Compile(expr, fold)
	if err == nil && !strings.Contains(expr, "\n") {
		re.MatchString(subject) // never panics, whatever the input
	}
	if !ascii(expr) || strings.Contains(expr, "(?") || letterEscape(expr) {
		return
	}
	var e *Error
	if errors.As(err, &e) && e.Code == ErrLarge {
		return
	}
	flags := ""
	if fold {
		flags = "(?i)"
	}
	_, goErr := regexp.Compile(flags + expr)
	if (err == nil) != (goErr == nil) {
		t.Fatalf("%q: rx says %v, Go's regexp %v", expr, err, goErr)
	}
	if err != nil {
		var ge *syntax.Error
		if !errors.As(goErr, &ge) || string(ge.Code) != e.Code {
			t.Fatalf("%q: rx refuses with %q, Go's regexp with %v", expr, e.Code, goErr)
		}
		return
	}
	if !ascii(subject) {
		return
	}
	want := regexp.MustCompile(flags + `^(?:` + expr + `)$`).MatchString(subject)
	if got := re.MatchString(subject); got != want {
		t.Fatalf("%q against %q (fold %v): rx %v, Go's regexp %v", expr, subject, fold, got, want)
	}
}

// letterEscape: expr has a backslash before a letter or digit, one of Go's
// escapes (\d, \x41, \pL...) that rx does not read.
func letterEscape(expr string) bool {
	for i := 0; i+1 < len(expr); i++ {
		if expr[i] == '\\' {
			c := expr[i+1]
			if c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				return true
			}
			i++
		}
	}
	return false
}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// The pieces the random expressions are made of: every construct of the
// subset, what configfmt's translations write (escaped punctuation, POSIX
// classes, counted repetitions), and what they never write but Go's
// syntax gives a meaning or an error (nested repetitions, stray brackets
// and braces, leading zeros, counts past 1000, unknown classes).
var pieces = []string{
	"a", "b", "A", "z", "0", "9", "-", "_", ":", "@", "%", "/", "=", ".", `\.`, `\*`, `\-`, `\]`, `\[`,
	`\\`, `\{`, `\_`, `\d`, `\`, "*", "+", "?", "*?", "+?", "??", "{2}", "{1,3}", "{2,}", "{0}", "{0,0}",
	"{01}", "{,2}", "{1001}", "{3,2}", "{2,1000}", "{", "}", "{2", "|", "(", ")", "()", "^", "$",
	"[a-c]", "[^b]", "[[:digit:]]", "[[:alpha:]]", "[^[:upper:]]", "[[:^alpha:]]", "[[:word:]]", "[[:foo:]]",
	"[:alpha:]", "[]a]", "[^]a]", "[a-]", "[-a]", "[a-b-c]", "[z-a]", "[", "]", "[a", "[\\]-a]",
	"[.]", "[*+?]", "[a-\\]", "[\\d]", "[[:alpha:]", "[a-z0-9]", "[A-Z]", "[^a-z]", "(a|b)", "(a*)*",
	"(a{10}){10}", "(a{100}){11}", "((a))", "(^a|b$)", "x{2}{3}", "x*{2}",
}

func randomExpr(r *rand.Rand) string {
	var b strings.Builder
	for n := r.IntN(7); n >= 0; n-- {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

func randomSubject(r *rand.Rand) string {
	const alphabet = "aAbBcCzZ09.-_:*{}[]\\\n "
	b := make([]byte, r.IntN(8))
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// TestAgainstGoRegexp: 20 000 random expressions built from the pieces
// above, each against random strings, folded and not.
func TestAgainstGoRegexp(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for i := 0; i < n; i++ {
		expr := randomExpr(r)
		for k := 0; k < 4; k++ {
			goAgrees(t, expr, randomSubject(r), k%2 == 0)
		}
	}
}

// TestCases: what configfmt's patterns rely on, stated.
func TestCases(t *testing.T) {
	for _, tc := range []struct {
		expr, s string
		fold    bool
		match   bool
	}{
		{`.*\.example\.com`, "a.example.com", true, true},
		{`.*\.example\.com`, "A.EXAMPLE.COM", true, true},
		{`.*\.example\.com`, "A.EXAMPLE.COM", false, false},
		{`.*\.example\.com`, "example.com", true, false},
		{`host[0-9]\.x`, "host7.x", true, true},
		{`host[0-9]\.x`, "hostx.x", true, false},
		{`([[:digit:]]{1,3}\.){3}[[:digit:]]{1,3}`, "192.0.2.1", true, true},
		{`([[:digit:]]{1,3}\.){3}[[:digit:]]{1,3}`, "1920.0.2.1", true, false},
		{`(foo|bar)\.test`, "bar.test", true, true},
		{`(foo|bar)\.test`, "baz.test", true, false},
		{`a{2,}`, "aaaa", false, true},
		{`a{2,}`, "a", false, false},
		{`[^a]`, "\n", false, true},
		{`.`, "\n", false, false},
		{`a^b`, "ab", false, false},
		{`^a$`, "a", false, true},
		{``, "", false, true},
		{``, "a", false, false},
		{`a|`, "", false, true},
		{`[[:upper:]]`, "a", true, true},
		{`[^[:upper:]]`, "a", true, false},
		{`a{01}`, "a{01}", false, true}, // not a repetition: a literal '{'
	} {
		re, err := Compile(tc.expr, tc.fold)
		if err != nil {
			t.Errorf("%q: %v", tc.expr, err)
			continue
		}
		if got := re.MatchString(tc.s); got != tc.match {
			t.Errorf("%q against %q (fold %v): %v, want %v", tc.expr, tc.s, tc.fold, got, tc.match)
		}
	}
	for expr, want := range map[string]string{
		`*a`:           ErrMissingRepeatArgument,
		`(*)`:          ErrMissingRepeatArgument,
		`a|*`:          ErrMissingRepeatArgument,
		`(?i)a`:        ErrMissingRepeatArgument,
		`a**`:          ErrInvalidRepeatOp,
		`a{2}{3}`:      ErrInvalidRepeatOp,
		`a{1001}`:      ErrInvalidRepeatSize,
		`a{3,2}`:       ErrInvalidRepeatSize,
		`(a{100}){11}`: ErrInvalidRepeatSize,
		`a)`:           ErrUnexpectedParen,
		`a)|(b`:        ErrUnexpectedParen,
		`(a`:           ErrMissingParen,
		`[a`:           ErrMissingBracket,
		`[z-a]`:        ErrInvalidCharRange,
		`[[:foo:]]`:    ErrInvalidCharRange,
		`\d`:           ErrInvalidEscape,
		`a\`:           ErrTrailingBackslash,
		strings.Repeat("(", 1002) + strings.Repeat(")", 1002): ErrNestingDepth,
		strings.Repeat(`[a-z]{1000}`, 101):                    ErrLarge,
	} {
		_, err := Compile(expr, true)
		var e *Error
		if !errors.As(err, &e) || e.Code != want {
			t.Errorf("%.40q: %v, want %q", expr, err, want)
		}
	}
}

// TestLinearTime: an expression that makes a backtracking matcher take
// exponential time is matched in one pass.
func TestLinearTime(t *testing.T) {
	re, err := Compile(strings.Repeat("a?", 30)+strings.Repeat("a", 30), false)
	if err != nil {
		t.Fatal(err)
	}
	if !re.MatchString(strings.Repeat("a", 30)) || re.MatchString(strings.Repeat("a", 29)) {
		t.Fatal("a?^30 a^30")
	}
	if re, err = Compile(`(a*)*b`, false); err != nil {
		t.Fatal(err)
	}
	if re.MatchString(strings.Repeat("a", 5000)) {
		t.Fatal("(a*)*b matched a string without b")
	}
}

// FuzzAgainstGoRegexp: any expression and string, compared with Go's
// regexp where both are ASCII (goAgrees).
func FuzzAgainstGoRegexp(f *testing.F) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 200; i++ {
		f.Add(randomExpr(r), randomSubject(r), i%2 == 0)
	}
	f.Fuzz(func(t *testing.T, expr, subject string, fold bool) {
		if len(expr) > 200 || len(subject) > 100 {
			return
		}
		goAgrees(t, expr, subject, fold)
	})
}
