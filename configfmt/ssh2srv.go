package configfmt

import (
	"fmt"
	"io"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The ssh2 dialect's restrictions that OpenSSH's sshd_config has no
// keyword for. IdleTimeout, MaxConnections, AllowHosts, DenyHosts,
// RequireReverseMapping, AuthPublicKey.MinSize and MaxSize and
// AuthKbdInt.Retries set typed options of their own (ServerOptions),
// which sshd enforces like any other; as they are not OpenSSH keywords,
// an OpenSSH-dialect file cannot set them, and sshd -T prints them only
// when set, after OpenSSH's keywords (writeSSH2T), so that an ssh2 file
// that says what an OpenSSH file says prints what OpenSSH prints.
// ChRootUsers and ChRootGroups set OpenSSH's ChrootDirectory.

// ssh2Time reads a Tectia time: seconds, or a number with one unit
// suffix (s, m, h, d, w); 0 disables.
func ssh2Time(v string) (time.Duration, error) {
	num, unit := v, time.Second
	if n := len(v); n > 0 {
		switch v[n-1] {
		case 's', 'S':
			num = v[:n-1]
		case 'm', 'M':
			num, unit = v[:n-1], time.Minute
		case 'h', 'H':
			num, unit = v[:n-1], time.Hour
		case 'd', 'D':
			num, unit = v[:n-1], 24*time.Hour
		case 'w', 'W':
			num, unit = v[:n-1], 7*24*time.Hour
		}
	}
	n, err := strconv.ParseUint(num, 10, 32)
	if err != nil || time.Duration(n) > (1<<31)*time.Second/unit {
		return 0, fmt.Errorf("invalid time %q (seconds, or a number with s, m, h, d or w)", v)
	}
	return time.Duration(n) * unit, nil
}

func setIdleTimeout2(o *ServerOptions, l *ssh2Line, _ *MatchConn) error {
	d, err := ssh2Time(l.value)
	o.IdleTimeout = d
	return err
}

func setMaxConnections(o *ServerOptions, l *ssh2Line, _ *MatchConn) error {
	return ssh2Count(&o.MaxConnections, l.value, 1<<31-1)
}

// addHosts adds a line's patterns to a list: each AllowHosts or DenyHosts
// line adds to what the lines before it (that apply) gave.
func addHosts(p **HostList, l *ssh2Line) error {
	h, err := parseHostList(l.value, l.syntax)
	if err != nil {
		return err
	}
	if *p != nil {
		h = &HostList{text: (*p).text + "," + h.text, pats: append(append([]hostPattern(nil), (*p).pats...), h.pats...)}
	}
	*p = h
	return nil
}

func setRequireReverseMapping(o *ServerOptions, l *ssh2Line, _ *MatchConn) error {
	o.RequireReverseMapping = ssh2Bool(l.value) == "yes"
	return nil
}

// ChRootUsers and ChRootGroups: Tectia confines the users they name to
// their home directories. That is ChrootDirectory %h for those users,
// set when the connection names its user (the global options, with no
// user, have none), so sshd -T -C user=NAME shows it. OpenSSH's rule for
// the directory applies (sshcore/server/chroot.go): a home directory that
// is not root's, or that others may write to, refuses the session and the
// log says why; a user's own home directory would let them plant files
// (a setuid link, a libc) that the jail's programs trust. The patterns
// are names in the file's REGEX-SYNTAX, matched as AllowHosts' are;
// matching ignores case, so a pattern may chroot more users, never fewer.

func setChrootUsers(o *ServerOptions, l *ssh2Line, m *MatchConn) error {
	names, err := parseNameList(l.value, l.syntax)
	if err != nil {
		return err
	}
	if m != nil && m.User != "" && names.Match("", m.User) {
		o.ChrootDirectory = "%h"
	}
	return nil
}

func setChrootGroups(o *ServerOptions, l *ssh2Line, m *MatchConn) error {
	names, err := parseNameList(l.value, l.syntax)
	if err != nil {
		return err
	}
	if m == nil || m.User == "" {
		return nil
	}
	for _, g := range groupNames(m.User) {
		if names.Match("", g) {
			o.ChrootDirectory = "%h"
			return nil
		}
	}
	return nil
}

// parseNameList is a list of user or group name patterns: no \i or \m,
// which are for addresses.
func parseNameList(v string, syntax regexSyntax) (*HostList, error) {
	l, err := parseHostList(v, syntax)
	if err != nil {
		return nil, err
	}
	for _, p := range l.pats {
		if p.re == nil || p.addrOnly {
			return nil, fmt.Errorf("\\i and \\m are for addresses, not names")
		}
	}
	return l, nil
}

// groupNames are the names of the user's groups, primary and
// supplementary; none for a name with no account.
func groupNames(name string) []string {
	u, err := user.Lookup(name)
	if err != nil {
		return nil
	}
	ids, err := u.GroupIds()
	if err != nil {
		return nil
	}
	var out []string
	for _, id := range ids {
		if g, err := user.LookupGroupId(id); err == nil {
			out = append(out, g.Name)
		}
	}
	return out
}

// HostAllowed applies AllowHosts and DenyHosts to a client at addr with
// the verified name ("" if none): a DenyHosts match refuses it, and with
// AllowHosts set only a match lets it in.
func (o *ServerOptions) HostAllowed(addr, name string) (ok bool, why string) {
	if o.DenyHosts != nil && o.DenyHosts.Match(addr, name) {
		return false, "DenyHosts"
	}
	if o.AllowHosts != nil && !o.AllowHosts.Match(addr, name) {
		return false, "AllowHosts"
	}
	return true, ""
}

// ChecksHosts: the options restrict clients by address or name.
func (o *ServerOptions) ChecksHosts() bool {
	return o.AllowHosts != nil || o.DenyHosts != nil || o.RequireReverseMapping
}

// NeedsClientName: deciding whether a client may connect takes its name,
// which sshd must look up even with UseDNS no.
func (o *ServerOptions) NeedsClientName() bool {
	return o.RequireReverseMapping || o.AllowHosts != nil && o.AllowHosts.NeedsName() || o.DenyHosts != nil && o.DenyHosts.NeedsName() ||
		o.ssh2SubNeedsName
}

// writeSSH2T prints the ssh2-only options that are set, under their ssh2
// names.
func (o *ServerOptions) writeSSH2T(w io.Writer) {
	if o.IdleTimeout > 0 {
		fmt.Fprintf(w, "idletimeout %d\n", int(o.IdleTimeout/time.Second))
	}
	if o.MaxConnections > 0 {
		fmt.Fprintf(w, "maxconnections %d\n", o.MaxConnections)
	}
	if o.AllowHosts != nil {
		fmt.Fprintf(w, "allowhosts %s\n", strings.TrimSpace(o.AllowHosts.text))
	}
	if o.DenyHosts != nil {
		fmt.Fprintf(w, "denyhosts %s\n", strings.TrimSpace(o.DenyHosts.text))
	}
	if o.RequireReverseMapping {
		fmt.Fprintf(w, "requirereversemapping yes\n")
	}
	if o.PubkeyMinSize > 0 {
		fmt.Fprintf(w, "authpublickey.minsize %d\n", o.PubkeyMinSize)
	}
	if o.PubkeyMaxSize > 0 {
		fmt.Fprintf(w, "authpublickey.maxsize %d\n", o.PubkeyMaxSize)
	}
	if o.KbdIntRetries > 0 {
		fmt.Fprintf(w, "authkbdint.retries %d\n", o.KbdIntRetries)
	}
	if o.SSH2KeysElsewhere() {
		fmt.Fprintf(w, "userconfigdirectory %s\nauthorizationfile %s\n", o.SSH2UserDir, o.SSH2AuthorizationFile)
	}
}

// The ssh2 server reads a user's keys from the authorization file in the
// user's configuration directory (sshcore/ssh2auth, sshcore/server's
// authssh2.go). At these defaults that directory is the user's own, which
// the user controls as much as ~/.ssh/authorized_keys, so sshbox reads
// both; once the file moves them elsewhere (a directory the administrator
// keeps, to decide whose keys log in), the user's own authorized_keys
// would overrule that, and it is read only where AuthorizedKeysFile says.
const (
	defaultSSH2UserDir            = "%D/.ssh2"
	defaultSSH2AuthorizationFile  = "authorization"
	defaultSSH2IdentificationFile = "identification"
)

func setUserConfigDir(o *ServerOptions, l *ssh2Line, _ *MatchConn) error {
	if _, err := ExpandSSH2UserDir(l.value, "/", "u", 0, 0); err != nil {
		return err
	}
	o.SSH2UserDir = l.value
	return nil
}

func setAuthorizationFile(o *ServerOptions, l *ssh2Line, _ *MatchConn) error {
	o.SSH2AuthorizationFile = l.value
	return nil
}

// ExpandSSH2UserDir expands UserConfigDirectory's tokens: %D the home
// directory, %U the user name, %IU and %IG the uid and gid, %% a percent
// sign; a leading ~/ is the home directory too. A relative result is taken
// from the home directory.
func ExpandSSH2UserDir(pattern, home, user string, uid, gid uint32) (string, error) {
	var b strings.Builder
	for i := 0; i < len(pattern); i++ {
		if pattern[i] != '%' {
			b.WriteByte(pattern[i])
			continue
		}
		rest := pattern[i+1:]
		switch {
		case strings.HasPrefix(rest, "%"):
			b.WriteByte('%')
		case strings.HasPrefix(rest, "D"):
			b.WriteString(home)
		case strings.HasPrefix(rest, "U"):
			b.WriteString(user)
		case strings.HasPrefix(rest, "IU"):
			b.WriteString(strconv.FormatUint(uint64(uid), 10))
			i++
		case strings.HasPrefix(rest, "IG"):
			b.WriteString(strconv.FormatUint(uint64(gid), 10))
			i++
		default:
			return "", fmt.Errorf("%q: unknown token at %q (%%D, %%U, %%IU, %%IG, %%%%)", pattern, pattern[i:])
		}
		i++
	}
	p := b.String()
	if p == "~" || strings.HasPrefix(p, "~/") {
		p = filepath.Join(home, p[1:])
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(home, p)
	}
	return filepath.Clean(p), nil
}

// SSH2Authorization is the path of a user's ssh2 authorization file and
// the directory its key files are taken from; "" when the server's file is
// OpenSSH's.
func (o *ServerOptions) SSH2Authorization(home, user string, uid, gid uint32) (file, dir string, err error) {
	if o.SSH2UserDir == "" {
		return "", "", nil
	}
	dir, err = ExpandSSH2UserDir(o.SSH2UserDir, home, user, uid, gid)
	if err != nil {
		return "", "", err
	}
	file = o.SSH2AuthorizationFile
	if !filepath.IsAbs(file) {
		file = filepath.Join(dir, file)
	}
	return filepath.Clean(file), dir, nil
}

// SSH2KeysElsewhere: the file moved the users' keys away from their own
// directory, so OpenSSH's default AuthorizedKeysFile is not read.
func (o *ServerOptions) SSH2KeysElsewhere() bool {
	return o.SSH2UserDir != "" && (o.SSH2UserDir != defaultSSH2UserDir || o.SSH2AuthorizationFile != defaultSSH2AuthorizationFile)
}

// SSH2HostList parses an authorization file's allow-from or deny-from
// patterns in the server file's REGEX-SYNTAX, as AllowHosts.
func (o *ServerOptions) SSH2HostList(v string) (*HostList, error) {
	return parseHostList(v, o.ssh2Syntax)
}

// AuthPublicKey.MinSize and MaxSize, and AuthKbdInt.Retries: numbers,
// 0 for no limit (sshcore/server's authpubkey.go and authkbdint.go).

func setPubkeyMinSize(o *ServerOptions, l *ssh2Line, _ *MatchConn) error {
	return ssh2Count(&o.PubkeyMinSize, l.value, 1<<16)
}

func setPubkeyMaxSize(o *ServerOptions, l *ssh2Line, _ *MatchConn) error {
	return ssh2Count(&o.PubkeyMaxSize, l.value, 1<<16)
}

func setKbdIntRetries(o *ServerOptions, l *ssh2Line, _ *MatchConn) error {
	return ssh2Count(&o.KbdIntRetries, l.value, 1<<16)
}

// ssh2Count reads a number from 0 to most into *p.
func ssh2Count(p *int, v string, most uint64) error {
	n, err := strconv.ParseUint(v, 10, 31)
	if err != nil || n > most {
		return fmt.Errorf("invalid number %q", v)
	}
	*p = int(n)
	return nil
}
