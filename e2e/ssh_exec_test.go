package e2e

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"sshbox/internal/testenv"
)

// checkCommands runs the exit status, stderr and 32 MiB checks against one
// server.
func checkCommands(t *testing.T, e *sshEnv) {
	for _, c := range []struct {
		cmd  string
		want int
	}{{"exit 0", 0}, {"false", 1}, {"exit 44", 44}, {"kill -TERM $$", 255}} {
		_, stderr, status := e.runCmd(nil, c.cmd)
		if status != c.want {
			t.Errorf("%q: exit status %d, want %d; stderr:\n%s", c.cmd, status, c.want, stderr)
		}
	}

	stdout, stderr, status := e.runCmd(nil, "echo", "out;", "echo", "err", ">&2")
	if status != 0 || stdout != "out\n" || strings.TrimSpace(stderr) != "err" {
		t.Errorf("stdout %q, stderr %q, status %d; want \"out\\n\", \"err\", 0", stdout, stderr, status)
	}

	data := make([]byte, 32<<20)
	rand.Read(data)
	stdout, stderr, status = e.runCmd(bytes.NewReader(data), "cat")
	if status != 0 {
		t.Fatalf("cat: status %d, stderr:\n%s", status, stderr)
	}
	if len(stdout) != len(data) || sha256.Sum256([]byte(stdout)) != sha256.Sum256(data) {
		t.Errorf("32 MiB through cat came back changed (%d bytes)", len(stdout))
	}
}

func TestSSHCommandsOpenSSH(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	checkCommands(t, e)
}

func TestSSHCommandsDropbear(t *testing.T) {
	d := testenv.StartDropbear(t)
	e := newEnv(t, d.Port, d.PubKey)
	checkCommands(t, e)
}

func TestSSHConnectionRefused(t *testing.T) {
	e := &sshEnv{t: t, home: t.TempDir(), port: testenv.FreePort(t)}
	_, stderr, status := e.run(nil, "-F", "/dev/null", "-o", "BatchMode=yes", "-p", fmt.Sprint(e.port), "127.0.0.1", "true")
	if status != 255 {
		t.Errorf("status %d, want 255", status)
	}
	want := fmt.Sprintf("ssh: connect to host 127.0.0.1 port %d: Connection refused", e.port)
	if strings.TrimSpace(stderr) != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
}

func TestSSHOptionsAfterDestination(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	// ssh host -p PORT cmd args: -p is ssh's, "-l" after the command word
	// belongs to the command.
	args := []string{"-F", "/dev/null", "-i", e.key, "-oUserKnownHostsFile=" + e.kh, "-oBatchMode=yes",
		"ssh://" + e.user.Name + "@127.0.0.1", "-p", fmt.Sprint(e.port), "echo", "-l", "x"}
	stdout, stderr, status := e.run(nil, args...)
	if status != 0 || stdout != "-l x\n" {
		t.Errorf("stdout %q status %d; stderr:\n%s", stdout, status, stderr)
	}
}

func TestSSHBadArguments(t *testing.T) {
	e := &sshEnv{t: t, home: t.TempDir()}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-Z", "host"}, "unknown option -- Z"},
		{[]string{"host", "-p"}, "option requires an argument -- p"},
		{[]string{"-p", "99999", "host"}, "Bad port '99999'"},
		{[]string{"-Q", "nonsense"}, `Unsupported query "nonsense"`},
		{[]string{"-I", "/usr/lib/opensc-pkcs11.so", "host"}, "PKCS#11 tokens (-I) are not supported by sshbox"},
		{[]string{"-w", "x", "host"}, "Bad tun device 'x'"},
		{[]string{"-F", "/dev/null", "-c", "nosuch", "127.0.0.1"}, "Unknown cipher type 'nosuch'"},
		{[]string{"-F", "/dev/null", "-L", "bad", "127.0.0.1"}, "Bad local forwarding specification 'bad'"},
		{[]string{"-F", "/dev/null", "-o", "NoSuchOption=1", "127.0.0.1"}, "NoSuchOption"},
		{[]string{"-F", "/dev/null", "-J", "u@", "127.0.0.1"}, "Invalid -J argument"},
	} {
		_, stderr, status := e.run(nil, c.args...)
		if status != 255 || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: status %d, stderr %q; want 255 and %q", c.args, status, stderr, c.want)
		}
	}
}

func TestSSHQuery(t *testing.T) {
	e := &sshEnv{t: t, home: t.TempDir()}
	stdout, _, status := e.run(nil, "-Q", "cipher")
	if status != 0 || !strings.Contains(stdout, "chacha20-poly1305@openssh.com\n") || !strings.Contains(stdout, "aes256-ctr\n") {
		t.Errorf("-Q cipher: status %d, output:\n%s", status, stdout)
	}
	_, stderr, status := e.run(nil, "-V")
	if status != 0 || !strings.HasPrefix(stderr, "sshbox_") {
		t.Errorf("-V: status %d, stderr %q", status, stderr)
	}
}

func TestSSHNoCommonAlgorithm(t *testing.T) {
	e, _ := openSSHEnv(t, "Ciphers aes128-ctr")
	_, stderr, status := e.run(nil, append(e.base(), "-o", "BatchMode=yes", "-c", "aes256-gcm@openssh.com", e.dest(), "true")...)
	want := fmt.Sprintf("Unable to negotiate with 127.0.0.1 port %d: no matching cipher found. Their offer: aes128-ctr", e.port)
	if status != 255 || strings.TrimSpace(stderr) != want {
		t.Errorf("status %d, stderr %q; want %q", status, stderr, want)
	}
}

// TestSSHSubsystem: -s, or SessionType subsystem in the configuration,
// runs a subsystem; sftp answers its INIT packet. stdin stays open until
// the answer is in, since sftp-server may exit at EOF before writing.
func TestSSHSubsystem(t *testing.T) {
	for _, how := range [][]string{{"-s"}, {"-o", "SessionType=subsystem"}} {
		t.Run(strings.Join(how, " "), func(t *testing.T) { testSubsystem(t, how) })
	}
}

func testSubsystem(t *testing.T, how []string) {
	e, _ := openSSHEnv(t, "")
	args := append(append(e.base(), "-o", "BatchMode=yes"), how...)
	cmd := exec.Command(testenv.Bin(t, "ssh"), append(args, e.dest(), "sftp")...)
	cmd.Env = e.env()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stdin.Write([]byte{0, 0, 0, 5, 1, 0, 0, 0, 3}) // SSH_FXP_INIT, version 3
	reply := make([]byte, 9)
	_, err := io.ReadFull(stdout, reply)
	stdin.Close()
	io.Copy(io.Discard, stdout)
	werr := cmd.Wait()
	if err != nil || reply[4] != 2 || reply[8] != 3 {
		t.Errorf("sftp subsystem answered %x, %v; want SSH_FXP_VERSION 3; stderr %q", reply, err, stderr.String())
	}
	if werr != nil {
		t.Errorf("ssh -s: %v; stderr %q", werr, stderr.String())
	}
}

// pipeNonblocking reports whether the pipe's open file description, which
// a child shares, has O_NONBLOCK; through Control, since Fd would clear it.
func pipeNonblocking(t *testing.T, f *os.File) bool {
	t.Helper()
	rc, err := f.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var fl int
	var ferr error
	if err := rc.Control(func(fd uintptr) { fl, ferr = unix.FcntlInt(fd, unix.F_GETFL, 0) }); err != nil || ferr != nil {
		t.Fatal(err, ferr)
	}
	return fl&unix.O_NONBLOCK != 0
}

// ssh reads a standard input that is a pipe without blocking, as OpenSSH's
// does, and leaves it blocking again when it exits: at the session's end,
// and when a signal ends it, with the copy still waiting for input.
func TestSSHStdinPipeRestored(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	for _, how := range []string{"session ends", "SIGTERM"} {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(testenv.Bin(t, "ssh"), append(e.base(), "-o", "BatchMode=yes", e.dest(),
			"head -c 5; head -c 1 >/dev/null")...)
		cmd.Env = e.env()
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		cmd.Stdin = r // exec hands it over blocking
		stdout, _ := cmd.StdoutPipe()
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("hello"))
		got := make([]byte, 5)
		if _, err := io.ReadFull(stdout, got); err != nil || string(got) != "hello" {
			t.Fatalf("%s: read %q, %v; stderr %q", how, got, err, stderr.String())
		}
		if !pipeNonblocking(t, r) {
			t.Errorf("%s: ssh reads its standard input pipe blocking", how)
		}
		if how == "SIGTERM" {
			cmd.Process.Signal(syscall.SIGTERM)
		} else {
			w.Write([]byte("x")) // the remote command ends; w stays open
		}
		io.Copy(io.Discard, stdout)
		cmd.Wait()
		if pipeNonblocking(t, r) {
			t.Errorf("%s: ssh left its standard input non-blocking", how)
		}
		r.Close()
		w.Close()
	}
}

// A standard input that is also the standard output (one socket for both,
// as inetd gives a program) stays blocking: O_NONBLOCK would reach ssh's
// writes to it too.
func TestSSHStdinSocketSharedWithStdout(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	ours, theirs := os.NewFile(uintptr(fds[0]), "ours"), os.NewFile(uintptr(fds[1]), "theirs")
	defer ours.Close()
	cmd := exec.Command(testenv.Bin(t, "ssh"), append(e.base(), "-o", "BatchMode=yes", e.dest(),
		"head -c 5; head -c 1 >/dev/null")...)
	cmd.Env = e.env()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Stdin, cmd.Stdout = theirs, theirs
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ours.Write([]byte("hello"))
	got := make([]byte, 5)
	if _, err := io.ReadFull(ours, got); err != nil || string(got) != "hello" {
		t.Fatalf("read %q, %v; stderr %q", got, err, stderr.String())
	}
	if pipeNonblocking(t, theirs) {
		t.Error("ssh made a standard input it shares with its standard output non-blocking")
	}
	ours.Write([]byte("x"))
	if err := cmd.Wait(); err != nil {
		t.Errorf("ssh: %v; stderr %q", err, stderr.String())
	}
	theirs.Close()
}

// ssh -s, which has no session of x/crypto's to restore a terminal with,
// puts its standard input's flags back too when a signal ends it.
func TestSSHSubsystemStdinRestoredOnSignal(t *testing.T) {
	e, _ := openSSHEnv(t, "")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	cmd := exec.Command(testenv.Bin(t, "ssh"), append(e.base(), "-o", "BatchMode=yes", "-s", e.dest(), "sftp")...)
	cmd.Env = e.env()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Stdin = r
	stdout, _ := cmd.StdoutPipe()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Write([]byte{0, 0, 0, 5, 1, 0, 0, 0, 3}) // SSH_FXP_INIT, version 3
	reply := make([]byte, 9)
	if _, err := io.ReadFull(stdout, reply); err != nil || reply[4] != 2 {
		t.Fatalf("sftp subsystem answered %x, %v; stderr %q", reply, err, stderr.String())
	}
	if !pipeNonblocking(t, r) {
		t.Error("ssh -s reads its standard input pipe blocking")
	}
	cmd.Process.Signal(syscall.SIGTERM)
	io.Copy(io.Discard, stdout)
	err = cmd.Wait()
	if pipeNonblocking(t, r) {
		t.Error("ssh -s left its standard input non-blocking after SIGTERM")
	}
	if code := testenv.ExitCode(err); code != 255 {
		t.Errorf("ssh -s ended by SIGTERM: exit %d (%v), want 255 as OpenSSH's", code, err)
	}
}
