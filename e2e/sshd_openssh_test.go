package e2e

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// sshdLogin runs OpenSSH's ssh against a sshbox sshd and returns stdout,
// stderr and the exit status.
func sshdLogin(t *testing.T, d *testenv.Sshbox, key, user string, stdin []byte, extra []string, command ...string) (string, string, int) {
	t.Helper()
	args := append(append(extra, testenv.SSHArgs(key, d.Port, user)...), command...)
	cmd := exec.Command(testenv.NeedCmd(t, "ssh"), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	err := cmd.Run()
	code := testenv.ExitCode(err)
	if code < 0 {
		t.Fatalf("ssh %v: %v", command, err)
	}
	return out.String(), errb.String(), code
}

func TestSshdOpenSSHCommands(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "AcceptEnv LC_* SBX_OK")

	out, errOut, code := sshdLogin(t, d, key, u.Name, nil, nil, "id", "-un")
	if code != 0 || strings.TrimSpace(out) != u.Name {
		t.Fatalf("id -un: status %d, stdout %q, stderr %q\nlog:\n%s", code, out, errOut, d.Proc.Stderr.String())
	}
	d.WaitLog(t, "Accepted publickey for "+u.Name+" from 127.0.0.1 port ", 5*time.Second)
	d.WaitLog(t, "ssh2: ED25519 SHA256:", 5*time.Second)

	for _, want := range []int{0, 1, 44} {
		_, _, code := sshdLogin(t, d, key, u.Name, nil, nil, "exit", strconv.Itoa(want))
		if code != want {
			t.Errorf("exit %d: ssh returned %d", want, code)
		}
	}

	out, errOut, code = sshdLogin(t, d, key, u.Name, nil, nil, "echo to-stdout; echo to-stderr >&2; exit 3")
	if out != "to-stdout\n" || errOut != "to-stderr\n" || code != 3 {
		t.Errorf("stdout %q, stderr %q, status %d; want to-stdout, to-stderr, 3", out, errOut, code)
	}

	out, _, _ = sshdLogin(t, d, key, u.Name, nil, nil, "pwd; echo $HOME $USER $LOGNAME $SHELL; echo $SSH_CONNECTION; echo \"$SSH_CLIENT\"")
	lines := strings.Split(out, "\n")
	if len(lines) < 4 || lines[0] != u.Home || lines[1] != u.Home+" "+u.Name+" "+u.Name+" /bin/sh" ||
		!strings.HasPrefix(lines[2], "127.0.0.1 ") || !strings.HasSuffix(lines[2], " 127.0.0.1 "+strconv.Itoa(d.Port)) ||
		!strings.HasSuffix(lines[3], " "+strconv.Itoa(d.Port)) {
		t.Errorf("environment of the command:\n%s", out)
	}
}

func TestSshdOpenSSHSendEnv(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "AcceptEnv LC_* SBX_OK")
	cmd := exec.Command(testenv.NeedCmd(t, "ssh"), append([]string{"-o", "SendEnv=SBX_OK SBX_NO LC_SBX"},
		append(testenv.SSHArgs(key, d.Port, u.Name), "echo \"[$SBX_OK][$SBX_NO][$LC_SBX]\"")...)...)
	cmd.Env = append(os.Environ(), "SBX_OK=passed", "SBX_NO=leaked", "LC_SBX=too")
	out, err := cmd.Output()
	if err != nil || string(out) != "[passed][][too]\n" {
		t.Fatalf("SendEnv: %q, %v; want [passed][][too]", out, err)
	}
}

func TestSshdOpenSSHBulkData(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "")
	data := make([]byte, 32<<20)
	rand.Read(data)
	args := append(testenv.SSHArgs(key, d.Port, u.Name), "cat")
	cmd := exec.Command(testenv.NeedCmd(t, "ssh"), args...)
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ssh cat: %v", err)
	}
	if len(out) != len(data) || sha256.Sum256(out) != sha256.Sum256(data) {
		t.Fatalf("cat returned %d bytes that differ from the %d sent", len(out), len(data))
	}
}

func TestSshdOpenSSHPty(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "")
	args := append([]string{"-tt"}, append(testenv.SSHArgs(key, d.Port, u.Name), "tty; echo \"term=$TERM\"; stty size; exit 7")...)
	cmd := exec.Command(testenv.NeedCmd(t, "ssh"), args...)
	cmd.Env = append(os.Environ(), "TERM=vt220")
	out, err := cmd.Output()
	if testenv.ExitCode(err) != 7 {
		t.Fatalf("ssh -tt: %v (%q)", err, out)
	}
	s := strings.ReplaceAll(string(out), "\r\n", "\n")
	if !strings.HasPrefix(s, "/dev/pts/") || !strings.Contains(s, "term=vt220\n") {
		t.Fatalf("ssh -tt output: %q", s)
	}
}

// TestSshdLoginShell: without a command the user's shell runs as a login
// shell (argv[0] "-sh") on a terminal, and its exit status comes back.
func TestSshdLoginShell(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "")
	out, _, code := sshdLogin(t, d, key, u.Name, []byte("echo \"zero=$0 tty=$SSH_TTY\"; exit 5\n"), []string{"-tt"})
	if code != 5 || !strings.Contains(out, "zero=-sh tty=/dev/pts/") {
		t.Fatalf("login shell: status %d, output %q", code, out)
	}
}
