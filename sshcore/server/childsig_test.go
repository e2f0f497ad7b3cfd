package server

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
	"testing"
)

// TestChildGroupSignals: a signal reaches a live child's group; once the
// child has exited and been reaped, signals are refused without being
// sent, so a recycled pid or group id is never hit.
func TestChildGroupSignals(t *testing.T) {
	cmd := exec.Command("/bin/sh", "-c", "sleep 30 & wait")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	g := &childGroup{pid: cmd.Process.Pid}
	if err := g.signal(syscall.SIGTERM); err != nil {
		t.Fatalf("signal to a live group: %v", err)
	}
	err := g.wait(cmd)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGTERM {
		t.Fatalf("child ended with %v, want killed by SIGTERM", err)
	}
	if err := g.signal(syscall.SIGKILL); !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("signal after reaping: %v, want os.ErrProcessDone", err)
	}

	// A child that exits by itself: the same once it is reaped.
	cmd = exec.Command("/bin/true")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	g = &childGroup{pid: cmd.Process.Pid}
	if err := g.wait(cmd); err != nil {
		t.Fatal(err)
	}
	if err := g.signal(syscall.SIGHUP); !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("signal after exit: %v", err)
	}
	if err := (&childGroup{}).signal(syscall.SIGHUP); !errors.Is(err, os.ErrProcessDone) {
		t.Errorf("signal with no child: %v", err)
	}
}
