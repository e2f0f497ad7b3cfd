package server

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"sshbox/configfmt"
)

// Default PATHs of children, as Debian's OpenSSH sets them.
const (
	userPath = "/usr/local/bin:/usr/bin:/bin:/usr/games"
	rootPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
)

// envList is an environment that keeps the order names were first set in
// and lets a later set replace an earlier value.
type envList struct {
	names []string
	vals  map[string]string
}

func (e *envList) set(name, value string) {
	if e.vals == nil {
		e.vals = map[string]string{}
	}
	if _, ok := e.vals[name]; !ok {
		e.names = append(e.names, name)
	}
	e.vals[name] = value
}

func (e *envList) list() []string {
	out := make([]string, 0, len(e.names))
	for _, n := range e.names {
		out = append(out, n+"="+e.vals[n])
	}
	return out
}

// sessionVars are the variables sshd sets for a session, each when the
// session has what it names (a terminal, a forwarded agent, a forced
// command...). None is ever taken from InheritEnv: a variable the server
// was started with describes the server's own login, not the session's.
var sessionVars = map[string]bool{
	"USER": true, "LOGNAME": true, "HOME": true, "SHELL": true, "PATH": true, "MAIL": true,
	"TERM": true, "SSH_TTY": true, "SSH_AUTH_SOCK": true, "DISPLAY": true, "SSH_USER_AUTH": true,
	"SSH_CLIENT": true, "SSH_CONNECTION": true, "SSH_ORIGINAL_COMMAND": true,
	"SSH_PUBKEYINFO": true,
}

// environ builds a child's environment: the account, the connection,
// SetEnv, the client's AcceptEnv'd variables, and the authorized_keys
// environment= options when PermitUserEnvironment allows them, over
// nothing, or over the server's InheritEnv (dropbear -e). Nothing else of
// sshd's own environment leaks into it.
func (s *session) environ(originalCommand *string) []string {
	a := s.c.user.acct
	opts := s.c.user.opts
	var e envList
	for _, kv := range s.c.srv.InheritEnv {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" && !sessionVars[k] {
			e.set(k, v)
		}
	}
	// The client's variables come first so that what sshd sets itself
	// (the connection, the account) cannot be overridden by them.
	for _, kv := range s.env {
		k, v, _ := strings.Cut(kv, "=")
		e.set(k, v)
	}
	e.set("USER", a.Name)
	e.set("LOGNAME", a.Name)
	e.set("HOME", a.Home)
	e.set("SHELL", a.Shell)
	if a.UID == 0 {
		e.set("PATH", rootPath)
	} else {
		e.set("PATH", userPath)
	}
	e.set("MAIL", "/var/mail/"+a.Name)
	if s.c.srv.DropbearEnv {
		// Dropbear passes its own LANG on, -e or not.
		if lang, ok := os.LookupEnv("LANG"); ok {
			e.set("LANG", lang)
		}
	}
	if opts.PermitUserEnvironment && s.c.auth != nil {
		for _, kv := range s.c.auth.Environment {
			k, v, _ := strings.Cut(kv, "=")
			// PermitUserEnvironment LANG,LC_*: only the names it matches,
			// as OpenSSH's permit_user_env_allowlist.
			if opts.PermitUserEnvironmentNames != "" && configfmt.MatchList(k, opts.PermitUserEnvironmentNames, false) != 1 {
				s.c.srv.log().Debugf("Ignoring environment=%s: not in PermitUserEnvironment", k)
				continue
			}
			e.set(k, v)
		}
	}
	// SetEnv comes after what the user may set, so the administrator's
	// value wins; within SetEnv the first value of a name wins, as every
	// first-obtained value does in sshd_config.
	fromSetEnv := map[string]bool{}
	for _, kv := range opts.SetEnv {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" && !fromSetEnv[k] {
			fromSetEnv[k] = true
			e.set(k, v)
		}
	}
	if s.pty != nil {
		e.set("TERM", s.pty.term)
		e.set("SSH_TTY", s.pty.tty.Name())
	}
	if s.agentSock != "" {
		e.set("SSH_AUTH_SOCK", s.agentSock)
	}
	if s.x11 != nil {
		e.set("DISPLAY", s.x11.display)
	}
	if s.authInfoFile != "" {
		e.set("SSH_USER_AUTH", s.authInfoFile)
	}
	e.set("SSH_CLIENT", fmt.Sprintf("%s %d %d", s.c.remoteIP, s.c.remotePort, s.c.localPort))
	e.set("SSH_CONNECTION", fmt.Sprintf("%s %d %s %d", s.c.remoteIP, s.c.remotePort, s.c.localIP, s.c.localPort))
	if t := s.c.tunnelEnv(); t != "" {
		e.set("SSH_TUNNEL", t)
	}
	if originalCommand != nil {
		e.set("SSH_ORIGINAL_COMMAND", *originalCommand)
	}
	if s.c.srv.DropbearEnv && s.c.auth != nil && s.c.auth.Info != "" {
		e.set("SSH_PUBKEYINFO", s.c.auth.Info)
	}
	return e.list()
}

// childCmd prepares a process that runs as the account: in a session of
// its own (so that a hangup reaches everything it starts), in the home
// directory, with the account's groups. When sshd itself is not root it
// can only be that account already, and starts children as they are.
func childCmd(a *account, path string, argv, env []string) *exec.Cmd {
	cmd := &exec.Cmd{Path: path, Args: argv, Env: env, Dir: a.Home}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if os.Geteuid() == 0 {
		groups := a.Groups
		if len(groups) == 0 {
			groups = []uint32{a.GID}
		}
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: a.UID, Gid: a.GID, Groups: groups}
	}
	return cmd
}

// shellArgv runs command with the user's shell (shell -c), or the shell
// itself as a login shell ("-sh") when command is nil.
func shellArgv(shell string, command *string) []string {
	base := filepath.Base(shell)
	if command == nil {
		return []string{"-" + base}
	}
	return []string{base, "-c", *command}
}

// ttyGroup is the group that owns terminals (for write(1) and wall(1)),
// or -1 when there is none.
func ttyGroup() int {
	g, err := user.LookupGroup("tty")
	if err != nil {
		return -1
	}
	gid, err := strconv.Atoi(g.Gid)
	if err != nil {
		return -1
	}
	return gid
}

// signals maps SSH signal names (RFC 4254 6.9, without "SIG") to signals.
var signals = map[string]syscall.Signal{
	"ABRT": syscall.SIGABRT, "ALRM": syscall.SIGALRM, "FPE": syscall.SIGFPE,
	"HUP": syscall.SIGHUP, "ILL": syscall.SIGILL, "INT": syscall.SIGINT,
	"KILL": syscall.SIGKILL, "PIPE": syscall.SIGPIPE, "QUIT": syscall.SIGQUIT,
	"SEGV": syscall.SIGSEGV, "TERM": syscall.SIGTERM, "USR1": syscall.SIGUSR1,
	"USR2": syscall.SIGUSR2,
}

// signalName is the SSH name of sig for exit-signal; signals RFC 4254 has
// no name for get OpenSSH's "SIG@openssh.com" form.
func signalName(sig syscall.Signal) string {
	for n, s := range signals {
		if s == sig {
			return n
		}
	}
	return "SIG@openssh.com"
}
