package sshd

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"sshbox/configfmt"
	"sshbox/internal/atomicfile"
	"sshbox/sshcore/server"
)

// daemon is standalone mode: listen, serve, and answer signals. Without -D
// it first detaches: Go cannot fork, so it starts itself again with -D in
// a new session and returns.
func daemon(f *flags, srv *server.Server, global *configfmt.ServerOptions) int {
	log := srv.Log
	if !f.foreground {
		return detach()
	}
	addrs, err := server.ListenAddrs(global)
	if err != nil {
		log.Errorf("%v", err)
		return 255
	}
	ls, err := server.Listen(addrs, log)
	if err != nil {
		log.Errorf("%v", err)
		return 255
	}
	pidFile := global.PidFile
	if pidFile != "" && !strings.EqualFold(pidFile, "none") {
		// An unprivileged sshd usually may not write there; it runs all
		// the same, as the pid file is only a convenience.
		if err := atomicfile.WriteFile(pidFile, []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
			log.Debugf(msgPidFile, pidFile, err)
			pidFile = ""
		} else {
			defer os.Remove(pidFile)
		}
	}
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGHUP, syscall.SIGTERM, syscall.SIGINT, syscall.SIGUSR1)
	defer signal.Stop(sigs)
	served := make(chan error, len(ls))
	for _, l := range ls {
		go func() { served <- srv.Serve(l) }()
	}
	for {
		select {
		case err := <-served:
			if err != nil && err != server.ErrServerClosed {
				log.Errorf("%v", err)
				srv.Shutdown()
				return 255
			}
		case sig := <-sigs:
			switch sig {
			case syscall.SIGHUP:
				log.Infof(msgConfigReload)
				cfg, err := loadConfig(f)
				if err == nil {
					_, err = cfg.For(configfmt.MatchConn{})
				}
				if err != nil {
					log.Errorf(msgReloadFailed, err)
					continue
				}
				if o, err := cfg.For(configfmt.MatchConn{}); err == nil && f.debug == 0 && !f.quiet {
					if lv, err := server.ParseLevel(o.LogLevel); err == nil {
						log.SetLevel(lv)
					}
				}
				srv.Reload(cfg.For)
			case syscall.SIGUSR1:
				srv.LogStatus()
			default:
				log.Infof(msgTerminating, sig.(syscall.Signal))
				srv.Shutdown()
				return 0
			}
		}
	}
}

// detach starts sshd again with -D added, in its own session with its
// standard descriptors on /dev/null, and leaves.
func detach() int {
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
	args := append([]string{"sshd", "-D"}, os.Args[1:]...)
	if len(os.Args) > 1 && os.Args[1] == "sshd" {
		args = append([]string{"sshd", "-D"}, os.Args[2:]...)
	}
	cmd := &exec.Cmd{Path: exe, Args: args, Stdin: null, Stdout: null, Stderr: null,
		SysProcAttr: &syscall.SysProcAttr{Setsid: true}}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(os.Stderr, "sshd: %v\n", err)
		return 255
	}
	cmd.Process.Release()
	return 0
}
