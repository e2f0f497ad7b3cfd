package configfmt

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// loadSSHD2 writes text as an SSHD2_CONFIG and loads it.
func loadSSHD2(t *testing.T, text string) (*ServerConfig, string, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "SSHD2_CONFIG")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadServer(p, nil)
	return c, p, err
}

// TestSSH2ServerOnlyKeywords: IdleTimeout, MaxConnections, AllowHosts,
// DenyHosts and RequireReverseMapping set their typed options, per
// heading where a heading picks the connection, and sshd -T prints them
// after OpenSSH's keywords.
func TestSSH2ServerOnlyKeywords(t *testing.T) {
	c, _, err := loadSSHD2(t, "## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX egrep\n## end of metaconfig\n"+
		"IdleTimeout 10m\nMaxConnections 25\nAllowHosts localhost, .*\\.example\\.com\nAllowHosts \\m10.1.0.0/16\n"+
		"DenyHosts \\i192\\.0\\.2\\..*\nRequireReverseMapping yes\n"+
		"*:\n  IdleTimeout 1h\n10.1.*:\n  IdleTimeout 30\n  DenyHosts bad.*\n")
	if err != nil {
		t.Fatal(err)
	}
	g, err := c.For(MatchConn{})
	if err != nil {
		t.Fatal(err)
	}
	if g.IdleTimeout != time.Hour || g.MaxConnections != 25 || !g.RequireReverseMapping || g.AllowHosts == nil || g.DenyHosts == nil {
		t.Fatalf("global: IdleTimeout %v MaxConnections %d RequireReverseMapping %v AllowHosts %v DenyHosts %v",
			g.IdleTimeout, g.MaxConnections, g.RequireReverseMapping, g.AllowHosts, g.DenyHosts)
	}
	n, err := c.For(MatchConn{Addr: "10.1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	if n.IdleTimeout != 30*time.Second || n.DenyHosts.String() != `\i192\.0\.2\..*,bad.*` {
		t.Errorf("10.1.*: IdleTimeout %v, DenyHosts %q", n.IdleTimeout, n.DenyHosts)
	}
	for _, tc := range []struct {
		addr, name string
		o          *ServerOptions
		ok         bool
		why        string
	}{
		{"127.0.0.1", "localhost", g, true, ""},
		{"127.0.0.1", "LOCALHOST", g, true, ""},
		{"198.51.100.7", "www.example.com", g, true, ""},
		{"198.51.100.7", "www.example.com.evil.test", g, false, "AllowHosts"},
		{"198.51.100.7", "wwwxexample.com", g, false, "AllowHosts"},
		{"198.51.100.7", "", g, false, "AllowHosts"},
		{"10.1.200.9", "", g, true, ""},
		{"10.2.0.1", "", g, false, "AllowHosts"},
		// \i: the address only; a name that looks like one does not count.
		{"192.0.2.5", "www.example.com", g, false, "DenyHosts"},
		{"198.51.100.7", "192.0.2.5", g, false, "AllowHosts"},
		{"10.1.2.3", "bad.example.com", n, false, "DenyHosts"},
		{"10.1.2.3", "good.example.com", n, true, ""},
	} {
		ok, why := tc.o.HostAllowed(tc.addr, tc.name)
		if ok != tc.ok || why != tc.why {
			t.Errorf("HostAllowed(%s, %q) = %v %q, want %v %q", tc.addr, tc.name, ok, why, tc.ok, tc.why)
		}
	}
	var b bytes.Buffer
	if err := g.WriteT(&b); err != nil {
		t.Fatal(err)
	}
	want := "idletimeout 3600\nmaxconnections 25\nallowhosts localhost, .*\\.example\\.com,\\m10.1.0.0/16\ndenyhosts \\i192\\.0\\.2\\..*\nrequirereversemapping yes\n"
	if !strings.HasSuffix(b.String(), want) {
		t.Errorf("sshd -T ends\n%s\nwant\n%s", b.String()[max(0, b.Len()-300):], want)
	}
	// Without them, sshd -T prints none of their names (OpenSSH's output).
	d, _, err := loadSSHD2(t, "*:\nPort 22\n")
	if err != nil {
		t.Fatal(err)
	}
	o, _ := d.For(MatchConn{})
	b.Reset()
	o.WriteT(&b)
	for _, k := range []string{"idletimeout", "maxconnections", "allowhosts", "denyhosts", "requirereversemapping"} {
		if strings.Contains(b.String(), "\n"+k+" ") {
			t.Errorf("sshd -T prints %s when it is not set", k)
		}
	}
}

// TestSSH2HostPatternSyntax: the file's REGEX-SYNTAX decides what a
// pattern means; a file without metaconfiguration has zsh_fileglob
// patterns, version 1.1 without a syntax egrep.
func TestSSH2HostPatternSyntax(t *testing.T) {
	for _, tc := range []struct {
		meta, pattern, host string
		match               bool
	}{
		{"", "*.example.com", "a.example.com", true},
		{"", "*.example.com", "example.com", false},
		{"", "host?.example.com", "host1.example.com", true},
		{"", "host[0-9].example.com", "hostx.example.com", false},
		{"", "host[0-9].example.com", "host7.example.com", true},
		{"", "a.b", "axb", false}, // a dot is a dot in a glob
		{"## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n", "a.b", "axb", true},
		{"## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX zsh_fileglob\n", "a.b", "axb", false},
		{"## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX egrep\n", "h..s.\\..*", "house.example.com", true},
		{"## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX egrep\n", "h..s.\\..*", "house1.com", false},
		{"## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX egrep\n", "([[:digit:]]{1\\,3}\\.){3}[[:digit:]]{1\\,3}", "192.0.2.1", true},
		{"## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX egrep\n", "([[:digit:]]{1\\,3}\\.){3}[[:digit:]]{1\\,3}", "1920.0.2.1", false},
		{"## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX egrep\n", "[:alpha:]+\\.test", "abc.test", true},
		{"## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX egrep\n", "[:alpha:]+\\.test", "a1.test", false},
		{"## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX egrep\n", "a{2\\,0}", "aaaa", true},
		{"## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX egrep\n", "(foo|bar)\\.test", "bar.test", true},
	} {
		l, err := parseHostList(tc.pattern, mustSyntax(t, tc.meta))
		if err != nil {
			t.Errorf("%q %q: %v", tc.meta, tc.pattern, err)
			continue
		}
		if got := l.Match("", tc.host); got != tc.match {
			t.Errorf("%q %q against %q: %v, want %v", tc.meta, tc.pattern, tc.host, got, tc.match)
		}
	}
}

func mustSyntax(t *testing.T, meta string) regexSyntax {
	t.Helper()
	s, err := parseMetaconfig("f", strings.Split(meta+"Port 22", "\n"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSSH2ServerOnlyErrors: a bad value, a pattern sshbox cannot read the
// way SSH Communications' server does, or a whole-server keyword under a
// heading is an error naming the file and line; sshd does not start.
func TestSSH2ServerOnlyErrors(t *testing.T) {
	egrep := "## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX egrep\n"
	for text, want := range map[string]string{
		"*:\nIdleTimeout 5x\n":                                `:2: IdleTimeout: invalid time "5x"`,
		"*:\nIdleTimeout -1\n":                                `:2: IdleTimeout: invalid time "-1"`,
		"*:\nIdleTimeout 99999999w\n":                         `:2: IdleTimeout: invalid time`,
		"*:\nMaxConnections lots\n":                           `:2: MaxConnections: invalid number "lots"`,
		"alpha*:\nMaxConnections 5\n":                         `:2: MaxConnections applies to the whole server and cannot be under the heading "alpha*"`,
		"*:\nAllowHosts a(b)c\n":                              `:2: AllowHosts: pattern "a(b)c": '(' is not supported by sshbox in zsh_fileglob patterns`,
		"*:\nDenyHosts \\mnot-a-block\n":                      `:2: DenyHosts: pattern "\\mnot-a-block": \m wants an address block`,
		"*:\nDenyHosts , ,\n":                                 `:2: DenyHosts: no pattern`,
		egrep + "DenyHosts \\bevil\n":                         `:3: DenyHosts: pattern "\\bevil": the escape \b is not supported by sshbox`,
		egrep + "DenyHosts *.evil\n":                          `:3: DenyHosts: pattern "*.evil": not a regular expression sshbox can read (missing argument to repetition operator)`,
		egrep + "DenyHosts \"[[:word:]]\"\n":                  `:3: DenyHosts: pattern "[[:word:]]": an unknown character class`,
		"## VERSION 1.1\n## REGEX-SYNTAX ssh\nDenyHosts x\n":  `:3: DenyHosts: patterns in REGEX-SYNTAX ssh are not supported by sshbox`,
		"## VERSION 1.1\n## REGEX-SYNTAX perl\nDenyHosts x\n": `:2: unknown REGEX-SYNTAX "perl"`,
		// A heading that picks no connection at load time still has its
		// values checked.
		"10.9.*:\nDenyHosts a|b\n": `:2: DenyHosts: pattern "a|b": '|' is not supported`,
	} {
		_, p, err := loadSSHD2(t, text)
		if err == nil || !strings.Contains(err.Error(), p+want) {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
}

func TestSSH2Time(t *testing.T) {
	for v, want := range map[string]time.Duration{"0": 0, "45": 45 * time.Second, "45s": 45 * time.Second, "10m": 10 * time.Minute,
		"2H": 2 * time.Hour, "1d": 24 * time.Hour, "1w": 7 * 24 * time.Hour} {
		if got, err := ssh2Time(v); err != nil || got != want {
			t.Errorf("ssh2Time(%q) = %v %v, want %v", v, got, err, want)
		}
	}
	for _, v := range []string{"", "m", "1h30m", "1.5h", "+5", "5 m"} {
		if _, err := ssh2Time(v); err == nil {
			t.Errorf("ssh2Time(%q): no error", v)
		}
	}
}

// TestSSH2ClientIdleTimeout: the client's IdleTimeout, per heading, the
// file read first winning as for every keyword; ssh -G prints it only
// when set; a bad value names the file and line.
func TestSSH2ClientIdleTimeout(t *testing.T) {
	dir := t.TempDir()
	user := writeFile(t, dir, "user_ssh2_config", "*:\n  StrictHostKeyChecking no\nalpha*:\n  IdleTimeout 30\n")
	sys := writeFile(t, dir, "SSH2_CONFIG", "*:\n  IdleTimeout 5m\n  QuietMode no\n")
	for host, want := range map[string]time.Duration{"alpha1": 30 * time.Second, "beta": 5 * time.Minute} {
		o, err := LoadClient([]string{user, sys}, nil, host, "")
		if err != nil {
			t.Fatal(err)
		}
		if o.IdleTimeout != want {
			t.Errorf("%s: IdleTimeout %v, want %v", host, o.IdleTimeout, want)
		}
		var b bytes.Buffer
		o.WriteG(&b)
		if line := fmt.Sprintf("\nidletimeout %d\n", int(want/time.Second)); !strings.HasSuffix(b.String(), line) {
			t.Errorf("%s: ssh -G does not end with %q", host, line)
		}
	}
	o, err := LoadClient([]string{user}, nil, "beta", "")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	o.WriteG(&b)
	if o.IdleTimeout != 0 || strings.Contains(b.String(), "idletimeout") {
		t.Errorf("without IdleTimeout: %v, ssh -G prints it", o.IdleTimeout)
	}
	bad := writeFile(t, dir, "bad", "*:\n  IdleTimeout soon\n")
	if _, err := LoadClient([]string{bad}, nil, "h", ""); err == nil || !strings.Contains(err.Error(), bad+`:2: IdleTimeout: invalid time "soon"`) {
		t.Errorf("a bad IdleTimeout: %v", err)
	}
}

// TestSSH2ChrootUsers: ChRootUsers and ChRootGroups set ChrootDirectory
// %h for the users they name once the connection names its user (root's
// groups include root everywhere), and nothing for others or globally.
func TestSSH2ChrootUsers(t *testing.T) {
	for _, tc := range []struct {
		text, user, want string
	}{
		{"*:\nChRootUsers guest.*,sftp[0-9]\n", "guest7", "%h"},
		{"*:\nChRootUsers guest.*,sftp[0-9]\n", "sftp1", "%h"},
		{"*:\nChRootUsers guest.*,sftp[0-9]\n", "alice", ""},
		{"*:\nChRootUsers guest*\n", "guest7", "%h"}, // zsh_fileglob without metaconfiguration
		{"*:\nChRootGroups root\n", "root", "%h"},
		{"*:\nChRootGroups nosuchgroup.*\n", "root", ""},
		{"*:\nChRootUsers nosuch\nChrootDirectory /srv/jail\n", "root", "/srv/jail"},
		{"*:\nChRootUsers root\nChrootDirectory /srv/jail\nChRootUsers root\n", "root", "%h"}, // the last line wins
	} {
		meta := ""
		if !strings.Contains(tc.text, "guest*") {
			meta = "## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX egrep\n"
		}
		c, _, err := loadSSHD2(t, meta+tc.text)
		if err != nil {
			t.Fatal(err)
		}
		g, _ := c.For(MatchConn{})
		o, err := c.For(MatchConn{User: tc.user, Addr: "192.0.2.1"})
		if err != nil {
			t.Fatal(err)
		}
		if o.ChrootDirectory != tc.want || g.ChrootDirectory != "" && !strings.Contains(tc.text, "ChrootDirectory") {
			t.Errorf("%q for %s: ChrootDirectory %q (globally %q), want %q", tc.text, tc.user, o.ChrootDirectory, g.ChrootDirectory, tc.want)
		}
	}
	_, p, err := loadSSHD2(t, "*:\nChRootUsers \\i10.*\n")
	if err == nil || !strings.Contains(err.Error(), p+`:2: ChRootUsers: \i and \m are for addresses, not names`) {
		t.Errorf("ChRootUsers \\i: %v", err)
	}
}

// Where a user's ssh2 authorization file is: UserConfigDirectory's tokens,
// AuthorizationFile relative to it or absolute; and OpenSSH's
// authorized_keys is read only while both keep their defaults, or where
// the file sets AuthorizedKeysFile itself.
func TestSSH2AuthorizationPlace(t *testing.T) {
	for _, c := range []struct{ dir, home, user, want string }{
		{"%D/.ssh2", "/home/sjl", "sjl", "/home/sjl/.ssh2"},
		{"/etc/ssh2/users/%U-%IU-%IG%%", "/home/sjl", "sjl", "/etc/ssh2/users/sjl-1001-100%"},
		{".ssh2", "/home/sjl", "sjl", "/home/sjl/.ssh2"},
		{"~/.ssh2", "/home/sjl", "sjl", "/home/sjl/.ssh2"},
	} {
		got, err := ExpandSSH2UserDir(c.dir, c.home, c.user, 1001, 100)
		if err != nil || got != c.want {
			t.Errorf("%q: %q, %v; want %q", c.dir, got, err, c.want)
		}
	}
	for _, bad := range []string{"%", "%I", "%IX", "%d", "/x/%h"} {
		if _, err := ExpandSSH2UserDir(bad, "/h", "u", 1, 1); err == nil {
			t.Errorf("%q expanded", bad)
		}
	}
	dir := t.TempDir()
	load := func(text string) *ServerOptions {
		t.Helper()
		p := filepath.Join(dir, "SSHD2_CONFIG")
		if err := os.WriteFile(p, []byte("## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX egrep\n## end of metaconfig\n*:\n"+text), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := LoadServer(p, nil)
		if err != nil {
			t.Fatal(err)
		}
		o, err := c.For(MatchConn{User: "sjl", Host: "h", Addr: "10.1.2.3"})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	for _, c := range []struct{ text, file, dir, keysFile string }{
		{"", "/home/sjl/.ssh2/authorization", "/home/sjl/.ssh2", ".ssh/authorized_keys .ssh/authorized_keys2"},
		{"  AuthorizationFile /etc/ssh2/auth/keys\n", "/etc/ssh2/auth/keys", "/home/sjl/.ssh2", "none"},
		{"  UserConfigDirectory /etc/ssh2/%U\n", "/etc/ssh2/sjl/authorization", "/etc/ssh2/sjl", "none"},
		{"  UserConfigDirectory /etc/ssh2/%U\n  AuthorizedKeysFile /etc/ssh/keys/%u\n", "/etc/ssh2/sjl/authorization", "/etc/ssh2/sjl", "/etc/ssh/keys/%u"},
	} {
		o := load(c.text)
		file, d, err := o.SSH2Authorization("/home/sjl", "sjl", 1001, 100)
		if err != nil || file != c.file || d != c.dir || strings.Join(o.AuthorizedKeysFile, " ") != c.keysFile {
			t.Errorf("%q: %q %q %v, authorized keys %q; want %q %q, %q", c.text, file, d, err, o.AuthorizedKeysFile, c.file, c.dir, c.keysFile)
		}
	}
}

// HostSpecificConfig and UserSpecificConfig: a subconfiguration file's
// lines apply, in the line's place, to the clients or users its pattern
// picks (an address, a verified name, a user by name, a group by GID), to
// no one else; what cannot be enforced there is refused with file:line.
func TestSSH2Subconfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	meta := "## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX egrep\n## end of metaconfig\n"
	lan := write("lan", "AllowTcpForwarding no\nX11Forwarding no\n")
	named := write("named", "PermitTTY no\n")
	wheel := write("wheel", "*:\n  AllowAgentForwarding no\n")
	main := write("SSHD2_CONFIG", meta+"*:\n  X11Forwarding yes\n"+
		"  HostSpecificConfig \\i10\\.1\\..* "+lan+"\n"+
		"  HostSpecificConfig .*\\.example\\.com "+named+"\n"+
		"  UserSpecificConfig %0@\\i10\\..* "+wheel+"\n"+
		"  AllowTcpForwarding yes\n")
	c, err := LoadServer(main, nil)
	if err != nil {
		t.Fatal(err)
	}
	show := func(m MatchConn) string {
		o, err := c.For(m)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		o.WriteT(&b)
		return b.String()
	}
	if g, _ := c.For(MatchConn{}); !g.NeedsClientName() {
		t.Errorf("a name pattern does not ask for the client's name")
	}
	for _, tc := range []struct {
		m         MatchConn
		want, not []string
	}{
		// The file's lines, and a later main line winning over one.
		{MatchConn{Addr: "10.1.2.3", Host: "10.1.2.3"}, []string{"x11forwarding no\n", "allowtcpforwarding yes\n", "permittty yes\n"}, nil},
		{MatchConn{Addr: "10.2.0.1", Host: "10.2.0.1"}, []string{"x11forwarding yes\n"}, []string{"x11forwarding no\n"}},
		// A verified name, not the address, picks the name pattern.
		{MatchConn{Addr: "192.0.2.1", Host: "192.0.2.1", Name: "a.example.com"}, []string{"permittty no\n"}, nil},
		{MatchConn{Addr: "192.0.2.1", Host: "192.0.2.1"}, []string{"permittty yes\n"}, nil},
		// root's primary group is GID 0; nobody's is not.
		{MatchConn{User: "root", Addr: "10.9.9.9", Host: "10.9.9.9"}, []string{"allowagentforwarding no\n"}, nil},
		{MatchConn{User: "root", Addr: "192.0.2.1", Host: "192.0.2.1"}, []string{"allowagentforwarding yes\n"}, nil},
		{MatchConn{User: "nobody", Addr: "10.9.9.9", Host: "10.9.9.9"}, []string{"allowagentforwarding yes\n"}, nil},
		{MatchConn{Addr: "10.9.9.9", Host: "10.9.9.9"}, []string{"allowagentforwarding yes\n"}, nil},
	} {
		out := show(tc.m)
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Errorf("%+v: no %q in\n%s", tc.m, w, out)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(out, w) {
				t.Errorf("%+v: %q in\n%s", tc.m, w, out)
			}
		}
	}
	for text, want := range map[string]string{
		"*:\n  UserSpecificConfig sjl " + filepath.Join(dir, "missing") + "\n":                      ":5: UserSpecificConfig: open " + filepath.Join(dir, "missing") + ": no such file or directory",
		"*:\n  HostSpecificConfig .* " + write("nested", "UserSpecificConfig sjl "+lan+"\n") + "\n": "nested:1: UserSpecificConfig is not allowed in a subconfiguration file",
		"*:\n  UserSpecificConfig sjl " + write("heading", "alpha:\n  X11Forwarding no\n") + "\n":   "heading:2: a heading in a UserSpecificConfig file is not supported by sshbox",
		"*:\n  HostSpecificConfig .* " + write("whole", "MaxConnections 5\n") + "\n":                "whole:1: MaxConnections applies to the whole server and cannot be in a subconfiguration file",
		"*:\n  HostSpecificConfig .* " + write("refused", "SecurePath yes\n") + "\n":                "refused:1: SecurePath is not supported by sshbox",
		"*:\n  UserSpecificConfig sjl\n":                                                            ":5: UserSpecificConfig wants a pattern and a file",
	} {
		_, err := LoadServer(write("SSHD2_CONFIG", meta+text), nil)
		if err == nil || !strings.HasSuffix(err.Error(), want) {
			t.Errorf("%q: got %v, want ...%s", text, err, want)
		}
	}
}

// TestSSH2AuthRestrictions: RequiredAuthentications becomes
// AuthenticationMethods with every order of its methods;
// AuthPublicKey.MinSize and MaxSize and AuthKbdInt.Retries set their
// typed options, per heading, and sshd -T prints them;
// AuthKbdInt.Required password is what sshbox's keyboard-interactive
// does already. Bad values name the file and line.
func TestSSH2AuthRestrictions(t *testing.T) {
	c, _, err := loadSSHD2(t, "*:\n  AllowedAuthentications publickey,password,keyboard-interactive\n"+
		"  RequiredAuthentications publickey, password,keyboard-interactive,password\n"+
		"  AuthPublicKey.MinSize 384\n  AuthKbdInt.Retries 2\n  AuthKbdInt.Required password\n"+
		"10.1.*:\n  AuthPublicKey.MinSize 0\n  AuthPublicKey.MaxSize 256\n  RequiredAuthentications publickey\n")
	if err != nil {
		t.Fatal(err)
	}
	g, err := c.For(MatchConn{})
	if err != nil {
		t.Fatal(err)
	}
	orders := []string{
		"publickey,password,keyboard-interactive", "publickey,keyboard-interactive,password",
		"password,publickey,keyboard-interactive", "password,keyboard-interactive,publickey",
		"keyboard-interactive,password,publickey", "keyboard-interactive,publickey,password",
	}
	if strings.Join(g.AuthenticationMethods, " ") != strings.Join(orders, " ") {
		t.Errorf("AuthenticationMethods %q, want %q", g.AuthenticationMethods, orders)
	}
	if g.PubkeyMinSize != 384 || g.PubkeyMaxSize != 0 || g.KbdIntRetries != 2 {
		t.Errorf("global: MinSize %d MaxSize %d Retries %d", g.PubkeyMinSize, g.PubkeyMaxSize, g.KbdIntRetries)
	}
	var b bytes.Buffer
	g.WriteT(&b)
	for _, w := range []string{"\nauthenticationmethods " + strings.Join(orders, " ") + "\n",
		"\nauthpublickey.minsize 384\n", "\nauthkbdint.retries 2\n"} {
		if !strings.Contains(b.String(), w) {
			t.Errorf("sshd -T lacks %q", w)
		}
	}
	if strings.Contains(b.String(), "authpublickey.maxsize") {
		t.Errorf("sshd -T prints authpublickey.maxsize when it is not set")
	}
	n, err := c.For(MatchConn{Addr: "10.1.2.3"})
	if err != nil {
		t.Fatal(err)
	}
	if n.PubkeyMinSize != 0 || n.PubkeyMaxSize != 256 || n.KbdIntRetries != 2 ||
		strings.Join(n.AuthenticationMethods, " ") != "publickey" {
		t.Errorf("10.1.2.3: MinSize %d MaxSize %d Retries %d AuthenticationMethods %q",
			n.PubkeyMinSize, n.PubkeyMaxSize, n.KbdIntRetries, n.AuthenticationMethods)
	}
	for text, want := range map[string]string{
		"*:\n  RequiredAuthentications publickey,pam-1@ssh.com\n": `:2: RequiredAuthentications: unknown authentication method "pam-1@ssh.com"`,
		"*:\n  RequiredAuthentications ,\n":                       ":2: RequiredAuthentications: no authentication method",
		"*:\n  AuthPublicKey.MinSize big\n":                       `:2: AuthPublicKey.MinSize: invalid number "big"`,
		"*:\n  AuthPublicKey.MaxSize -1\n":                        `:2: AuthPublicKey.MaxSize: invalid number "-1"`,
		"*:\n  AuthKbdInt.Retries 99999999\n":                     `:2: AuthKbdInt.Retries: invalid number "99999999"`,
		"*:\n  AuthKbdInt.Required password,securid\n":            ":2: AuthKbdInt.Required is not supported by sshbox",
	} {
		_, p, err := loadSSHD2(t, text)
		if err == nil || err.Error() != p+want {
			t.Errorf("%q: got %v, want %s%s", text, err, p, want)
		}
	}
	// A required method that is not allowed: ssh2 would refuse every
	// login; sshd does not start, as OpenSSH's for such lists.
	_, _, err = loadSSHD2(t, "*:\n  AllowedAuthentications publickey\n  RequiredAuthentications publickey,password\n")
	want := `AuthenticationMethods cannot be satisfied by enabled authentication methods: disabled method "password" in list "publickey,password"`
	if err == nil || err.Error() != want {
		t.Errorf("a required method not allowed: got %v, want %s", err, want)
	}
}
