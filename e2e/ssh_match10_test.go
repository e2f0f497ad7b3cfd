package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sshbox/internal/testenv"
)

// match10Config picks a User by OpenSSH 10's Match sessiontype and
// command, a Port by Match version and a ConnectTimeout by Match tagged.
const match10Config = `Match sessiontype exec command "echo *"
  User u-echo
Match sessiontype exec
  User u-exec
Match sessiontype subsystem command=sftp
  User u-sftp
Match sessiontype none !command=?*
  User u-none
Match sessiontype shell command ""
  User u-shell
Match version OpenSSH_*
  Port 2999
Match version sshbox_*
  Port 2345
Match tagged ""
  ConnectTimeout 7
`

// TestSSHGMatchOpenSSH10: ssh -G evaluates Match sessiontype, command,
// version and tagged with what the command line asks for (-N, -s, -W,
// SessionType, the command), as OpenSSH 10 does. OpenSSH 9.2, installed
// here, refuses these criteria, so the expected values are OpenSSH 10's
// (readconf.c); sshbox's version string is sshbox_<version>.
func TestSSHGMatchOpenSSH10(t *testing.T) {
	e := &sshEnv{t: t, home: t.TempDir()}
	cfg := filepath.Join(e.home, "config")
	os.WriteFile(cfg, []byte(match10Config), 0o600)
	if _, stderr, status := e.runProg("/usr/bin/ssh", nil, nil, "-G", "-F", cfg, "h"); status == 0 {
		t.Logf("OpenSSH's ssh accepts the file; its version knows Match sessiontype")
	} else if !strings.Contains(stderr, "Unsupported Match attribute sessiontype") {
		t.Logf("OpenSSH's ssh: %s", stderr)
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"h"}, []string{"user u-shell", "sessiontype default", "port 2345", "connecttimeout 7"}},
		{[]string{"h", "echo", "hi"}, []string{"user u-echo"}},
		{[]string{"h", "uptime"}, []string{"user u-exec"}},
		{[]string{"-s", "h", "sftp"}, []string{"user u-sftp", "sessiontype subsystem"}},
		{[]string{"-N", "h"}, []string{"user u-none", "sessiontype none"}},
		{[]string{"-W", "localhost:22", "h"}, []string{"user u-none"}},
		{[]string{"-o", "SessionType=none", "h"}, []string{"user u-none"}},
		// RemoteCommand is not known when the files are read: a shell.
		{[]string{"-o", "RemoteCommand=uptime", "h"}, []string{"user u-shell", "remotecommand uptime"}},
		// -P sets a tag: Match tagged "" no longer holds.
		{[]string{"-P", "prod", "h"}, []string{"connecttimeout none"}},
		// -l beats every block.
		{[]string{"-l", "me", "-N", "h"}, []string{"user me"}},
	} {
		stdout, stderr, status := e.run(nil, append([]string{"-G", "-F", cfg}, tc.args...)...)
		if status != 0 {
			t.Errorf("%q: status %d, stderr:\n%s", tc.args, status, stderr)
			continue
		}
		lines := "\n" + stdout
		for _, want := range tc.want {
			if !strings.Contains(lines, "\n"+want+"\n") {
				t.Errorf("%q: -G lacks %q:\n%s", tc.args, want, stdout)
			}
		}
	}
}

// TestSSHGMatchErrors: a Match criterion without its argument ends ssh -G
// with the file and line, as for every other bad line.
func TestSSHGMatchErrors(t *testing.T) {
	e := &sshEnv{t: t, home: t.TempDir()}
	for i, text := range []string{"Host *\n  Port 2\nMatch sessiontype\n", "Port 2\n\nMatch host x command\n", "Match version \"\"\n  Port 2\n  #\n"} {
		cfg := filepath.Join(e.home, fmt.Sprint("config", i))
		os.WriteFile(cfg, []byte(text), 0o600)
		line := strings.Count(text[:strings.Index(text, "Match")], "\n") + 1
		_, stderr, status := e.run(nil, "-G", "-F", cfg, "h", "ls")
		if want := fmt.Sprintf("%s:%d: Match keyword", cfg, line); status != 255 || !strings.Contains(stderr, want) {
			t.Errorf("%q: status %d, stderr %q; want 255 and %q", text, status, stderr, want)
		}
	}
}

// TestSSHMatchSessionTypeConnection: against OpenSSH's sshd, the Match
// sessiontype and command blocks decide what the remote command or shell
// sees (SetEnv); sftp's connection is a subsystem session named sftp, and
// a ProxyJump hop one of type none with no command.
func TestSSHMatchSessionTypeConnection(t *testing.T) {
	target := testenv.StartOpenSSHD(t, "AcceptEnv SBX_*")
	jump := testenv.StartOpenSSHD(t, "")
	e := newEnv(t, target.Port, target.HostKey+".pub")
	jpub := strings.Fields(string(readFile(t, jump.HostKey+".pub")))
	kh := string(readFile(t, e.kh)) + fmt.Sprintf("[127.0.0.1]:%d %s %s\n", jump.Port, jpub[0], jpub[1])
	os.WriteFile(e.kh, []byte(kh), 0o600)
	cfg := filepath.Join(e.home, "config")
	// Only the blocks name the real ports; elsewhere port 1, where
	// nothing listens.
	os.WriteFile(cfg, []byte(fmt.Sprintf(`Match originalhost hop sessiontype none command ""
  Port %d
Match originalhost target sessiontype subsystem command sftp
  Port %d
Match originalhost target sessiontype exec,shell !command sftp
  Port %d
Match sessiontype exec command "printenv *"
  SetEnv SBX_MATCH=exec-printenv
Match sessiontype exec
  SetEnv SBX_MATCH=exec-other
Match sessiontype shell
  SetEnv SBX_MATCH=shell
Host *
  HostName 127.0.0.1
  Port 1
  User %s
  IdentityFile %s
  UserKnownHostsFile %s
  GlobalKnownHostsFile /dev/null
  BatchMode yes
`, jump.Port, target.Port, target.Port, e.user.Name, e.key, e.kh)), 0o600)

	for _, tc := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"target", "printenv", "SBX_MATCH"}, "", "exec-printenv\n"},
		{[]string{"target", "echo", "${SBX_MATCH-unset}"}, "", "exec-other\n"},
		// No command: a shell, reading its commands from stdin.
		{[]string{"target"}, "echo ${SBX_MATCH-unset}\n", "shell\n"},
		// Through the hop, whose port only its sessiontype none block
		// gives.
		{[]string{"-J", "hop", "target", "printenv", "SBX_MATCH"}, "", "exec-printenv\n"},
	} {
		stdout, stderr, status := e.run(strings.NewReader(tc.stdin), append([]string{"-F", cfg}, tc.args...)...)
		if status != 0 || stdout != tc.want {
			t.Errorf("%q: status %d, stdout %q, want %q; stderr:\n%s", tc.args, status, stdout, tc.want, stderr)
		}
	}

	// sftp asks for the sftp subsystem, which its own block matches,
	// directly and through the hop.
	b := filepath.Join(t.TempDir(), "batch")
	os.WriteFile(b, []byte("pwd\n"), 0o644)
	for _, extra := range [][]string{nil, {"-J", "hop"}} {
		r := e.tool("sftp", "", append(append([]string{"-F", cfg, "-b", b}, extra...), "target")...)
		if r.RC != 0 || !strings.Contains(r.Out, "Remote working directory: ") {
			t.Errorf("sftp %q: status %d, stdout %q, stderr:\n%s", extra, r.RC, r.Out, r.Err)
		}
	}
}

// TestSSHMuxMatchPerPassenger: with connection sharing, each ssh reads the
// files for its own command line, as OpenSSH's mux clients do: the master
// (started for "true") and a passenger asking for printenv send the
// SetEnv of their own Match blocks over the one connection.
func TestSSHMuxMatchPerPassenger(t *testing.T) {
	srv := testenv.StartSshbox(t, "LogLevel VERBOSE\nAcceptEnv SBX_*")
	e := &muxEnv{sshEnv: newEnv(t, srv.Port, srv.HostKey+".pub"), srv: srv}
	dir, err := os.MkdirTemp("", "mux")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	e.path = filepath.Join(dir, "cm")
	cfg := filepath.Join(e.home, "config")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`Match sessiontype exec command "printenv *"
  SetEnv SBX_M=printenv
Match sessiontype exec
  SetEnv SBX_M=other
Host *
  ControlMaster auto
  ControlPersist 60s
  ControlPath %s
`, e.path)), 0o600)
	opts := append(append([]string{"-F", cfg}, e.base()[2:]...), "-o", "BatchMode=yes")
	with := func(more ...string) []string { return append(append([]string{}, opts...), more...) }
	t.Cleanup(func() { e.run(nil, with("-O", "exit", e.dest())...) })
	for _, tc := range []struct{ command, want string }{
		{"echo ${SBX_M-unset}", "other\n"}, // starts the master
		{"printenv SBX_M", "printenv\n"},
		{"echo ${SBX_M-unset}", "other\n"},
	} {
		stdout, stderr, status := e.run(nil, with(e.dest(), tc.command)...)
		if status != 0 || stdout != tc.want {
			t.Errorf("%q: status %d, stdout %q, want %q; stderr:\n%s", tc.command, status, stdout, tc.want, stderr)
		}
	}
	if n := e.connections(); n != 1 {
		t.Errorf("%d TCP connections, want 1 shared", n)
	}
}
