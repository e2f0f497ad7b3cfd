package e2e

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
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

func TestSSHMuxControlCommands(t *testing.T) {
	e := newMuxEnv(t)
	ctl := func(cmd string) (string, string, int) {
		return e.run(nil, append(e.base(), "-S", e.path, "-O", cmd, e.dest())...)
	}
	_, stderr, status := ctl("check")
	want := fmt.Sprintf("Control socket connect(%s): No such file or directory\n", e.path)
	if status != 255 || stderr != want {
		t.Errorf("-O check without a master: status %d, stderr %q; want 255, %q", status, stderr, want)
	}
	if _, stderr, status := e.run(nil, append(e.shared(), e.dest(), "true")...); status != 0 {
		t.Fatalf("starting the master: status %d, stderr %q", status, stderr)
	}
	_, stderr, status = ctl("check")
	m := masterRunning.FindStringSubmatch(stderr)
	if status != 0 || m == nil {
		t.Fatalf("-O check: status %d, stderr %q; want 0, \"Master running (pid=N)\\r\\n\"", status, stderr)
	}
	var pid int
	fmt.Sscan(m[1], &pid)
	if syscall.Kill(pid, 0) != nil {
		t.Errorf("-O check names pid %d, which does not run", pid)
	}

	_, stderr, status = ctl("exit")
	if status != 0 || stderr != "Exit request sent.\r\n" {
		t.Errorf("-O exit: status %d, stderr %q", status, stderr)
	}
	gone := false
	for i := 0; i < 500 && !gone; i++ {
		gone = syscall.Kill(pid, 0) != nil
		time.Sleep(10 * time.Millisecond)
	}
	if !gone {
		t.Errorf("master %d still runs after -O exit", pid)
	}
	if _, err := os.Stat(e.path); !os.IsNotExist(err) {
		t.Errorf("control socket left behind: %v", err)
	}
	if _, stderr, status := ctl("bogus"); status != 255 || !strings.HasPrefix(stderr, "Invalid multiplex command.\n") {
		t.Errorf("-O bogus: status %d, stderr %q", status, stderr)
	}
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
