package e2e

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// sshEnv is one client set-up: a throwaway user on a server, a key for
// it, a known_hosts file, and a HOME of its own so nothing of root's
// ~/.ssh is read or written.
type sshEnv struct {
	t    *testing.T
	home string
	user *testenv.User
	key  string
	kh   string
	port int
}

func newEnv(t *testing.T, port int, hostPub string) *sshEnv {
	t.Helper()
	home := t.TempDir()
	u := testenv.NewUser(t, "")
	// useradd leaves the account locked ("!"), which OpenSSH's sshd
	// refuses even for keys; a password nobody knows unlocks it.
	u.SetPassword(t, fmt.Sprintf("unknown-%d", time.Now().UnixNano()), "")
	key := testenv.OpenSSHKey(t, home, "ed25519")
	u.Authorize(t, key+".pub")
	return &sshEnv{t: t, home: home, user: u, key: key, port: port,
		kh: testenv.KnownHosts(t, home, port, hostPub)}
}

// openSSHEnv starts OpenSSH's sshd and sets a user up on it.
func openSSHEnv(t *testing.T, extra string) (*sshEnv, *testenv.OpenSSHD) {
	t.Helper()
	d := testenv.StartOpenSSHD(t, extra)
	return newEnv(t, d.Port, d.HostKey+".pub"), d
}

// base is the command line every test starts from: no config files, the
// test's key and known_hosts only, never a prompt.
func (e *sshEnv) base() []string {
	return []string{"-F", "/dev/null", "-i", e.key,
		"-o", "UserKnownHostsFile=" + e.kh, "-o", "GlobalKnownHostsFile=/dev/null",
		"-p", fmt.Sprint(e.port)}
}

func (e *sshEnv) dest() string { return e.user.Name + "@127.0.0.1" }

// env is the client's environment: HOME points at the test's directory.
func (e *sshEnv) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "SSH_AUTH_SOCK=") {
			env = append(env, kv)
		}
	}
	return append(env, "HOME="+e.home)
}

// run runs sshbox's ssh without a controlling terminal (its own session),
// so that nothing can be asked on /dev/tty.
func (e *sshEnv) run(stdin io.Reader, args ...string) (stdout, stderr string, status int) {
	e.t.Helper()
	return e.runProg(testenv.Bin(e.t, "ssh"), nil, stdin, args...)
}

// runProg runs prog (sshbox's ssh, or OpenSSH's on the same command line)
// the same way, with extraEnv added to the environment.
func (e *sshEnv) runProg(prog string, extraEnv []string, stdin io.Reader, args ...string) (stdout, stderr string, status int) {
	e.t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Env = append(e.env(), extraEnv...)
	cmd.Stdin = stdin
	var o, er bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &er
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		e.t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return o.String(), er.String(), testenv.ExitCode(err)
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		e.t.Fatalf("%s %q did not finish; stderr:\n%s", prog, args, er.String())
	}
	return "", "", -1
}

// runOK runs a command on the server with the base options and BatchMode.
func (e *sshEnv) runCmd(stdin io.Reader, command ...string) (string, string, int) {
	e.t.Helper()
	args := append(e.base(), "-o", "BatchMode=yes", e.dest())
	return e.run(stdin, append(args, command...)...)
}

// term runs sshbox's ssh in a real terminal.
func (e *sshEnv) term(rows, cols int, args ...string) *testenv.Term {
	e.t.Helper()
	return testenv.StartTerm(e.t, rows, cols, []string{"HOME=" + e.home, "TERM=xterm", "SSH_AUTH_SOCK="},
		testenv.Bin(e.t, "ssh"), args...)
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fingerprint(t *testing.T, pub string) string {
	t.Helper()
	out, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-l", "-E", "sha256", "-f", pub).Output()
	if err != nil {
		t.Fatalf("ssh-keygen -l: %v", err)
	}
	return strings.Fields(string(out))[1]
}
