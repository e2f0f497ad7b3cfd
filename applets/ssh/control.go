package ssh

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"sshbox/configfmt"
	"sshbox/sshcore/client"
	"sshbox/sshcore/loglevel"
	"sshbox/sshcore/mux"
)

// Connection sharing (ControlMaster, ControlPath, ControlPersist, -M -S -O)
// on the command line's side; the protocol is sshcore/mux.

// masterEnv marks the re-executed background master of ControlPersist; its
// value is the descriptor on which the master says it is listening.
const masterEnv = "SSHBOX_SSH_CONTROL_MASTER_FD"

// controlPath is the effective ControlPath, "" for none.
func controlPath(o *configfmt.ClientOptions) string {
	if o.ControlPath == "none" {
		return ""
	}
	return o.ControlPath
}

// persistTime maps ControlPersist onto mux.Master's Persist.
func persistTime(o *configfmt.ClientOptions) time.Duration {
	switch o.ControlPersist {
	case "no", "", "0":
		return 0
	case "yes":
		return -1
	}
	n, err := strconv.Atoi(o.ControlPersist)
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

// controlCommand is -O: a request to a running master.
func (inv *invocation) controlCommand(cmd string, c *client.Client) int {
	path := controlPath(c.Opts)
	if path == "" {
		fmt.Fprint(os.Stderr, msgNoControlPath)
		return 255
	}
	conn, err := mux.Dial(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%v\r\n", err)
		return 255
	}
	defer conn.Close()
	switch cmd {
	case "check":
		pid, err := conn.AliveCheck()
		if err != nil {
			fmt.Fprintf(os.Stderr, "%v\n", err)
			return 255
		}
		fmt.Fprintf(os.Stderr, msgMasterRunning, pid)
	case "exit":
		if err := conn.Terminate(); err != nil {
			fmt.Fprintf(os.Stderr, msgTerminateRefused+"\n", err)
			return 255
		}
		fmt.Fprint(os.Stderr, msgExitSent)
	case "stop":
		if err := conn.StopListening(); err != nil {
			fmt.Fprintf(os.Stderr, msgStopRefused+"\n", err)
			return 255
		}
		fmt.Fprint(os.Stderr, msgStopSent)
	case "forward", "cancel":
		fwds, err := mux.Forwards(c.Opts)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 255
		}
		for _, f := range fwds {
			if cmd == "cancel" {
				if err := conn.CloseForward(f); err != nil {
					fmt.Fprintf(os.Stderr, msgCancelRefused+"\n", err)
					return 255
				}
				continue
			}
			port, err := conn.OpenForward(f)
			if err != nil {
				fmt.Fprintf(os.Stderr, mux.MsgForwardRefused+"\n", err)
				return 255
			}
			if f.Kind == mux.FwdRemote && f.ListenPort == 0 {
				fmt.Println(port)
			}
		}
	}
	return 0
}

// share decides how this ssh takes part in connection sharing. It returns
// done with ssh's exit status when the invocation ran as a client of a
// running master; otherwise it may have made c a master (c.Shared).
func (inv *invocation) share(c *client.Client) (status int, done bool) {
	o := c.Opts
	path := controlPath(o)
	if path == "" {
		return 0, false
	}
	inMaster := os.Getenv(masterEnv) == "3"
	mode := o.ControlMaster
	if !inMaster && mode != "true" && mode != "ask" {
		conn, err := mux.Dial(path)
		switch {
		case err == nil:
			return mux.Join(c, conn), true
		case mode == "false":
			c.Log.Debug1("%v", err)
			return 0, false
		case !mux.NoMaster(err):
			c.Log.Error("%v", err)
			return 0, false
		}
		var ce *mux.ConnectError
		if errors.As(err, &ce) && errors.Is(ce.Err, syscall.ECONNREFUSED) {
			c.Log.Debug1("Stale control socket %.100s, unlinking", path)
			os.Remove(path)
		}
	}
	if mode == "false" {
		return 0, false
	}
	persist := persistTime(o)
	if persist != 0 && !inMaster {
		// OpenSSH forks here: the master goes to the background and this
		// process becomes its first client. Go cannot fork, so ssh runs
		// itself again as the master and waits until it listens.
		status, started, ready := startPersistentMaster()
		switch {
		case !started:
			return status, true
		case !ready:
			// The master could not listen (it said why): connect
			// directly, as OpenSSH does when multiplexing is disabled.
			return 0, false
		}
		conn, err := mux.Dial(path)
		if err != nil {
			c.Log.Fatal("%v", err)
			return 255, true
		}
		return mux.Join(c, conn), true
	}
	inv.makeMaster(c, path, persist, inMaster)
	return 0, false
}

// makeMaster has c serve the control socket once it is connected; the
// background master of ControlPersist has no session of its own.
func (inv *invocation) makeMaster(c *client.Client, path string, persist time.Duration, background bool) {
	var ready func(bool)
	if background {
		inv.bgMaster = true
		os.Unsetenv(masterEnv)
		c.NoShell, c.Command, c.StdinNull, c.StdioForward, c.Background = true, "", true, "", nil
		ready = func(ok bool) { detachMaster(ok, c.Log.Level() >= loglevel.Debug1) }
	}
	mux.Share(c, path, persist, ready)
}

// startPersistentMaster runs ssh again as the background master and waits
// until it listens (ready), cannot listen (started, not ready: it has
// ended) or fails to connect (not started: its exit status; it has said
// why).
func startPersistentMaster() (status int, started, ready bool) {
	self, err := os.Executable()
	if err != nil {
		self = "/proc/self/exe"
	}
	r, w, err := os.Pipe()
	if err != nil {
		return 255, false, false
	}
	defer r.Close()
	cmd := exec.Command(self)
	cmd.Args = os.Args
	cmd.Env = append(os.Environ(), masterEnv+"=3")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		w.Close()
		return 255, false, false
	}
	w.Close()
	var b [1]byte
	if n, _ := r.Read(b[:]); n == 1 {
		if b[0] == 1 {
			cmd.Process.Release()
			return 0, true, true
		}
		cmd.Wait()
		return 0, true, false
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), false, false
	}
	return 255, false, false
}

// detachMaster tells the waiting first client whether the master listens;
// if it does, the master leaves the terminal: new session, standard
// descriptors on /dev/null (stderr kept when debugging, as OpenSSH does).
func detachMaster(listening, keepStderr bool) {
	pipe := os.NewFile(3, "control-master")
	if !listening {
		pipe.Write([]byte{0})
		pipe.Close()
		return
	}
	pipe.Write([]byte{1})
	pipe.Close()
	if null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0); err == nil {
		unix.Dup2(int(null.Fd()), 0)
		unix.Dup2(int(null.Fd()), 1)
		if !keepStderr {
			unix.Dup2(int(null.Fd()), 2)
		}
		null.Close()
	}
	unix.Setsid()
}
