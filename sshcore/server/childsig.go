package server

import (
	"os"
	"os/exec"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// childGroup is the process group of a session's child (its pid, since
// the child is started in a session of its own). Signals go to the group,
// so that a hangup reaches what the shell started; a group id is only safe
// to signal while the leader's pid cannot be reused, which is until the
// leader is reaped. So the child is first waited for without reaping
// (waitid WNOWAIT), signals are switched off, and only then is it reaped:
// a signal request or hangup racing with the exit finds either the group
// still pinned by the zombie, or nothing to signal.
type childGroup struct {
	mu     sync.Mutex
	pid    int
	reaped bool
}

// signal sends sig to the group, or returns os.ErrProcessDone once the
// leader has exited.
func (g *childGroup) signal(sig syscall.Signal) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.pid <= 0 || g.reaped {
		return os.ErrProcessDone
	}
	return syscall.Kill(-g.pid, sig)
}

// wait waits for cmd's process (the group leader) to exit, ends signalling,
// then reaps it and returns what cmd.Wait returns.
func (g *childGroup) wait(cmd *exec.Cmd) error {
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PID, g.pid, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err != unix.EINTR {
			break
		}
	}
	g.mu.Lock()
	g.reaped = true
	g.mu.Unlock()
	return cmd.Wait()
}
