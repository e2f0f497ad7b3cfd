package configfmt

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

var sshd2Config = []string{
	"# SSHD2_CONFIG as an OpenVMS installation keeps it",
	"Port 2222",
	"PasswordGuesses 5",
	"PermitRootLogin nopwd",
	"AllowedAuthentications publickey,password",
	"HostKeyFile /etc/ssh2/hostkey",
	"PublicHostKeyFile /etc/ssh2/hostkey.pub",
	"LoginGraceTime 60",
	"PrintMotd no",
	"subsystem-sftp internal-sftp",
	"Ciphers AnyStdCipher",
	"ListenAddress 0.0.0.0",
	"Port 2022",
	"KeepAlive kylla",
	"AllowUsers alice,bob",
	"NoDelay yes",
	"ResolveClientHostName yes",
	"",
	"*:",
	"  PasswordGuesses 4",
	"alpha*:",
	"  PermitRootLogin no",
	"  AllowedAuthentications publickey",
	"  BannerMessageFile \"SYS$MANAGER:BANNER.TXT\"",
	"10.0.0.*:",
	"  PasswordGuesses 2",
	"  AllowUsers carol",
}

var ssh2ClientConfig = []string{
	"StrictHostKeyChecking ask",
	"QuietMode no",
	"*:",
	"  Port 22",
	"  User default",
	"  Compression yes",
	"alpha*:",
	"  Host alpha.example.com",
	"  User alice",
	"  Port 2200",
	"  LocalForward \"110:mail:110\"",
	"  LocalForward \"127.0.0.1:2525:mail:25\"",
	"  AllowedAuthentications publickey,keyboard-interactive",
	"  StrictHostKeyChecking yes",
	"  ForwardAgent kylla",
	"  Compression no",
	"  IdentityFile ~/.ssh2/id_alpha",
	"  GoBackground yes",
	"  DontReadStdin no",
	"  ForcePTTYAllocation yes",
	"  PasswordPrompt \"%U@%H's password: \"",
}

func writeRecords(t *testing.T, dir, name string, recs []string, f Format) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, Encode(recs, f), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSSHD2Config(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []Format{StreamLF, VAR, VFC} {
		p := writeRecords(t, dir, "SSHD2_CONFIG."+f.String(), sshd2Config, f)
		c, err := LoadServer(p, nil)
		if err != nil {
			t.Fatalf("%v: %v", f, err)
		}
		g, err := c.For(MatchConn{})
		if err != nil {
			t.Fatal(err)
		}
		check := func(what string, got, want any) {
			t.Helper()
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%v %s: %v, want %v", f, what, got, want)
			}
		}
		check("Port (last wins)", g.Port, []int{2022})
		check("MaxAuthTries (*: heading, last wins)", g.MaxAuthTries, 4)
		check("PermitRootLogin nopwd", g.PermitRootLogin, "prohibit-password")
		check("PubkeyAuthentication", g.PubkeyAuthentication, true)
		check("PasswordAuthentication", g.PasswordAuthentication, true)
		check("KbdInteractiveAuthentication", g.KbdInteractiveAuthentication, false)
		check("HostKeys", g.HostKeys, []string{"/etc/ssh2/hostkey"})
		check("LoginGraceTime", g.LoginGraceTime, 60*time.Second)
		check("PrintMotd", g.PrintMotd, false)
		check("Subsystems", g.Subsystems, map[string]string{"sftp": "internal-sftp"})
		check("Ciphers", g.Ciphers, "")
		check("ListenAddress", g.ListenAddress, []string{"0.0.0.0"})
		check("TCPKeepAlive", g.TCPKeepAlive, true)
		check("AllowUsers", g.AllowUsers, []string{"alice", "bob"})
		check("Banner", g.Banner, "none")
		check("UseDNS (ResolveClientHostName)", g.UseDNS, true)

		a, err := c.For(MatchConn{User: "u", Host: "alpha7.example.com", Addr: "192.0.2.1"})
		if err != nil {
			t.Fatal(err)
		}
		check("alpha PermitRootLogin", a.PermitRootLogin, "no")
		check("alpha PasswordAuthentication", a.PasswordAuthentication, false)
		check("alpha Banner", a.Banner, "SYS$MANAGER:BANNER.TXT")
		check("alpha MaxAuthTries", a.MaxAuthTries, 4)

		n, err := c.For(MatchConn{User: "u", Host: "beta", Addr: "10.0.0.9"})
		if err != nil {
			t.Fatal(err)
		}
		check("10.0.0.* MaxAuthTries", n.MaxAuthTries, 2)
		check("10.0.0.* AllowUsers", n.AllowUsers, []string{"carol"})
		check("10.0.0.* PermitRootLogin", n.PermitRootLogin, "prohibit-password")

		if len(c.Warnings) != 1 || !strings.Contains(c.Warnings[0], ":16: NoDelay is accepted but not acted on") {
			t.Errorf("warnings %q", c.Warnings)
		}
		var b bytes.Buffer
		if err := g.WriteT(&b); err != nil {
			t.Fatal(err)
		}
		for _, line := range []string{"port 2022\n", "maxauthtries 4\n", "permitrootlogin without-password\n", "subsystem sftp internal-sftp\n", "listenaddress 0.0.0.0:2022\n"} {
			if !strings.Contains(b.String(), line) {
				t.Errorf("%v: sshd -T lacks %q", f, line)
			}
		}
	}
}

func TestSSH2Config(t *testing.T) {
	dir := t.TempDir()
	home := currentLocal().home
	for _, f := range []Format{StreamCR, VAR} {
		p := writeRecords(t, dir, "SSH2_CONFIG."+f.String(), ssh2ClientConfig, f)
		a, err := LoadClient([]string{p}, nil, "alpha1", "")
		if err != nil {
			t.Fatalf("%v: %v", f, err)
		}
		check := func(what string, got, want any) {
			t.Helper()
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%v %s: %v, want %v", f, what, got, want)
			}
		}
		check("HostName", a.HostName, "alpha.example.com")
		check("User (last wins)", a.User, "alice")
		check("Port", a.Port, 2200)
		check("LocalForward", a.LocalForward, []string{"110 mail:110", "127.0.0.1:2525 mail:25"})
		check("PreferredAuthentications", a.PreferredAuthentications, []string{"publickey", "keyboard-interactive"})
		check("PasswordAuthentication", a.PasswordAuthentication, false)
		check("StrictHostKeyChecking", a.StrictHostKeyChecking, "yes")
		check("ForwardAgent", a.ForwardAgent, true)
		check("Compression", a.Compression, false)
		check("IdentityFiles", a.IdentityFiles, []string{home + "/.ssh2/id_alpha"})
		check("ForkAfterAuthentication (GoBackground)", a.ForkAfterAuthentication, true)
		check("StdinNull (DontReadStdin)", a.StdinNull, false)
		check("RequestTTY (ForcePTTYAllocation)", a.RequestTTY, "yes")
		if len(a.Warnings) != 1 || !strings.Contains(a.Warnings[0], "PasswordPrompt") {
			t.Errorf("warnings %q", a.Warnings)
		}

		b, err := LoadClient([]string{p}, []string{"Port=2999"}, "beta", "")
		if err != nil {
			t.Fatal(err)
		}
		check("beta HostName", b.HostName, "beta")
		check("beta User", b.User, "default")
		check("beta Port (-o wins)", b.Port, 2999)
		check("beta Compression", b.Compression, true)
		check("beta StrictHostKeyChecking", b.StrictHostKeyChecking, "ask")
		check("beta LocalForward", len(b.LocalForward), 0)
		check("beta ForkAfterAuthentication", b.ForkAfterAuthentication, false)
		check("beta RequestTTY", b.RequestTTY, "auto")

		c, err := LoadClient([]string{p}, nil, "alpha1", "cmdline")
		if err != nil {
			t.Fatal(err)
		}
		check("-l wins", c.User, "cmdline")
	}
}

func TestSSH2Errors(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{
		"*:\nLocalForward 110:host:110\n":            ":2: value \"110:host:110\" of LocalForward contains ':' and must be quoted",
		"*:\nPort 22\nNoSuchKeyword 1\n":             ":3: unknown keyword \"NoSuchKeyword\"",
		"alpha*:\nPasswordGuesses lots\n":            ":2: PasswordGuesses: invalid number",
		"*:\nAllowedAuthentications publickey,foo\n": ":2: AllowedAuthentications: unknown authentication method",
		"*:\nBannerMessageFile \"unterminated\n":     ":2: invalid quotes",
	}
	i := 0
	for text, want := range cases {
		i++
		p := filepath.Join(dir, "SSHD2_CONFIG"+strings.Repeat("x", i))
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadServer(p, nil)
		if err == nil || !strings.Contains(err.Error(), p+want) {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
}

// An ssh2 file and the OpenSSH file that says the same give the same
// sshd -T and ssh -G output, OpenSSH's own for the latter.
func TestSSH2EquivalentToOpenSSH(t *testing.T) {
	dir := t.TempDir()
	key := hostKey(t, dir)
	s2 := writeRecords(t, dir, "SSHD2_CONFIG", []string{
		"Port 2200", "PasswordGuesses 3", "PermitRootLogin nopwd", "AllowedAuthentications publickey",
		"LoginGraceTime 30", "PrintMotd no", "subsystem-sftp internal-sftp", "ListenAddress 127.0.0.1",
		"*:", "PasswordGuesses 5", "Port 2201", "beta*:", "PermitRootLogin yes",
	}, VAR)
	eq := writeFile(t, dir, "sshd_config", "Port 2201\nMaxAuthTries 5\nPermitRootLogin prohibit-password\n"+
		"PubkeyAuthentication yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"+
		"LoginGraceTime 30\nPrintMotd no\nSubsystem sftp internal-sftp\nListenAddress 127.0.0.1\n")
	diffLines(t, "SSHD2_CONFIG vs sshd_config", opensshT(t, eq, key, ""), ourT(t, s2, key, MatchConn{}))

	c2 := writeRecords(t, dir, "SSH2_CONFIG", []string{
		"StrictHostKeyChecking no", "Compression yes",
		"alpha*:", "Host alpha.example.com", "User alice", "Port 2200", "LocalForward \"8110:mail:110\"",
		"AllowedAuthentications publickey,password", "ForwardAgent yes", "Compression no",
		"ForwardX11 yes", "TrustX11Applications no",
	}, VFC)
	ceq := writeFile(t, dir, "ssh_config", "StrictHostKeyChecking no\nHost alpha*\n  HostName alpha.example.com\n  User alice\n"+
		"  Port 2200\n  LocalForward 8110 mail:110\n  PubkeyAuthentication yes\n  PasswordAuthentication yes\n"+
		"  KbdInteractiveAuthentication no\n  PreferredAuthentications publickey,password\n  ForwardAgent yes\n"+
		"  Compression no\n  ForwardX11 yes\n  ForwardX11Trusted no\nHost *\n  Compression yes\n")
	for _, h := range []string{"alpha1", "other"} {
		diffLines(t, "SSH2_CONFIG vs ssh_config "+h, opensshG(t, ceq, h), ourG(t, c2, h, nil, ""))
	}
}

// Host, Match, Include and IgnoreUnknown have no place in an ssh2 file
// (found by FuzzOpenSSHServer: "MAtCh 0\n0:" used to panic).
func TestSSH2StructuralKeywords(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "SSH2_CONFIG")
	for text, want := range map[string]string{
		"MAtCh 0\n0:\n":           ":1: MAtCh: Match is not allowed here",
		"Include x\n*:\n":         ":1: Include: Include is not allowed here",
		"*:\nIgnoreUnknown x\n":   ":2: IgnoreUnknown is not allowed here",
		"*:\nMatch all\n":         ":2: Match is not allowed in an ssh2 file",
		"*:\nHost h\nInclude x\n": ":3: Include is not allowed in an ssh2 file",
	} {
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		var err error
		if strings.Contains(text, "IgnoreUnknown") || strings.Contains(text, "Host") || strings.HasPrefix(text, "*:\nMatch") {
			_, err = LoadClient([]string{p}, nil, "h", "")
		} else {
			_, err = LoadServer(p, nil)
		}
		if err == nil || !strings.Contains(err.Error(), p+want) {
			t.Errorf("%q: %v, want %q", text, err, want)
		}
	}
}

// TestSSH2EgrepHeadings: in a file whose patterns are egrep (OpenVMS's
// templates), headings are egrep too: ".*:" applies everywhere,
// "alpha.*:" to alpha1, on the server to a name or an address; "*:"
// keeps meaning every host; a heading Go would read differently is an
// error with file:line.
func TestSSH2EgrepHeadings(t *testing.T) {
	dir := t.TempDir()
	meta := "## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX egrep\n## end of metaconfig\n"
	srv := writeFile(t, dir, "SSHD2_CONFIG", meta+".*:\n  PasswordGuesses 4\nalpha.*:\n  PasswordGuesses 3\n"+
		"10\\.0\\..*:\n  PasswordGuesses 2\n*:\n  PrintMotd no\n")
	c, err := LoadServer(srv, nil)
	if err != nil {
		t.Fatal(err)
	}
	for m, want := range map[MatchConn]int{
		{}: 4,
		{User: "u", Host: "beta", Addr: "192.0.2.1"}:     4,
		{User: "u", Host: "alpha7", Addr: "192.0.2.1"}:   3,
		{User: "u", Host: "alph", Addr: "192.0.2.1"}:     4,
		{User: "u", Host: "10.0.0.9", Addr: "10.0.0.9"}:  2,
		{User: "u", Host: "10x0x0x9", Addr: "192.0.2.1"}: 4,
	} {
		o, err := c.For(m)
		if err != nil {
			t.Fatal(err)
		}
		if o.MaxAuthTries != want || o.PrintMotd {
			t.Errorf("%+v: MaxAuthTries %d PrintMotd %v, want %d and no", m, o.MaxAuthTries, o.PrintMotd, want)
		}
	}
	cli := writeFile(t, dir, "SSH2_CONFIG", meta+".*:\n  User everyone\nalpha.*:\n  User alice\n")
	for host, want := range map[string]string{"alpha1": "alice", "beta": "everyone"} {
		o, err := LoadClient([]string{cli}, nil, host, "")
		if err != nil {
			t.Fatal(err)
		}
		if o.User != want {
			t.Errorf("client %s: User %q, want %q", host, o.User, want)
		}
	}
	bad := writeFile(t, dir, "bad", meta+"\\balpha:\n  Port 22\n")
	if _, err := LoadServer(bad, nil); err == nil || !strings.Contains(err.Error(), bad+`:4: heading "\\balpha": pattern "\\balpha": the escape \b is not supported by sshbox`) {
		t.Errorf("a heading with \\b: %v", err)
	}
}

// TestSSH2HPClientKeywords: the client keywords HP TCP/IP Services for
// OpenVMS adds (prompt counts) load with a warning each, in a VAR file as
// the OpenVMS system writes it.
func TestSSH2HPClientKeywords(t *testing.T) {
	p := writeRecords(t, t.TempDir(), "SSH2_CONFIG.", []string{
		"*:",
		"  NumberOfPasswordVerificationPrompts 3",
		"  PubkeyPassphraseGuesses 2",
		"  NumberOfHostkeyCopyPrompts 3",
		"  Port 2022",
	}, VAR)
	c, err := LoadClient([]string{p}, nil, "vms1", "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 2022 || len(c.Warnings) != 3 {
		t.Fatalf("port %d, warnings %q", c.Port, c.Warnings)
	}
	for i, kw := range []string{"NumberOfPasswordVerificationPrompts", "PubkeyPassphraseGuesses", "NumberOfHostkeyCopyPrompts"} {
		if !strings.Contains(c.Warnings[i], p+":"+strconv.Itoa(i+2)+": "+kw+" is accepted but not acted on") {
			t.Errorf("warning %q", c.Warnings[i])
		}
	}
}
