package server

import (
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/internal/bulkio"
	"sshbox/internal/ipqos"
	"sshbox/internal/procs"
	"sshbox/sshcore/loglevel"
)

// hangupGrace is how long the processes of a session whose client went
// away get between SIGHUP and SIGKILL.
const hangupGrace = 2 * time.Second

// ptyDrainGrace is how long output is still read from a terminal after
// its shell exited, for a background job that still holds it.
const ptyDrainGrace = time.Second

// session is one "session" channel: at most one shell, command or
// subsystem, with an optional terminal.
//
// Teardown order, whatever ends the session: the child exits and is
// reaped; its stdout and stderr are drained to the client; exit-status (or
// exit-signal) is sent; then EOF, then close. When the client closes first
// (or the connection drops) the child's process group gets SIGHUP, then
// SIGKILL after hangupGrace, and is reaped all the same.
type session struct {
	c   *conn
	ch  ssh.Channel
	id  int      // the number OpenSSH's log gives the session (openSession)
	env []string // NAME=value the client sent and AcceptEnv allows
	pty *sessionPty
	// agentSock is SSH_AUTH_SOCK when the client forwards its agent.
	agentSock string
	// x11 is the forwarded X11 display (x11fwd.go), nil for none.
	x11 *x11Forward
	// authInfoFile is SSH_USER_AUTH (ExposeAuthInfo).
	authInfoFile string

	// kind is what the session runs, as OpenSSH's "Starting session:"
	// line says it (command).
	kind string

	// internalSftp: the program is the built-in sftp server, which a
	// chrooted session runs in-process (see chroot.go).
	internalSftp bool

	login   *loginRecord // utmp/wtmp entry of a terminal session (loginrec.go)
	cmd     *exec.Cmd
	group   childGroup    // the child's process group, for signals (childsig.go)
	outputs []*os.File    // read ends sshd drains: pipes or the pty master
	done    chan struct{} // closed when the child is reaped and reported
}

// openSession counts a new session channel against MaxSessions and gives
// it the number OpenSSH's log calls it by ("id 0"): the one the last
// closed session freed, else the next unused.
func (c *conn) openSession() (id int, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sessionsOpen >= c.user.opts.MaxSessions {
		c.refused(msgSessionLimit, c.user.opts.MaxSessions, c.user.name, c.remoteIP, c.remotePort)
		return 0, false
	}
	c.sessionsOpen++
	if c.sessionsOpen > 1 {
		// A connection with one session is one stream of work for the
		// scheduler (internal/procs); every further session's child I/O
		// (sftp's parallel sessions, say) can use another core.
		c.extraStreams = append(c.extraStreams, procs.Begin())
	}
	if n := len(c.freeSessionIDs); n > 0 {
		id, c.freeSessionIDs = c.freeSessionIDs[n-1], c.freeSessionIDs[:n-1]
		return id, true
	}
	id = c.sessionIDs
	c.sessionIDs++
	return id, true
}

func (c *conn) closeSession(id int) {
	c.mu.Lock()
	c.sessionsOpen--
	if n := len(c.extraStreams); n > 0 {
		c.extraStreams[n-1]()
		c.extraStreams = c.extraStreams[:n-1]
	}
	c.freeSessionIDs = append(c.freeSessionIDs, id)
	c.mu.Unlock()
}

func (c *conn) handleChannel(nch ssh.NewChannel) {
	c.srv.log().Debugf(msgChannelOpen, nch.ChannelType())
	switch nch.ChannelType() {
	case "session":
		id, ok := c.openSession()
		if !ok {
			nch.Reject(ssh.Prohibited, "too many sessions")
			return
		}
		ch, reqs, err := nch.Accept()
		if err != nil {
			c.closeSession(id)
			return
		}
		s := &session{c: c, ch: ch, id: id}
		c.sessions.Add(1)
		go func() {
			defer c.sessions.Done()
			defer c.closeSession(id)
			defer c.recoverPanic()
			s.serve(reqs)
			if !c.endedHere.Load() {
				c.srv.log().Verbosef(msgCloseSession, c.user.name, c.remoteIP, c.remotePort, id)
			}
		}()
	case "direct-tcpip":
		c.directTCPIP(nch)
	case "direct-streamlocal@openssh.com":
		c.directStreamLocal(nch)
	case "tun@openssh.com":
		c.tunForwarding(nch)
	default:
		nch.Reject(ssh.UnknownChannelType, "unknown channel type")
	}
}

func (s *session) serve(reqs <-chan *ssh.Request) {
	for req := range reqs {
		s.c.idle.Touch() // any request on a channel is traffic, keepalives too (sshcore/idle)
		s.c.srv.log().Debugf(msgChannelRequest, req.Type)
		ok, then := s.handle(req)
		s.c.srv.log().Debug2f(msgChannelReply, req.Type, map[bool]string{true: "success", false: "failure"}[ok])
		if req.WantReply {
			req.Reply(ok, nil)
		}
		if then != nil {
			then()
		}
	}
	// The channel is closed: by us after the exit status, or by a client
	// that left early.
	s.hangup()
	s.x11.close()
	s.removeAuthInfo()
	if s.pty != nil {
		s.pty.close()
	}
	s.ch.Close()
}

// handle answers one channel request; then, if not nil, runs after the
// reply, so that output never overtakes the success message.
func (s *session) handle(req *ssh.Request) (bool, func()) {
	log := s.c.srv.log()
	opts := s.c.user.opts
	switch req.Type {
	case "pty-req":
		if s.pty != nil || s.cmd != nil || !opts.PermitTTY || s.c.auth != nil && s.c.auth.NoPty {
			return false, nil
		}
		var m ptyRequestMsg
		if err := ssh.Unmarshal(req.Payload, &m); err != nil {
			return false, nil
		}
		p, err := openPty(m, s.c.user.acct)
		if err != nil {
			log.Errorf(msgPtyFailed, err)
			return false, nil
		}
		s.pty = p
		return true, nil
	case "window-change":
		if s.pty == nil {
			return false, nil
		}
		return s.pty.windowChange(req.Payload) == nil, nil
	case "env":
		var m struct{ Name, Value string }
		if err := ssh.Unmarshal(req.Payload, &m); err != nil || s.cmd != nil {
			return false, nil
		}
		if m.Name == "" || strings.ContainsAny(m.Name, "=\x00") || !matchList(opts.AcceptEnv, m.Name, false) {
			log.Debugf(msgEnvIgnored, m.Name)
			return false, nil
		}
		if !envAllowed(s.env, m.Name+"="+m.Value) {
			s.c.refusedAt(loglevel.Debug1, msgEnvLimit, m.Name)
			return false, nil
		}
		s.env = append(s.env, m.Name+"="+m.Value)
		return true, nil
	case "signal":
		var m struct{ Signal string }
		if err := ssh.Unmarshal(req.Payload, &m); err != nil || s.cmd == nil {
			return false, nil
		}
		sig, ok := signals[strings.TrimPrefix(m.Signal, "SIG")]
		if !ok {
			return false, nil
		}
		return s.group.signal(sig) == nil, nil
	case "auth-agent-req@openssh.com":
		if s.cmd != nil {
			return false, nil
		}
		sock, err := s.c.agentSocket()
		if err != nil {
			if err != errDenied {
				log.Errorf(msgAgentFailed, err)
			}
			return false, nil
		}
		s.agentSock = sock
		return true, nil
	case "x11-req":
		if s.cmd != nil {
			return false, nil
		}
		return s.x11Forwarding(req.Payload), nil
	case "shell", "exec", "subsystem":
		if s.cmd != nil {
			return false, nil
		}
		then, err := s.start(req)
		var unknown errUnknownSubsystem
		switch {
		case errors.As(err, &unknown):
			log.Infof(msgSubsystemNotFound, string(unknown), s.c.user.name)
			return false, nil
		case err != nil:
			log.Errorf(msgChildStartFailed, req.Type, s.c.user.name, err)
			return false, nil
		}
		// IPQoS, as OpenSSH's do_exec: interactive with a terminal.
		tos := opts.IPQoSBulk
		if s.pty != nil {
			tos = opts.IPQoSInteractive
		}
		if tos != configfmt.IPQoSNone {
			if err := ipqos.Set(s.c.nc, tos); err != nil {
				log.Debugf("setsockopt IP_TOS %d: %v", tos, err)
			}
		}
		if req.Type == "shell" && s.pty != nil {
			// As OpenSSH, only an interactive login shows the last
			// login and the message of the day, before anything the
			// shell writes.
			start := then
			then = func() {
				if m := s.lastLogMessage(); m != "" {
					s.ch.Write([]byte(m))
				}
				if opts.PrintMotd {
					if m := motd(); len(m) > 0 {
						s.ch.Write(m)
					}
				}
				start()
			}
		}
		return true, then
	}
	return false, nil
}

// command works out what a shell, exec or subsystem request runs:
// ForceCommand first, then an authorized_keys command=, then what the
// client asked for; original is SSH_ORIGINAL_COMMAND when forced.
func (s *session) command(req *ssh.Request) (path string, argv []string, original *string, err error) {
	a := s.c.user.acct
	opts := s.c.user.opts
	var asked *string
	subsystem := ""
	switch req.Type {
	case "exec":
		var m struct{ Command string }
		if err := ssh.Unmarshal(req.Payload, &m); err != nil {
			return "", nil, nil, err
		}
		asked = &m.Command
	case "subsystem":
		var m struct{ Name string }
		if err := ssh.Unmarshal(req.Payload, &m); err != nil {
			return "", nil, nil, err
		}
		subsystem = m.Name
		asked = &m.Name
	}
	forced, isForced := opts.ForceCommand, opts.ForceCommand != ""
	if !isForced && s.c.auth != nil && s.c.auth.HasCommand {
		forced, isForced = s.c.auth.Command, true
	}
	switch {
	case isForced && opts.ForceCommand != "":
		s.kind = "forced-command (config) '" + forced + "'"
	case isForced:
		s.kind = "forced-command (key-option) '" + forced + "'"
	case req.Type == "subsystem":
		s.kind = "subsystem '" + subsystem + "'"
	case req.Type == "shell":
		s.kind = "shell"
	default:
		s.kind = "command" // as OpenSSH, not the command: users' commands stay private
	}
	if isForced {
		if sftpArgs, ok := internalSftpArgs(forced); ok {
			path, argv, err = s.builtinSftp(sftpArgs)
			return path, argv, asked, err
		}
		return a.Shell, shellArgv(a.Shell, &forced), asked, nil
	}
	if req.Type == "subsystem" {
		prog, ok := opts.Subsystems[subsystem]
		if !ok && subsystem == "sftp" {
			prog, ok = "internal-sftp", true
		}
		if !ok {
			return "", nil, nil, errUnknownSubsystem(subsystem)
		}
		if sftpArgs, ok := internalSftpArgs(prog); ok {
			path, argv, err = s.builtinSftp(sftpArgs)
			return path, argv, nil, err
		}
		return a.Shell, shellArgv(a.Shell, &prog), nil, nil
	}
	return a.Shell, shellArgv(a.Shell, asked), nil, nil
}

// internalSftpArgs reports whether a ForceCommand or Subsystem command line
// runs internal-sftp, and with which arguments (internal-sftp -d /srv -R):
// those go to sftp-server as its own, never through a shell.
func internalSftpArgs(command string) ([]string, bool) {
	words, err := splitCommand(command)
	if err != nil || len(words) == 0 || words[0] != "internal-sftp" {
		return nil, false
	}
	return words[1:], true
}

// builtinSftp is this binary's sftp-server applet with the arguments
// given; a chrooted session runs it in-process (chroot.go).
func (s *session) builtinSftp(args []string) (string, []string, error) {
	s.internalSftp = len(s.c.srv.SftpServer) == 0
	return s.c.srv.sftpCommand(args)
}

type errUnknownSubsystem string

func (e errUnknownSubsystem) Error() string {
	return "subsystem " + string(e) + " not found"
}

// start starts the child and returns what begins the copying once the
// request has been answered.
func (s *session) start(req *ssh.Request) (func(), error) {
	path, argv, original, err := s.command(req)
	if err != nil {
		return nil, err
	}
	on := ""
	if s.pty != nil {
		on = " on " + strings.TrimPrefix(s.pty.tty.Name(), "/dev/")
	}
	s.c.srv.log().Verbosef(msgStartingSession, s.kind, on, s.c.user.name, s.c.remoteIP, s.c.remotePort, s.id)
	var stdin io.WriteCloser
	var closeAfterStart []*os.File
	s.exposeAuthInfo()
	env := s.environ(original)
	if path, argv, env, err = s.rcFirst(req.Type == "subsystem", path, argv, env); err != nil {
		return nil, err
	}
	cmd, envW, err := s.childCommand(path, argv, env)
	if err != nil {
		return nil, err
	}
	if envW != nil {
		closeAfterStart = append(closeAfterStart, cmd.ExtraFiles...)
	}
	tty := ""
	if s.pty != nil {
		tty = s.pty.tty.Name()
		cmd.Stdin, cmd.Stdout, cmd.Stderr = s.pty.tty, s.pty.tty, s.pty.tty
		cmd.SysProcAttr.Setctty = true
		cmd.SysProcAttr.Ctty = 0
		stdin = s.pty.master
		s.outputs = []*os.File{s.pty.master}
		closeAfterStart = []*os.File{s.pty.tty}
	} else {
		var files [6]*os.File
		for i := 0; i < 6; i += 2 {
			if files[i], files[i+1], err = os.Pipe(); err != nil {
				for _, f := range files {
					if f != nil {
						f.Close()
					}
				}
				envW.close()
				return nil, err
			}
			growPipe(files[i])
		}
		cmd.Stdin, stdin = files[0], files[1]
		cmd.Stdout, cmd.Stderr = files[3], files[5]
		s.outputs = []*os.File{files[2], files[4]}
		closeAfterStart = []*os.File{files[0], files[3], files[5]}
	}
	err = cmd.Start()
	for _, f := range closeAfterStart {
		f.Close()
	}
	if s.pty != nil {
		s.pty.tty = nil
	}
	if err != nil {
		envW.close()
		stdin.Close()
		for _, f := range s.outputs {
			f.Close()
		}
		if s.pty != nil {
			s.pty.master = nil
		}
		return nil, err
	}
	envW.feed()
	s.cmd = cmd
	s.group.pid = cmd.Process.Pid
	if tty != "" {
		s.recordLogin(tty, cmd.Process.Pid)
	}
	s.done = make(chan struct{})
	return func() { go s.run(stdin) }, nil
}

// run copies between the channel and the child until the child is reaped,
// then reports its end in the documented order.
func (s *session) run(stdin io.WriteCloser) {
	defer close(s.done)
	defer s.c.recoverPanic()
	go func() {
		bulkio.Copy(stdin, s.ch)
		if s.pty == nil {
			stdin.Close() // EOF from the client is EOF on the child's stdin
		}
	}()
	var drained sync.WaitGroup
	sinks := []io.Writer{s.ch, s.ch.Stderr()}
	for i, f := range s.outputs {
		drained.Add(1)
		go func() {
			defer drained.Done()
			bulkio.Copy(sinks[i], f)
		}()
	}
	err := s.group.wait(s.cmd)
	s.recordLogout()
	if s.pty != nil {
		// The terminal gives EIO once nothing holds its other side; a
		// background job that still does gets a moment, then is cut off.
		wait := make(chan struct{})
		go func() { drained.Wait(); close(wait) }()
		select {
		case <-wait:
		case <-time.After(ptyDrainGrace):
			s.pty.master.Close()
			<-wait
		}
	} else {
		drained.Wait()
		for _, f := range s.outputs {
			f.Close()
		}
		stdin.Close()
	}
	s.sendExit(err)
	s.ch.CloseWrite()
	s.ch.Close()
}

// sendExit sends exit-status, or exit-signal for a child killed by a
// signal (RFC 4254 6.10).
func (s *session) sendExit(err error) {
	// What the client asked of the connection before this session's
	// command is answered before its exit status (globalsync.go).
	s.c.syncGlobal()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		ws, _ := ee.Sys().(syscall.WaitStatus)
		if ws.Signaled() {
			s.ch.SendRequest("exit-signal", false, ssh.Marshal(struct {
				Signal     string
				CoreDumped bool
				Error      string
				Lang       string
			}{signalName(ws.Signal()), ws.CoreDump(), "", ""}))
			return
		}
		code = ws.ExitStatus()
	} else if err != nil {
		code = 255
	}
	s.ch.SendRequest("exit-status", false, ssh.Marshal(struct{ Status uint32 }{uint32(code)}))
}

// hangup ends a child whose client went away: SIGHUP to its process
// group, SIGKILL if it is still there after hangupGrace; then closing the
// read ends frees copiers held by anything that escaped the group.
func (s *session) hangup() {
	if s.cmd == nil {
		return
	}
	select {
	case <-s.done:
		return
	default:
	}
	s.group.signal(syscall.SIGHUP)
	s.group.signal(syscall.SIGCONT)
	select {
	case <-s.done:
		return
	case <-time.After(hangupGrace):
	}
	s.group.signal(syscall.SIGKILL)
	for _, f := range s.outputs {
		f.Close()
	}
	<-s.done
}
