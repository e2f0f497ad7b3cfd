// Package supervise lets a service manager restart sshd without cutting
// its sessions. OpenSSH gets this from its process model: the listener a
// supervisor started exits on SIGTERM while each session is a process of
// its own that runs on. sshbox serves every connection from one process,
// so when a supervisor waits for the process it started (systemd's main
// PID, start-stop-daemon --retry, runit, s6), that process must not be the
// one holding the sessions. Here it is a thin anchor: it starts the real
// server as its child, relays the child's readiness messages to the
// service manager, forwards signals, and on SIGTERM exits as soon as the
// child has closed its listeners, leaving the child to finish its sessions
// (in the unit's cgroup, under KillMode=process).
//
// The anchor and its server are joined by a socket pair: the server sends
// its sd_notify messages over it (so they reach systemd from the main
// process, as NotifyAccess=main wants), and sees the anchor's end close
// when the anchor dies, however it dies.
package supervise

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

const (
	// SwitchEnv turns the anchor on ("yes") or off ("no"); unset, it is on
	// where systemd runs sshd as a service (INVOCATION_ID is set).
	SwitchEnv = "SSHBOX_ANCHOR"
	// ListenFDsEnv tells a server started by sshd itself (a detaching
	// sshd, an anchor) how many listening sockets it inherited, from
	// descriptor 3 on.
	ListenFDsEnv = "SSHBOX_SSHD_LISTEN_FDS"
	// linkFDEnv and anchorPIDEnv tell the server that it runs under an
	// anchor: the descriptor of its end of the link, and the anchor's pid.
	linkFDEnv    = "SSHBOX_SSHD_ANCHOR_FD"
	anchorPIDEnv = "SSHBOX_SSHD_ANCHOR_PID"
	// firstFD is where inherited sockets start (SD_LISTEN_FDS_START).
	firstFD = 3
	// maxFDs bounds a count of inherited sockets read from the environment.
	maxFDs = 1000
)

// Wanted reports whether sshd, about to serve in the foreground, should
// run under an anchor: as SwitchEnv says, else when systemd started it as
// part of a service. A server that already runs under an anchor never
// starts another.
func Wanted() (bool, error) {
	if os.Getenv(linkFDEnv) != "" {
		return false, nil
	}
	switch v := os.Getenv(SwitchEnv); strings.ToLower(v) {
	case "yes":
		return true, nil
	case "no":
		return false, nil
	case "":
		// systemd (232 and later) sets INVOCATION_ID for every process of
		// a unit and for nothing else.
		return os.Getenv("INVOCATION_ID") != "", nil
	default:
		return false, fmt.Errorf(msgBadSwitch, SwitchEnv, v)
	}
}

// RunAnchor starts the server (this executable with args, args[0] being
// the applet name) and supervises it until the service should count as
// stopped; it returns the exit status for the anchor. logw gets the
// anchor's own few lines (a server killed by a signal).
//
// SIGHUP and SIGUSR1 are forwarded (held until the server's first
// READY=1). SIGTERM is forwarded once and the anchor exits 0 when the
// server reports STOPPING=1 (its listeners are closed and its pid file
// removed), so that a new sshd can start while the old server finishes
// its sessions. SIGINT is forwarded and the anchor
// waits for the server to exit (it closes every connection). When the
// server exits, the anchor exits with its status (128+N for signal N).
func RunAnchor(args []string, logw io.Writer) int {
	// Signals first: one that arrives while the server starts is held,
	// not lost and not fatal.
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP, syscall.SIGUSR1)
	cmd, link, err := startServer(args)
	if err != nil {
		fmt.Fprintf(logw, "sshd: %v\n", err)
		return 255
	}
	msgs := make(chan string, 8)
	go readMessages(link, msgs)
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var stop syscall.Signal // the stop signal forwarded, 0 before one
	// Until the server is ready its handlers may not be set up, and a
	// SIGHUP would kill it; such signals wait for READY=1.
	ready, held := false, []syscall.Signal(nil)
	for {
		select {
		case msg, ok := <-msgs:
			if !ok {
				msgs = nil // the server is exiting; Wait says how
				continue
			}
			Notify(msg)
			if !ready && hasLine(msg, "READY=1") {
				ready = true
				for _, s := range held {
					cmd.Process.Signal(s)
				}
				held = nil
			}
			if hasLine(msg, "STOPPING=1") && stop != syscall.SIGINT {
				// Listeners closed, pid file gone: for the supervisor the
				// service has stopped, whatever sessions still run.
				return 0
			}
		case err := <-exited:
			return serverStatus(err, stop, cmd.Process.Pid, logw)
		case sig := <-sigs:
			s := sig.(syscall.Signal)
			if s == syscall.SIGTERM || s == syscall.SIGINT {
				if stop != 0 {
					// A second stop request to the anchor is not one to
					// the server: only the draining server's own pid (it
					// logs it) ends the sessions.
					continue
				}
				stop = s
			} else if !ready {
				if !slices.Contains(held, s) {
					held = append(held, s)
				}
				continue
			}
			cmd.Process.Signal(s)
		}
	}
}

// startServer starts the server with the inherited listening sockets and
// its end of the link, and returns the anchor's end.
func startServer(args []string) (*exec.Cmd, *net.UnixConn, error) {
	listeners, err := inheritedSockets()
	if err != nil {
		return nil, nil, err
	}
	pair, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_SEQPACKET|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("socketpair: %v", err)
	}
	ours := os.NewFile(uintptr(pair[0]), "anchor link")
	theirs := os.NewFile(uintptr(pair[1]), "anchor link")
	defer ours.Close()
	defer theirs.Close()
	cmd := &exec.Cmd{
		// /proc/self/exe, not the path: a package upgrade may have replaced
		// the file since the anchor started, and anchor and server must be
		// the same program.
		Path: "/proc/self/exe", Args: args,
		Env:   serverEnv(len(listeners)),
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		ExtraFiles: append(listeners, theirs),
	}
	err = cmd.Start()
	// The server has its copies; the anchor must not keep the port bound
	// once the server lets go of it.
	for _, f := range listeners {
		f.Close()
	}
	if err != nil {
		return nil, nil, err
	}
	c, err := net.FileConn(ours)
	if err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, nil, fmt.Errorf("anchor link: %v", err)
	}
	return cmd, c.(*net.UnixConn), nil
}

// inheritedSockets returns the listening sockets this process was given,
// by a detaching sshd (ListenFDsEnv) or by systemd's socket activation
// (LISTEN_FDS for this pid), for the server to take over.
func inheritedSockets() ([]*os.File, error) {
	name, v := ListenFDsEnv, os.Getenv(ListenFDsEnv)
	if v == "" {
		name, v = "LISTEN_FDS", os.Getenv("LISTEN_FDS")
		if pid := os.Getenv("LISTEN_PID"); v == "" || pid != "" && pid != strconv.Itoa(os.Getpid()) {
			return nil, nil
		}
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > maxFDs {
		return nil, fmt.Errorf(msgBadCount, name, v)
	}
	files := make([]*os.File, n)
	for i := range files {
		files[i] = os.NewFile(uintptr(firstFD+i), "listener")
	}
	return files, nil
}

// handOver are the variables by which systemd, a detaching sshd or an
// anchor tell the server what they hand it: readiness and sockets.
var handOver = map[string]bool{"NOTIFY_SOCKET": true, "LISTEN_PID": true, "LISTEN_FDS": true,
	"LISTEN_FDNAMES": true, ListenFDsEnv: true, linkFDEnv: true, anchorPIDEnv: true}

// HandOverEnv reports whether the variable name is one of those: meant
// for the server process itself, never for what it starts (dropbear -e
// passes the rest of its environment on to sessions).
func HandOverEnv(name string) bool { return handOver[name] }

// serverEnv is the anchor's environment for the server: the readiness and
// socket variables are the anchor's business, replaced by the link's.
func serverEnv(listeners int) []string {
	var env []string
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); !handOver[name] {
			env = append(env, kv)
		}
	}
	if listeners > 0 {
		env = append(env, fmt.Sprintf("%s=%d", ListenFDsEnv, listeners))
	}
	return append(env, fmt.Sprintf("%s=%d", linkFDEnv, firstFD+listeners),
		fmt.Sprintf("%s=%d", anchorPIDEnv, os.Getpid()))
}

// readMessages passes on each message the server sends, and closes msgs
// when the server's end of the link closes.
func readMessages(link *net.UnixConn, msgs chan<- string) {
	defer close(msgs)
	buf := make([]byte, 4096)
	for {
		n, err := link.Read(buf)
		if err != nil {
			return
		}
		msgs <- string(buf[:n])
	}
}

// serverStatus turns the server's end into the anchor's exit status.
func serverStatus(err error, stop syscall.Signal, pid int, logw io.Writer) int {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case !errors.As(err, &ee):
		fmt.Fprintf(logw, "sshd: %v\n", err)
		return 255
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	switch {
	case !ok:
		return 255
	case ws.Signaled() && ws.Signal() == stop:
		// Stopped before it could set up its handlers: what was asked.
		return 0
	case ws.Signaled():
		fmt.Fprintf(logw, msgKilled+"\n", pid, int(ws.Signal()), ws.Signal())
		return 128 + int(ws.Signal())
	}
	// An exit status: the server has logged its reason itself.
	return ws.ExitStatus()
}
