package e2e

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
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

// These helpers start sshd the way contrib/systemd/sshd.service does: the
// unit's ExecStart flags and Environment, INVOCATION_ID as systemd sets it
// for a unit's processes, and a NOTIFY_SOCKET the test reads in systemd's
// place. The log goes to a file, as the journal is one: a pipe read by the
// test would keep the anchor's Wait waiting for the server it leaves
// behind.

func init() {
	// A test run that is itself part of a systemd unit must not have every
	// other test's `sshd -D` anchored; these tests set the variable
	// themselves where they mean it.
	os.Unsetenv("INVOCATION_ID")
}

// notifySocket stands in for systemd's notification socket. SO_PASSCRED
// gives the sender's pid with each datagram, which is what systemd checks
// against NotifyAccess=main.
type notifySocket struct {
	path string
	conn *net.UnixConn
}

func newNotifySocket(t *testing.T) *notifySocket {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	raw, err := conn.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var serr error
	raw.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_PASSCRED, 1) })
	if serr != nil {
		t.Fatal(serr)
	}
	return &notifySocket{path: path, conn: conn}
}

// next returns the next message holding the line want, and its sender's
// pid; messages without it are skipped.
func (n *notifySocket) next(t *testing.T, want string, logPath string) (msg string, pid int) {
	t.Helper()
	buf, oob := make([]byte, 4096), make([]byte, 256)
	for {
		n.conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		nb, noob, _, _, err := n.conn.ReadMsgUnix(buf, oob)
		if err != nil {
			t.Fatalf("waiting for %q on NOTIFY_SOCKET: %v\nlog:\n%s", want, err, readLog(logPath))
		}
		pid = -1
		if msgs, err := syscall.ParseSocketControlMessage(oob[:noob]); err == nil {
			for _, m := range msgs {
				if cred, err := syscall.ParseUnixCredentials(&m); err == nil {
					pid = int(cred.Pid)
				}
			}
		}
		msg = string(buf[:nb])
		for _, l := range strings.Split(msg, "\n") {
			if l == want {
				return msg, pid
			}
		}
	}
}

// unitService is sshd as the unit runs it.
type unitService struct {
	cmd  *exec.Cmd
	log  string // the file standing in for the journal
	done chan struct{}
	err  error
}

// unitExecStart reads ExecStart's arguments and the Environment lines of
// contrib/systemd/sshd.service.
func unitExecStart(t *testing.T) (args, env []string) {
	t.Helper()
	root, err := testenv.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, "contrib", "systemd", "sshd.service"))
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, "ExecStart="); ok {
			f := strings.Fields(v)
			if len(f) == 0 || filepath.Base(strings.TrimLeft(f[0], "-@:+!")) != "sshd" {
				t.Fatalf("sshd.service: unexpected ExecStart=%s", v)
			}
			args = f[1:]
		}
		if v, ok := strings.CutPrefix(line, "Environment="); ok {
			env = append(env, strings.Fields(v)...)
		}
	}
	if args == nil {
		t.Fatal("sshd.service has no ExecStart")
	}
	return args, env
}

// startUnit starts sshd as sshd.service would, with the test's
// configuration and extra environment, its standard output and error going
// to a log file. Its process group is killed when the test ends.
func startUnit(t *testing.T, cfg, notify string, extraEnv ...string) *unitService {
	t.Helper()
	args, env := unitExecStart(t)
	logPath := filepath.Join(t.TempDir(), "journal")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	id := make([]byte, 16)
	rand.Read(id)
	env = append(env, "INVOCATION_ID="+hex.EncodeToString(id))
	if notify != "" {
		env = append(env, "NOTIFY_SOCKET="+notify)
	}
	cmd := exec.Command(testenv.Bin(t, "sshd"), append(args, "-e", "-f", cfg)...)
	cmd.Env = append(append(os.Environ(), env...), extraEnv...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &unitService{cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() { s.err = cmd.Wait(); close(s.done) }()
	t.Cleanup(func() {
		// The group outlives the anchor: the server it left stays in it.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	})
	return s
}

func (s *unitService) pid() int { return s.cmd.Process.Pid }

// exit waits for the main process to exit, with a bound on a hang only.
func (s *unitService) exit(t *testing.T) error {
	t.Helper()
	select {
	case <-s.done:
		return s.err
	case <-time.After(30 * time.Second):
		t.Fatalf("main process %d has not exited\nlog:\n%s", s.pid(), readLog(s.log))
		return nil
	}
}

// waitLog waits until the log holds want.
func (s *unitService) waitLog(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(readLog(s.log), want) {
		if time.Now().After(deadline) {
			t.Fatalf("log lacks %q:\n%s", want, readLog(s.log))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func readLog(path string) string {
	data, _ := os.ReadFile(path)
	return string(data)
}

// childrenOf lists the processes whose parent is pid.
func childrenOf(pid int) []int {
	entries, _ := os.ReadDir("/proc")
	var kids []int
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, _, ok := procStat(n); ok && ppid == pid {
			kids = append(kids, n)
		}
	}
	return kids
}

// procStat reads a process's parent and state from /proc/PID/stat.
func procStat(pid int) (ppid int, state byte, ok bool) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, false
	}
	// The command name, in parentheses, may hold spaces: fields start
	// after its last ')'.
	i := strings.LastIndexByte(string(data), ')')
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 2 {
		return 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	return ppid, f[0][0], true
}

// running: the process exists and is no zombie (an orphan's zombie may
// wait a long time for a reaper in a container).
func running(pid int) bool {
	_, state, ok := procStat(pid)
	return ok && state != 'Z'
}

// serverOf returns the one server the anchor with that pid started.
func serverOf(t *testing.T, anchor int) int {
	t.Helper()
	var kids []int
	sshdWaitFor(t, 20*time.Second, func() bool { kids = childrenOf(anchor); return len(kids) == 1 })
	return kids[0]
}

// heldSession is an OpenSSH client session whose command prints
// "started", waits for a file the test makes, prints "finished" and exits
// 0: it runs across a restart with no timing assumed.
type heldSession struct {
	cmd    *exec.Cmd
	lines  *bufio.Scanner
	flag   string
	stderr testenv.SyncBuffer
}

// startHeldSession logs in as u with key on port and waits until the
// command has started; log is the daemon's log, for the failure message.
func startHeldSession(t *testing.T, u *testenv.User, key string, port int, log func() string) *heldSession {
	t.Helper()
	s := &heldSession{flag: filepath.Join(u.Home, "go-on")}
	s.cmd = exec.Command(testenv.NeedCmd(t, "ssh"), append(testenv.SSHArgs(key, port, u.Name),
		fmt.Sprintf("echo started; while [ ! -e %s ]; do sleep 0.1; done; echo finished; exit 0", s.flag))...)
	stdout, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	s.cmd.Stderr = &s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.cmd.Process.Kill(); s.cmd.Wait() })
	s.lines = bufio.NewScanner(stdout)
	if !s.lines.Scan() || s.lines.Text() != "started" {
		t.Fatalf("session did not start: %q %s\nlog:\n%s", s.lines.Text(), s.stderr.String(), log())
	}
	return s
}

// finish lets the command go on and checks that it ends as it should:
// "finished", status 0.
func (s *heldSession) finish(t *testing.T) {
	t.Helper()
	if err := os.WriteFile(s.flag, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if !s.lines.Scan() || s.lines.Text() != "finished" {
		t.Errorf("old session printed %q, want finished; %s", s.lines.Text(), s.stderr.String())
	}
	if err := s.cmd.Wait(); err != nil {
		t.Errorf("old session ended with %v, want status 0: %s", err, s.stderr.String())
	}
}
