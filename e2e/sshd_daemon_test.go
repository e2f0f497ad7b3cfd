package e2e

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSshdSignalsAndPidFile: the pid file holds the daemon's pid, SIGHUP
// makes new connections see the edited configuration, SIGTERM ends the
// daemon with status 0 and removes the pid file.
func TestSshdSignalsAndPidFile(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	pidFile := filepath.Join(t.TempDir(), "sshd.pid")
	d := testenv.StartSshbox(t, "PidFile "+pidFile+"\nForceCommand echo before")
	sshdWaitFor(t, 5*time.Second, func() bool {
		data, _ := os.ReadFile(pidFile)
		return strings.TrimSpace(string(data)) == fmt.Sprint(d.Proc.Cmd.Process.Pid)
	})
	if out, _, _ := sshdLogin(t, d, key, u.Name, nil, nil, "true"); out != "before\n" {
		t.Fatalf("before SIGHUP: %q", out)
	}
	cfg, _ := os.ReadFile(d.ConfigPath)
	os.WriteFile(d.ConfigPath, []byte(strings.Replace(string(cfg), "echo before", "echo after", 1)), 0o644)
	d.Proc.Cmd.Process.Signal(syscall.SIGHUP)
	d.WaitLog(t, "Received SIGHUP; re-reading configuration.", 5*time.Second)
	if out, _, _ := sshdLogin(t, d, key, u.Name, nil, nil, "true"); out != "after\n" {
		t.Fatalf("after SIGHUP: %q", out)
	}
	d.Proc.Cmd.Process.Signal(syscall.SIGTERM)
	err, done := d.Proc.Wait(10 * time.Second)
	if !done || err != nil {
		t.Fatalf("SIGTERM: exited %v, %v\n%s", done, err, d.Proc.Stderr.String())
	}
	d.WaitLog(t, "Received signal 15; terminating.", time.Second)
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Fatalf("pid file left behind: %v", err)
	}
}

// TestSshdListensOnSeveralAddresses: two ports from -p, IPv4 and IPv6.
func TestSshdListensOnSeveralAddresses(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	p1, p2 := testenv.FreePort(t), testenv.FreePort(t)
	cfg, _, _ := testenv.SshboxConfig(t, "")
	data, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.Replace(string(data), "ListenAddress 127.0.0.1\n", "ListenAddress 127.0.0.1\nListenAddress ::1\n", 1)), 0o644)
	p := testenv.Start(t, testenv.Bin(t, ""), "sshd", "-De", "-f", cfg, "-p", fmt.Sprint(p1), "-p", fmt.Sprint(p2))
	d := &testenv.Sshbox{Proc: p}
	d.WaitLog(t, fmt.Sprintf("Server listening on 127.0.0.1 port %d.", p2), 20*time.Second)
	for _, port := range []int{p1, p2} {
		d.Port = port
		if out, _, code := sshdLogin(t, d, key, u.Name, nil, nil, "echo $SSH_CONNECTION"); code != 0 || !strings.HasSuffix(strings.TrimSpace(out), fmt.Sprintf("127.0.0.1 %d", port)) {
			t.Errorf("port %d: %d %q", port, code, out)
		}
	}
	if l, err := net.Listen("tcp6", "[::1]:0"); err == nil {
		l.Close()
		d.WaitLog(t, fmt.Sprintf("Server listening on ::1 port %d.", p1), 5*time.Second)
		args := append([]string{"-6"}, testenv.SSHArgs(key, p1, u.Name)...)
		args[len(args)-1] = "::1"
		out, err := exec.Command(testenv.NeedCmd(t, "ssh"), append(args, "echo $SSH_CLIENT")...).Output()
		if err != nil || !strings.HasPrefix(string(out), "::1 ") {
			t.Errorf("IPv6: %q %v", out, err)
		}
	}
}

// TestSshdLocalForwarding: ssh -L through sshd reaches a local TCP
// service; no-port-forwarding in authorized_keys forbids it.
func TestSshdLocalForwarding(t *testing.T) {
	t.Parallel()
	echo := echoServer(t, "echo:")
	d := testenv.StartSshbox(t, "")
	for _, c := range []struct {
		options string
		want    bool
	}{{"", true}, {"no-port-forwarding", false}} {
		u := testenv.NewUser(t, "")
		key := u.AuthorizeKey(t, c.options)
		lport := testenv.FreePort(t)
		args := append([]string{"-N", "-o", "ExitOnForwardFailure=yes", "-L", fmt.Sprintf("127.0.0.1:%d:%s", lport, echo.Addr())},
			testenv.SSHArgs(key, d.Port, u.Name)...)
		testenv.Start(t, testenv.NeedCmd(t, "ssh"), args...)
		testenv.WaitPort(t, fmt.Sprintf("127.0.0.1:%d", lport), 10*time.Second)
		conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", lport))
		if err != nil {
			t.Fatal(err)
		}
		conn.Write([]byte("hello"))
		conn.SetReadDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 64)
		n, _ := conn.Read(buf)
		conn.Close()
		if got := string(buf[:n]) == "echo:hello"; got != c.want {
			t.Errorf("options %q: forwarded reply %q", c.options, buf[:n])
		}
	}
}

// TestSshdRemoteForwarding: ssh -R makes sshd listen on loopback and carry
// connections back to a service on the client's side.
func TestSshdRemoteForwarding(t *testing.T) {
	t.Parallel()
	echo := echoServer(t, "back:")
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	d := testenv.StartSshbox(t, "")
	rport := testenv.FreePort(t)
	args := append([]string{"-N", "-o", "ExitOnForwardFailure=yes", "-R", fmt.Sprintf("%d:%s", rport, echo.Addr())},
		testenv.SSHArgs(key, d.Port, u.Name)...)
	p := testenv.Start(t, testenv.NeedCmd(t, "ssh"), args...)
	testenv.WaitPort(t, fmt.Sprintf("127.0.0.1:%d", rport), 10*time.Second)
	conn, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", rport))
	if err != nil {
		t.Fatal(err)
	}
	conn.Write([]byte("hi"))
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 64)
	n, _ := conn.Read(buf)
	conn.Close()
	if string(buf[:n]) != "back:hi" {
		t.Fatalf("through ssh -R: %q", buf[:n])
	}
	p.Kill()
	sshdWaitFor(t, 5*time.Second, func() bool {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", rport))
		if err == nil {
			c.Close()
		}
		return err != nil
	})
}

// TestSshdDetachesWithoutD: without -D, sshd returns at once and keeps
// serving in the background, logging to the -E file; the pid file names
// the background process, which SIGTERM ends.
func TestSshdDetachesWithoutD(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	dir := t.TempDir()
	pidFile, logFile := filepath.Join(dir, "sshd.pid"), filepath.Join(dir, "sshd.log")
	cfg, _, port := testenv.SshboxConfig(t, "PidFile "+pidFile)
	if out, err := exec.Command(testenv.Bin(t, "sshd"), "-f", cfg, "-E", logFile).CombinedOutput(); err != nil {
		t.Fatalf("sshd: %v\n%s", err, out)
	}
	var pid int
	sshdWaitFor(t, 10*time.Second, func() bool {
		data, _ := os.ReadFile(pidFile)
		pid, _ = strconv.Atoi(strings.TrimSpace(string(data)))
		return pid > 0
	})
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGKILL) })
	d := &testenv.Sshbox{Port: port}
	if out, _, code := sshdLogin(t, d, key, u.Name, nil, nil, "id -un"); code != 0 || strings.TrimSpace(out) != u.Name {
		t.Fatalf("background sshd: status %d, %q", code, out)
	}
	syscall.Kill(pid, syscall.SIGTERM)
	sshdWaitFor(t, 10*time.Second, func() bool { return syscall.Kill(pid, 0) != nil })
	log, _ := os.ReadFile(logFile)
	if !strings.Contains(string(log), "Accepted publickey for "+u.Name) || !strings.Contains(string(log), "Received signal 15; terminating.") {
		t.Fatalf("log file:\n%s", log)
	}

	// A port that cannot be bound is reported before going to the
	// background.
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	out, err := exec.Command(testenv.Bin(t, "sshd"), "-f", cfg, "-E", logFile, "-p", fmt.Sprint(busy.Addr().(*net.TCPAddr).Port)).CombinedOutput()
	if testenv.ExitCode(err) != 255 || !strings.Contains(string(out), "Cannot bind any address.") {
		t.Fatalf("sshd on a busy port: %v %q", err, out)
	}
}

// TestSshdAgentForwarding: with ssh -A the remote command sees the
// client's agent through SSH_AUTH_SOCK; no-agent-forwarding refuses it.
func TestSshdAgentForwarding(t *testing.T) {
	t.Parallel()
	d := testenv.StartSshbox(t, "")
	for _, c := range []struct {
		options string
		want    bool
	}{{"", true}, {"no-agent-forwarding", false}} {
		u := testenv.NewUser(t, "")
		key := u.AuthorizeKey(t, c.options)
		fp, err := exec.Command(testenv.NeedCmd(t, "ssh-keygen"), "-l", "-f", key+".pub").Output()
		if err != nil {
			t.Fatal(err)
		}
		script := "ssh-add -q \"$1\" && shift && exec ssh -A \"$@\""
		args := append([]string{"sh", "-c", script, "sh", key}, testenv.SSHArgs(key, d.Port, u.Name)...)
		args = append(args, "ssh-add -l; ls -ld \"$(dirname \"$SSH_AUTH_SOCK\")\" | cut -d' ' -f3")
		out, _ := exec.Command(testenv.NeedCmd(t, "ssh-agent"), args...).Output()
		fields := strings.Fields(string(fp))
		got := strings.Contains(string(out), fields[1]) && strings.Contains(string(out), "\n"+u.Name+"\n")
		if got != c.want {
			t.Errorf("options %q: remote ssh-add -l and socket owner: %q", c.options, out)
		}
	}
}

// echoServer answers each connection's first read with prefix and what it
// read, then closes it.
func echoServer(t *testing.T, prefix string) net.Listener {
	return testenv.ServeTCP(t, func(c net.Conn) {
		defer c.Close()
		buf := make([]byte, 64)
		n, _ := c.Read(buf)
		c.Write([]byte(prefix + string(buf[:n])))
	})
}
