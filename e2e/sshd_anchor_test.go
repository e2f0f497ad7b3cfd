package e2e

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sshbox/internal/testenv"
)

// TestSshdUnitRestartKeepsSessions is `systemctl restart sshd` run over
// SSH (issue 15): sshd started as sshd.service starts it reports READY=1
// from its main process, that process exits promptly with status 0 on
// SIGTERM (sent to the pid the PidFile names, as `kill -TERM $(cat
// /run/sshd.pid)` does) while a session runs, a new sshd binds the same
// port and takes a login, and the old session still finishes its command
// with status 0; its server, left in the cgroup, exits after it.
func TestSshdUnitRestartKeepsSessions(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	pidFile := filepath.Join(t.TempDir(), "sshd.pid")
	cfg, _, port := testenv.SshboxConfig(t, "PidFile "+pidFile)
	ns := newNotifySocket(t)
	old := startUnit(t, cfg, ns.path)
	msg, sender := ns.next(t, "READY=1", old.log)
	if sender != old.pid() || !strings.Contains(msg+"\n", fmt.Sprintf("MAINPID=%d\n", old.pid())) {
		t.Fatalf("READY=1 from pid %d (%q); want it from and naming the main pid %d", sender, msg, old.pid())
	}
	if data, _ := os.ReadFile(pidFile); strings.TrimSpace(string(data)) != fmt.Sprint(old.pid()) {
		t.Fatalf("pid file holds %q, want the main pid %d", data, old.pid())
	}
	server := serverOf(t, old.pid())

	// The session goes on only after the new daemon has served a login.
	session := startHeldSession(t, u, key, port, func() string { return readLog(old.log) })

	data, _ := os.ReadFile(pidFile)
	var mainPid int
	fmt.Sscan(string(data), &mainPid)
	syscall.Kill(mainPid, syscall.SIGTERM)
	if _, sender := ns.next(t, "STOPPING=1", old.log); sender != old.pid() {
		t.Errorf("STOPPING=1 from pid %d, want the main pid %d", sender, old.pid())
	}
	if err := old.exit(t); err != nil {
		t.Fatalf("main process after SIGTERM: %v, want status 0\n%s", err, readLog(old.log))
	}
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Errorf("pid file left behind: %v", err)
	}
	log := readLog(old.log)
	if !strings.Contains(log, "Received signal 15; terminating.") || !strings.Contains(log, fmt.Sprintf("process %d serves its 1 open connection", server)) {
		t.Errorf("log lacks the SIGTERM line or the draining server's pid %d:\n%s", server, log)
	}
	if !running(server) {
		t.Fatalf("the server went with the main process:\n%s", log)
	}

	// The new daemon binds the same port while the old server still runs.
	ns2 := newNotifySocket(t)
	fresh := startUnit(t, cfg, ns2.path)
	ns2.next(t, "READY=1", fresh.log)
	d := &testenv.Sshbox{Port: port, Addr: fmt.Sprintf("127.0.0.1:%d", port)}
	if out, errOut, code := sshdLogin(t, d, key, u.Name, nil, nil, "echo", "new"); code != 0 || out != "new\n" {
		t.Fatalf("login through the new daemon: status %d, %q %q\nnew log:\n%s", code, out, errOut, readLog(fresh.log))
	}
	if !strings.Contains(readLog(fresh.log), "Accepted publickey") || strings.Count(readLog(old.log), "Accepted publickey") != 1 {
		t.Errorf("the new login went to the wrong daemon\nold:\n%s\nnew:\n%s", readLog(old.log), readLog(fresh.log))
	}

	session.finish(t)
	sshdWaitFor(t, 30*time.Second, func() bool { return !running(server) })

	syscall.Kill(fresh.pid(), syscall.SIGTERM)
	if err := fresh.exit(t); err != nil {
		t.Errorf("new daemon after SIGTERM: %v", err)
	}
}

// TestSshdUnitDrainingServerSecondSignal: a SIGTERM to the server the
// main process left behind (its pid is in the log) ends the sessions it
// still serves, as a second SIGTERM to a plain sshd does.
func TestSshdUnitDrainingServerSecondSignal(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	cfg, _, port := testenv.SshboxConfig(t, "")
	ns := newNotifySocket(t)
	s := startUnit(t, cfg, ns.path)
	ns.next(t, "READY=1", s.log)
	server := serverOf(t, s.pid())
	session := exec.Command(testenv.NeedCmd(t, "ssh"), append(testenv.SSHArgs(key, port, u.Name), "echo started; exec sleep 600")...)
	stdout, _ := session.StdoutPipe()
	if err := session.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { session.Process.Kill(); session.Wait() })
	if !bufio.NewScanner(stdout).Scan() {
		t.Fatalf("session did not start:\n%s", readLog(s.log))
	}
	syscall.Kill(s.pid(), syscall.SIGTERM)
	if err := s.exit(t); err != nil {
		t.Fatalf("main process: %v", err)
	}
	s.waitLog(t, fmt.Sprintf("process %d serves", server))
	syscall.Kill(server, syscall.SIGTERM)
	if err := session.Wait(); testenv.ExitCode(err) != 255 {
		t.Errorf("session ended with %v, want the connection closed (255)", err)
	}
	sshdWaitFor(t, 30*time.Second, func() bool { return !running(server) })
}

// TestSshdUnitServerFailure: when the server dies, the main process exits
// non-zero (so Restart=on-failure restarts the service): 128+N and a line
// naming the server when a signal killed it, the server's own status (255)
// when it could not start, its reason in the log.
func TestSshdUnitServerFailure(t *testing.T) {
	t.Parallel()
	t.Run("killed", func(t *testing.T) {
		cfg, _, _ := testenv.SshboxConfig(t, "")
		ns := newNotifySocket(t)
		s := startUnit(t, cfg, ns.path)
		ns.next(t, "READY=1", s.log)
		server := serverOf(t, s.pid())
		syscall.Kill(server, syscall.SIGKILL)
		if err := s.exit(t); testenv.ExitCode(err) != 128+9 {
			t.Errorf("main process after its server was killed: %v, want status 137\n%s", err, readLog(s.log))
		}
		if log := readLog(s.log); !strings.Contains(log, fmt.Sprintf("server process %d killed by signal 9", server)) {
			t.Errorf("log does not say what happened:\n%s", log)
		}
	})
	t.Run("cannot bind", func(t *testing.T) {
		cfg, _, port := testenv.SshboxConfig(t, "")
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		s := startUnit(t, cfg, "")
		if err := s.exit(t); testenv.ExitCode(err) != 255 {
			t.Errorf("main process with the port taken: %v, want status 255\n%s", err, readLog(s.log))
		}
		if log := readLog(s.log); !strings.Contains(log, fmt.Sprintf("Bind to port %d on 127.0.0.1 failed", port)) {
			t.Errorf("log lacks the bind failure:\n%s", log)
		}
	})
}

// TestSshdUnitForwardsSignals: SIGHUP to the main process (ExecReload's
// kill -HUP $MAINPID) makes the server re-read its configuration, with
// RELOADING=1 and READY=1 reaching systemd from the main process; SIGUSR1
// reaches the server too.
func TestSshdUnitForwardsSignals(t *testing.T) {
	t.Parallel()
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	cfg, _, port := testenv.SshboxConfig(t, "ForceCommand echo before")
	ns := newNotifySocket(t)
	s := startUnit(t, cfg, ns.path)
	ns.next(t, "READY=1", s.log)
	d := &testenv.Sshbox{Port: port, Addr: fmt.Sprintf("127.0.0.1:%d", port)}
	if out, _, _ := sshdLogin(t, d, key, u.Name, nil, nil, "true"); out != "before\n" {
		t.Fatalf("before SIGHUP: %q\n%s", out, readLog(s.log))
	}
	data, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.Replace(string(data), "echo before", "echo after", 1)), 0o644)
	syscall.Kill(s.pid(), syscall.SIGHUP)
	for _, want := range []string{"RELOADING=1", "READY=1"} {
		if _, sender := ns.next(t, want, s.log); sender != s.pid() {
			t.Errorf("%s from pid %d, want the main pid %d", want, sender, s.pid())
		}
	}
	s.waitLog(t, "Received SIGHUP; re-reading configuration.")
	if out, _, _ := sshdLogin(t, d, key, u.Name, nil, nil, "true"); out != "after\n" {
		t.Fatalf("after SIGHUP: %q\n%s", out, readLog(s.log))
	}
	syscall.Kill(s.pid(), syscall.SIGUSR1)
	s.waitLog(t, "Status: ")
}

// TestSshdUnitMainProcessKilled: when the main process dies without a word
// (SIGKILL at TimeoutStopSec, say), the server takes it as a stop: it
// closes its listeners and removes the pid file, so the port is free for
// the next start, and exits once it has no connection.
func TestSshdUnitMainProcessKilled(t *testing.T) {
	t.Parallel()
	pidFile := filepath.Join(t.TempDir(), "sshd.pid")
	cfg, _, port := testenv.SshboxConfig(t, "PidFile "+pidFile)
	s := startUnit(t, cfg, "")
	s.waitLog(t, "Server listening on")
	server := serverOf(t, s.pid())
	syscall.Kill(s.pid(), syscall.SIGKILL)
	s.exit(t)
	s.waitLog(t, fmt.Sprintf("Anchor process %d has exited; terminating.", s.pid()))
	sshdWaitFor(t, 30*time.Second, func() bool { return !running(server) })
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Errorf("pid file left behind: %v", err)
	}
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		t.Fatalf("port still taken: %v", err)
	}
	l.Close()
}

// TestSshdAnchorSwitch: outside a systemd unit `sshd -D` is one process,
// as before; SSHBOX_ANCHOR=yes asks for the anchor anywhere (runit, s6),
// SSHBOX_ANCHOR=no refuses it even under systemd, and any other value is
// an error naming the variable.
func TestSshdAnchorSwitch(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name   string
		env    []string
		anchor bool
	}{
		{"plain", nil, false},
		{"systemd", []string{"INVOCATION_ID=0123456789abcdef0123456789abcdef"}, true},
		{"no under systemd", []string{"INVOCATION_ID=0123456789abcdef0123456789abcdef", "SSHBOX_ANCHOR=no"}, false},
		{"yes", []string{"SSHBOX_ANCHOR=yes"}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, _, _ := testenv.SshboxConfig(t, "")
			p := testenv.StartEnv(t, c.env, testenv.Bin(t, "sshd"), "-D", "-e", "-f", cfg)
			testenv.WaitListening(t, p, 20*time.Second)
			if kids := childrenOf(p.Cmd.Process.Pid); (len(kids) == 1) != c.anchor {
				t.Errorf("children %v; want an anchored server: %v", kids, c.anchor)
			}
		})
	}
	t.Run("bad value", func(t *testing.T) {
		cfg, _, _ := testenv.SshboxConfig(t, "")
		cmd := exec.Command(testenv.Bin(t, "sshd"), "-D", "-e", "-f", cfg)
		cmd.Env = append(os.Environ(), "SSHBOX_ANCHOR=maybe")
		out, err := cmd.CombinedOutput()
		if testenv.ExitCode(err) != 255 || strings.TrimSpace(string(out)) != `sshd: SSHBOX_ANCHOR="maybe": must be yes or no` {
			t.Errorf("SSHBOX_ANCHOR=maybe: %v %q", err, out)
		}
	})
}

// TestSshdAnchorStartStopDaemonRetry: sshd started by contrib/init.d/sshd
// (anchored, as the script asks) is stopped the way OpenRC and Debian's
// scripts stop daemons, `start-stop-daemon --stop --retry TERM/30
// --pidfile`, which waits for the pid in the pid file to exit: it returns
// 0 within its schedule while a session is open, the script starts a new
// sshd on the same port, and the session still finishes with status 0.
func TestSshdAnchorStartStopDaemonRetry(t *testing.T) {
	t.Parallel()
	ssd := testenv.NeedCmd(t, "start-stop-daemon")
	root, err := testenv.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	cfg, _, port := testenv.SshboxConfig(t, "")
	pidFile := filepath.Join(t.TempDir(), "sshd.pid")
	logFile := filepath.Join(t.TempDir(), "sshd.log")
	env := append(os.Environ(), "SSHD="+testenv.Bin(t, "sshd"), "PIDFILE="+pidFile, "SSHD_OPTS=-f "+cfg+" -E "+logFile)
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s\nlog:\n%s", name, args, err, out, readLog(logFile))
		}
	}
	readPid := func() int {
		var pid int
		sshdWaitFor(t, 20*time.Second, func() bool {
			data, _ := os.ReadFile(pidFile)
			_, err := fmt.Sscan(string(data), &pid)
			return err == nil && running(pid)
		})
		return pid
	}
	var started []int
	t.Cleanup(func() {
		for _, pid := range started {
			syscall.Kill(pid, syscall.SIGKILL)
		}
	})
	run("/bin/sh", filepath.Join(root, "contrib", "init.d", "sshd"), "start")
	anchor := readPid()
	server := serverOf(t, anchor)
	started = append(started, anchor, server)
	testenv.WaitPort(t, fmt.Sprintf("127.0.0.1:%d", port), 20*time.Second)

	session := startHeldSession(t, u, key, port, func() string { return readLog(logFile) })

	run(ssd, "--stop", "--pidfile", pidFile, "--retry", "TERM/30")
	if running(anchor) || !running(server) {
		t.Fatalf("after start-stop-daemon: anchor running %v (want no), server running %v (want yes)\nlog:\n%s",
			running(anchor), running(server), readLog(logFile))
	}
	run("/bin/sh", filepath.Join(root, "contrib", "init.d", "sshd"), "start")
	second := readPid()
	started = append(started, second)
	d := &testenv.Sshbox{Port: port, Addr: fmt.Sprintf("127.0.0.1:%d", port)}
	if out, errOut, code := sshdLogin(t, d, key, u.Name, nil, nil, "echo", "new"); code != 0 || out != "new\n" {
		t.Fatalf("login after the restart: %d %q %q\nlog:\n%s", code, out, errOut, readLog(logFile))
	}
	session.finish(t)
	sshdWaitFor(t, 30*time.Second, func() bool { return !running(server) })
	run("/bin/sh", filepath.Join(root, "contrib", "init.d", "sshd"), "stop")
	sshdWaitFor(t, 30*time.Second, func() bool { return !running(second) })
}

// TestSshdUnitSocketActivation: with sshd-listen.socket (Accept=no) systemd
// hands the listening socket to the unit's main process, here the anchor;
// it passes the socket on to its server (the configured port is the one
// the activator holds, so a server binding it itself would fail), and on
// SIGTERM the anchor exits while the socket stays with the activator.
func TestSshdUnitSocketActivation(t *testing.T) {
	t.Parallel()
	activate := testenv.NeedCmd(t, "systemd-socket-activate")
	u := testenv.NewUser(t, "")
	key := u.AuthorizeKey(t, "")
	cfg, _, port := testenv.SshboxConfig(t, "")
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	// The activator passes on only the variables -E names.
	p := testenv.Start(t, activate, "-l", addr, "-E", "INVOCATION_ID=0123456789abcdef0123456789abcdef",
		testenv.Bin(t, "sshd"), "-D", "-e", "-f", cfg)
	testenv.WaitPort(t, addr, 20*time.Second)
	d := &testenv.Sshbox{Port: port, Addr: addr}
	if out, errOut, code := sshdLogin(t, d, key, u.Name, nil, nil, "echo", "in"); code != 0 || out != "in\n" {
		t.Fatalf("login: status %d, %q %q\nlog:\n%s", code, out, errOut, p.Stderr.String())
	}
	if log := p.Stderr.String(); strings.Contains(log, "Cannot bind") || strings.Contains(log, "failed") {
		t.Errorf("the server did not take the activator's socket:\n%s", log)
	}
	server := serverOf(t, p.Cmd.Process.Pid)
	p.Cmd.Process.Signal(syscall.SIGTERM)
	sshdWaitFor(t, 30*time.Second, func() bool { return !running(server) })
}

// TestSshdUnitEarlySIGHUP: a reload asked for while the server is still
// starting (before its handlers are set up, when SIGHUP would kill it) is
// held by the anchor until the server is ready, then done. The server's
// host key is a FIFO, so it is certainly still starting when the signal
// comes: it waits there until the test writes the key.
func TestSshdUnitEarlySIGHUP(t *testing.T) {
	t.Parallel()
	cfg, hostKey, _ := testenv.SshboxConfig(t, "")
	key, err := os.ReadFile(hostKey)
	if err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(t.TempDir(), "host_key_fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, []byte(strings.Replace(string(data), "HostKey "+hostKey, "HostKey "+fifo, 1)), 0o644)
	s := startUnit(t, cfg, "")
	server := serverOf(t, s.pid()) // the anchor handles signals from here on
	syscall.Kill(s.pid(), syscall.SIGHUP)
	// Non-blocking until the server opens its end: a server the signal
	// killed never will.
	var w *os.File
	sshdWaitFor(t, 30*time.Second, func() bool {
		if !running(server) {
			t.Fatalf("SIGHUP killed the starting server:\n%s", readLog(s.log))
		}
		w, err = os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0)
		return err == nil
	})
	w.Write(key)
	w.Close()
	s.waitLog(t, "Received SIGHUP; re-reading configuration.")
	select {
	case <-s.done:
		t.Fatalf("the main process exited: %v\n%s", s.err, readLog(s.log))
	default:
	}
	if !running(server) {
		t.Fatalf("the server is gone:\n%s", readLog(s.log))
	}
}
