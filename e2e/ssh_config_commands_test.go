package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// The ssh_config keywords that run local commands or name an agent socket
// (LocalCommand, Match exec, KnownHostsCommand, ForwardAgent PATH), each
// tried with sshbox's ssh and OpenSSH's ssh on the same command line
// against OpenSSH's sshd.

// runClient runs prog without stdin.
func (e *sshEnv) runClient(prog string, extraEnv []string, args ...string) (stdout, stderr string, status int) {
	e.t.Helper()
	return e.runProg(prog, extraEnv, nil, args...)
}

// bothClients: sshbox's ssh and OpenSSH's, by name.
func bothClients(t *testing.T) map[string]string {
	return map[string]string{"sshbox": testenv.Bin(t, "ssh"), "openssh": testenv.NeedCmd(t, "ssh")}
}

// TestSSHLocalCommand: with PermitLocalCommand yes, LocalCommand runs on
// the local machine after the login, through the shell, with its tokens
// expanded exactly as OpenSSH's ssh expands them; by default it does not
// run at all.
func TestSSHLocalCommand(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	out := map[string]string{}
	for name, prog := range bothClients(t) {
		file := filepath.Join(e.home, name+".local")
		lc := "LocalCommand=echo %C %d %h %i %k %L %l %n %p %r %u %T %% $C14_SHELLVAR >" + file
		args := append(e.base(), "-o", "BatchMode=yes", "-o", lc)
		if _, stderr, status := e.runClient(prog, []string{"C14_SHELLVAR=fromshell"}, append(args, e.dest(), "true")...); status != 0 {
			t.Fatalf("%s: status %d\n%s", name, status, stderr)
		}
		if _, err := os.Stat(file); err == nil {
			t.Errorf("%s ran LocalCommand without PermitLocalCommand", name)
		}
		args = append(args, "-o", "PermitLocalCommand=yes")
		if _, stderr, status := e.runClient(prog, []string{"C14_SHELLVAR=fromshell"}, append(args, e.dest(), "true")...); status != 0 {
			t.Fatalf("%s: status %d\n%s", name, status, stderr)
		}
		out[name] = string(readFile(t, file))
	}
	if out["sshbox"] != out["openssh"] {
		t.Errorf("LocalCommand output:\n sshbox:  %q\n openssh: %q", out["sshbox"], out["openssh"])
	}
	if want := " 127.0.0.1 " + fmt.Sprint(e.port) + " " + e.user.Name + " "; !strings.Contains(out["sshbox"], want) || !strings.HasSuffix(out["sshbox"], " NONE % fromshell\n") {
		t.Errorf("LocalCommand output %q lacks %q or the %%T, %%%% and shell variable", out["sshbox"], want)
	}
}

// TestSSHMatchExec: a Match exec line runs its command with the tokens
// expanded and applies its block when the command exits 0; the two
// clients pick the same block.
func TestSSHMatchExec(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	flag := filepath.Join(e.home, "flag")
	cfg := filepath.Join(e.home, "config")
	text := fmt.Sprintf(`Match exec "test -e %s && test %%r = %s && test %%h = 127.0.0.1"
  Port %d
Match all
  Port 1
`, flag, e.user.Name, e.port)
	if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"-F", cfg, "-i", e.key, "-o", "UserKnownHostsFile=" + e.kh, "-o", "GlobalKnownHostsFile=/dev/null",
		"-o", "BatchMode=yes", "-o", "ConnectTimeout=20", e.dest(), "echo exec-ok"}
	for name, prog := range bothClients(t) {
		os.Remove(flag)
		if _, _, status := e.runClient(prog, nil, args...); status != 255 {
			t.Errorf("%s: without the flag file: status %d, want 255 (port 1)", name, status)
		}
		os.WriteFile(flag, nil, 0o644)
		if out, stderr, status := e.runClient(prog, nil, args...); status != 0 || out != "exec-ok\n" {
			t.Errorf("%s: with the flag file: status %d, out %q\n%s", name, status, out, stderr)
		}
	}
}

// TestSSHKnownHostsCommand: the host key comes from KnownHostsCommand's
// output (the known_hosts file is empty and checking strict); the command
// is run with the same arguments, in the same order, by both clients; a
// command that fails ends the connection.
func TestSSHKnownHostsCommand(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	dir := e.home
	script := filepath.Join(dir, "kh.sh")
	logs := map[string]string{}
	for name, prog := range bothClients(t) {
		log := filepath.Join(dir, name+".log")
		body := fmt.Sprintf("#!/bin/sh\necho \"$@\" >>%s\ncat %s\n", log, e.kh)
		if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
		args := []string{"-F", "/dev/null", "-i", e.key, "-o", "UserKnownHostsFile=/dev/null", "-o", "GlobalKnownHostsFile=/dev/null",
			"-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", "-p", fmt.Sprint(e.port),
			"-o", "KnownHostsCommand=" + script + " %H %I %t %f %K %h %r ${C14_KH}", e.dest(), "echo kh-ok"}
		out, stderr, status := e.runClient(prog, []string{"C14_KH=env-ok"}, args...)
		if status != 0 || out != "kh-ok\n" {
			t.Fatalf("%s: status %d, out %q\n%s", name, status, out, stderr)
		}
		logs[name] = string(readFile(t, log))
		// A failing command: no connection.
		os.WriteFile(script, []byte("#!/bin/sh\nexit 3\n"), 0o755)
		if _, stderr, status := e.runClient(prog, []string{"C14_KH=env-ok"}, args...); status != 255 {
			t.Errorf("%s: failing KnownHostsCommand: status %d\n%s", name, status, stderr)
		}
	}
	if logs["sshbox"] != logs["openssh"] {
		t.Errorf("KnownHostsCommand invocations:\n sshbox:\n%s openssh:\n%s", logs["sshbox"], logs["openssh"])
	}
	if !strings.Contains(logs["sshbox"], " HOSTNAME ssh-ed25519 SHA256:") || !strings.Contains(logs["sshbox"], " env-ok\n") {
		t.Errorf("invocations lack the HOSTNAME lookup with the key or the ${VAR}:\n%s", logs["sshbox"])
	}
}

// TestSSHForwardAgentPath: ForwardAgent names an agent socket (a path, or
// $VAR holding one) that is not SSH_AUTH_SOCK; the far side lists that
// agent's key.
func TestSSHForwardAgentPath(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	agentDir := t.TempDir()
	sock := startAgent(t, testenv.NeedCmd(t, "ssh-agent"), agentDir, nil, nil)
	agentKey := testenv.OpenSSHKey(t, t.TempDir(), "ecdsa")
	if _, stderr, status := agentRun(t, sock, testenv.NeedCmd(t, "ssh-add"), agentKey); status != 0 {
		t.Fatalf("ssh-add: %s", stderr)
	}
	fp := fingerprint(t, agentKey+".pub")
	// The user's usual agent (SSH_AUTH_SOCK) holds no key: ForwardAgent
	// must pass on the one it names instead.
	usual := startAgent(t, testenv.NeedCmd(t, "ssh-agent"), t.TempDir(), nil, nil)
	for _, opt := range []string{"ForwardAgent=" + sock, "ForwardAgent=$C14_AGENT", "ForwardAgent=${C14_AGENT}"} {
		for name, prog := range bothClients(t) {
			args := append(e.base(), "-o", "BatchMode=yes", "-o", opt, e.dest(), "ssh-add -l")
			out, stderr, status := e.runClient(prog, []string{"C14_AGENT=" + sock, "SSH_AUTH_SOCK=" + usual}, args...)
			if status != 0 || !strings.Contains(out, fp) {
				t.Errorf("%s %s: status %d, remote ssh-add -l %q, want %s\n%s", name, opt, status, out, fp, stderr)
			}
		}
	}
	// A socket that does not exist: reported, and fatal only with
	// ExitOnForwardFailure, as OpenSSH.
	missing := filepath.Join(agentDir, "missing.sock")
	args := append(e.base(), "-o", "BatchMode=yes", "-o", "ForwardAgent="+missing, e.dest(), "true")
	_, stderr, status := e.run(nil, args...)
	if status != 0 || !strings.Contains(stderr, `Cannot forward agent socket path "`+missing+`": No such file or directory`) {
		t.Errorf("missing socket: status %d\n%s", status, stderr)
	}
	_, _, status = e.run(nil, append([]string{"-o", "ExitOnForwardFailure=yes"}, args...)...)
	if status != 255 {
		t.Errorf("missing socket with ExitOnForwardFailure: status %d, want 255", status)
	}
}

// TestSSHEscapeLocalCommand: with PermitLocalCommand, the ~C command line
// takes !args, a local command, as OpenSSH's does (and its help says so);
// without it, !args is an invalid command.
func TestSSHEscapeLocalCommand(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	for _, permit := range []string{"yes", "no"} {
		tm := e.term(24, 80, append(e.base(), "-o", "EnableEscapeCommandline=yes", "-o", "PermitLocalCommand="+permit, e.dest())...)
		tm.Type("PS1='rdy''> '\r")
		at := tm.Expect(0, "rdy> ", 15*time.Second)
		tm.Type("\r~C")
		at = tm.Expect(at, "ssh> ", 5*time.Second)
		tm.Type("!echo local-$((6*7)) $C14_LOCAL_ONLY\r")
		if permit == "yes" {
			at = tm.Expect(at, "local-42", 5*time.Second)
			tm.Type("\r~C")
			at = tm.Expect(at, "ssh> ", 5*time.Second)
			tm.Type("?\r")
			at = tm.Expect(at, "!args                                  Execute local command", 5*time.Second)
		} else {
			at = tm.Expect(at, "Invalid command.", 5*time.Second)
		}
		tm.Type("exit 3\r")
		tm.Expect(at, "Connection to 127.0.0.1 closed.", 5*time.Second)
		if status := tm.Wait(10 * time.Second); status != 3 {
			t.Errorf("PermitLocalCommand=%s: status %d, want 3", permit, status)
		}
	}
}

// TestSSHForwardSocketPathTokens: a LocalForward socket path written with
// ${VAR} and % tokens is the expanded path, where ssh listens.
func TestSSHForwardSocketPathTokens(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	dir := sharedDir(t, 0o755, 0, 0)
	remote := filepath.Join(dir, "remote.sock")
	unixEcho(t, remote, "echo:", 0o777)
	localDir := t.TempDir()
	spec := "LocalForward=${C14_SOCKDIR}/l-%r-%p.sock " + remote
	p := testenv.StartEnv(t, []string{"C14_SOCKDIR=" + localDir}, testenv.Bin(t, "ssh"),
		append(e.base(), "-o", "BatchMode=yes", "-N", "-o", spec, e.dest())...)
	local := filepath.Join(localDir, fmt.Sprintf("l-%s-%d.sock", e.user.Name, e.port))
	waitFor(t, "the local socket "+local+" (ssh: "+p.Stderr.String()+")", func() bool { _, err := os.Stat(local); return err == nil })
	if got := roundTrip("unix", local); got != "echo:hello" {
		t.Errorf("through %s: %q; ssh stderr:\n%s", local, got, p.Stderr.String())
	}
}

// TestSSHEscapeCommandlineDisabled: as in OpenSSH 9.2, ~C opens no command
// line unless EnableEscapeCommandline is set; both clients say so.
func TestSSHEscapeCommandlineDisabled(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	for _, prog := range []string{testenv.Bin(t, "ssh"), testenv.NeedCmd(t, "ssh")} {
		tm := testenv.StartTerm(t, 24, 80, []string{"HOME=" + e.home, "TERM=xterm", "SSH_AUTH_SOCK="}, prog, append(e.base(), e.dest())...)
		tm.Type("PS1='rdy''> '\r")
		at := tm.Expect(0, "rdy> ", 15*time.Second)
		tm.Type("\r~C")
		at = tm.Expect(at, "commandline disabled", 5*time.Second)
		tm.Type("exit 4\r")
		tm.Expect(at, "closed.", 5*time.Second)
		if status := tm.Wait(10 * time.Second); status != 4 {
			t.Errorf("%s: status %d, want 4; terminal:\n%s", prog, status, tm.Output())
		}
	}
}
