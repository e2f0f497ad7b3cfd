package configfmt

import (
	"os/user"
	"strings"
)

// The ssh2 server's subconfiguration files (SSH Communications' manuals,
// "Subconfiguration files"): HostSpecificConfig PATTERN FILE applies FILE's
// lines to the clients PATTERN matches (as AllowHosts matches them), and
// UserSpecificConfig PATTERN FILE to the users it matches, PATTERN being
// user[%group][@host]: the user by name or UID, the group by the name or
// GID of the user's primary or any supplementary group, the host as
// AllowHosts. The file is read at every connection, in the main file's
// place, so what follows it in the main file wins, as ssh2 reads it; a
// user's file applies from the moment sshd knows the user name.
//
// Fail-closed: a file sshbox cannot read or parse stops sshd -t and, read
// at a connection, ends it (a host's) or refuses the user (a user's), as
// ssh2 does; one inside another, a keyword that belongs to the whole
// server (MaxConnections) and, in a user's file, a heading (ssh2 would
// match it against the user) are refused with file:line. A host pattern
// that could match a name has the client's name looked up even with
// ResolveClientHostName no (MatchConn.Name), as AllowHosts has.

// subPattern is a parsed subconfiguration pattern; nil parts match all.
type subPattern struct {
	user, group, host *HostList
	forUser           bool
}

func parseSubPattern(p string, forUser bool, syntax regexSyntax) (*subPattern, error) {
	s := &subPattern{forUser: forUser}
	var err error
	if !forUser {
		s.host, err = parseHostList(p, syntax)
		return s, err
	}
	rest := p
	if u, h, ok := strings.Cut(rest, "@"); ok {
		if s.host, err = parseHostList(h, syntax); err != nil {
			return nil, err
		}
		rest = u
	}
	if u, g, ok := strings.Cut(rest, "%"); ok {
		if s.group, err = parseNameList(g, syntax); err != nil {
			return nil, err
		}
		rest = u
	}
	if rest != "" {
		if s.user, err = parseNameList(rest, syntax); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *subPattern) needsName() bool { return s.host != nil && s.host.NeedsName() }

// match reports whether the connection m is one the pattern picks. A
// user's pattern picks nothing until the user name is known.
func (s *subPattern) match(m MatchConn) bool {
	if s.host != nil && !s.host.Match(m.Addr, m.Name) {
		return false
	}
	if !s.forUser {
		return true
	}
	if m.User == "" {
		return false
	}
	u, _ := user.Lookup(m.User)
	if s.user != nil && !s.user.Match("", m.User) && (u == nil || !s.user.Match("", u.Uid)) {
		return false
	}
	if s.group == nil {
		return true
	}
	if u == nil {
		return false
	}
	ids, _ := u.GroupIds()
	for _, id := range ids {
		if s.group.Match("", id) {
			return true
		}
		if g, err := user.LookupGroupId(id); err == nil && s.group.Match("", g.Name) {
			return true
		}
	}
	return false
}

// applySubconfig handles one HostSpecificConfig or UserSpecificConfig line:
// its pattern and file are checked whether or not it picks the connection,
// and the file's lines are applied when it does.
func applySubconfig(e *serverEval, m MatchConn, l *ssh2Line, active bool) error {
	if l.sub != "" {
		return l.errorf("%s is not allowed in a subconfiguration file", l.word)
	}
	f := strings.Fields(l.value)
	if len(f) != 2 {
		return l.errorf("%s wants a pattern and a file", l.word)
	}
	forUser := l.kw == "userspecificconfig"
	pat, err := parseSubPattern(f[0], forUser, l.syntax)
	if err != nil {
		return l.errorf("%s: pattern %q: %v", l.word, f[0], err)
	}
	if pat.needsName() {
		e.o.ssh2SubNeedsName = true
	}
	picked := active && pat.match(m)
	if !picked && m != (MatchConn{}) {
		// A connection reads only the files that apply to it; the
		// global pass (sshd -t, start-up) checks them all.
		return nil
	}
	recs, err := ReadFile(f[1])
	if err != nil {
		return l.errorf("%s: %v", l.word, err)
	}
	sub, err := parseSSH2(f[1], recs)
	if err != nil {
		return l.errorf("%s: %v", l.word, err)
	}
	for i := range sub.lines {
		s := &sub.lines[i]
		s.sub = l.kw
		if forUser && s.pattern != "" && s.pattern != "*" {
			return s.errorf("a heading in a UserSpecificConfig file is not supported by sshbox")
		}
	}
	return applyServerLines(e, m, sub.lines, picked)
}
