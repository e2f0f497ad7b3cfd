package server

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// ~/.ssh/rc and /etc/ssh/sshrc, as OpenSSH's do_rc_files runs them: after
// the session's environment is set and before its shell or command, the
// user's shell runs "/bin/sh .ssh/rc" in the home directory, or, when the
// user's rc is not to run or not there, /etc/ssh/sshrc. The user's rc is
// left out for subsystems, under ForceCommand, with PermitUserRC no and
// for keys with no-user-rc (certificates without permit-user-rc). Its
// exit status does not matter; its standard input is the forwarded X11
// display's "PROTO COOKIE" line, or empty, and its output goes where the
// session's does. With X11 forwarding and no rc file, "xauth -q -" is told
// to add the cookie instead (XAuthLocation).
//
// The rc file must run as the user, in the session's process group and
// on its terminal, before the program: sshd starts this binary as the
// session's child with SessionRCArg, which runs the rc file and then execs
// the program in the same process. Sessions without an rc file start the
// program directly, as before.

// SessionRCArg is the first argument (after the applet name) of the
// re-executed rc runner; applets/sshd hands such a command line to
// RunSessionRC.
const SessionRCArg = "--session-rc"

const (
	userRCFile   = ".ssh/rc"
	systemRCFile = "/etc/ssh/sshrc"
)

// rcFile is the rc file the session runs ("" none), as the program will
// see its path: relative to the home directory for the user's. jail is
// the ChrootDirectory ("" none), under which both are looked for.
func (s *session) rcFile(subsystem bool, jail string) string {
	a, opts := s.c.user.acct, s.c.user.opts
	if !subsystem && opts.ForceCommand == "" && opts.PermitUserRC && (s.c.auth == nil || !s.c.auth.NoUserRC) {
		if st, err := os.Stat(filepath.Join(jail, a.Home, userRCFile)); err == nil && !st.IsDir() {
			return userRCFile
		}
	}
	if st, err := os.Stat(filepath.Join(jail, systemRCFile)); err == nil && !st.IsDir() {
		return systemRCFile
	}
	return ""
}

// withRC wraps the program (path, argv) so that the rc file runs first;
// inChroot: the chroot helper runs it after chroot (see RunChrootChild),
// else this binary is started directly.
func withRC(shell, rc, path string, argv []string, inChroot bool) (string, []string, error) {
	tail := append([]string{shell, rc, "--", path}, argv...)
	if inChroot {
		return SessionRCArg, append([]string{SessionRCArg}, tail...), nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	return exe, append([]string{"sshd", SessionRCArg}, tail...), nil
}

// x11AuthEnv carries the forwarded display's cookie to the rc runner:
// "PROTO COOKIE DISPLAY XAUTH", the words checked by xauthValid (the
// display is xauth's name for it) and XAuthLocation last. The runner
// removes it before anything else runs. An environment is readable by the
// user and root only, as the user's ~/.Xauthority is; a command line
// would show the cookie to everyone.
const x11AuthEnv = "SSHBOX_X11_AUTH"

// RunSessionRC is the rc runner's side: args are "SHELL RC -- PATH
// ARGV...", RC "" for none. It runs "SHELL -c '/bin/sh RC'", or with no rc
// file the forwarded display's xauth, and then execs PATH with the
// environment it was given; it returns only when that fails.
func RunSessionRC(args []string) int {
	if len(args) < 5 || args[2] != "--" {
		fmt.Fprintf(os.Stderr, "sshd: %s: bad arguments\n", SessionRCArg)
		return 1
	}
	shell, rc, path, argv := args[0], args[1], args[3], args[4:]
	x11 := strings.SplitN(os.Getenv(x11AuthEnv), " ", 4)
	os.Unsetenv(x11AuthEnv)
	var cmd *exec.Cmd
	var input string
	switch {
	case rc != "":
		cmd = exec.Command(shell, "-c", "/bin/sh "+rc)
		cmd.Args[0] = filepath.Base(shell)
		if len(x11) == 4 {
			input = x11[0] + " " + x11[1] + "\n"
		}
	case len(x11) == 4:
		rc = x11[3] + " -q -"
		cmd = exec.Command("/bin/sh", "-c", rc)
		cmd.Args[0] = "sh"
		input = "remove " + x11[2] + "\nadd " + x11[2] + " " + x11[0] + " " + x11[1] + "\n"
	}
	if cmd != nil {
		runWithInput(cmd, input, rc)
	}
	err := syscall.Exec(path, argv, os.Environ())
	fmt.Fprintf(os.Stderr, "%s: %v\n", path, err)
	return 1
}

// runWithInput runs cmd with input on its standard input, as OpenSSH's
// popen(..., "w") does, and its output where the session's goes. The
// input is a pipe even when empty: a jail may have no /dev/null to open.
func runWithInput(cmd *exec.Cmd, input, what string) {
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	r, w, err := os.Pipe()
	if err == nil {
		defer r.Close()
		cmd.Stdin = r
	}
	if err := cmd.Start(); err != nil {
		if w != nil {
			w.Close()
		}
		fmt.Fprintf(os.Stderr, "Could not run %s: %v\n", what, err)
		return
	}
	if w != nil {
		w.WriteString(input) // small: fits the pipe's buffer
		w.Close()
	}
	cmd.Wait()
}

// rcFirst wraps the session's program with its rc file, if it has one,
// or with xauth for a forwarded X11 display; env gains what the wrapper
// needs for the display. The chroot helper's in-process sftp server has
// no exec to run it before, and goes without.
func (s *session) rcFirst(subsystem bool, path string, argv, env []string) (string, []string, []string, error) {
	jail, err := chrootDir(s.c.user.opts, s.c.user.acct)
	if err != nil || jail != "" && s.internalSftp {
		return path, argv, env, nil // childCommand reports a bad ChrootDirectory
	}
	rc := s.rcFile(subsystem, jail)
	if rc == "" && s.x11 == nil {
		return path, argv, env, nil
	}
	if f := s.x11; f != nil {
		env = append(env, x11AuthEnv+"="+f.proto+" "+f.cookie+" "+f.authDisplay+" "+s.c.user.opts.XAuthLocation)
	}
	path, argv, err = withRC(s.c.user.acct.Shell, rc, path, argv, jail != "")
	return path, argv, env, err
}
