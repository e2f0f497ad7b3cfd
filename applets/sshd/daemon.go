package sshd

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"sshbox/configfmt"
	"sshbox/internal/atomicfile"
	"sshbox/internal/supervise"
	"sshbox/sshcore/loglevel"
	"sshbox/sshcore/server"
)

// daemon is standalone mode: listen, serve, and answer signals. Without -D
// it listens, then detaches: Go cannot fork, so it starts itself again
// with -D in a new session, hands over the sockets, and returns; a port
// that cannot be bound is thus reported before sshd goes to the background.
func daemon(f *flags, srv *server.Server, global *configfmt.ServerOptions) int {
	log := srv.Log
	link, err := supervise.Attach()
	if err != nil {
		log.Errorf("%v", err)
		return 255
	}
	ls, err := inheritedListeners()
	if err == nil && ls == nil {
		ls, err = systemdListeners()
	}
	if err != nil {
		log.Errorf("%v", err)
		return 255
	}
	if ls == nil {
		addrs, err := server.ListenAddrs(global)
		if err != nil {
			log.Errorf("%v", err)
			return 255
		}
		if ls, err = server.Listen(addrs, log); err != nil {
			log.Errorf("%v", err)
			return 255
		}
	}
	// From here on sshd is the daemon: errors go to its log only.
	log.CopyErrorsTo(nil)
	if !f.foreground {
		return detach(ls, f.argv)
	}
	// Under an anchor (internal/supervise) the anchor is the process a
	// supervisor starts and signals: the pid file and MAINPID name it, and
	// the notifications go through it.
	pid, notify, anchorGone := os.Getpid(), supervise.Notify, (<-chan struct{})(nil)
	if link != nil {
		pid, notify, anchorGone = link.AnchorPID(), link.Notify, link.Gone()
	}
	pidFile := writePidFile(global.PidFile, pid, log)
	removePidFile := func() {
		if pidFile != "" {
			removeOwnPidFile(pidFile, pid)
			pidFile = ""
		}
	}
	defer removePidFile()
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT, syscall.SIGUSR1)
	defer signal.Stop(sigs)
	served := make(chan error, len(ls))
	for _, l := range ls {
		go func() { served <- srv.Serve(l) }()
	}
	notify(fmt.Sprintf("READY=1\nMAINPID=%d", pid))
	// After a first SIGTERM: listening stopped, sessions finishing.
	// drained closes when the last connection has ended.
	terminating, serving := false, len(ls)
	var drained chan struct{}
	// drain is the first SIGTERM, as OpenSSH's listener exits and leaves
	// its sessions running: stop listening at once (a new sshd may bind
	// the port now), drop the pid file, and let the open connections
	// finish. STOPPING=1 comes last: an anchor exits on it, and the
	// service counts as stopped, only once port and pid file are free.
	drain := func() {
		terminating = true
		srv.Close()
		removePidFile()
		if n := srv.Connections(); n > 0 {
			log.Infof(msgDraining, os.Getpid(), n)
		}
		notify("STOPPING=1")
	}
	for {
		select {
		case err := <-served:
			serving--
			if err != nil && err != server.ErrServerClosed {
				log.Errorf("%v", err)
				srv.Shutdown()
				return 255
			}
			if terminating && serving == 0 {
				drained = make(chan struct{})
				go func() { srv.Wait(); close(drained) }()
			}
		case <-drained:
			return 0
		case <-anchorGone:
			// The anchor has exited: after our STOPPING=1, or killed. Then
			// the supervisor counts the service as stopped and may start
			// another sshd, which needs the port.
			anchorGone = nil
			if !terminating {
				log.Infof(msgAnchorGone, pid)
				drain()
			}
		case sig := <-sigs:
			switch {
			case sig == syscall.SIGHUP && !terminating:
				notify("RELOADING=1")
				if o := reload(f, srv); o != nil {
					// OpenSSH's sshd re-executes itself on SIGHUP and so
					// writes its pid file again, where the new
					// configuration says.
					if pidFile != "" && pidFile != o.PidFile {
						removeOwnPidFile(pidFile, pid)
					}
					pidFile = writePidFile(o.PidFile, pid, log)
				}
				notify("READY=1")
			case sig == syscall.SIGUSR1:
				srv.LogStatus()
			case sig == syscall.SIGTERM && !terminating:
				// A second signal ends the sessions (the default case).
				log.Infof(msgTerminating, sig.(syscall.Signal))
				drain()
			case sig == syscall.SIGHUP:
				// Reloading a daemon that is on its way out means nothing.
			default:
				if !terminating {
					log.Infof(msgTerminating, sig.(syscall.Signal))
					notify("STOPPING=1")
				}
				srv.Shutdown()
				return 0
			}
		}
	}
}

// reload is SIGHUP: read the configuration again for new connections; a
// configuration that does not load leaves the old one in force. It returns
// the new global options, nil when the configuration did not load.
func reload(f *flags, srv *server.Server) *configfmt.ServerOptions {
	log := srv.Log
	log.Infof(msgConfigReload)
	cfg, err := loadConfig(f)
	var o *configfmt.ServerOptions
	if err == nil {
		o, err = cfg.For(configfmt.MatchConn{})
	}
	if err != nil {
		log.Errorf(msgReloadFailed, err)
		return nil
	}
	if f.debug == 0 && !f.quiet {
		if lv, err := loglevel.Parse(o.LogLevel); err == nil {
			log.SetLevel(lv)
		}
	}
	srv.Reload(cfg.For)
	return o
}

// writePidFile writes pid to path ("none" or "": nowhere) and returns the
// path written, "" when none was. An unprivileged sshd usually may not
// write there; it runs all the same, as the pid file is only a
// convenience.
func writePidFile(path string, pid int, log *server.Logger) string {
	if path == "" || strings.EqualFold(path, "none") {
		return ""
	}
	if err := atomicfile.WriteFile(path, []byte(strconv.Itoa(pid)+"\n"), 0o644); err != nil {
		log.Debugf(msgPidFile, path, err)
		return ""
	}
	return path
}

// removeOwnPidFile removes the pid file only while it still names pid: a
// new sshd started in the meantime may have written its own there.
func removeOwnPidFile(path string, pid int) {
	data, err := os.ReadFile(path)
	if err == nil && strings.TrimSpace(string(data)) == strconv.Itoa(pid) {
		os.Remove(path)
	}
}

// inheritedListeners returns the sockets a detaching parent handed over,
// or nil when sshd was not started that way.
func inheritedListeners() ([]net.Listener, error) {
	v := os.Getenv(supervise.ListenFDsEnv)
	if v == "" {
		return nil, nil
	}
	os.Unsetenv(supervise.ListenFDsEnv)
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 || n > 1000 {
		return nil, fmt.Errorf("%s=%q is not a count of sockets", supervise.ListenFDsEnv, v)
	}
	var ls []net.Listener
	for i := 0; i < n; i++ {
		f := os.NewFile(uintptr(3+i), "listener")
		l, err := net.FileListener(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("inherited socket %d: %v", 3+i, err)
		}
		ls = append(ls, l)
	}
	return ls, nil
}

// foregroundArgs is the command line of the detached sshd: argv with -D.
// argv, not os.Args: under another applet's name (dropbear) the process's
// own command line is not sshd's. What that applet put in front of it
// (splitInternal) stays in front.
func foregroundArgs(argv []string) []string {
	internal, rest := splitInternal(argv)
	return append(append(append([]string{"sshd"}, internal...), "-D"), rest...)
}

// detach starts sshd again with -D added, in its own session with its
// standard descriptors on /dev/null and the listening sockets from
// descriptor 3 on, and leaves.
func detach(ls []net.Listener, argv []string) int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "sshd: %v\n", err)
		return 255
	}
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		fmt.Fprintf(os.Stderr, "sshd: %v\n", err)
		return 255
	}
	defer null.Close()
	cmd := &exec.Cmd{Path: exe, Args: foregroundArgs(argv), Stdin: null, Stdout: null, Stderr: null,
		SysProcAttr: &syscall.SysProcAttr{Setsid: true},
		Env:         append(os.Environ(), fmt.Sprintf("%s=%d", supervise.ListenFDsEnv, len(ls)))}
	for _, l := range ls {
		f, err := l.(*net.TCPListener).File()
		if err != nil {
			fmt.Fprintf(os.Stderr, "sshd: %v\n", err)
			return 255
		}
		defer f.Close()
		cmd.ExtraFiles = append(cmd.ExtraFiles, f)
	}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "sshd: %v\n", err)
		return 255
	}
	cmd.Process.Release()
	return 0
}
