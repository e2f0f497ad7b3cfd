package testenv

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// Dropbear is Dropbear's server started for a test on a loopback port.
type Dropbear struct {
	Port    int
	Addr    string
	HostKey string // Dropbear-format private key
	PubKey  string // the host key in authorized_keys form ("ssh-ed25519 AAAA...")
	Proc    *Proc
}

// StartDropbear starts Dropbear's server in the foreground on a free port of
// 127.0.0.1 with a fresh ed25519 host key; extra arguments are appended.
func StartDropbear(t testing.TB, extra ...string) *Dropbear {
	t.Helper()
	NeedRoot(t)
	dropbear := NeedCmd(t, "dropbear")
	dir := t.TempDir()
	key := filepath.Join(dir, "dropbear_ed25519_host_key")
	out, err := exec.Command(NeedCmd(t, "dropbearkey"), "-t", "ed25519", "-f", key).CombinedOutput()
	if err != nil {
		t.Fatalf("dropbearkey: %v\n%s", err, out)
	}
	var pub string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "ssh-ed25519 ") {
			f := strings.Fields(line)
			pub = f[0] + " " + f[1]
		}
	}
	if pub == "" {
		t.Fatalf("dropbearkey printed no public key:\n%s", out)
	}
	port := FreePort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	args := append([]string{"-F", "-E", "-p", addr, "-r", key}, extra...)
	p := Start(t, dropbear, args...)
	WaitPort(t, addr, 10*time.Second)
	return &Dropbear{Port: port, Addr: addr, HostKey: key, PubKey: pub, Proc: p}
}

// KnownHosts writes a known_hosts file in dir listing pubKey (a public key
// line or a path to a .pub file) for 127.0.0.1 on port and returns its path.
func KnownHosts(t testing.TB, dir string, port int, pubKey string) string {
	t.Helper()
	if !strings.HasPrefix(pubKey, "ssh-") && !strings.HasPrefix(pubKey, "ecdsa-") {
		b, err := os.ReadFile(pubKey)
		if err != nil {
			t.Fatal(err)
		}
		pubKey = string(b)
	}
	f := strings.Fields(pubKey)
	p := filepath.Join(dir, "known_hosts")
	line := fmt.Sprintf("[127.0.0.1]:%d %s %s\n", port, f[0], f[1])
	if port == 22 {
		line = fmt.Sprintf("127.0.0.1 %s %s\n", f[0], f[1])
	}
	if err := os.WriteFile(p, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// Authorize appends the public key at pubPath to the user's
// ~/.ssh/authorized_keys.
func (u *User) Authorize(t testing.TB, pubPath string) {
	t.Helper()
	pub, err := os.ReadFile(pubPath)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(filepath.Join(u.Home, ".ssh", "authorized_keys"))
	u.WriteFile(t, ".ssh/authorized_keys", append(old, pub...), 0o600)
}

// Term is a program running in a real terminal (a pty) for a test.
type Term struct {
	t    testing.TB
	pty  *os.File
	Cmd  *exec.Cmd
	mu   sync.Mutex
	out  bytes.Buffer
	done chan struct{}
	err  error
}

// StartTerm runs name with args on a new pty of rows x cols, as the
// session leader with the pty as its controlling terminal, so /dev/tty is
// the pty. Everything written to the terminal is collected.
func StartTerm(t testing.TB, rows, cols int, env []string, name string, args ...string) *Term {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	return startTerm(t, cmd, rows, cols, nil)
}

// StartTermStdin is StartTerm (24x80) with stdin apart from the terminal:
// what the program reads from /dev/tty comes from Type, stdin from stdin.
func StartTermStdin(t testing.TB, stdin io.Reader, name string, args ...string) *Term {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = stdin
	// The controlling terminal is taken from stdout, stdin being no tty.
	return startTerm(t, cmd, 24, 80, &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 1})
}

// startTerm starts cmd on a new pty; attrs nil means pty's own session
// set-up with the pty on all three standard descriptors.
func startTerm(t testing.TB, cmd *exec.Cmd, rows, cols int, attrs *syscall.SysProcAttr) *Term {
	t.Helper()
	sz := &pty.Winsize{Rows: uint16(rows), Cols: uint16(cols)}
	var f *os.File
	var err error
	if attrs == nil {
		f, err = pty.StartWithSize(cmd, sz)
	} else {
		f, err = pty.StartWithAttrs(cmd, sz, attrs)
	}
	if err != nil {
		t.Fatalf("start %s on a pty: %v", cmd.Path, err)
	}
	tm := &Term{t: t, pty: f, Cmd: cmd, done: make(chan struct{})}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			tm.mu.Lock()
			tm.out.Write(buf[:n])
			tm.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() { tm.err = cmd.Wait(); close(tm.done) }()
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Process.Kill()
		<-tm.done
		f.Close()
	})
	return tm
}

// Output returns everything the terminal showed so far.
func (tm *Term) Output() string {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	return tm.out.String()
}

// Expect waits until the terminal has shown want after offset from, and
// returns the offset just past it.
func (tm *Term) Expect(from int, want string, timeout time.Duration) int {
	tm.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		out := tm.Output()
		if from <= len(out) {
			if i := strings.Index(out[from:], want); i >= 0 {
				return from + i + len(want)
			}
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("terminal did not show %q within %v; it shows:\n%s", want, timeout, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Type sends keystrokes.
func (tm *Term) Type(s string) {
	tm.t.Helper()
	if _, err := io.WriteString(tm.pty, s); err != nil {
		tm.t.Fatalf("typing %q: %v", s, err)
	}
}

// Resize changes the terminal's size (the program gets SIGWINCH).
func (tm *Term) Resize(rows, cols int) {
	tm.t.Helper()
	if err := pty.Setsize(tm.pty, &pty.Winsize{Rows: uint16(rows), Cols: uint16(cols)}); err != nil {
		tm.t.Fatal(err)
	}
}

// Wait waits for the program to exit and returns its exit status.
func (tm *Term) Wait(timeout time.Duration) int {
	tm.t.Helper()
	select {
	case <-tm.done:
		return ExitCode(tm.err)
	case <-time.After(timeout):
		tm.t.Fatalf("program still running after %v; terminal shows:\n%s", timeout, tm.Output())
	}
	return -1
}
