package e2e

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// muxEnv is a user on sshbox's sshd, whose log counts the TCP connections.
type muxEnv struct {
	*sshEnv
	srv  *testenv.Sshbox
	path string // ControlPath
}

func newMuxEnv(t *testing.T) *muxEnv {
	t.Helper()
	srv := testenv.StartSshbox(t, "LogLevel VERBOSE")
	e := &muxEnv{sshEnv: newEnv(t, srv.Port, srv.HostKey+".pub"), srv: srv}
	// Short: sun_path holds 108 bytes.
	dir, err := os.MkdirTemp("", "mux")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	e.path = filepath.Join(dir, "cm")
	t.Cleanup(func() {
		// Whatever the test did, no master outlives it.
		e.run(nil, append(e.base(), "-S", e.path, "-O", "exit", e.dest())...)
	})
	return e
}

// shared are the options Ansible passes on every call.
func (e *muxEnv) shared() []string {
	return append(e.base(), "-o", "BatchMode=yes", "-o", "ControlMaster=auto",
		"-o", "ControlPersist=60s", "-o", "ControlPath="+e.path)
}

// startMaster starts the ControlPersist master with a first command.
func (e *muxEnv) startMaster() {
	e.t.Helper()
	if _, stderr, status := e.run(nil, append(e.shared(), e.dest(), "true")...); status != 0 {
		e.t.Fatalf("starting the master: status %d, stderr %q", status, stderr)
	}
}

func (e *muxEnv) connections() int {
	return strings.Count(e.srv.Proc.Stderr.String(), "Connection from ")
}

func TestSSHMuxSharesConnection(t *testing.T) {
	e := newMuxEnv(t)
	for i := 1; i <= 3; i++ {
		stdout, stderr, status := e.run(nil, append(e.shared(), e.dest(), fmt.Sprintf("echo out%d; echo err%d >&2; exit %d", i, i, 40+i))...)
		if stdout != fmt.Sprintf("out%d\n", i) || stderr != fmt.Sprintf("err%d\n", i) || status != 40+i {
			t.Fatalf("run %d: stdout %q, stderr %q, status %d", i, stdout, stderr, status)
		}
	}
	if n := e.connections(); n != 1 {
		t.Errorf("%d TCP connections for 3 commands, want 1; sshd log:\n%s", n, e.srv.Proc.Stderr.String())
	}
	if fi, err := os.Stat(e.path); err != nil || fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("control socket: %v, %v; want a 0600 socket", fi, err)
	}

	// Standard input reaches the command, byte for byte.
	data := make([]byte, 8<<20)
	rand.Read(data)
	stdout, stderr, status := e.run(bytes.NewReader(data), append(e.shared(), e.dest(), "cat")...)
	if status != 0 || sha256.Sum256([]byte(stdout)) != sha256.Sum256(data) {
		t.Errorf("cat through the master: status %d, %d bytes back, stderr %q", status, len(stdout), stderr)
	}
	if n := e.connections(); n != 1 {
		t.Errorf("%d TCP connections, want 1", n)
	}
}

var masterRunning = regexp.MustCompile(`^Master running \(pid=([0-9]+)\)\r\n$`)

// ctl runs -O cmd with sshbox's ssh, or OpenSSH's when openssh is set.
func (e *muxEnv) ctl(openssh bool, args ...string) (string, int) {
	e.t.Helper()
	args = append(append(e.base(), args...), e.dest())
	var stderr string
	var status int
	if openssh {
		_, stderr, status = e.openssh(args...)
	} else {
		_, stderr, status = e.run(nil, args...)
	}
	return stderr, status
}

// sameAnswer checks that sshbox's ssh answers a control command with
// OpenSSH's bytes and exit status.
func (e *muxEnv) sameAnswer(args ...string) string {
	e.t.Helper()
	got, gotStatus := e.ctl(false, args...)
	want, wantStatus := e.ctl(true, args...)
	if got != want || gotStatus != wantStatus {
		e.t.Errorf("ssh %q: sshbox %q (status %d), OpenSSH %q (status %d)", args, got, gotStatus, want, wantStatus)
	}
	return got
}

func TestSSHMuxControlCommands(t *testing.T) {
	e := newMuxEnv(t)
	// No master yet, a bad command, no ControlPath: OpenSSH's answers.
	e.sameAnswer("-S", e.path, "-O", "check")
	e.sameAnswer("-S", e.path, "-O", "bogus")
	e.sameAnswer("-O", "check")

	e.startMaster()
	stderr := e.sameAnswer("-S", e.path, "-O", "check")
	m := masterRunning.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("-O check: %q; want \"Master running (pid=N)\\r\\n\"", stderr)
	}
	var pid int
	fmt.Sscan(m[1], &pid)
	if syscall.Kill(pid, 0) != nil {
		t.Errorf("-O check names pid %d, which does not run", pid)
	}

	stderr, status := e.ctl(false, "-S", e.path, "-O", "exit")
	if status != 0 || stderr != "Exit request sent.\r\n" {
		t.Errorf("-O exit: status %d, stderr %q", status, stderr)
	}
	e.waitGone(pid)
	if _, err := os.Stat(e.path); !os.IsNotExist(err) {
		t.Errorf("control socket left behind: %v", err)
	}

	// -O stop: the socket goes; an idle master has nothing left to do.
	e.startMaster()
	stderr, _ = e.ctl(false, "-S", e.path, "-O", "check")
	if m = masterRunning.FindStringSubmatch(stderr); m == nil {
		t.Fatalf("-O check: %q", stderr)
	}
	fmt.Sscan(m[1], &pid)
	stderr, status = e.ctl(false, "-S", e.path, "-O", "stop")
	if status != 0 || stderr != "Stop listening request sent.\r\n" {
		t.Errorf("-O stop: status %d, stderr %q", status, stderr)
	}
	e.waitGone(pid)
	if _, err := os.Stat(e.path); !os.IsNotExist(err) {
		t.Errorf("control socket left behind: %v", err)
	}
}

// waitGone waits until the master process pid has ended.
func (e *muxEnv) waitGone(pid int) {
	e.t.Helper()
	for i := 0; i < 1000; i++ {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	e.t.Errorf("master %d still runs", pid)
}

// OpenSSH's ssh, run as a client of a master (sshbox's or its own).
func (e *muxEnv) openssh(args ...string) (string, string, int) {
	e.t.Helper()
	cmd := exec.Command(testenv.NeedCmd(e.t, "ssh"), args...)
	cmd.Env = e.env()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var o, er bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &er
	err := cmd.Run()
	return o.String(), er.String(), testenv.ExitCode(err)
}

// sessionThrough runs a command through the master at e.path with one
// client or the other and checks what a direct session would give.
func (e *muxEnv) sessionThrough(openssh bool) {
	e.t.Helper()
	args := append(e.base(), "-o", "BatchMode=yes", "-o", "ControlMaster=no", "-S", e.path, e.dest(), "echo out; echo err >&2; exit 7")
	run := func(args ...string) (string, string, int) { return e.run(nil, args...) }
	if openssh {
		run = e.openssh
	}
	stdout, stderr, status := run(args...)
	if stdout != "out\n" || stderr != "err\n" || status != 7 {
		e.t.Errorf("openssh=%v: stdout %q, stderr %q, status %d; want \"out\\n\", \"err\\n\", 7", openssh, stdout, stderr, status)
	}
}

// OpenSSH's ssh uses an sshbox master, and sshbox's ssh an OpenSSH master.
func TestSSHMuxOpenSSHInterop(t *testing.T) {
	e := newMuxEnv(t)
	if _, stderr, status := e.run(nil, append(e.shared(), e.dest(), "true")...); status != 0 {
		t.Fatalf("sshbox master: status %d, stderr %q", status, stderr)
	}
	e.sessionThrough(true)
	e.sessionThrough(false)
	if stderr, status := e.ctl(true, "-S", e.path, "-O", "exit"); status != 0 || stderr != "Exit request sent.\r\n" {
		t.Errorf("OpenSSH's -O exit to sshbox's master: status %d, stderr %q", status, stderr)
	}
	for i := 0; i < 500; i++ {
		if _, err := os.Stat(e.path); os.IsNotExist(err) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}

	// Now OpenSSH's master (it goes to the background itself).
	if _, stderr, status := e.openssh(append(e.shared(), e.dest(), "true")...); status != 0 {
		t.Fatalf("OpenSSH master: status %d, stderr %q", status, stderr)
	}
	e.sessionThrough(false)
	e.sessionThrough(true)
	if stderr, status := e.ctl(false, "-S", e.path, "-O", "check"); status != 0 || !masterRunning.MatchString(stderr) {
		t.Errorf("sshbox's -O check to OpenSSH's master: status %d, stderr %q", status, stderr)
	}
	if stderr, status := e.ctl(false, "-S", e.path, "-O", "exit"); status != 0 || stderr != "Exit request sent.\r\n" {
		t.Errorf("sshbox's -O exit to OpenSSH's master: status %d, stderr %q", status, stderr)
	}
	if n := e.connections(); n != 2 {
		t.Errorf("%d TCP connections for two masters, want 2", n)
	}
}

// A pty through the master: the terminal's size and TERM, a resize, the
// exit status and OpenSSH's closing line.
func TestSSHMuxTerminal(t *testing.T) {
	e := newMuxEnv(t)
	e.startMaster()
	tm := e.term(30, 100, append(e.shared(), "-t", e.dest(),
		"echo TERM=$TERM; stty size; while read x; do stty size; done; exit 5")...)
	at := tm.Expect(0, "TERM=xterm", 20*time.Second)
	at = tm.Expect(at, "30 100", 20*time.Second)
	tm.Resize(40, 120)
	// The new size travels as SIGWINCH to the master, which tells the
	// server; ask again until the answer has caught up.
	for i := 0; !strings.Contains(tm.Output()[at:], "40 120"); i++ {
		if i == 200 {
			t.Fatalf("the remote pty never saw 40x120:\n%s", tm.Output())
		}
		tm.Type("\r")
		time.Sleep(50 * time.Millisecond)
	}
	tm.Type("\x04")
	if status := tm.Wait(20 * time.Second); status != 5 {
		t.Errorf("exit status %d, want 5; terminal:\n%s", status, tm.Output())
	}
	// The pty may still hold the last line when ssh has exited.
	tm.Expect(at, "Shared connection to 127.0.0.1 closed.\r", 20*time.Second)

	// OpenSSH's ssh in a terminal, through sshbox's master.
	tm = testenv.StartTerm(t, 33, 90, []string{"HOME=" + e.home, "TERM=vt220", "SSH_AUTH_SOCK="},
		testenv.NeedCmd(t, "ssh"), append(e.shared(), "-t", e.dest(), "echo TERM=$TERM; stty size; exit 4")...)
	at = tm.Expect(0, "TERM=vt220", 20*time.Second)
	tm.Expect(at, "33 90", 20*time.Second)
	if status := tm.Wait(20 * time.Second); status != 4 {
		t.Errorf("OpenSSH's client: exit status %d, want 4; terminal:\n%s", status, tm.Output())
	}
	if n := e.connections(); n != 1 {
		t.Errorf("%d TCP connections, want 1", n)
	}
}

// banner reads the first line behind addr, or "" if none answers.
func banner(addr string) string {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return ""
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	line, _ := bufio.NewReader(c).ReadString('\n')
	return line
}

// Forwardings through the master: -L given to a client, -O forward and
// -O cancel, a remote forward on a port the server picks.
func TestSSHMuxForwarding(t *testing.T) {
	e := newMuxEnv(t)
	e.startMaster()
	// The forwardings lead to a greeter, so the server's log counts only
	// the master's connection.
	greeter := testenv.ServeTCP(t, func(c net.Conn) { io.WriteString(c, "hello\n"); c.Close() })
	target := greeter.Addr().String()
	lport := testenv.FreePort(t)
	laddr := fmt.Sprintf("127.0.0.1:%d", lport)
	spec := fmt.Sprintf("%d:%s", lport, target)

	// A client with -L -N hands the forwarding to the master and leaves.
	if _, stderr, status := e.run(nil, append(e.shared(), "-N", "-L", spec, e.dest())...); status != 0 {
		t.Fatalf("-L -N through the master: status %d, stderr %q", status, stderr)
	}
	if b := banner(laddr); b != "hello\n" {
		t.Fatalf("local forward %s -> %s: got %q", laddr, target, b)
	}
	if _, stderr, status := e.run(nil, append(e.base(), "-S", e.path, "-O", "cancel", "-L", spec, e.dest())...); status != 0 {
		t.Fatalf("-O cancel: status %d, stderr %q", status, stderr)
	}
	if b := banner(laddr); b != "" {
		t.Errorf("local forward still answers after -O cancel: %q", b)
	}

	// -O forward -R 0: the allocated port on stdout, as OpenSSH's client
	// (here talking to sshbox's master) prints it.
	stdout, stderr, status := e.openssh(append(e.base(), "-S", e.path, "-O", "forward", "-R", "0:"+target, e.dest())...)
	var rport int
	if _, err := fmt.Sscanf(stdout, "%d\n", &rport); status != 0 || err != nil || rport == 0 {
		t.Fatalf("-O forward -R 0: stdout %q, stderr %q, status %d", stdout, stderr, status)
	}
	raddr := fmt.Sprintf("127.0.0.1:%d", rport)
	if b := banner(raddr); b != "hello\n" {
		t.Fatalf("remote forward %s -> %s: got %q", raddr, target, b)
	}
	rspec := fmt.Sprintf("%d:%s", rport, target)
	if _, stderr, status := e.run(nil, append(e.base(), "-S", e.path, "-O", "cancel", "-R", rspec, e.dest())...); status != 0 {
		t.Fatalf("-O cancel -R: status %d, stderr %q", status, stderr)
	}
	if b := banner(raddr); b != "" {
		t.Errorf("remote forward still answers after -O cancel: %q", b)
	}
	if n := e.connections(); n != 1 {
		t.Errorf("%d TCP connections, want 1", n)
	}
}

// Ansible's ssh connection plugin with sshbox's ssh: ControlMaster auto,
// ControlPersist 60s and its own ControlPath on every call; sftp for copy
// (OpenSSH's sftp and ssh, sharing sshbox's master).
func TestSSHMuxAnsible(t *testing.T) {
	ansible := testenv.NeedCmd(t, "ansible")
	testenv.NeedCmd(t, "sftp")
	e := newMuxEnv(t)
	dir := t.TempDir()
	inv := filepath.Join(dir, "hosts")
	os.WriteFile(inv, []byte(fmt.Sprintf("target ansible_host=127.0.0.1 ansible_port=%d ansible_user=%s "+
		"ansible_ssh_private_key_file=%s ansible_ssh_executable=%s ansible_python_interpreter=/usr/bin/python3 "+
		"ansible_ssh_common_args='-o UserKnownHostsFile=%s -o GlobalKnownHostsFile=/dev/null'\n",
		e.port, e.user.Name, e.key, testenv.Bin(t, "ssh"), e.kh)), 0o644)
	os.WriteFile(filepath.Join(dir, "ansible.cfg"), []byte("[defaults]\n"), 0o644)
	src := filepath.Join(dir, "payload")
	payload := fmt.Sprintf("copied through a shared connection %d\n", time.Now().UnixNano())
	os.WriteFile(src, []byte(payload), 0o644)
	dest := filepath.Join(e.user.Home, "payload")
	cpDir := filepath.Join(e.home, ".ansible", "cp")
	t.Cleanup(func() {
		socks, _ := filepath.Glob(filepath.Join(cpDir, "*"))
		for _, s := range socks {
			e.run(nil, append(e.base(), "-S", s, "-O", "exit", e.dest())...)
		}
	})
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(ansible, append([]string{"target", "-i", inv}, args...)...)
		cmd.Env = append(e.env(), "ANSIBLE_CONFIG="+filepath.Join(dir, "ansible.cfg"), "ANSIBLE_NOCOLOR=1",
			"ANSIBLE_LOCAL_TEMP="+filepath.Join(dir, "tmp"))
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("ansible %q: %v\n%s\nsshd log:\n%s", args, err, out, e.srv.Proc.Stderr.String())
		}
		return string(out)
	}
	if out := run("-m", "ping"); !strings.Contains(out, `"ping": "pong"`) {
		t.Errorf("ping:\n%s", out)
	}
	if out := run("-m", "copy", "-a", "src="+src+" dest="+dest); !strings.Contains(out, "CHANGED") {
		t.Errorf("copy:\n%s", out)
	}
	if got := string(readFile(t, dest)); got != payload {
		t.Errorf("copied file holds %q, want %q", got, payload)
	}
	if socks, _ := filepath.Glob(filepath.Join(cpDir, "*")); len(socks) != 1 {
		t.Errorf("control sockets in %s: %q, want one", cpDir, socks)
	}
	if n := e.connections(); n != 1 {
		t.Errorf("%d TCP connections for ping and copy, want 1", n)
	}
}

// -M without ControlPersist: the master runs its own session and serves
// others meanwhile; ControlMaster no with no master connects directly.
func TestSSHMuxForegroundMaster(t *testing.T) {
	e := newMuxEnv(t)
	if out, stderr, status := e.run(nil, append(e.base(), "-o", "BatchMode=yes", "-S", e.path, e.dest(), "echo direct")...); status != 0 || out != "direct\n" {
		t.Fatalf("ControlMaster no without a master: %q, %q, status %d", out, stderr, status)
	}
	cmd := exec.Command(testenv.Bin(t, "ssh"), append(e.base(), "-o", "BatchMode=yes", "-M", "-S", e.path, e.dest(), "cat; exit 9")...)
	cmd.Env = e.env()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var mout, merr testenv.SyncBuffer
	cmd.Stdout, cmd.Stderr = &mout, &merr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	for i := 0; ; i++ {
		if _, err := os.Stat(e.path); err == nil {
			break
		}
		if i == 1000 {
			t.Fatalf("the master never made %s; stderr %q", e.path, merr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	stdout, stderr, status := e.run(nil, append(e.base(), "-S", e.path, e.dest(), "echo shared; exit 3")...)
	if stdout != "shared\n" || stderr != "" || status != 3 {
		t.Errorf("through the -M master: %q, %q, status %d", stdout, stderr, status)
	}
	io.WriteString(stdin, "master's own\n")
	stdin.Close()
	err = cmd.Wait()
	if got := testenv.ExitCode(err); got != 9 || mout.String() != "master's own\n" {
		t.Errorf("master: status %d, stdout %q, stderr %q", got, mout.String(), merr.String())
	}
	if _, err := os.Stat(e.path); !os.IsNotExist(err) {
		t.Errorf("control socket left behind: %v", err)
	}
	if n := e.connections(); n != 2 {
		t.Errorf("%d TCP connections (one direct, one master), want 2", n)
	}
}

// A client that is killed takes its shared session with it, as a direct
// ssh's session ends with its connection.
func TestSSHMuxClientKilled(t *testing.T) {
	e := newMuxEnv(t)
	e.startMaster()
	cmd := exec.Command(testenv.Bin(t, "ssh"), append(e.shared(), e.dest(), "echo started; exec sleep 600")...)
	cmd.Env = e.env()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var out testenv.SyncBuffer
	cmd.Stdout = &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	sleeping := func() bool {
		return exec.Command("pgrep", "-u", e.user.Name, "-x", "sleep").Run() == nil
	}
	for i := 0; out.String() != "started\n" || !sleeping(); i++ {
		if i == 1000 {
			t.Fatalf("the shared session did not start: %q", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if status := testenv.ExitCode(cmd.Wait()); status != 255 {
		t.Errorf("killed client: status %d, want 255", status)
	}
	for i := 0; sleeping(); i++ {
		if i == 1000 {
			t.Fatal("the remote command outlived its killed client")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ControlMaster autoask: the master asks SSH_ASKPASS before each shared
// session; "no" refuses it, "yes" lets it run.
func TestSSHMuxAsk(t *testing.T) {
	e := newMuxEnv(t)
	dir := t.TempDir()
	answer := filepath.Join(dir, "answer")
	askpass := filepath.Join(dir, "askpass")
	os.WriteFile(askpass, []byte("#!/bin/sh\necho \"$1\" >> "+dir+"/asked\ncat "+answer+"\n"), 0o755)
	os.WriteFile(answer, []byte("no\n"), 0o644)
	run := func(command string) (string, string, int) {
		cmd := exec.Command(testenv.Bin(t, "ssh"), append(e.base(), "-o", "BatchMode=yes", "-o", "ControlMaster=autoask",
			"-o", "ControlPersist=60", "-o", "ControlPath="+e.path, e.dest(), command)...)
		// A display lets OpenSSH's ask_permission run an askpass program.
		cmd.Env = append(e.env(), "SSH_ASKPASS="+askpass, "DISPLAY=:0")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		var o, er bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &er
		err := cmd.Run()
		return o.String(), er.String(), testenv.ExitCode(err)
	}
	_, stderr, status := run("echo refused")
	if status != 255 || stderr != "Master refused session request: permission denied\r\n" {
		t.Errorf("askpass said no: status %d, stderr %q", status, stderr)
	}
	os.WriteFile(answer, []byte("yes\n"), 0o644)
	if out, stderr, status := run("echo allowed"); status != 0 || out != "allowed\n" {
		t.Errorf("askpass said yes: %q, %q, status %d", out, stderr, status)
	}
	if asked := string(readFile(t, filepath.Join(dir, "asked"))); asked != "Allow shared connection to 127.0.0.1? \nAllow shared connection to 127.0.0.1? \n" {
		t.Errorf("questions asked: %q", asked)
	}
}

// -A through a master that forwards the agent: the remote side of the
// shared session lists the agent's key.
func TestSSHMuxAgent(t *testing.T) {
	e := newMuxEnv(t)
	sock := filepath.Join(e.home, "agent.sock")
	// Without -D ssh-agent returns once its socket is ready.
	out, err := exec.Command(testenv.NeedCmd(t, "ssh-agent"), "-s", "-a", sock).Output()
	m := regexp.MustCompile(`SSH_AGENT_PID=([0-9]+);`).FindSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("ssh-agent: %v\n%s", err, out)
	}
	var pid int
	fmt.Sscan(string(m[1]), &pid)
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGTERM) })
	add := exec.Command(testenv.NeedCmd(t, "ssh-add"), e.key)
	add.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("ssh-add: %v\n%s", err, out)
	}
	args := append(e.shared(), "-o", "IdentityAgent="+sock, "-A", e.dest())
	if _, stderr, status := e.run(nil, append(args, "true")...); status != 0 {
		t.Fatalf("starting the master: status %d, stderr %q", status, stderr)
	}
	for i := 0; i < 2; i++ {
		stdout, stderr, status := e.run(nil, append(args, "ssh-add -l")...)
		if fp := fingerprint(t, e.key+".pub"); status != 0 || !strings.Contains(stdout, fp) {
			t.Errorf("shared session %d: ssh-add -l: %q, %q, status %d; want %s", i, stdout, stderr, status, fp)
		}
	}
	if n := e.connections(); n != 1 {
		t.Errorf("%d TCP connections, want 1", n)
	}
}

// Escapes in a shared session are the master's to act on: ~? lists the
// shared ones (OpenSSH's mux client list), ~^Z is refused, ~. ends this session and not the master.
func TestSSHMuxEscapes(t *testing.T) {
	e := newMuxEnv(t)
	e.startMaster()
	tm := e.term(24, 80, append(e.shared(), "-t", e.dest(), "echo ready; cat")...)
	at := tm.Expect(0, "ready", 20*time.Second)
	tm.Type("\r~?")
	at = tm.Expect(at, " ~.   - terminate session\r\n ~B   - send a BREAK to the remote system\r\n ~R   - request rekey\r\n ~#   - list", 20*time.Second)
	if strings.Contains(tm.Output(), "suspend ssh") {
		t.Errorf("shared help offers ~^Z:\n%s", tm.Output())
	}
	tm.Type("~\x1a")
	at = tm.Expect(at, "~^Z escape not available to multiplexed sessions\r\n", 20*time.Second)
	tm.Type("~.")
	if status := tm.Wait(20 * time.Second); status != 255 {
		t.Errorf("~.: status %d, want 255; terminal:\n%s", status, tm.Output())
	}
	if stderr, status := e.ctl(false, "-S", e.path, "-O", "check"); status != 0 || !masterRunning.MatchString(stderr) {
		t.Errorf("the master did not survive ~. in a shared session: %q, status %d", stderr, status)
	}
}

// A control socket that cannot be made ends ssh, as in OpenSSH; one that
// another master holds disables sharing, not the command.
func TestSSHMuxCannotListen(t *testing.T) {
	e := newMuxEnv(t)
	held := e.path
	e.path = filepath.Join(filepath.Dir(held), "missing", "cm")
	stdout, stderr, status := e.run(nil, append(e.shared(), e.dest(), "echo ran")...)
	if stdout != "" || status != 255 || !strings.HasPrefix(stderr, "unix_listener: cannot bind to path "+e.path+".") ||
		!strings.HasSuffix(stderr, ": No such file or directory\r\n") {
		t.Errorf("stdout %q, stderr %q, status %d; want 255 and unix_listener's complaint", stdout, stderr, status)
	}

	// ControlMaster yes does not ask whoever holds the path; finding it
	// taken, it works without sharing.
	l, err := net.Listen("unix", held)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	stdout, stderr, status = e.run(nil, append(e.base(), "-o", "BatchMode=yes", "-o", "ControlMaster=yes",
		"-o", "ControlPersist=60", "-o", "ControlPath="+held, e.dest(), "echo still; exit 6")...)
	want := "ControlSocket " + held + " already exists, disabling multiplexing\r\n"
	if stdout != "still\n" || status != 6 || stderr != want {
		t.Errorf("stdout %q, stderr %q, status %d; want \"still\\n\", 6 and %q", stdout, stderr, status, want)
	}
}

// A remote dynamic forwarding (-R port alone, or a socket path) through
// the master, asked by sshbox's client and by OpenSSH's -O forward: the
// master answers the SOCKS requests.
func TestSSHMuxRemoteDynamicForward(t *testing.T) {
	e := newMuxEnv(t)
	e.startMaster()
	echo := echoServer(t, "echo:")
	echoPort := echo.Addr().(*net.TCPAddr).Port
	p1, p2 := testenv.FreePort(t), testenv.FreePort(t)
	if _, stderr, status := e.run(nil, append(e.shared(), "-N", "-R", fmt.Sprint(p1), e.dest())...); status != 0 {
		t.Fatalf("-R %d -N through the master: status %d, stderr %q", p1, status, stderr)
	}
	if _, stderr, status := e.openssh(append(e.base(), "-S", e.path, "-O", "forward", "-R", fmt.Sprint(p2), e.dest())...); status != 0 {
		t.Fatalf("OpenSSH's -O forward -R %d: status %d, stderr %q", p2, status, stderr)
	}
	for _, p := range []int{p1, p2} {
		if granted, reply := socks5Echo(t, "tcp", fmt.Sprintf("127.0.0.1:%d", p), echoPort); !granted || reply != "echo:hello" {
			t.Errorf("through the master's remote dynamic forwarding on %d: granted %v, reply %q", p, granted, reply)
		}
	}
	dir := sharedDir(t, 0o755, e.user.UID, e.user.GID)
	sock := filepath.Join(dir, "rd.sock")
	if _, stderr, status := e.run(nil, append(e.shared(), "-N", "-R", sock, e.dest())...); status != 0 {
		t.Fatalf("-R %s through the master: status %d, stderr %q", sock, status, stderr)
	}
	if granted, reply := socks5Echo(t, "unix", sock, echoPort); !granted || reply != "echo:hello" {
		t.Errorf("through the master's remote dynamic forwarding on %s: granted %v, reply %q", sock, granted, reply)
	}
}

// Unix socket forwardings through the master, both ways, asked by sshbox's
// client and by OpenSSH's -O forward; -O cancel removes one.
func TestSSHMuxUnixSocketForward(t *testing.T) {
	e := newMuxEnv(t)
	e.startMaster()
	dir := sharedDir(t, 0o755, e.user.UID, e.user.GID)
	remote := filepath.Join(dir, "remote.sock")
	unixEcho(t, remote, "echo:", 0o777)
	echo := echoServer(t, "back:")
	for i, ask := range []func(args ...string) (string, string, int){
		func(args ...string) (string, string, int) {
			return e.run(nil, append(append(e.shared(), "-N"), append(args, e.dest())...)...)
		},
		func(args ...string) (string, string, int) {
			return e.openssh(append(append(e.base(), "-S", e.path, "-O", "forward"), append(args, e.dest())...)...)
		},
	} {
		local := filepath.Join(t.TempDir(), "local.sock")
		if _, stderr, status := ask("-L", local+":"+remote); status != 0 {
			t.Fatalf("%d: -L %s:%s: status %d, stderr %q", i, local, remote, status, stderr)
		}
		if st, err := os.Stat(local); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%d: local socket: %v, %v; want mode 0600", i, st, err)
		}
		if got := roundTrip("unix", local); got != "echo:hello" {
			t.Errorf("%d: -L socket:socket through the master: %q", i, got)
		}
		rsock := filepath.Join(dir, fmt.Sprintf("r%d.sock", i))
		if _, stderr, status := ask("-R", rsock+":"+echo.Addr().String()); status != 0 {
			t.Fatalf("%d: -R %s: status %d, stderr %q", i, rsock, status, stderr)
		}
		if got := roundTrip("unix", rsock); got != "back:hello" {
			t.Errorf("%d: -R socket:host:port through the master: %q", i, got)
		}
	}
	last := filepath.Join(t.TempDir(), "cancel.sock")
	if _, stderr, status := e.run(nil, append(e.shared(), "-N", "-L", last+":"+remote, e.dest())...); status != 0 {
		t.Fatalf("-L %s: status %d, stderr %q", last, status, stderr)
	}
	if _, stderr, status := e.run(nil, append(e.base(), "-S", e.path, "-O", "cancel", "-L", last+":"+remote, e.dest())...); status != 0 {
		t.Fatalf("-O cancel -L %s: status %d, stderr %q", last, status, stderr)
	}
	if got := roundTrip("unix", last); got != "" {
		t.Errorf("the cancelled forwarding still answers: %q", got)
	}
}
