package e2e

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

func TestSSHInteractiveShell(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	interactiveShell(t, e)
}

func TestSSHInteractiveShellDropbear(t *testing.T) {
	d := testenv.StartDropbear(t)
	interactiveShell(t, newEnv(t, d.Port, d.PubKey))
}

// interactiveShell checks the terminal size, a resize, the remote pty and
// ~. against one server.
func interactiveShell(t *testing.T, e *sshEnv) {
	tm := e.term(30, 100, append(e.base(), e.dest())...)
	// The prompt string is built on the remote side so that the echo of
	// what is typed does not match it.
	tm.Type("PS1='rdy''> '; stty size\r")
	at := tm.Expect(0, "30 100", 15*time.Second)
	tm.Resize(40, 120)
	// The new size travels SIGWINCH -> ssh -> server -> pty; ask until it
	// has arrived.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(tm.Output()[at:], "40 120") {
		if time.Now().After(deadline) {
			t.Fatalf("the resize never arrived; terminal:\n%s", tm.Output())
		}
		tm.Type("stty size\r")
		time.Sleep(300 * time.Millisecond)
	}
	at = tm.Expect(at, "40 120", time.Second)
	at = tm.Expect(at, "rdy> ", 5*time.Second)
	// The remote side sees a terminal.
	tm.Type("tty\r")
	at = tm.Expect(at, "/dev/pts/", 5*time.Second)
	at = tm.Expect(at, "rdy> ", 5*time.Second)
	// ~. after a newline ends the connection.
	tm.Type("\r~.")
	tm.Expect(at, "Connection to 127.0.0.1 closed.", 5*time.Second)
	if status := tm.Wait(10 * time.Second); status != 255 {
		t.Errorf("status after ~. is %d, want 255", status)
	}
}

func TestSSHInteractiveExitStatus(t *testing.T) {
	e, d := openSSHEnv(t, "")
	lport := testenv.FreePort(t)
	tm := e.term(24, 80, append(e.base(), "-o", "EnableEscapeCommandline=yes", "-L", fmt.Sprintf("%d:127.0.0.1:%d", lport, d.Port), e.dest())...)
	tm.Type("PS1='rdy''> '\r")
	at := tm.Expect(0, "rdy> ", 15*time.Second)
	// ~# lists the forwardings.
	tm.Type("~#")
	at = tm.Expect(at, "The following connections are open:", 5*time.Second)
	at = tm.Expect(at, fmt.Sprintf("local 127.0.0.1:%d -> 127.0.0.1:%d", lport, d.Port), 5*time.Second)
	// ~C adds a forwarding to the running connection.
	lport2 := testenv.FreePort(t)
	tm.Type("\r~C")
	at = tm.Expect(at, "ssh> ", 5*time.Second)
	tm.Type(fmt.Sprintf("-L%d:127.0.0.1:%d\r", lport2, d.Port))
	at = tm.Expect(at, "Forwarding port.", 5*time.Second)
	c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", lport2))
	if err != nil {
		t.Fatalf("the ~C forwarding does not listen: %v", err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	banner, _ := bufio.NewReader(c).ReadString('\n')
	c.Close()
	if !strings.HasPrefix(banner, "SSH-2.0-OpenSSH") {
		t.Errorf("through the ~C forwarding: %q", banner)
	}
	// ~? prints the help, ~~ sends one tilde.
	tm.Type("~?")
	at = tm.Expect(at, "Supported escape sequences:", 5*time.Second)
	tm.Type("cat\r")
	at = tm.Expect(at, "cat\r\n", 5*time.Second)
	tm.Type("~~x\r")
	at = tm.Expect(at, "~x\r\n~x\r\n", 5*time.Second)
	tm.Type("\x04")
	at = tm.Expect(at, "rdy> ", 5*time.Second)
	tm.Type("exit 7\r")
	tm.Expect(at, "Connection to 127.0.0.1 closed.", 5*time.Second)
	if status := tm.Wait(10 * time.Second); status != 7 {
		t.Errorf("status %d, want 7", status)
	}
}

func TestSSHEscapeDisabled(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	tm := e.term(24, 80, append(e.base(), "-e", "none", e.dest())...)
	tm.Type("PS1='rdy''> '\r")
	at := tm.Expect(0, "rdy> ", 15*time.Second)
	tm.Type("\r~.\r")
	at = tm.Expect(at, "~.: not found", 5*time.Second)
	tm.Type("exit 3\r")
	if status := tm.Wait(10 * time.Second); status != 3 {
		t.Errorf("status %d, want 3; terminal:\n%s", status, tm.Output())
	}
}

func TestSSHForcedTTY(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	// A command gets no pty; -t asks for one; -tt forces it without a
	// local terminal.
	stdout, _, _ := e.runCmd(nil, "tty")
	if !strings.Contains(stdout, "not a tty") {
		t.Errorf("command without -t: tty says %q", stdout)
	}
	args := append(e.base(), "-tt", "-o", "BatchMode=yes", e.dest(), "tty")
	stdout, stderr, status := e.run(nil, args...)
	if status != 0 || !strings.Contains(stdout, "/dev/pts/") {
		t.Errorf("-tt: status %d stdout %q stderr %q", status, stdout, stderr)
	}
}

func TestSSHPasswordLogin(t *testing.T) {
	e, _ := openSSHEnv(t, "PasswordAuthentication yes\nKbdInteractiveAuthentication no")
	e.user.SetPassword(t, "s3cret pass", "")
	// The key would be accepted; PreferredAuthentications keeps it out.
	args := append(e.base(), "-o", "PreferredAuthentications=password", e.dest(), "echo", "logged-in")
	tm := e.term(24, 80, args...)
	prompt := fmt.Sprintf("%s@127.0.0.1's password: ", e.user.Name)
	at := tm.Expect(0, prompt, 15*time.Second)
	tm.Type("wrong\r")
	at = tm.Expect(at, "Permission denied, please try again.", 10*time.Second)
	at = tm.Expect(at, prompt, 5*time.Second)
	tm.Type("s3cret pass\r")
	tm.Expect(at, "logged-in", 10*time.Second)
	if status := tm.Wait(10 * time.Second); status != 0 {
		t.Errorf("status %d; terminal:\n%s", status, tm.Output())
	}
	if strings.Contains(tm.Output(), "s3cret") {
		t.Error("the password was echoed")
	}
}

func TestSSHPermissionDenied(t *testing.T) {
	e, _ := openSSHEnv(t, "PasswordAuthentication yes\nKbdInteractiveAuthentication no")
	other := testenv.OpenSSHKey(t, t.TempDir(), "ed25519")
	args := []string{"-F", "/dev/null", "-i", other, "-o", "UserKnownHostsFile=" + e.kh,
		"-o", "BatchMode=yes", "-p", fmt.Sprint(e.port), e.dest(), "true"}
	_, stderr, status := e.run(nil, args...)
	want := fmt.Sprintf("%s@127.0.0.1: Permission denied (publickey,password).", e.user.Name)
	if status != 255 || strings.TrimSpace(stderr) != want {
		t.Errorf("status %d, stderr %q; want 255 and %q", status, stderr, want)
	}
}

func TestSSHEncryptedKeyPassphrase(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	key := e.encryptedKey(t, "open sesame")
	args := []string{"-F", "/dev/null", "-i", key, "-o", "UserKnownHostsFile=" + e.kh,
		"-o", "PasswordAuthentication=no", "-p", fmt.Sprint(e.port), e.dest(), "echo", "unlocked"}
	e.typePassphrase(t, key, "open sesame", "unlocked", args...)
}

// encryptedKey makes an ed25519 key encrypted with pass in the test's
// home and authorizes it on the server.
func (e *sshEnv) encryptedKey(t *testing.T, pass string) string {
	t.Helper()
	key := e.home + "/id_enc"
	if out, err := runCmd("ssh-keygen", "-q", "-t", "ed25519", "-N", pass, "-f", key); err != nil {
		t.Fatalf("ssh-keygen: %v\n%s", err, out)
	}
	e.user.Authorize(t, key+".pub")
	return key
}

// typePassphrase runs sshbox's ssh in a terminal with args, types pass at
// the question for key, and expects want and status 0.
func (e *sshEnv) typePassphrase(t *testing.T, key, pass, want string, args ...string) {
	t.Helper()
	tm := e.term(24, 80, args...)
	at := tm.Expect(0, fmt.Sprintf("Enter passphrase for key '%s': ", key), 15*time.Second)
	tm.Type(pass + "\r")
	tm.Expect(at, want, 10*time.Second)
	if status := tm.Wait(10 * time.Second); status != 0 {
		t.Fatalf("status %d; terminal:\n%s", status, tm.Output())
	}
}

func TestSSHKeyPermissionsTooOpen(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	if out, err := runCmd("chmod", "0644", e.key); err != nil {
		t.Fatal(err, out)
	}
	_, stderr, status := e.runCmd(nil, "true")
	want := fmt.Sprintf("Permissions 0644 for '%s' are too open.", e.key)
	if status != 255 || !strings.Contains(stderr, want) {
		t.Errorf("status %d, stderr %q; want 255 and %q", status, stderr, want)
	}
}

// TestSSHSignalAtPasswordPrompt: a signal at the password prompt ends ssh
// with the terminal's echo back on. The shell around ssh is not
// interactive, so nothing else repairs the terminal.
func TestSSHSignalAtPasswordPrompt(t *testing.T) {
	e, _ := openSSHEnv(t, "PasswordAuthentication yes\nKbdInteractiveAuthentication no")
	line := testenv.Bin(t, "ssh") + " " + strings.Join(e.base(), " ") + " -o PubkeyAuthentication=no " + e.dest() +
		"; echo status=$?; stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo -e -echo | tr '\\n' ,; echo; sleep 5"
	tm2 := testenv.StartTerm(t, 24, 80, e.env(), "/bin/sh", "-c", line)
	at := tm2.Expect(0, "'s password: ", 15*time.Second)
	pid := tm2.Cmd.Process.Pid
	kids, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	if err != nil || len(strings.Fields(string(kids))) != 1 {
		t.Fatalf("children of the shell: %q, %v", kids, err)
	}
	sshPid, _ := strconv.Atoi(strings.Fields(string(kids))[0])
	syscall.Kill(sshPid, syscall.SIGTERM)
	tm2.Expect(at, "status=143\r\nicanon,echo,", 5*time.Second)
}
