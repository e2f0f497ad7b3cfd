// Package sshagent is the ssh-agent applet: OpenSSH's command line over
// sshcore/agent. Go cannot fork, so where OpenSSH forks the applet starts
// itself again as the daemon and hands it the bound socket.
package sshagent

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"sshbox/internal/help"
	"sshbox/sshcore/agent"
)

// daemonEnv tells the started copy that it is the daemon and which socket
// path it serves (bound already, as fd 3); dirEnv the directory to remove
// at exit; watchEnv the pid whose end ends it (ssh-agent command: the
// command's pid).
const (
	daemonEnv = "SSHBOX_AGENT_DAEMON"
	dirEnv    = "SSHBOX_AGENT_DIR"
	watchEnv  = "SSHBOX_AGENT_WATCH"
)

// Main runs ssh-agent with argv and returns its exit status.
func Main(args []string) int {
	if path, ok := os.LookupEnv(daemonEnv); ok {
		dir, watch := os.Getenv(dirEnv), os.Getenv(watchEnv)
		for _, v := range []string{daemonEnv, dirEnv, watchEnv} {
			os.Unsetenv(v)
		}
		return runDaemon(args[1:], path, dir, watch)
	}
	if help.Asked(args[1:], true) {
		help.Print(os.Stderr, msgUsage)
		return 1
	}
	return run(args[1:], os.Stdout, os.Stderr)
}

func run(args []string, stdout, stderr io.Writer) int {
	o, status, ok := parseArgs(args, stderr)
	if !ok {
		return status
	}
	if !o.csh && !o.sh && len(o.command) == 0 {
		o.csh = strings.HasSuffix(os.Getenv("SHELL"), "csh")
	}
	if o.kill {
		return kill(o, stdout, stderr)
	}
	path, dir := o.bind, ""
	shown := path // printed as given, as OpenSSH prints it
	if path != "" {
		// The daemon runs in /, where a relative path would name
		// another file to remove at exit.
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
	}
	if path == "" {
		d, err := agent.SocketDir()
		if err != nil {
			fmt.Fprintf(stderr, msgMkdtemp, errText(err))
			return 1
		}
		dir = d
		path = filepath.Join(dir, "agent."+strconv.Itoa(os.Getpid()))
		shown = path
	}
	l, err := agent.Listen(path)
	if err != nil {
		fmt.Fprintf(stderr, msgBind, path, errText(err))
		if dir != "" {
			os.Remove(dir)
		}
		return 1
	}
	if o.foreground || o.debug {
		o.printSet(stdout, "SSH_AUTH_SOCK", shown)
		fmt.Fprintf(stdout, msgPid, os.Getpid())
		var logf agent.Logf = func(string, ...any) {}
		if o.debug {
			logf = func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
		}
		return serve(o, l, path, dir, 0, logf)
	}
	watch := 0
	if len(o.command) > 0 {
		watch = os.Getpid()
	}
	pid, err := startDaemon(args, l, path, dir, watch)
	l.Close()
	if err != nil {
		fmt.Fprintf(stderr, msgFork, errText(err))
		os.Remove(path)
		if dir != "" {
			os.Remove(dir)
		}
		return 1
	}
	if len(o.command) == 0 {
		o.printSet(stdout, "SSH_AUTH_SOCK", shown)
		o.printSet(stdout, "SSH_AGENT_PID", strconv.Itoa(pid))
		fmt.Fprintf(stdout, msgPid, pid)
		return 0
	}
	os.Setenv("SSH_AUTH_SOCK", shown)
	os.Setenv("SSH_AGENT_PID", strconv.Itoa(pid))
	prog, err := exec.LookPath(o.command[0])
	if err == nil {
		err = syscall.Exec(prog, o.command, os.Environ())
	}
	fmt.Fprintf(stderr, msgExecvp, errText(err))
	return 1
}

func (o *opts) printSet(w io.Writer, name, value string) {
	if o.csh {
		fmt.Fprintf(w, fmtSetCsh, name, value)
	} else {
		fmt.Fprintf(w, fmtSetSh, name, value, name)
	}
}

// kill ends the agent named by SSH_AGENT_PID and prints the shell lines
// that forget it.
func kill(o *opts, stdout, stderr io.Writer) int {
	s, ok := os.LookupEnv("SSH_AGENT_PID")
	if !ok {
		fmt.Fprint(stderr, msgNoPid)
		return 1
	}
	pid, err := strconv.Atoi(s)
	if err != nil || pid < 2 {
		why := "invalid"
		if err == nil {
			why = "too small"
		}
		fmt.Fprintf(stderr, msgBadPid, s, why)
		return 1
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		fmt.Fprintf(stderr, msgKill, errText(err))
		return 1
	}
	format := fmtUnsetSh
	if o.csh {
		format = fmtUnsetCsh
	}
	fmt.Fprintf(stdout, format, "SSH_AUTH_SOCK")
	fmt.Fprintf(stdout, format, "SSH_AGENT_PID")
	fmt.Fprintf(stdout, msgKilled, pid)
	return 0
}

// startDaemon starts this binary again, in a new session with its stdio on
// /dev/null and / as its directory, serving the already bound socket.
func startDaemon(args []string, l *net.UnixListener, path, dir string, watch int) (int, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	f, err := l.File()
	if err != nil {
		return 0, err
	}
	defer f.Close()
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		return 0, err
	}
	defer null.Close()
	// Named ssh-agent whatever this process was called, so that the
	// daemon re-reads the same options.
	cmd := exec.Command(self, args...)
	cmd.Args = append([]string{"ssh-agent"}, args...)
	cmd.Dir = "/"
	cmd.Stdin, cmd.Stdout, cmd.Stderr = null, null, null
	cmd.ExtraFiles = []*os.File{f}
	cmd.Env = append(os.Environ(), daemonEnv+"="+path, dirEnv+"="+dir, watchEnv+"="+strconv.Itoa(watch))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	pid := cmd.Process.Pid
	cmd.Process.Release()
	return pid, nil
}

// runDaemon is the started copy: the options again, the socket from fd 3.
func runDaemon(args []string, path, dir, watchPid string) int {
	o, status, ok := parseArgs(args, io.Discard)
	if !ok {
		return status
	}
	watch, _ := strconv.Atoi(watchPid)
	fl, err := net.FileListener(os.NewFile(3, "agent socket"))
	if err != nil {
		return 1
	}
	l, ok := fl.(*net.UnixListener)
	if !ok {
		return 1
	}
	return serve(o, l, path, dir, watch, func(string, ...any) {})
}

// serve runs the agent until a signal, or until the watched pid is gone
// (checked every few seconds, as OpenSSH checks its parent), then removes
// the socket and its directory.
func serve(o *opts, l *net.UnixListener, path, dir string, watch int, logf agent.Logf) int {
	k := agent.NewKeyring()
	k.Lifetime = uint32(o.lifetime)
	k.Confirm = agent.AskpassConfirm(o.hash)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGHUP)
	if o.debug || o.foreground {
		signal.Notify(stop, os.Interrupt)
	} else {
		signal.Ignore(os.Interrupt)
	}
	signal.Ignore(syscall.SIGPIPE)
	done := make(chan error, 1)
	go func() { done <- agent.Serve(l, k, logf) }()
	var tick <-chan time.Time
	if watch > 0 {
		t := time.NewTicker(2 * time.Second)
		defer t.Stop()
		tick = t.C
	}
	status := 0
loop:
	for {
		select {
		case <-stop:
			break loop
		case err := <-done:
			logf("accept: %v", err)
			status = 1
			break loop
		case <-tick:
			// The daemon is the command's child: reparenting means it ended.
			if os.Getppid() != watch {
				break loop
			}
		}
	}
	l.Close()
	os.Remove(path)
	if dir != "" {
		os.Remove(dir)
	}
	return status
}

// errText is an error as C's strerror would word it, without Go's
// operation prefixes.
func errText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		s := errno.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return err.Error()
}
