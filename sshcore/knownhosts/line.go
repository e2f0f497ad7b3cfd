package knownhosts

import (
	"errors"
	"fmt"
	"strings"

	"sshbox/configfmt"

	"golang.org/x/crypto/ssh"
)

// ParseLine parses one known_hosts line. Blank lines and comments give a nil
// entry and no error.
func ParseLine(line string) (*Entry, error) {
	s := strings.TrimSpace(line)
	if s == "" || s[0] == '#' {
		return nil, nil
	}
	e := &Entry{}
	field, rest := nextField(s)
	if strings.HasPrefix(field, "@") {
		switch field {
		case MarkerCertAuthority, MarkerRevoked:
			e.Marker = field
		default:
			return nil, fmt.Errorf("unknown marker %q", field)
		}
		field, rest = nextField(rest)
	}
	if field == "" {
		return nil, errors.New("missing host names")
	}
	e.Hosts = field
	if strings.HasPrefix(field, hashMagic) {
		if _, _, err := decodeHash(field); err != nil {
			return nil, err
		}
	}
	if rest == "" {
		return nil, errors.New("missing key")
	}
	key, comment, _, _, err := ssh.ParseAuthorizedKey([]byte(rest))
	if err != nil {
		return nil, fmt.Errorf("invalid key: %v", err)
	}
	e.Key, e.Comment = key, comment
	return e, nil
}

func nextField(s string) (field, rest string) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return s, ""
	}
	return s[:i], strings.TrimLeft(s[i:], " \t")
}

// String renders the entry as a known_hosts line.
func (e *Entry) String() string {
	var b strings.Builder
	if e.Marker != "" {
		b.WriteString(e.Marker + " ")
	}
	b.WriteString(e.Hosts + " ")
	b.WriteString(strings.TrimSpace(string(ssh.MarshalAuthorizedKey(e.Key))))
	if e.Comment != "" {
		b.WriteString(" " + e.Comment)
	}
	return b.String()
}

// Matches reports whether the entry's host field accepts name (as produced
// by HostPattern).
func (e *Entry) Matches(name string) bool {
	// Patterns ignore case; a hash is of the name exactly as given (ssh
	// lowercases before it looks up, ssh-keygen -F does not: both agree
	// with OpenSSH this way).
	if e.Hashed() {
		return hashMatches(e.Hosts, name)
	}
	return MatchHostList(name, e.Hosts)
}

// MatchHostList applies a comma-separated list of patterns to name as
// OpenSSH's match_hostname does: a matching negated pattern (!pat) rejects
// the name whatever else matches; otherwise any positive match accepts it.
// Comparison ignores case.
func MatchHostList(name, list string) bool {
	return configfmt.MatchList(name, list, true) == 1
}
