package configfmt

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"sshbox/internal/rx"
)

// AllowHosts and DenyHosts of the ssh2 dialect: comma-separated patterns
// matched against the client's address and, when it has one that maps
// back to the address, its name. What a pattern means depends on the
// file's REGEX-SYNTAX (its metaconfiguration, parseMetaconfig): a file
// without one is read as SSH Communications' versions up to 3.1 read every
// file, as zsh_fileglob patterns; a file that declares format version 1.1
// or later without a syntax is egrep, which is what the templates OpenVMS
// installations start from declare. A pattern starting "\i" matches the
// address only, "\m" is a CIDR block (Tectia's later addition). A "\,"
// is a comma inside a pattern ({1\,3}), not a separator.
//
// sshbox translates each pattern into a Go regular expression that
// matches the whole string, case-insensitively (matched by internal/rx,
// which reads that syntax as Go's regexp does). Where the two syntaxes
// have constructs whose meaning Go's regexp does not share (word
// boundaries and \w, octal and decimal byte escapes, zsh's # and ##
// repetition, the "ssh" syntax with its ~ escape), the pattern is refused
// with the file and line rather than guessed at: a DenyHosts pattern read
// wrongly would let in the hosts it names.

// regexSyntax is an ssh2 file's REGEX-SYNTAX.
type regexSyntax uint8

const (
	syntaxFileglob regexSyntax = iota // zsh_fileglob, traditional: the default without metaconfiguration
	syntaxEgrep
	syntaxSSH // SSH's own (~ escapes, /n,m/ repetition): not supported
)

func (s regexSyntax) String() string {
	switch s {
	case syntaxEgrep:
		return "egrep"
	case syntaxSSH:
		return "ssh"
	}
	return "zsh_fileglob"
}

// metaVersion reads a metaconfiguration's first line, as the regular
// expression ^#.*VERSION[ \t\f]+([0-9]+)\.([0-9]+) would: the last
// "VERSION" on the line's first row that is followed by blanks and
// numbers, and the numbers.
func metaVersion(t string) (major, minor string, ok bool) {
	if !strings.HasPrefix(t, "#") {
		return "", "", false
	}
	line, _, _ := strings.Cut(t, "\n") // .* stops at a newline
	for end := len(line); ; {
		i := strings.LastIndex(line[:end], "VERSION")
		if i < 0 {
			return "", "", false
		}
		rest := line[i+len("VERSION"):]
		blanks := len(rest) - len(strings.TrimLeft(rest, " \t\f"))
		major, rest = leadingDigits(rest[blanks:])
		if blanks > 0 && major != "" && strings.HasPrefix(rest, ".") {
			if minor, _ = leadingDigits(rest[1:]); minor != "" {
				return major, minor, true
			}
		}
		end = i + len("VERSION") - 1
	}
}

// metaParam reads a "## NAME value" line, as the regular expression
// ^#[# \t]+([A-Za-z0-9-]+)[ \t]+(.*)$ would.
func metaParam(t string) (name, value string, ok bool) {
	if !strings.HasPrefix(t, "#") || strings.Contains(t, "\n") {
		return "", "", false
	}
	rest := strings.TrimLeft(t[1:], "# \t")
	if len(rest) == len(t)-1 {
		return "", "", false
	}
	n := 0
	for n < len(rest) && (rest[n] >= 'A' && rest[n] <= 'Z' || rest[n] >= 'a' && rest[n] <= 'z' || rest[n] >= '0' && rest[n] <= '9' || rest[n] == '-') {
		n++
	}
	value = strings.TrimLeft(rest[n:], " \t")
	if n == 0 || len(value) == len(rest)-n {
		return "", "", false
	}
	return rest[:n], value, true
}

func leadingDigits(s string) (digits, rest string) {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return s[:n], s[n:]
}

// parseMetaconfig reads the metaconfiguration at the top of an ssh2 file:
// a first line naming the format version, then "## NAME value" lines up
// to the first other line. It returns the regex syntax the file's
// patterns are in.
func parseMetaconfig(path string, recs []string) (regexSyntax, error) {
	if len(recs) == 0 {
		return syntaxFileglob, nil
	}
	major, minor, ok := metaVersion(strings.TrimSpace(recs[0]))
	if !ok {
		return syntaxFileglob, nil
	}
	syntax := syntaxFileglob
	if major != "1" || minor != "0" {
		syntax = syntaxEgrep
	}
	for i := 1; i < len(recs); i++ {
		name, value, ok := metaParam(strings.TrimSpace(recs[i]))
		if !ok {
			break
		}
		if !strings.EqualFold(name, "REGEX-SYNTAX") {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(value)) {
		case "egrep":
			syntax = syntaxEgrep
		case "zsh_fileglob", "traditional":
			syntax = syntaxFileglob
		case "ssh":
			syntax = syntaxSSH
		default:
			return 0, fmt.Errorf("%s:%d: unknown REGEX-SYNTAX %q", path, i+1, strings.TrimSpace(value))
		}
	}
	return syntax, nil
}

// HostList is a parsed AllowHosts or DenyHosts value.
type HostList struct {
	text string // as written, for sshd -T
	pats []hostPattern
}

type hostPattern struct {
	addrOnly bool         // \i: the address only, never the name
	block    netip.Prefix // \m: a CIDR block (re is nil)
	re       *rx.Regexp   // the whole string, case-insensitively
}

// String is the list as written.
func (l *HostList) String() string { return l.text }

// Match reports whether the client, at addr with the verified name ("" if
// none), matches one of the patterns.
func (l *HostList) Match(addr, name string) bool {
	ip, ipErr := netip.ParseAddr(addr)
	for _, p := range l.pats {
		switch {
		case p.re == nil:
			if ipErr == nil && p.block.Contains(ip.Unmap()) {
				return true
			}
		case p.re.MatchString(addr):
			return true
		case !p.addrOnly && name != "" && p.re.MatchString(name):
			return true
		}
	}
	return false
}

// NeedsName: a pattern may match the client's name, so it must be looked
// up (\i and \m patterns see the address only).
func (l *HostList) NeedsName() bool {
	for _, p := range l.pats {
		if p.re != nil && !p.addrOnly {
			return true
		}
	}
	return false
}

// parseHostList parses one AllowHosts or DenyHosts value.
func parseHostList(v string, syntax regexSyntax) (*HostList, error) {
	if syntax == syntaxSSH {
		return nil, fmt.Errorf("patterns in REGEX-SYNTAX ssh are not supported by sshbox (use egrep or zsh_fileglob)")
	}
	l := &HostList{text: v}
	for _, item := range splitUnescaped(v) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		p, err := parseHostPattern(item, syntax)
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %v", item, err)
		}
		l.pats = append(l.pats, p)
	}
	if len(l.pats) == 0 {
		return nil, fmt.Errorf("no pattern")
	}
	return l, nil
}

// splitUnescaped splits a list at commas that no backslash escapes; "\,"
// becomes a plain comma in its item.
func splitUnescaped(v string) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch {
		case v[i] == '\\' && i+1 < len(v) && v[i+1] == ',':
			b.WriteByte(',')
			i++
		case v[i] == '\\' && i+1 < len(v):
			b.WriteString(v[i : i+2])
			i++
		case v[i] == ',':
			out = append(out, b.String())
			b.Reset()
		default:
			b.WriteByte(v[i])
		}
	}
	return append(out, b.String())
}

func parseHostPattern(s string, syntax regexSyntax) (hostPattern, error) {
	var p hostPattern
	switch {
	case strings.HasPrefix(s, `\m`):
		block, err := netip.ParsePrefix(strings.TrimSpace(s[2:]))
		if err != nil {
			return p, fmt.Errorf("\\m wants an address block (10.1.0.0/16)")
		}
		p.block = block.Masked()
		return p, nil
	case strings.HasPrefix(s, `\i`):
		p.addrOnly = true
		s = s[2:]
	}
	var expr string
	var err error
	if syntax == syntaxEgrep {
		expr, err = egrepToGo(s)
	} else {
		expr, err = fileglobToGo(s)
	}
	if err != nil {
		return p, err
	}
	p.re, err = rx.Compile(expr, true)
	var e *rx.Error
	if errors.As(err, &e) {
		// The reason, without the whole translated expression.
		return p, fmt.Errorf("not a regular expression sshbox can read (%s)", e.Code)
	}
	return p, err
}

// quoteMeta is c, escaped where Go's syntax gives it a meaning.
func quoteMeta(c byte) string {
	if strings.IndexByte(`\.+*?()|[]{}^$`, c) >= 0 {
		return `\` + string(c)
	}
	return string(c)
}

// literal reports whether c stands for itself in both syntaxes.
func literal(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-_:@%/=", c) >= 0
}

// escaped translates "\c": a backslash before punctuation is that
// character; before a letter or digit it is one of the escapes whose
// meaning differs from Go's.
func escaped(s string, i int) (string, int, error) {
	if i+1 >= len(s) {
		return "", 0, fmt.Errorf("a trailing backslash")
	}
	c := s[i+1]
	if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
		return "", 0, fmt.Errorf("the escape \\%c is not supported by sshbox", c)
	}
	return quoteMeta(c), i + 2, nil
}

// bracket translates a character set starting at s[i] == '[': letters,
// digits, ranges, a leading ^ (negation) and POSIX classes ([:digit:]).
func bracket(s string, i int) (string, int, error) {
	var b strings.Builder
	b.WriteByte('[')
	j := i + 1
	if j < len(s) && s[j] == '^' {
		b.WriteByte('^')
		j++
	}
	first := true
	for j < len(s) {
		c := s[j]
		switch {
		case c == ']' && !first:
			b.WriteByte(']')
			return b.String(), j + 1, nil
		case c == '[' && j+1 < len(s) && s[j+1] == ':':
			name, n, ok := posixClassAt(s, j)
			if !ok {
				return "", 0, fmt.Errorf("an unknown character class")
			}
			b.WriteString("[:" + name + ":]")
			j = n
		case c == '\\':
			t, n, err := escaped(s, j)
			if err != nil {
				return "", 0, err
			}
			b.WriteString(t)
			j = n
		case literal(c) || c == '.':
			// Raw: '-' is a range here, and none of these is special
			// inside a Go set.
			b.WriteByte(c)
			j++
		default:
			return "", 0, fmt.Errorf("%q in a character set is not supported by sshbox", c)
		}
		first = false
	}
	return "", 0, fmt.Errorf("an unterminated character set")
}

// posixClassAt reads the class "[:name:]" that starts at s[i] (s[i:i+2] is
// "[:"), returning its name and the index after it; the ":]" is looked for
// after the "[:", so that "[:]" is no class rather than one that ends
// before it starts.
func posixClassAt(s string, i int) (name string, next int, ok bool) {
	end := strings.Index(s[i+2:], ":]")
	if end < 0 {
		return "", 0, false
	}
	name = s[i+2 : i+2+end]
	return name, i + 2 + end + 2, posixClass(name)
}

func posixClass(name string) bool {
	switch name {
	case "alnum", "alpha", "blank", "cntrl", "digit", "graph", "lower", "print", "punct", "space", "upper", "xdigit":
		return true
	}
	return false
}

// egrepToGo translates an egrep pattern (sshregex(5)).
func egrepToGo(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			t, n, err := escaped(s, i)
			if err != nil {
				return "", err
			}
			b.WriteString(t)
			i = n
		case c == '[' && i+1 < len(s) && s[i+1] == ':':
			// SSH's egrep takes a bare POSIX class ([:digit:]+) as
			// a set; in Go it would be a set of the letters.
			name, n, ok := posixClassAt(s, i)
			if !ok {
				return "", fmt.Errorf("an unknown character class")
			}
			b.WriteString("[[:" + name + ":]]")
			i = n
		case c == '[':
			t, n, err := bracket(s, i)
			if err != nil {
				return "", err
			}
			b.WriteString(t)
			i = n
		case c == '{':
			t, n, err := repeat(s, i)
			if err != nil {
				return "", err
			}
			b.WriteString(t)
			i = n
		case strings.IndexByte(".*+?|()^$", c) >= 0:
			b.WriteByte(c)
			i++
		case literal(c):
			b.WriteByte(c)
			i++
		default:
			return "", fmt.Errorf("%q is not supported by sshbox", c)
		}
	}
	return b.String(), nil
}

// repeat translates {n}, {n,}, {n,0} (n or more, in SSH's egrep), {,m}
// and {n,m}.
func repeat(s string, i int) (string, int, error) {
	end := strings.IndexByte(s[i:], '}')
	if end < 0 {
		return "", 0, fmt.Errorf("an unterminated {")
	}
	body := s[i+1 : i+end]
	lo, hi, two := strings.Cut(body, ",")
	digits := func(x string) bool {
		for j := 0; j < len(x); j++ {
			if x[j] < '0' || x[j] > '9' {
				return false
			}
		}
		return len(x) <= 4
	}
	if !digits(lo) || !digits(hi) || lo == "" && (!two || hi == "") {
		return "", 0, fmt.Errorf("a bad repetition {%s}", body)
	}
	// Numbers as Go's syntax writes them: {01} would be no repetition
	// there, but a literal "{01}".
	n := func(x string) string {
		v, _ := strconv.Atoi(x) // one to four digits
		return strconv.Itoa(v)
	}
	switch {
	case !two:
		return "{" + n(lo) + "}", i + end + 1, nil
	case lo == "":
		return "{0," + n(hi) + "}", i + end + 1, nil
	case hi == "" || strings.Trim(hi, "0") == "":
		return "{" + n(lo) + ",}", i + end + 1, nil
	}
	return "{" + n(lo) + "," + n(hi) + "}", i + end + 1, nil
}

// fileglobToGo translates a zsh_fileglob pattern: * any run, ? one
// character, [...] a set. zsh's extended forms (# ## ( ) | ~) are refused.
func fileglobToGo(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			t, n, err := escaped(s, i)
			if err != nil {
				return "", err
			}
			b.WriteString(t)
			i = n
		case c == '*':
			b.WriteString(".*")
			i++
		case c == '?':
			b.WriteByte('.')
			i++
		case c == '[':
			t, n, err := bracket(s, i)
			if err != nil {
				return "", err
			}
			b.WriteString(t)
			i = n
		case literal(c) || c == '.':
			b.WriteString(quoteMeta(c))
			i++
		default:
			return "", fmt.Errorf("%q is not supported by sshbox in zsh_fileglob patterns", c)
		}
	}
	return b.String(), nil
}
