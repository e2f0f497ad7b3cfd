package configfmt

import (
	"bytes"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// hostKey makes a throwaway host key for the real sshd -T.
func hostKey(t *testing.T, dir string) string {
	t.Helper()
	k := filepath.Join(dir, "hostkey")
	if _, err := os.Stat(k); err == nil {
		return k
	}
	out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", k).CombinedOutput()
	if err != nil {
		t.Fatalf("ssh-keygen: %v %s", err, out)
	}
	return k
}

// opensshT runs the real sshd -T (as root, which it needs).
func opensshT(t *testing.T, file, key, conn string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("sshd -T needs root")
	}
	// sshd -T insists on its privilege separation directory.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"-T", "-f", file, "-h", key}
	if conn != "" {
		args = append(args, "-C", conn)
	}
	out, err := exec.Command("/usr/sbin/sshd", args...).Output()
	if err != nil {
		t.Fatalf("sshd %s: %v", strings.Join(args, " "), err)
	}
	return string(out)
}

func ourT(t *testing.T, file, key string, m MatchConn) string {
	t.Helper()
	c, err := LoadServer(file, []string{"HostKey " + key})
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.For(m)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := o.WriteT(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var tConfigs = map[string]string{
	"empty": "",
	"many": `Port 2222
Port 2223
ListenAddress 127.0.0.1
ListenAddress 127.0.0.2:2300
AllowUsers alice bob
AllowUsers carol
DenyUsers dave
AllowGroups g1
DenyGroups g2
AcceptEnv LANG
AcceptEnv LC_*
SetEnv A=1 B=2
PermitOpen localhost:80 any:22
PermitListen 8080 localhost:90
Subsystem sftp internal-sftp
Subsystem other /bin/other -x
ChrootDirectory /srv/%u
ForceCommand echo hi there
Banner /etc/issue.net
AuthorizedKeysFile .ssh/ak %h/.ssh/ak2
AuthenticationMethods publickey,password publickey
PermitRootLogin prohibit-password
LoginGraceTime 1m
ClientAliveInterval 30
MaxStartups 5
LogLevel DEBUG1
SyslogFacility local0
Ciphers +aes128-cbc
MACs -hmac-sha1*
TrustedUserCAKeys /etc/ssh/ca.pub
RevokedKeys /etc/ssh/revoked
AuthorizedPrincipalsFile /etc/ssh/princ/%u
AllowTcpForwarding local
GatewayPorts clientspecified
AllowStreamLocalForwarding no
PermitUserEnvironment yes
X11Forwarding yes
UsePAM yes
PidFile /tmp/x.pid
AddressFamily inet
IPQoS af21
RekeyLimit 1G none
MaxSessions 3
Compression delayed
PasswordAuthentication no
PermitRootLogin yes
`,
	"match": `PasswordAuthentication no
PermitOpen none
Port=2022
Match User alice,!bob
  PasswordAuthentication yes
  AcceptEnv X
  MaxAuthTries 2
Match Address 10.0.0.0/8,192.168.1.*
  PermitOpen any
  Banner /etc/banner10
  MaxAuthTries 4
Match Host *.example.com LocalPort 2022
  X11Forwarding yes
  ForceCommand /bin/restricted
Match LocalAddress 127.0.0.1
  AllowTcpForwarding no
Match Group root,!nogroup
  MaxSessions 7
  DenyUsers nobody
Match all
  ClientAliveInterval 15
`,
	"warned": `X11DisplayOffset 12
RequiredRSASize 1024
StreamLocalBindMask 0077
UnusedConnectionTimeout none
IgnoreRhosts shosts-only
IgnoreUserKnownHosts yes
HostbasedAuthentication yes
HostbasedUsesNameFromPacketOnly yes
KerberosAuthentication yes
KerberosOrLocalPasswd yes
KerberosTicketCleanup no
GSSAPIAuthentication yes
GSSAPICleanupCredentials no
GSSAPIStrictAcceptorCheck no
X11UseLocalhost no
PermitUserRC no
Compression no
UseDNS no
DisableForwarding yes
StreamLocalBindUnlink yes
FingerprintHash md5
ExposeAuthInfo yes
ModuliFile /etc/moduli2
XAuthLocation /opt/xauth
SecurityKeyProvider /lib/sk.so
VersionAddendum hello world
AuthorizedKeysCommand none
AuthorizedKeysCommandUser nobody
AuthorizedPrincipalsCommandUser nobody
HostKeyAgent none
HostbasedAcceptedAlgorithms ssh-ed25519,rsa-sha2-256
LogVerbose kex.c:*:1000
PerSourceMaxStartups none
PerSourceNetBlockSize 24:64
PermitTunnel point-to-point
IPQoS lowdelay
RekeyLimit 512M
PubkeyAuthOptions none
Protocol 2
UsePrivilegeSeparation sandbox
DebianBanner no
`,
	"quotes": `# comments and quoting
   Banner "/path with spaces/banner"   
AuthorizedKeysFile   ".ssh/authorized keys"   /etc/keys/%u # trailing comment
PermitRootLogin=no
LogLevel = VERBOSE
PermitUserEnvironment LANG,LC_*
`,
}

var tConns = []struct {
	conn string
	m    MatchConn
}{
	{"", MatchConn{}},
	{"user=alice,host=a.example.com,addr=10.1.2.3,laddr=127.0.0.1,lport=2022", MatchConn{User: "alice", Host: "a.example.com", Addr: "10.1.2.3", LocalAddr: "127.0.0.1", LocalPort: 2022}},
	{"user=bob,host=b.other,addr=192.168.1.7,laddr=127.0.0.2,lport=22", MatchConn{User: "bob", Host: "b.other", Addr: "192.168.1.7", LocalAddr: "127.0.0.2", LocalPort: 22}},
	{"user=carol,host=c.example.com,addr=8.8.8.8,laddr=127.0.0.1,lport=22", MatchConn{User: "carol", Host: "c.example.com", Addr: "8.8.8.8", LocalAddr: "127.0.0.1", LocalPort: 22}},
	{"user=root,host=r.example.com,addr=::1,laddr=::1,lport=2022", MatchConn{User: "root", Host: "r.example.com", Addr: "::1", LocalAddr: "::1", LocalPort: 2022}},
}

func TestParseMatchConn(t *testing.T) {
	for _, c := range tConns[1:] {
		m, err := ParseMatchConn(c.conn)
		want := c.m
		_, lookup := user.Lookup(want.User)
		want.InvalidUser = lookup != nil
		want.Name = want.Host // host= is a verified name, for ssh2's patterns
		if err != nil || m != want {
			t.Errorf("%s: %+v %v", c.conn, m, err)
		}
	}
	for _, bad := range []string{"user", "lport=x", "who=me"} {
		if _, err := ParseMatchConn(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestWriteTMatchesOpenSSH(t *testing.T) {
	dir := t.TempDir()
	key := hostKey(t, dir)
	writeFile(t, dir, "sshd_config.d/10-match.conf", "PermitTTY no\nMatch User alice\n  X11Forwarding yes\n  MaxSessions 2\n")
	writeFile(t, dir, "sshd_config.d/20-more.conf", "Banner /etc/first-banner\nMatch Address 192.168.0.0/16\n  Include "+dir+"/inner.conf\n")
	writeFile(t, dir, "inner.conf", "MaxAuthTries 9\nMatch User bob\n  PermitTTY yes\n")
	configs := map[string]string{
		"include": "Include " + dir + "/sshd_config.d/*.conf\nBanner /etc/second\nMatch User carol\n  Include " + dir + "/inner.conf\n",
	}
	for name, text := range tConfigs {
		configs[name] = text
	}
	for name, text := range configs {
		file := writeFile(t, dir, name+".conf", text)
		for _, c := range tConns {
			if c.conn == "" && strings.Contains(text, "LocalPort") {
				continue // OpenSSH's sshd -T then insists on -C with lport
			}
			diffLines(t, name+" -C "+c.conn, opensshT(t, file, key, c.conn), ourT(t, file, key, c.m))
		}
	}
}

func TestDebianStockServerConfig(t *testing.T) {
	const stock = "/etc/ssh/sshd_config"
	if _, err := os.Stat(stock); err != nil {
		t.Fatalf("Debian's %s is needed: %v", stock, err)
	}
	c, err := LoadServer(stock, nil)
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.For(MatchConn{})
	if err != nil {
		t.Fatal(err)
	}
	if !o.UsePAM || o.KbdInteractiveAuthentication || o.Subsystems["sftp"] != "/usr/lib/openssh/sftp-server" {
		t.Errorf("stock options not read: UsePAM %v Kbd %v sftp %q", o.UsePAM, o.KbdInteractiveAuthentication, o.Subsystems["sftp"])
	}
	dir := t.TempDir()
	key := hostKey(t, dir)
	diffLines(t, "stock sshd_config", opensshT(t, stock, key, ""), ourT(t, stock, key, MatchConn{}))
}

// The same sshd_config in all five record formats gives identical sshd -T
// output, equal to OpenSSH's for the stream form.
func TestWriteTSameInAllFormats(t *testing.T) {
	dir := t.TempDir()
	key := hostKey(t, dir)
	recs, _, err := Decode([]byte(tConfigs["many"] + tConfigs["match"]))
	if err != nil {
		t.Fatal(err)
	}
	recs = append(recs, "", "# an odd-length comment line", "Match User nobody", "  PermitTTY no")
	var first string
	for _, f := range []Format{StreamLF, StreamCR, Stream, VAR, VFC} {
		p := writeRecords(t, dir, "sshd_config."+f.String(), recs, f)
		if _, gf, err := Decode(Encode(recs, f)); err != nil || gf != f {
			t.Fatalf("%v detected as %v (%v)", f, gf, err)
		}
		got := ourT(t, p, key, MatchConn{User: "alice", Host: "a.example.com", Addr: "10.1.2.3", LocalAddr: "127.0.0.1", LocalPort: 2022})
		if f == StreamLF {
			first = got
			diffLines(t, "stream file", opensshT(t, p, key, "user=alice,host=a.example.com,addr=10.1.2.3,laddr=127.0.0.1,lport=2022"), got)
			continue
		}
		if got != first {
			diffLines(t, f.String()+" vs STREAM_LF", first, got)
		}
	}
}

// A VAR sshd_config cut short is refused, naming the byte offset.
func TestLoadServerVARCutShort(t *testing.T) {
	dir := t.TempDir()
	data := Encode([]string{"Port 22", "PermitRootLogin no", "PasswordAuthentication no"}, VAR)
	p := filepath.Join(dir, "sshd_config")
	if err := os.WriteFile(p, data[:len(data)-5], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadServer(p, nil)
	want := p + ": VAR record at byte offset 30: count 25 runs past end of file (size 53)"
	if err == nil || err.Error() != want {
		t.Fatalf("error %v\nwant %s", err, want)
	}
}

// For(MatchConn{}) returns a copy, which the caller may change without
// changing the configuration; a connection no Match block applies to gets
// the global options shared, one a Match block applies to a copy of its
// own, and neither changes what the others get.
func TestForReturnsCopies(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "c", "AllowUsers a b\nSubsystem sftp internal-sftp\nMatch User x\n  AllowUsers c\n")
	c, err := LoadServer(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	o, _ := c.For(MatchConn{})
	o.AllowUsers[0] = "changed"
	o.Port[0] = 1
	o.Subsystems["sftp"] = "changed"
	again, _ := c.For(MatchConn{})
	if again.AllowUsers[0] != "a" || again.Port[0] != 22 || again.Subsystems["sftp"] != "internal-sftp" {
		t.Errorf("configuration changed through For's result: %v %v %v", again.AllowUsers, again.Port, again.Subsystems)
	}
	x, _ := c.For(MatchConn{User: "x"})
	if len(x.AllowUsers) != 1 || x.AllowUsers[0] != "c" {
		t.Errorf("Match User x AllowUsers %v", x.AllowUsers)
	}
	y, _ := c.For(MatchConn{User: "y"})
	z, _ := c.For(MatchConn{User: "z"})
	if y != z || y == x {
		t.Errorf("connections no Match applies to should share their options (%p, %p), one it applies to not (%p)", y, z, x)
	}
	if len(y.AllowUsers) != 2 || y.AllowUsers[0] != "a" {
		t.Errorf("User y AllowUsers %v after Match User x", y.AllowUsers)
	}
	mine := y.Clone()
	mine.AllowUsers[0] = "changed"
	mine.Subsystems["sftp"] = "changed"
	if again, _ := c.For(MatchConn{User: "y"}); again.AllowUsers[0] != "a" || again.Subsystems["sftp"] != "internal-sftp" {
		t.Errorf("shared options changed through a Clone: %v %v", again.AllowUsers, again.Subsystems)
	}
}

func TestExpandUserPath(t *testing.T) {
	cases := map[string]string{
		".ssh/authorized_keys": "/home/al/.ssh/authorized_keys",
		"%h/.ssh/k_%u_%U":      "/home/al/.ssh/k_al_1001",
		"/etc/keys/%u":         "/etc/keys/al",
		"~/x":                  "/home/al/x",
		"/weird/100%%":         "/weird/100%",
	}
	for in, want := range cases {
		got, err := ExpandUserPath(in, "al", "/home/al", "1001")
		if err != nil || got != want {
			t.Errorf("%q: %q %v, want %q", in, got, err, want)
		}
	}
	if _, err := ExpandUserPath("%Q", "al", "/home/al", "1"); err == nil {
		t.Error("unknown token accepted")
	}
}

// Bad files: OpenSSH's sshd -t refuses them too, and the error names the
// line.
func TestServerErrorsAgreeWithOpenSSH(t *testing.T) {
	dir := t.TempDir()
	key := hostKey(t, dir)
	cases := map[string]string{
		"Port 0\n":                                 ":1: Port: Bad port",
		"PermitRootLogin maybe\n":                  ":1: PermitRootLogin: unsupported option",
		"Subsystem sftp\n":                         ":1: Subsystem: missing subsystem command",
		"Subsystem sftp a\nSubsystem sftp b\n":     ":2: Subsystem: Subsystem 'sftp' already defined",
		"Match User alice\n  Port 22\n":            ":2: Directive \"Port\" is not allowed within a Match block",
		"Match Bogus x\n":                          ":1: Unsupported Match attribute Bogus",
		"Match all User x\n":                       ":1: 'all' cannot be combined",
		"Match Address 10.0.0.0/40\n":              ":1: Match Address: invalid address list",
		"NoSuchOption yes\n":                       ":1: unknown keyword \"NoSuchOption\"",
		"LoginGraceTime 2x\n":                      ":1: LoginGraceTime: invalid time value",
		"MaxStartups 10:30\n":                      ":1: MaxStartups: invalid MaxStartups",
		"MaxStartups 0\n":                          ":1: MaxStartups: invalid MaxStartups",
		"MaxStartups 0:30:10\n":                    ":1: MaxStartups: invalid MaxStartups",
		"AllowTcpForwarding sometimes\n":           ":1: AllowTcpForwarding: unsupported option",
		"Match User a\n  Banner /x\nMatch Group\n": ":3: Match Group: missing argument",
		"X11Forwarding yes no\n":                   ":1: X11Forwarding: garbage at end of line",
	}
	i := 0
	for text, want := range cases {
		i++
		p := writeFile(t, dir, "bad"+strings.Repeat("x", i), text)
		out, err := exec.Command("/usr/sbin/sshd", "-t", "-f", p, "-h", key).CombinedOutput()
		if err == nil {
			t.Errorf("%q: OpenSSH's sshd -t accepts it (%s)", text, out)
		}
		_, err = LoadServer(p, []string{"HostKey " + key})
		if err == nil || !strings.Contains(err.Error(), p+want) {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
}

// CASignatureAlgorithms resolves against OpenSSH's default list (no
// ssh-rsa) and is what sshd checks a user certificate's CA signature with.
func TestCASignatureAlgorithms(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		line      string
		has, lack []string
	}{
		{"", []string{"ssh-ed25519", "rsa-sha2-512", "rsa-sha2-256"}, []string{"ssh-rsa"}},
		{"CASignatureAlgorithms -rsa-sha2-*", []string{"ssh-ed25519", "ecdsa-sha2-nistp256"}, []string{"rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"}},
		{"CASignatureAlgorithms ssh-ed25519", []string{"ssh-ed25519"}, []string{"rsa-sha2-512", "ecdsa-sha2-nistp256"}},
		{"CASignatureAlgorithms +ssh-rsa", []string{"ssh-rsa", "rsa-sha2-512"}, nil},
	} {
		p := filepath.Join(dir, "sshd_config")
		os.WriteFile(p, []byte(c.line+"\n"), 0o644)
		cfg, err := LoadServer(p, nil)
		if err != nil {
			t.Fatalf("%q: %v", c.line, err)
		}
		o, err := cfg.For(MatchConn{})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range c.has {
			if !slices.Contains(o.CASignatureAlgorithms, a) {
				t.Errorf("%q: %v lacks %s", c.line, o.CASignatureAlgorithms, a)
			}
		}
		for _, a := range c.lack {
			if slices.Contains(o.CASignatureAlgorithms, a) {
				t.Errorf("%q: %v has %s", c.line, o.CASignatureAlgorithms, a)
			}
		}
	}
}

// TestMatchInvalidUserAndEquals: OpenSSH 10's Match invalid-user (no
// argument) and attribute=value forms; Match version is refused, as
// sshbox is not the OpenSSH release it names.
func TestMatchInvalidUserAndEquals(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sshd_config")
	text := "MaxAuthTries 6\nMatch invalid-user\n\tMaxAuthTries 1\nMatch user=alice address=10.0.0.0/8\n\tMaxAuthTries 2\nMatch invalid-user User bob\n\tMaxAuthTries 3\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadServer(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		conn MatchConn
		want int
	}{
		{MatchConn{User: "alice", Addr: "10.1.1.1"}, 2},
		{MatchConn{User: "alice", Addr: "192.0.2.1"}, 6},
		{MatchConn{User: "bob", Addr: "10.1.1.1", InvalidUser: true}, 1},
		{MatchConn{User: "carol", Addr: "10.1.1.1", InvalidUser: true}, 1},
		{MatchConn{Addr: "10.1.1.1"}, 6},
	} {
		o, err := c.For(m.conn)
		if err != nil || o.MaxAuthTries != m.want {
			t.Errorf("%+v: MaxAuthTries %d, want %d (%v)", m.conn, o.MaxAuthTries, m.want, err)
		}
	}
	for _, bad := range []string{"Match user=\n", "Match invalid-user User\n", "Match version OpenSSH_10.*\n", "Match Version=OpenSSH_9.*\n", "Match address=10.0.0.1/8\n"} {
		if _, err := loadServerText(t, bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestAuthenticationMethodsChecked: the lists are checked as OpenSSH's
// sshd checks them: unknown names and "any" beside a list when the line is
// read (with file:line, also in Match blocks), and outside Match blocks
// at least one list whose every method is enabled.
func TestAuthenticationMethodsChecked(t *testing.T) {
	dir := t.TempDir()
	load := func(text string) (string, error) {
		p := filepath.Join(dir, "sshd_config")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := LoadServer(p, nil)
		return p, err
	}
	for text, want := range map[string]string{
		"AuthenticationMethods publickey,foo\n":                                             `:1: AuthenticationMethods: unknown authentication method "foo" in list "publickey,foo"`,
		"Match User bob\n  AuthenticationMethods publickey,,password\n":                     `:2: AuthenticationMethods: unknown authentication method "" in list "publickey,,password"`,
		"AuthenticationMethods any publickey\n":                                             `:1: AuthenticationMethods: "any" must appear alone`,
		"AuthenticationMethods publickey,nothing:pam\n":                                     `:1: AuthenticationMethods: unknown authentication method "nothing:pam" in list "publickey,nothing:pam"`,
		"PasswordAuthentication no\nAuthenticationMethods publickey,password\n":             `AuthenticationMethods cannot be satisfied by enabled authentication methods: disabled method "password" in list "publickey,password"`,
		"AuthenticationMethods publickey,hostbased gssapi-with-mic\n":                       `AuthenticationMethods cannot be satisfied by enabled authentication methods: disabled method "hostbased" in list "publickey,hostbased"`,
		"KbdInteractiveAuthentication no\nAuthenticationMethods keyboard-interactive:pam\n": `AuthenticationMethods cannot be satisfied by enabled authentication methods: disabled method "keyboard-interactive" in list "keyboard-interactive:pam"`,
	} {
		p, err := load(text)
		if err == nil || (err.Error() != want && err.Error() != p+want) {
			t.Errorf("%q: got %v, want %s", text, err, want)
		}
		if out, err := exec.Command("/usr/sbin/sshd", "-t", "-f", p, "-h", hostKey(t, dir)).CombinedOutput(); err == nil {
			t.Errorf("%q: OpenSSH's sshd accepts it: %s", text, out)
		}
	}
	for _, ok := range []string{
		"PasswordAuthentication no\nAuthenticationMethods publickey,password publickey\n",
		"PasswordAuthentication no\nMatch User bob\n  AuthenticationMethods publickey,password\n",
		"AuthenticationMethods any\n",
		"AuthenticationMethods publickey,keyboard-interactive:pam password:x\n",
		"AuthenticationMethods none\n",
		"PasswordAuthentication no\nAuthenticationMethods publickey,none\n",
	} {
		p, err := load(ok)
		if err != nil {
			t.Errorf("%q: %v", ok, err)
		}
		if out, err := exec.Command("/usr/sbin/sshd", "-t", "-f", p, "-h", hostKey(t, dir)).CombinedOutput(); err != nil {
			t.Errorf("%q: OpenSSH's sshd refuses it: %s", ok, out)
		}
	}
}

// TestServerAlgorithmListsChecked: algorithm lists are checked when sshd
// reads them, as OpenSSH's sshd checks them (its sshd -t decides the same
// way for each line here): a name no one knows is an error with file:line,
// also in a Match block; a name OpenSSH has and sshbox does not is left
// out with a warning naming the line, and a list of nothing else is an
// error.
func TestServerAlgorithmListsChecked(t *testing.T) {
	dir := t.TempDir()
	load := func(text string) (string, *ServerConfig, error) {
		p := filepath.Join(dir, "sshd_config")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := LoadServer(p, nil)
		return p, c, err
	}
	openssh := func(p string) bool {
		return exec.Command("/usr/sbin/sshd", "-t", "-f", p, "-h", hostKey(t, dir)).Run() == nil
	}
	for text, want := range map[string]string{
		"Ciphers aes128-ctr,foo\n":                           `:1: Ciphers: Bad SSH2 cipher spec 'aes128-ctr,foo': unsupported cipher algorithm "foo"`,
		"KexAlgorithms +foo\n":                               `:1: KexAlgorithms: Bad SSH2 KexAlgorithms '+foo': unsupported kex algorithm "foo"`,
		"MACs foo\n":                                         `:1: MACs: Bad SSH2 mac spec 'foo': unsupported mac algorithm "foo"`,
		"HostKeyAlgorithms ssh-foo\n":                        `:1: HostKeyAlgorithms: Bad key types 'ssh-foo': unsupported key algorithm "ssh-foo"`,
		"Match User u\n  PubkeyAcceptedAlgorithms ssh-foo\n": `:2: PubkeyAcceptedAlgorithms: Bad key types 'ssh-foo': unsupported key algorithm "ssh-foo"`,
		"CASignatureAlgorithms foo\n":                        `:1: CASignatureAlgorithms: Bad key types 'foo': unsupported sig algorithm "foo"`,
		"MACs hmac-sha1-etm@openssh.com\n":                   `:1: MACs: Bad SSH2 mac spec 'hmac-sha1-etm@openssh.com': no mac algorithm sshbox has in "hmac-sha1-etm@openssh.com"`,
	} {
		p, _, err := load(text)
		if err == nil || err.Error() != p+want {
			t.Errorf("%q: got %v, want %s%s", text, err, p, want)
		}
		if text != "MACs hmac-sha1-etm@openssh.com\n" && openssh(p) {
			t.Errorf("%q: OpenSSH's sshd accepts it", text)
		}
	}
	for text, warning := range map[string]string{
		"MACs hmac-sha2-256-etm@openssh.com,hmac-sha1-etm@openssh.com\n":                           ":1: MACs: sshbox does not have hmac-sha1-etm@openssh.com; not offered",
		"KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,gss-group16-sha512-\n": ":1: KexAlgorithms: sshbox does not have sntrup761x25519-sha512@openssh.com, gss-group16-sha512-; not offered",
		"Ciphers -aes256-cbc\n": "",
	} {
		p, c, err := load(text)
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		if !openssh(p) {
			t.Errorf("%q: OpenSSH's sshd refuses it", text)
		}
		got := strings.Join(c.Warnings, "\n")
		if warning == "" && got != "" || warning != "" && got != p+warning {
			t.Errorf("%q: warnings %q, want %q", text, got, warning)
		}
	}
}
