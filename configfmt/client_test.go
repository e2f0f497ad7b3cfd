package configfmt

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// opensshG runs the real ssh -G on the same file.
func opensshG(t *testing.T, file, host string, args ...string) string {
	t.Helper()
	ssh, err := exec.LookPath("ssh")
	if err != nil {
		t.Fatalf("OpenSSH ssh is needed: %v", err)
	}
	cmd := exec.Command(ssh, append(append([]string{"-G", "-F", file}, args...), host)...)
	cmd.Stdin = nil
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ssh -G -F %s %s: %v", file, host, err)
	}
	return string(out)
}

func ourG(t *testing.T, file, host string, overrides []string, user string) string {
	t.Helper()
	o, err := LoadClient([]string{file}, overrides, host, user)
	if err != nil {
		t.Fatalf("LoadClient %s %s: %v", file, host, err)
	}
	var b bytes.Buffer
	if err := o.WriteG(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func diffLines(t *testing.T, what, want, got string) {
	t.Helper()
	if want == got {
		return
	}
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	bad := 0
	for i := 0; (i < len(wl) || i < len(gl)) && bad < 5; i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			t.Errorf("%s: line %d:\n openssh: %q\n  sshbox: %q", what, i+1, w, g)
			bad++
		}
	}
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var gConfigs = map[string]string{
	"empty": "",
	"hosts": `# first value wins, Host blocks, negation
Host web* !webtest
    User webuser
    Port 2201
Host webtest
    User tester
Host *.example.com db
    HostName %h.internal.EXAMPLE.net
    Port 2202
    IdentityFile ~/.ssh/id_%h_%r
    IdentityFile /keys/second
Host *
    Port 2222
    User everyone
    ServerAliveInterval 1m30s
    ConnectTimeout 10
    StrictHostKeyChecking accept-new
    Compression yes
    ForwardAgent yes
    LogLevel debug1
`,
	"match": `Match host *.example.com user alice
    Port 3001
Match originalhost short !user bob
    HostName short.example.com
Match host *.example.com
    User matched
Match all
    RequestTTY yes
    BatchMode yes
`,
	"final": `HostName %h.final.example
Host *.final.example
    User viafinal
Match final host *.final.example
    Port 4004
Match canonical
    Compression yes
`,
	"misc": `Host *
  Ciphers +aes128-cbc
  MACs -hmac-sha1*
  KexAlgorithms ^curve25519-sha256
  HostKeyAlgorithms ssh-ed25519,rsa-sha2-256
  PubkeyAcceptedAlgorithms +ssh-rsa
  LocalForward 8080 localhost:80
  LocalForward 127.0.0.1:8081 [::1]:81
  RemoteForward 9090 localhost:90
  DynamicForward 1080
  SendEnv LANG LC_*
  SendEnv -LC_*
  SetEnv X=1 "Y=2 3"
  UserKnownHostsFile ~/kh_%h /x/%u
  GlobalKnownHostsFile /etc/kh
  PreferredAuthentications publickey,password
  EscapeChar ^A
  ProxyCommand nc %h %p
  ProxyJump jump
  HostKeyAlias ALIAS
  AddressFamily inet
  BindAddress 127.0.0.1
  IdentityAgent ~/agent.sock
  RemoteCommand echo %h %%
  ForwardX11 yes
  ControlMaster auto
  ControlPath ~/.ssh/cm-%h-%p
  Tunnel point-to-point
  UpdateHostKeys ask
  VerifyHostKeyDNS yes
  CanonicalizeHostname no
  AddKeysToAgent yes
  GSSAPIAuthentication yes
  IgnoreUnknown Foo*
  FooBar whatever
  NumberOfPasswordPrompts 1
  ConnectionAttempts 4
  ServerAliveCountMax 9
  TCPKeepAlive no
  CheckHostIP yes
  HashKnownHosts yes
  IdentitiesOnly yes
  ClearAllForwardings yes
  ExitOnForwardFailure yes
  GatewayPorts yes
  KbdInteractiveAuthentication no
  PasswordAuthentication no
  PubkeyAuthentication no
`,
	"warned": `Host *
  ControlPersist 10m
  CanonicalDomains a.example b.example
  CanonicalizeMaxDots 2
  CanonicalizeFallbackLocal no
  LogVerbose kex.c:*:1000 sshconnect.c:*
  PermitRemoteOpen localhost:80 [::1]:22
  TunnelDevice 1:2
  StreamLocalBindMask 0077
  SyslogFacility local3
  IPQoS ef
  RekeyLimit 2G none
  ForwardX11Timeout 5m
  RequiredRSASize 2048
  FingerprintHash md5
  SessionType none
  XAuthLocation /opt/xauth
  KbdInteractiveDevices pam
  BindInterface eth0
  LocalCommand echo %h
  KnownHostsCommand /bin/kh %H
  RevokedHostKeys /etc/revoked
  SecurityKeyProvider /lib/sk.so
  PKCS11Provider /lib/p11.so
  CASignatureAlgorithms -ssh-ed25519
  HostbasedAcceptedAlgorithms ssh-ed25519
  VisualHostKey yes
  ForwardX11Trusted no
  EnableEscapeCommandline yes
  StdinNull yes
  ForkAfterAuthentication yes
  StreamLocalBindUnlink yes
  NoHostAuthenticationForLocalhost yes
  PermitLocalCommand yes
  ProxyUseFdpass yes
  EnableSSHKeysign yes
  HostbasedAuthentication yes
  AddKeysToAgent confirm
`,
	"jump": `Host *
  ProxyJump alice@10.0.0.1:2222,bob@192.168.1.1
  Port=2200
  User = "quoted user"
`,
	"include": `Include conf.d/*.conf
Host *
  Port 2299
`,
	"include-in-block": `Host inc* web*
  Include conf.d/*.conf
  ForwardAgent yes
Host *
  Port 2299
`,
}

func TestWriteGMatchesOpenSSH(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "conf.d/a.conf", "Host inc*\n  User fromA\n  Port 2001\n")
	writeFile(t, dir, "conf.d/b.conf", "Host *\n  User fromB\n")
	hosts := []string{"web1", "webtest", "db", "x.example.com", "short", "plain", "inc1", "Mixed.Case", "10.1.2.3"}
	for name, text := range gConfigs {
		file := writeFile(t, dir, name+".conf", strings.ReplaceAll(text, "conf.d/", dir+"/conf.d/"))
		for _, h := range hosts {
			diffLines(t, name+" "+h, opensshG(t, file, h), ourG(t, file, h, nil, ""))
		}
	}
}

func TestWriteGOverridesAndUser(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "c", gConfigs["hosts"])
	want := opensshG(t, file, "web1", "-o", "Port=1234", "-o", "User root2", "-l", "cmduser")
	got := ourG(t, file, "web1", []string{"Port=1234", "User root2"}, "cmduser")
	// -l wins over -o User in OpenSSH too? Compare as is.
	diffLines(t, "overrides", want, got)
}

// TestSyslogFacilityG: SyslogFacility (ssh -y's) is taken in any case and
// printed in capitals, as OpenSSH's ssh -G does; as in OpenSSH 9.2, the
// first one in the files counts whether its Host or Match block applies or
// not (readconf.c does not ask), and -o before them.
func TestSyslogFacilityG(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "c", "Host web*\n  SyslogFacility local5\nHost *\n  SyslogFacility daemon\n")
	matched := writeFile(t, dir, "m", "Match host web*\n  SyslogFacility local3\n  LogLevel DEBUG2\n")
	for _, h := range []string{"web1", "db"} {
		diffLines(t, "SyslogFacility "+h, opensshG(t, file, h), ourG(t, file, h, nil, ""))
		diffLines(t, "Match SyslogFacility "+h, opensshG(t, matched, h), ourG(t, matched, h, nil, ""))
	}
	diffLines(t, "-o SyslogFacility", opensshG(t, file, "web1", "-o", "SyslogFacility=Auth"), ourG(t, file, "web1", []string{"SyslogFacility=Auth"}, ""))
}

func TestDebianStockClientConfig(t *testing.T) {
	if _, err := os.Stat(SystemClientConfig); err != nil {
		t.Fatalf("Debian's %s is needed: %v", SystemClientConfig, err)
	}
	o, err := LoadClient([]string{SystemClientConfig}, nil, "example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := o.WriteG(&b); err != nil {
		t.Fatal(err)
	}
	diffLines(t, "stock ssh_config", opensshG(t, SystemClientConfig, "example.org"), b.String())
}

func TestClientErrors(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{
		"Port 22\nFooBar yes\n":               ":2: unknown keyword \"FooBar\"",
		"Port 0x10\n":                         ":1: Port: Bad port \"0x10\"",
		"Host *\n  Compression maybe\n":       ":2: Compression: unsupported option \"maybe\" (yes or no)",
		"User \"unterminated\n":               ":1: invalid quotes",
		"Port\n":                              ":1: no argument after keyword \"Port\"",
		"Match nosuch x\n":                    ":1: unsupported Match attribute \"nosuch\"",
		"Host nomatch\n  Port 99999\n":        ":2: Port: Bad port \"99999\"",
		"LocalForward 8080\n":                 ":1: LocalForward: missing target argument",
		"Include " + dir + "/loop\n":          "Include nested too deeply",
		"ConnectTimeout 10 20\n":              ":1: ConnectTimeout: garbage at end of line",
		"IgnoreUnknown Foo*\nFooX 1\nBar 2\n": ":3: unknown keyword \"Bar\"",
		"Host *\n ControlPath /tmp/%Z\n":      ":2: ControlPath: unknown key %Z",
		"HostName %q.x\n":                     ":1: HostName: unknown key %q",
		"SyslogFacility LOCAL8\n":             ":1: SyslogFacility: unsupported log facility \"LOCAL8\"",
		"Ciphers aes128-ctr,foo\n":            ":1: Ciphers: Bad SSH2 cipher spec 'aes128-ctr,foo': unsupported cipher algorithm \"foo\"",
		"Host *\n  MACs +foo\n":               ":2: MACs: Bad SSH2 mac spec '+foo': unsupported mac algorithm \"foo\"",
		"CASignatureAlgorithms foo\n":         ":1: CASignatureAlgorithms: Bad key types 'foo'",
		"ConnectionAttempts 0\n":              ":1: ConnectionAttempts: invalid number \"0\"",
	}
	writeFile(t, dir, "loop", "Include "+dir+"/loop\n")
	i := 0
	for text, want := range cases {
		i++
		p := writeFile(t, dir, "c"+strings.Repeat("x", i), text)
		// OpenSSH refuses the same files.
		if out, err := exec.Command("ssh", "-G", "-F", p, "h").CombinedOutput(); err == nil {
			t.Errorf("%q: OpenSSH's ssh -G accepts it:\n%s", text, out)
		}
		_, err := LoadClient([]string{p}, nil, "h", "")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", text, err, want)
		}
	}
}

// ssh -G does not expand IdentityFile, so OpenSSH notices an unknown
// ~user only when connecting; LoadClient keeps the error for then.
func TestIdentityFileErrorWaits(t *testing.T) {
	p := writeFile(t, t.TempDir(), "c", "Host *\n IdentityFile /a\n IdentityFile ~nosuchuser9/k\n")
	if out, err := exec.Command("ssh", "-G", "-F", p, "h").CombinedOutput(); err != nil {
		t.Fatalf("OpenSSH's ssh -G refuses it: %v\n%s", err, out)
	}
	o, err := LoadClient([]string{p}, nil, "h", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := ":3: IdentityFile: no such user \"nosuchuser9\""; o.IdentityErr == nil || !strings.Contains(o.IdentityErr.Error(), want) {
		t.Errorf("IdentityErr = %v, want %q", o.IdentityErr, want)
	}
}

func TestClientWarningsAndExpansion(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "c", "GSSAPIAuthentication yes\nHost *\n  GSSAPIAuthentication no\n  Protocol 2\n  IdentityFile ~/.ssh/id_%r@%h\n  ProxyCommand nc %h %p %%\n")
	o, err := LoadClient([]string{p}, nil, "Srv", "bob")
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Warnings) != 2 || !strings.Contains(o.Warnings[0], p+":1: GSSAPIAuthentication") || !strings.Contains(o.Warnings[1], "Deprecated option \"Protocol\"") {
		t.Errorf("warnings %q", o.Warnings)
	}
	home := currentLocal().home
	if len(o.IdentityFiles) != 1 || o.IdentityFiles[0] != home+"/.ssh/id_bob@srv" {
		t.Errorf("IdentityFiles %q", o.IdentityFiles)
	}
	if o.ProxyCommand != "nc srv 22 %" {
		t.Errorf("ProxyCommand %q", o.ProxyCommand)
	}
}

func TestClientOverrideErrorsNameTheOption(t *testing.T) {
	_, err := LoadClient(nil, []string{"Port=22", "Compression=maybe"}, "h", "")
	if err == nil || err.Error() != `command-line:2: Compression: unsupported option "maybe" (yes or no)` {
		t.Fatalf("error %v", err)
	}
}

// TestMatchTagged: Match tagged (OpenSSH 9.4) matches the Tag set so far,
// from -P (an override line) or an earlier line; with no tag, only the
// empty argument matches (OpenSSH 10: Match tagged "").
func TestMatchTagged(t *testing.T) {
	p := writeFile(t, t.TempDir(), "c", "Match tagged prod*\n  Port 2201\nMatch tagged !prod*,*\n  User notag\nHost *\n  Tag test\nMatch tagged test\n  Port 2203\n")
	for _, tc := range []struct {
		overrides []string
		port      int
	}{
		{[]string{"Tag production"}, 2201},
		{nil, 2203}, // Tag test, set by the file before the last Match
		{[]string{"Tag other"}, 22},
	} {
		o, err := LoadClient([]string{p}, tc.overrides, "h", "")
		if err != nil {
			t.Fatal(err)
		}
		if o.Port != tc.port || o.Tag == "" && tc.overrides != nil {
			t.Errorf("%q: port %d tag %q, want port %d", tc.overrides, o.Port, o.Tag, tc.port)
		}
	}
	o, err := LoadClient([]string{p}, []string{"Tag production"}, "h", "")
	if err != nil || o.User == "notag" {
		t.Errorf("Match tagged !prod*,* applied to tag production: user %q, %v", o.User, err)
	}
	if o, err := LoadClient([]string{p}, nil, "h", ""); err != nil || o.User == "notag" {
		t.Errorf("Match tagged !prod*,* applied with no tag: user %q, %v", o.User, err)
	}
}
