package configfmt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A config using every token and ${VAR} where OpenSSH expands them: ssh -G
// prints the same as OpenSSH's (expanded where OpenSSH expands before -G,
// as written where it expands only when connecting).
const tokensConfig = `Host tok*
  HostName %h.example
  User bob
  Port 2022
  HostKeyAlias Alias-%%
  ControlPath ${C14_DIR}/cp-%C-%h-%p-%r-%n-%u-%L-%l-%i-%d-%k-%%
  IdentityAgent ${C14_DIR}/agent-%r
  IdentityFile ${C14_DIR}/id-%h
  IdentityFile ~/id-%r
  CertificateFile ${C14_DIR}/cert-%h
  UserKnownHostsFile ${C14_DIR}/kh-%h ~/kh-%n
  RemoteForward ${C14_DIR}/rr-%h-%r localhost:22
  RemoteForward 2022 ${C14_DIR}/target-%C
  KnownHostsCommand /bin/echo %H %I %t %f %K ${C14_DIR}
  LocalCommand echo %T %h ${C14_DIR}
  PermitLocalCommand yes
  ProxyCommand nc %h %p ${C14_DIR}
  RemoteCommand echo %h %C ${C14_DIR} %%
  ForwardAgent ${C14_DIR}/fa-%h
Host legacy
  IdentityAgent $C14_DIR
  ForwardAgent $C14_DIR
Host fa-off
  ForwardAgent no
  ForwardAgent ${C14_DIR}/second-%h
Host fa-off fa-yes
  ForwardAgent yes
  ForwardAgent /first/%h
Host exec*
  User carol
Match exec "test %h = exec1 && test %r = carol && test %p = 22 && test %n = exec1"
  Port 3001
Match exec "exit 1"
  Compression yes
Match originalhost nomatch exec "touch ${C14_DIR}/ran"
  Compression yes
`

func TestTokensMatchOpenSSH(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("C14_DIR", dir)
	file := writeFile(t, dir, "tokens.conf", tokensConfig)
	for _, h := range []string{"tok1", "legacy", "exec1", "exec2", "fa-off", "fa-yes"} {
		diffLines(t, h, opensshG(t, file, h), ourG(t, file, h, nil, ""))
	}
	// The exec after a failed criterion never ran, in either program.
	if _, err := os.Stat(filepath.Join(dir, "ran")); err == nil {
		t.Error("Match exec ran although an earlier criterion failed")
	}
}

// Errors as OpenSSH's: an unknown token or an unset ${VAR} where OpenSSH
// expands them is refused, naming the line; IdentityFile is expanded only
// when connecting, so -G still works and the error waits.
func TestTokenErrors(t *testing.T) {
	os.Unsetenv("C14_UNSET")
	bad := map[string]string{
		"ControlPath /x/${C14_UNSET}":            "env var ${C14_UNSET} has no value",
		"ControlPath /x/%Z":                      "unknown key %Z",
		"UserKnownHostsFile /a/%f":               "unknown key %f",
		"IdentityAgent ${C14_UNSET}":             "Invalid environment expansion",
		"ForwardAgent ${C14_UNSET}/s":            "Invalid environment expansion",
		"ForwardAgent $1abc":                     "Invalid environment name",
		"LocalForward /a/${C14_UNSET} /b":        "env var ${C14_UNSET} has no value",
		"RemoteCommand echo %Z":                  "unknown key %Z",
		"HostName %p":                            "unknown key %p",
		"ControlPath /x/${HOME":                  "missing closing '}'",
		"Match exec \"true %Z\"\n Port 1":        "unknown key %Z",
		"Match localnetwork 10.0.0.1/8\n Port 1": "invalid CIDR",
		"Match exec \"kill -KILL $$\"\n Port 1":  "exited abnormally",
	}
	dir := t.TempDir()
	for line, want := range bad {
		file := writeFile(t, dir, "c", "\n"+line+"\n")
		_, err := LoadClient([]string{file}, nil, "h", "")
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), file+":2") {
			t.Errorf("%q: error %v, want %q naming %s:2", line, err, want, file)
		}
	}
	file := writeFile(t, dir, "c", "IdentityFile ~/${C14_UNSET}\n")
	o, err := LoadClient([]string{file}, nil, "h", "")
	if err != nil {
		t.Fatal(err)
	}
	if o.IdentityErr == nil || !strings.Contains(o.IdentityErr.Error(), file+":1") {
		t.Errorf("IdentityErr = %v, want the unset variable named at %s:1", o.IdentityErr, file)
	}
}

func TestExpandOnePass(t *testing.T) {
	t.Setenv("C14_PCT", "%h")
	got, err := expand("${C14_PCT}-%h-%%-$HOME", map[byte]string{'h': "H"}, true)
	if err != nil || got != "%h-H-%-$HOME" {
		t.Errorf("expand = %q, %v; want a variable's value kept as is", got, err)
	}
	if got, _ := expand("${C14_PCT}%h", nil, true); got != "%h%h" {
		t.Errorf("dollar-only expand = %q", got)
	}
}

func TestMatchLocalNetwork(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "c", "Match localnetwork 127.0.0.0/8\n  Port 4001\nMatch localnetwork 203.0.113.0/24\n  User nobody-here\n")
	o, err := LoadClient([]string{file}, nil, "h", "")
	if err != nil {
		t.Fatal(err)
	}
	if o.Port != 4001 || o.User == "nobody-here" {
		t.Errorf("port %d user %q: want loopback matched and TEST-NET-1 not", o.Port, o.User)
	}
}

// -A or -a on the command line take the yes/no slot only; a path in the
// file still lands in its own slot, as in OpenSSH.
func TestForwardAgentFlagAndPath(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "c", "ForwardAgent /tmp/agent-%r\n")
	for flag, line := range map[string]string{"-A": "ForwardAgent yes", "-a": "ForwardAgent no"} {
		diffLines(t, flag, opensshG(t, file, "h", flag), ourG(t, file, "h", []string{line}, ""))
	}
}

// FuzzExpand: expansion never panics; text without % or ${ comes back as
// is, and the dollar-only form never loses a %.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{"%h-%%-${HOME}", "${", "${}", "%", "%Z", "${C14_FUZZ}%h", "$HOME", "%%%%", "a${HOME}b${HOME", "plain"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := expand(s, map[byte]string{'h': "H"}, true)
		if err == nil && !strings.Contains(s, "%") && !strings.Contains(s, "${") && out != s {
			t.Fatalf("expand(%q) = %q, want it unchanged", s, out)
		}
		if d, err := expand(s, nil, true); err == nil && strings.Count(d, "%") < strings.Count(s, "%") {
			t.Fatalf("dollar-only expand(%q) = %q lost a %%", s, d)
		}
	})
}

// The command keywords keep the rest of the line as written (quotes,
// blanks, '='), as OpenSSH's parse_command, so the shell that runs them
// sees what the user wrote.
func TestCommandKeywordsKeepTheLine(t *testing.T) {
	text := "LocalCommand echo \"a b\" x\\\"y 'c d'   \nKnownHostsCommand= /bin/kh \"%H x\"\nRemoteCommand echo \"a  b\"\nProxyCommand nc \"%h\"  %p\n"
	file := writeFile(t, t.TempDir(), "c", text)
	diffLines(t, "commands", opensshG(t, file, "h"), ourG(t, file, "h", nil, ""))
	o, err := LoadClient([]string{file}, nil, "h", "")
	if err != nil {
		t.Fatal(err)
	}
	if want := `echo "a b" x\"y 'c d'`; o.LocalCommand != want {
		t.Errorf("LocalCommand %q, want %q", o.LocalCommand, want)
	}
}
