package configfmt

import (
	"io"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzDecode: the record reader never panics, and whatever it accepts as
// VAR or VFC re-encodes to records it reads back the same.
func FuzzDecode(f *testing.F) {
	for _, fm := range []Format{StreamLF, StreamCR, Stream, VAR, VFC} {
		f.Add(Encode(sampleLines, fm))
	}
	f.Add([]byte{0xFF, 0xFF})
	f.Add([]byte{0xFF, 0x7F, 'a'})
	f.Add([]byte{3, 0, 'a', 'b', 'c', 0, 2, 0, 'd', 'e'})
	f.Add([]byte("Host *\n  Port 22\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, fm, err := Decode(data)
		if err != nil {
			return
		}
		if fm == VAR || fm == VFC {
			again, _, err := Decode(Encode(recs, fm))
			if err != nil {
				t.Fatalf("re-encoded %v does not decode: %v", fm, err)
			}
			if len(again) != len(recs) {
				t.Fatalf("re-encoded %v: %d records, want %d", fm, len(again), len(recs))
			}
		}
	})
}

var fuzzClientSeeds = []string{
	gConfigs["hosts"], gConfigs["match"], gConfigs["final"], gConfigs["misc"], gConfigs["jump"],
	"Include /nonexistent/*.conf\nHost *\n Port 1\n",
	"Include conf.d/*.conf\nHost inc\n Port 1\n",
	"Host \"quoted name\" !neg\n  User=x\n",
	"Match !all\nMatch exec \"true\"\n",
	"IdentityFile ~nosuchuser/x\n",
	"HostName %z\n",
	"CanonicalizeHostname yes\nCanonicalDomains a.test bb.test\nCanonicalizePermittedCNAMEs *.test:c.*\nMatch canonical host *.test\n Port 3\n",
	"Match sessiontype exec,subsystem !command \"\" version=sshbox_*\n Port 2\nMatch command=sftp tagged \"\"\n SessionType none\nMatch sessiontype none\n Port 3\n",
	"Match host=web* !originalhost=x,y final all\n User u\nMatch canonical\nMatch command *\nMatch !sessiontype shell,none\n",
	"Tag prod\nMatch tagged prod*\n AddKeysToAgent confirm 1h\n IPQoS af21 0x2c\n PermitRemoteOpen [::1]:22 *:443\n RemoteForward 8080\nHost *\n RevokedHostKeys ~/r%h\n StreamLocalBindMask 0077\n SessionType none\n CASignatureAlgorithms -ssh-rsa\n",
	"Host web*\n ChannelTimeout direct-tcpip=3 forwarded-*=1m30s global=90 session=0\nMatch all\n ChannelTimeout none\nHost *\n ChannelTimeout *=1h\n",
	"ChannelTimeout=session=5x =5 none\nChannelTimeout \"agent-connection=1\" x11-connection=2w\n",
}

var fuzzServerSeeds = []string{
	tConfigs["many"], tConfigs["match"], tConfigs["quotes"],
	"Match Address 10.0.0.0/33\n",
	"Subsystem sftp a\nSubsystem sftp b\n",
	"Match User a\n  Port 22\n",
	"Match all extra\n",
	"RequiredRSASize 1024\nUseDNS no\nAuthorizedKeysCommand none\nPermitUserEnvironment LANG,LC_*\n",
	"Match User x\n  ChannelTimeout session=1m\n",
	"ChrootDirectory /srv/%u\nPubkeyAuthOptions verify-required\n",
	"Include /etc/ssh/conf.d/*.conf\nMatch User a\n  Include conf.d/a.conf\n",
	"PerSourcePenalties crash:2m authfail:5 overflow:deny-all\nPerSourcePenalties no\nPerSourceNetBlockSize 24:64\nPerSourceMaxStartups 3\nPerSourcePenaltyExemptList 10.0.0.0/8,!10.0.0.1\n",
}

// memConfig is the in-memory file system the fuzz targets read from (see
// files): the file under test, and files an Include can find.
var memConfig = fstest.MapFS{
	"etc/ssh/conf.d/a.conf": {Data: []byte("Port 2022\nHost inc\n  User incuser\n")},
	"etc/ssh/conf.d/b.conf": {Data: Encode([]string{"Ciphers aes128-ctr"}, VAR)},
}

// memFiles makes the loaders read memConfig for the rest of the target,
// Match exec match the commands of even length without running them, and
// canonicalization find the names of even length without asking DNS.
func memFiles(f *testing.F) string {
	files = memConfig
	execShell = func(cmd string) (bool, error) { return len(cmd)%2 == 0, nil }
	host, cname := lookupHost, lookupCNAME
	lookupHost = func(n string) bool { return len(n)%2 == 0 }
	lookupCNAME = func(n string) string { return "c." + n }
	f.Cleanup(func() { files, execShell, lookupHost, lookupCNAME = nil, runInShell, host, cname })
	return "/etc/ssh"
}

// fuzzFile puts data where the loaders read it (memory, see memFiles).
func fuzzFile(t *testing.T, dir string, data []byte) string {
	memConfig["etc/ssh/cfg"] = &fstest.MapFile{Data: data}
	return dir + "/cfg"
}

func FuzzOpenSSHClient(f *testing.F) {
	for _, s := range fuzzClientSeeds {
		f.Add([]byte(s), "web1")
		f.Add([]byte(s), "web1 ls -l") // a command for Match command, sessiontype
		f.Add(Encode(strings.Split(s, "\n"), VAR), "x.example.com")
	}
	dir := memFiles(f)
	f.Fuzz(func(t *testing.T, data []byte, dest string) {
		p := fuzzFile(t, dir, data)
		host, command, _ := strings.Cut(dest, " ")
		o, err := LoadClientCommand([]string{p}, nil, host, "", command)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		if err := o.WriteG(io.Discard); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzOpenSSHServer(f *testing.F) {
	for _, s := range fuzzServerSeeds {
		f.Add([]byte(s))
		f.Add(Encode(strings.Split(s, "\n"), VFC))
	}
	dir := memFiles(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		p := fuzzFile(t, dir, data)
		c, err := LoadServer(p, nil)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		for _, m := range []MatchConn{{}, {User: "root", Host: "a.example.com", Addr: "10.1.2.3", LocalAddr: "127.0.0.1", LocalPort: 22}} {
			o, err := c.For(m)
			if err != nil {
				continue
			}
			if err := o.WriteT(io.Discard); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func FuzzSSH2(f *testing.F) {
	f.Add([]byte(strings.Join(sshd2Config, "\n")), true)
	f.Add([]byte(strings.Join(ssh2ClientConfig, "\n")), false)
	f.Add(Encode(sshd2Config, VAR), true)
	f.Add([]byte("*:\n\"a b\":\nPort \"1\n"), true)
	f.Add([]byte("MAtCh 0\n0:\nIgnoreUnknown x\n"), false)
	f.Add([]byte("subsystem-sftp a\nsubsystem-sftp b\nHostKeyFile k\n"), true)
	// The server's own restrictions, in both pattern syntaxes.
	f.Add([]byte("## SSH CONFIGURATION FILE FORMAT VERSION 1.1\n## REGEX-SYNTAX egrep\n*:\nIdleTimeout 10m\nMaxConnections 5\n"+
		"AllowHosts \"([[:digit:]]{1\\,3}\\.){3}[[:digit:]]{1\\,3}, alpha.*\"\nDenyHosts \\i10\\..*,\\m192.0.2.0/24\nRequireReverseMapping yes\n"), true)
	f.Add([]byte("*:\nAllowHosts *.example.com,host[0-9]?\nDenyHosts \\i10.0.0.?\nalpha*:\nIdleTimeout 1w\n"), true)
	f.Add([]byte("*:\nIdleTimeout 2s\nalpha*:\nIdleTimeout 0\n"), false)
	// How users log in.
	f.Add([]byte("*:\nAllowedAuthentications publickey,password\nRequiredAuthentications password,publickey,password\n"+
		"AuthPublicKey.MinSize 256\nAuthPublicKey.MaxSize 4096\nAuthKbdInt.Retries 2\nAuthKbdInt.Required password\nalpha*:\nRequiredAuthentications publickey\n"), true)
	dir := memFiles(f)
	f.Fuzz(func(t *testing.T, data []byte, server bool) {
		p := fuzzFile(t, dir, data)
		if server {
			c, err := LoadServer(p, nil)
			if err != nil {
				return
			}
			o, err := c.For(MatchConn{User: "u", Host: "alpha1", Addr: "10.0.0.1"})
			if err == nil {
				_ = o.WriteT(io.Discard)
				o.HostAllowed("10.0.0.1", "alpha1")
			}
			return
		}
		o, err := LoadClient([]string{p}, nil, "alpha1", "")
		if err == nil {
			_ = o.WriteG(io.Discard)
		}
	})
}
