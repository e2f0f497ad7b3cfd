package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/testenv"
)

// TestSshdUnprivilegedDefaultAudit starts sshd as an ordinary user with
// the built-in defaults: it must generate its ed25519 host key in the
// user's state directory, skip the pid file it cannot write, let only that
// user in, and pass ssh-audit with nothing worse than "unknown algorithm".
func TestSshdUnprivilegedDefaultAudit(t *testing.T) {
	t.Parallel()
	owner := testenv.NewUser(t, "")
	key := owner.AuthorizeKey(t, "")
	other := testenv.NewUser(t, "")
	otherKey := other.AuthorizeKey(t, "")
	empty := filepath.Join(sshdKeysDir(t), "sshd_config")
	os.WriteFile(empty, nil, 0o644)
	port := testenv.FreePort(t)
	p := testenv.Start(t, testenv.NeedCmd(t, "setpriv"), "--reuid", fmt.Sprint(owner.UID), "--regid", fmt.Sprint(owner.GID),
		"--init-groups", "env", "-i", "HOME="+owner.Home, "PATH=/usr/bin:/bin",
		testenv.Bin(t, ""), "sshd", "-De", "-f", empty, "-p", fmt.Sprint(port), "-o", "ListenAddress=127.0.0.1")
	d := &testenv.Sshbox{Port: port, Addr: fmt.Sprintf("127.0.0.1:%d", port), Proc: p}
	d.WaitLog(t, fmt.Sprintf("Server listening on 127.0.0.1 port %d.", port), 20*time.Second)

	hostKey := filepath.Join(owner.Home, ".local/state/sshbox/ssh_host_ed25519_key")
	st, err := os.Stat(hostKey)
	if err != nil || st.Mode().Perm() != 0o600 || int(st.Sys().(*syscall.Stat_t).Uid) != owner.UID {
		t.Fatalf("generated host key %s: %v %v", hostKey, st, err)
	}
	if _, err := os.Stat("/run/sshd.pid"); err == nil {
		if data, _ := os.ReadFile("/run/sshd.pid"); strings.TrimSpace(string(data)) == fmt.Sprint(p.Cmd.Process.Pid) {
			t.Fatalf("an unprivileged sshd wrote /run/sshd.pid")
		}
	}

	if out, _, code := sshdLogin(t, d, key, owner.Name, nil, nil, "id -un"); code != 0 || strings.TrimSpace(out) != owner.Name {
		t.Fatalf("owner login: status %d, %q\n%s", code, out, p.Stderr.String())
	}
	if _, _, code := sshdLogin(t, d, otherKey, other.Name, nil, nil, "id -un"); code != 255 {
		t.Fatalf("another user logged in to an unprivileged sshd: status %d", code)
	}
	d.WaitLog(t, "User "+other.Name+" not allowed because sshd runs as "+owner.Name, 5*time.Second)

	sshdAudit(t, port)
}

// audit runs ssh-audit against port: no [fail], and no [warn] other than
// "unknown algorithm" for names newer than the tool.
func sshdAudit(t *testing.T, port int) {
	t.Helper()
	out, err := exec.Command(testenv.NeedCmd(t, "ssh-audit"), "-n", "-p", fmt.Sprint(port), "127.0.0.1").CombinedOutput()
	if !strings.Contains(string(out), "(kex) curve25519-sha256") || !strings.Contains(string(out), "(key) ssh-ed25519") {
		t.Fatalf("ssh-audit did not audit (%v):\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "[fail]") || strings.Contains(line, "[warn]") && !strings.Contains(line, "unknown algorithm") {
			t.Errorf("ssh-audit: %s", line)
		}
	}
}

// TestSshdRootDefaultAudit: sshd as root with the built-in defaults uses
// the system's host keys (OpenSSH's, ECDSA one included) and still passes
// ssh-audit, because an unset HostKeyAlgorithms does not offer NIST curves.
func TestSshdRootDefaultAudit(t *testing.T) {
	t.Parallel()
	empty := filepath.Join(t.TempDir(), "sshd_config")
	os.WriteFile(empty, nil, 0o644)
	port := testenv.FreePort(t)
	p := testenv.Start(t, testenv.Bin(t, ""), "sshd", "-De", "-f", empty, "-p", fmt.Sprint(port),
		"-o", "ListenAddress=127.0.0.1", "-o", "PidFile=none")
	d := &testenv.Sshbox{Port: port, Proc: p}
	d.WaitLog(t, fmt.Sprintf("Server listening on 127.0.0.1 port %d.", port), 20*time.Second)
	sshdAudit(t, port)
}

// TestSshdHangupLeavesNoProcess kills clients in the middle of commands,
// with and without a terminal, one of them ignoring SIGHUP: nothing of the
// user's may survive.
func TestSshdHangupLeavesNoProcess(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "")
	for _, c := range []struct {
		flags   []string
		command string
	}{
		{nil, "sleep 300 & sleep 301"},
		{[]string{"-tt"}, "sleep 302"},
		{nil, "trap '' HUP; sleep 303 & sleep 304; wait"},
	} {
		args := append(append(c.flags, testenv.SSHArgs(key, d.Port, u.Name)...), c.command)
		p := testenv.Start(t, testenv.NeedCmd(t, "ssh"), args...)
		sshdWaitFor(t, 10*time.Second, func() bool {
			return len(sshdUserProcs(u)) >= 1 && strings.Contains(strings.Join(sshdUserProcs(u), " "), "sleep")
		})
		p.Kill()
		sshdWaitFor(t, 10*time.Second, func() bool { return len(sshdUserProcs(u)) == 0 })
	}
}

// sshdUserProcs lists the commands of the processes running as u.
func sshdUserProcs(u *testenv.User) []string {
	out, _ := exec.Command("ps", "-o", "args=", "-u", fmt.Sprint(u.UID)).Output()
	var procs []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if l != "" {
			procs = append(procs, l)
		}
	}
	return procs
}

func sshdWaitFor(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met after %v", timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var sshdStatusRE = regexp.MustCompile(`Status: (\d+) goroutines, (\d+) connections`)

// status asks the daemon for its goroutine count (SIGUSR1, answered in the
// log) once it has no connection left, and counts its descriptors.
func sshdStatus(t *testing.T, d *testenv.Sshbox) (goroutines, fds int) {
	t.Helper()
	for i := 0; i < 100; i++ {
		before := len(sshdStatusRE.FindAllStringSubmatch(d.Proc.Stderr.String(), -1))
		d.Proc.Cmd.Process.Signal(syscall.SIGUSR1)
		var m [][]string
		sshdWaitFor(t, 5*time.Second, func() bool {
			m = sshdStatusRE.FindAllStringSubmatch(d.Proc.Stderr.String(), -1)
			return len(m) > before
		})
		last := m[len(m)-1]
		if last[2] == "0" {
			g, _ := strconv.Atoi(last[1])
			ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", d.Proc.Cmd.Process.Pid))
			if err != nil {
				t.Fatal(err)
			}
			return g, len(ents)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("connections do not end")
	return 0, 0
}

// TestSshdThousandConnections makes 1000 sequential connections, each
// running a command, and checks that the daemon's goroutines and
// descriptors are back where they were.
func TestSshdThousandConnections(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	keyPath := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "")
	keyData, _ := os.ReadFile(keyPath)
	signer, err := ssh.ParsePrivateKey(keyData)
	if err != nil {
		t.Fatal(err)
	}
	hostData, _ := os.ReadFile(d.HostKey + ".pub")
	hostKey, _, _, _, err := ssh.ParseAuthorizedKey(hostData)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh.ClientConfig{User: u.Name, Auth: []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: ssh.FixedHostKey(hostKey), Timeout: 10 * time.Second}
	connect := func(i int) {
		c, err := ssh.Dial("tcp", d.Addr, cfg)
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		defer c.Close()
		if i%2 == 1 {
			return // half of them leave without a session
		}
		s, err := c.NewSession()
		if err != nil {
			t.Fatalf("connection %d: session: %v", i, err)
		}
		if out, err := s.Output("echo " + strconv.Itoa(i)); err != nil || string(out) != strconv.Itoa(i)+"\n" {
			t.Fatalf("connection %d: %q, %v", i, out, err)
		}
	}
	for i := 0; i < 10; i++ {
		connect(i)
	}
	// A baseline once the warm-up connections have fully ended: two
	// readings in a row that agree.
	g0, fd0 := sshdStatus(t, d)
	for i := 0; i < 20; i++ {
		time.Sleep(100 * time.Millisecond)
		g, fd := sshdStatus(t, d)
		if g == g0 && fd == fd0 {
			break
		}
		g0, fd0 = g, fd
	}
	for i := 0; i < 1000; i++ {
		connect(i)
	}
	// The last connection's goroutines end just after it is counted out,
	// so look again for a little while before calling it a leak.
	var g1, fd1 int
	for i := 0; i < 20; i++ {
		if g1, fd1 = sshdStatus(t, d); g1 == g0 && fd1 == fd0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("after 1000 connections: %d goroutines (%d before), %d descriptors (%d before)", g1, g0, fd1, fd0)
}
