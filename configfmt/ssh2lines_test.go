package configfmt

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"testing"
)

// The regular expressions the ssh2 dialect's heading and metaconfiguration
// lines were read with before they were written out as code (so that the
// binary carries no regexp package); ssh2Heading, metaVersion and
// metaParam must read every line as these do.
var (
	headingRE     = regexp.MustCompile(`^\s*("[^"]*"|[^\s":#]+)\s*:\s*(#.*)?$`)
	metaVersionRE = regexp.MustCompile(`^#.*VERSION[ \t\f]+([0-9]+)\.([0-9]+)`)
	metaParamRE   = regexp.MustCompile(`^#[# \t]+([A-Za-z0-9-]+)[ \t]+(.*)$`)
)

func linesAgree(t *testing.T, line string) {
	t.Helper()
	h, ok := ssh2Heading(line)
	var want []string
	if m := headingRE.FindStringSubmatch(line); m != nil {
		want = m[1:2]
	}
	if got := []string{h}; ok != (want != nil) || ok && !slices.Equal(got, want) {
		t.Fatalf("ssh2Heading(%q) = %q, %v; the regular expression: %q", line, h, ok, want)
	}
	major, minor, ok := metaVersion(line)
	want = nil
	if m := metaVersionRE.FindStringSubmatch(line); m != nil {
		want = m[1:]
	}
	if got := []string{major, minor}; ok != (want != nil) || ok && !slices.Equal(got, want) {
		t.Fatalf("metaVersion(%q) = %q, %v; the regular expression: %q", line, got, ok, want)
	}
	name, value, ok := metaParam(line)
	want = nil
	if m := metaParamRE.FindStringSubmatch(line); m != nil {
		want = m[1:]
	}
	if got := []string{name, value}; ok != (want != nil) || ok && !slices.Equal(got, want) {
		t.Fatalf("metaParam(%q) = %q, %v; the regular expression: %q", line, got, ok, want)
	}
}

var linePieces = []string{
	"#", "##", " ", "\t", "\f", "\n", "\r", "\v", ":", `"`, "a", "Z", "9", "-", ".", "*", "1", "0",
	"VERSION", "VERSION ", "VERSION 1.1", "VERSION\t2.0", "VERSION1.1", "## SSH CONFIGURATION FILE FORMAT VERSION 1.1",
	"REGEX-SYNTAX", "REGEX-SYNTAX egrep", "egrep", "*:", `"*.example.com":`, "# comment", "é",
}

// TestSSH2LinesAsRegexps: 100 000 random lines made of the pieces above.
func TestSSH2LinesAsRegexps(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, line := range []string{"", "#", "*:", " host : # x", `"a b":`, `"":`, "## SSH CONFIGURATION FILE FORMAT VERSION 1.1",
		"# VERSION 1.1 VERSION 2", "# VERSION 1.1 VERSION x", "## REGEX-SYNTAX egrep", "## REGEX-SYNTAX", "#\tX\t\ty ", "a:#\n"} {
		linesAgree(t, line)
	}
	for i := 0; i < 100000; i++ {
		line := ""
		for n := r.IntN(8); n >= 0; n-- {
			line += linePieces[r.IntN(len(linePieces))]
		}
		linesAgree(t, line)
	}
}

// FuzzSSH2Lines: any line, read as the regular expressions read it.
func FuzzSSH2Lines(f *testing.F) {
	for _, s := range linePieces {
		f.Add(s)
	}
	f.Add("## SSH CONFIGURATION FILE FORMAT VERSION 1.1")
	f.Add("## REGEX-SYNTAX zsh_fileglob")
	f.Add(`"*.example.com" : # x`)
	f.Fuzz(func(t *testing.T, line string) { linesAgree(t, line) })
}

// TestSSH2RepeatNumbers: a count written with leading zeros is the number
// (Go's syntax would take "{01}" for the literal text).
func TestSSH2RepeatNumbers(t *testing.T) {
	for pattern, hosts := range map[string][2]string{
		"a{01}":      {"a", "a{01}"},
		"a{002\\,3}": {"aaa", "a"},
		"a{2\\,00}":  {"aaaaa", "a"},
		"a{\\,0}":    {"", "a"},
	} {
		l, err := parseHostList(pattern, syntaxEgrep)
		if err != nil {
			t.Fatalf("%q: %v", pattern, err)
		}
		if !l.Match(hosts[0], "") || l.Match(hosts[1], "") {
			t.Errorf("%q: matches %q %v (want true), %q %v (want false)", pattern, hosts[0], l.Match(hosts[0], ""), hosts[1], l.Match(hosts[1], ""))
		}
	}
}
