package configfmt

import (
	"fmt"
	"strings"
)

// AllowUsers, DenyUsers, AllowGroups and DenyGroups of the ssh2 dialect
// become OpenSSH's keywords, whose patterns are globs with only * and ?.
// A pattern in the file's REGEX-SYNTAX is translated when it has a glob
// that means the same (egrep's ".*" is "*", an unescaped "." is "?",
// "\." a dot; zsh_fileglob's own * and ?); one that has none ("sj*" in
// egrep, a character set, an alternative) is refused with the file and
// line: read as a glob, a DenyUsers pattern would deny nobody it names.
// So is a number alone, which SSH Communications' server takes for a
// UID or GID, and "\i", which OpenSSH's user@host cannot say. "\m" in
// the host part is a CIDR block, which OpenSSH's user@host takes as is.

// namesLines is the OpenSSH line for one list.
func namesLines(kw, v string, syntax regexSyntax) ([][]string, error) {
	if syntax == syntaxSSH {
		return nil, fmt.Errorf("patterns in REGEX-SYNTAX ssh are not supported by sshbox (use egrep or zsh_fileglob)")
	}
	line := []string{kw}
	for _, item := range splitUnescaped(v) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		g, err := nameGlob(item, syntax)
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %v", item, err)
		}
		line = append(line, g)
	}
	if len(line) == 1 {
		return nil, fmt.Errorf("no pattern")
	}
	return [][]string{line}, nil
}

// nameGlob translates one "name" or "name@host" pattern.
func nameGlob(item string, syntax regexSyntax) (string, error) {
	name, host, at := strings.Cut(item, "@")
	if name == "" || strings.Trim(name, "0123456789") == "" {
		return "", fmt.Errorf("a number alone (a UID or GID to SSH's server) is not supported by sshbox")
	}
	g, err := toGlob(name, syntax)
	if err != nil || !at {
		return g, err
	}
	switch {
	case strings.HasPrefix(host, `\i`):
		return "", fmt.Errorf("\\i (the address only) is not supported by sshbox in user patterns")
	case strings.HasPrefix(host, `\m`):
		return g + "@" + host[2:], nil
	}
	h, err := toGlob(host, syntax)
	return g + "@" + h, err
}

// toGlob translates a pattern into an OpenSSH glob with the same meaning,
// or says why there is none.
func toGlob(s string, syntax regexSyntax) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			if i+1 >= len(s) {
				return "", fmt.Errorf("a trailing backslash")
			}
			i++
			c = s[i]
			if !literal(c) && c != '.' {
				return "", fmt.Errorf("the escape \\%c is not supported by sshbox here", c)
			}
			b.WriteByte(c)
		case syntax == syntaxEgrep && c == '.' && i+1 < len(s) && s[i+1] == '*':
			b.WriteByte('*')
			i++
		case syntax == syntaxEgrep && c == '.':
			b.WriteByte('?')
		case syntax == syntaxFileglob && (c == '*' || c == '?'):
			b.WriteByte(c)
		case literal(c) || c == '.':
			b.WriteByte(c)
		default:
			return "", fmt.Errorf("%q has no OpenSSH pattern that means the same (%s syntax)", c, syntax)
		}
	}
	if strings.HasPrefix(b.String(), "!") {
		return "", fmt.Errorf("a leading ! would be OpenSSH's negation")
	}
	return b.String(), nil
}
