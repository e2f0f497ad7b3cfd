package ssh

import (
	"os"
	"os/exec"

	"golang.org/x/sys/unix"
)

// forkEnv marks the re-executed child of -f; its value is the descriptor of
// the pipe on which the child tells the parent that authentication is done.
const forkEnv = "SSHBOX_SSH_BACKGROUND_FD"

// background implements -f. Go cannot fork, so ssh runs itself again: the
// child connects and authenticates, prompting on the same terminal, then
// writes one byte on the pipe and detaches (new session, stdin from
// /dev/null); the parent exits 0 on that byte, or with the child's status if
// the child ends first. It returns the hook for the child, or done with the
// parent's exit status.
func background(argv []string) (hook func(), status int, done bool) {
	if os.Getenv(forkEnv) == "3" {
		os.Unsetenv(forkEnv)
		return func() {
			if null, err := os.Open(os.DevNull); err == nil {
				unix.Dup2(int(null.Fd()), 0)
				null.Close()
			}
			unix.Setsid()
			pipe := os.NewFile(3, "background")
			pipe.Write([]byte{1})
			pipe.Close()
		}, 0, false
	}
	self, err := os.Executable()
	if err != nil {
		self = "/proc/self/exe"
	}
	r, w, err := os.Pipe()
	if err != nil {
		return nil, 255, true
	}
	cmd := exec.Command(self)
	cmd.Args = argv
	cmd.Env = append(os.Environ(), forkEnv+"=3")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		return nil, 255, true
	}
	w.Close()
	var b [1]byte
	if n, _ := r.Read(b[:]); n == 1 {
		cmd.Process.Release()
		return nil, 0, true
	}
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		return nil, ee.ExitCode(), true
	}
	if err != nil {
		return nil, 255, true
	}
	return nil, 0, true
}
