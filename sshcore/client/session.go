package client

import (
	"errors"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"sshbox/internal/bulkio"
	"sshbox/sshcore/loglevel"
)

// wantTTY decides whether to request a pty, as OpenSSH does from
// RequestTTY, -t/-T and whether stdin is a terminal.
func (c *Client) wantTTY(command string) bool {
	if c.ttyDecided {
		return c.tty
	}
	mode := c.Opts.RequestTTY // -t, -tt and -T arrive as RequestTTY
	stdinTTY := term.IsTerminal(int(os.Stdin.Fd()))
	switch mode {
	case "no":
		return false
	case "force":
		return true
	}
	// A terminal asked for (-t), or wanted for a login shell, is not
	// allocated without one to read from; OpenSSH's ssh.c says so in
	// both cases.
	want := mode == "yes" || command == ""
	if want && (!stdinTTY || c.StdinNull) {
		c.Log.Info("%s", msgNoPtyStdin)
		return false
	}
	return want
}

// decideTTY settles the session's pty before connecting, as OpenSSH's main
// does, so that "Pseudo-terminal will not be allocated" comes first even
// when the connection then fails. Without a session (-N, -W) there is none.
func (c *Client) decideTTY() {
	if c.NoShell || c.StdioForward != "" {
		c.tty, c.ttyDecided = false, true
		return
	}
	command := c.Command
	if command == "" {
		command = c.Opts.RemoteCommand
	}
	c.tty = c.wantTTY(command)
	c.ttyDecided = true
}

// terminalModes passes the local terminal's settings on, so the remote
// line discipline treats ^C, ^H and the rest as this terminal does.
func terminalModes(fd int) ssh.TerminalModes {
	m := ssh.TerminalModes{ssh.TTY_OP_ISPEED: 38400, ssh.TTY_OP_OSPEED: 38400}
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		m[ssh.ECHO] = 1
		return m
	}
	cc := map[uint8]int{ssh.VINTR: unix.VINTR, ssh.VQUIT: unix.VQUIT, ssh.VERASE: unix.VERASE,
		ssh.VKILL: unix.VKILL, ssh.VEOF: unix.VEOF, ssh.VSTART: unix.VSTART, ssh.VSTOP: unix.VSTOP,
		ssh.VSUSP: unix.VSUSP, ssh.VWERASE: unix.VWERASE, ssh.VLNEXT: unix.VLNEXT}
	for op, i := range cc {
		m[op] = uint32(t.Cc[i])
	}
	flag := func(op uint8, set uint32, bit uint32) {
		if set&bit != 0 {
			m[op] = 1
		} else {
			m[op] = 0
		}
	}
	flag(ssh.ICRNL, t.Iflag, unix.ICRNL)
	flag(ssh.IXON, t.Iflag, unix.IXON)
	flag(ssh.ISIG, t.Lflag, unix.ISIG)
	flag(ssh.ICANON, t.Lflag, unix.ICANON)
	flag(ssh.ECHO, t.Lflag, unix.ECHO)
	flag(ssh.ECHOE, t.Lflag, unix.ECHOE)
	flag(ssh.ECHOK, t.Lflag, unix.ECHOK)
	flag(ssh.OPOST, t.Oflag, unix.OPOST)
	flag(ssh.ONLCR, t.Oflag, unix.ONLCR)
	return m
}

// ChannelRequester is a session channel as the requests made before its
// command see it: an *ssh.Session, or the channel -s drives itself.
type ChannelRequester interface {
	SendRequest(name string, wantReply bool, payload []byte) (bool, error)
}

// prepareSession makes the requests that come before a session's shell,
// command or subsystem, in the order of OpenSSH's ssh_session2_setup: X11
// forwarding, agent forwarding, then the environment. It reports whether
// X11 forwarding made the session interactive (IPQoS).
func (c *Client) prepareSession(conn *ssh.Client, s ChannelRequester) (x11 bool) {
	x11 = c.RequestX11(conn, s)
	if c.Opts.ForwardAgent {
		c.forwardAgent(conn, s)
	}
	c.sendEnv(s)
	return x11
}

// sendEnv passes SendEnv-matched variables and SetEnv pairs.
func (c *Client) sendEnv(s ChannelRequester) {
	for _, kv := range c.SessionEnv() {
		name, value, _ := strings.Cut(kv, "=")
		c.Log.Debug1("channel 0: setenv %s", name)
		ok, err := s.SendRequest("env", true, ssh.Marshal(struct{ Name, Value string }{name, value}))
		if err == nil && !ok {
			c.Log.Debug1("Sending env %s refused", name)
		}
	}
}

// SessionEnv is what a session passes on: the SendEnv-matched variables,
// then the SetEnv pairs, as NAME=value.
func (c *Client) SessionEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		for _, pat := range c.Opts.SendEnv {
			if ok, _ := filepath.Match(pat, name); ok {
				env = append(env, kv)
				break
			}
		}
	}
	return append(env, c.Opts.SetEnv...)
}

// runSession runs the command (or a shell, or with -s on a pty the
// subsystem) and returns ssh's exit status.
func (c *Client) runSession(conn *ssh.Client, command string) int {
	log := c.Log
	s, err := conn.NewSession()
	if err != nil {
		log.Fatal(msgSessionOpenFailed, err)
		return 255
	}
	defer s.Close()
	c.requestNoMoreSessions(conn)
	x11 := c.prepareSession(conn, s)

	stdinFd := int(os.Stdin.Fd())
	tty := c.wantTTY(command)
	c.setQoS(tty || x11)
	var restore func()
	restoreStdin := func() {}
	var mu sync.Mutex
	restoreOnce := func() {
		mu.Lock()
		defer mu.Unlock()
		restoreStdin()
		if restore != nil {
			restore()
			restore = nil
			log.SetRaw(false)
		}
	}
	makeRaw := func() {
		if !term.IsTerminal(stdinFd) {
			return
		}
		old, err := term.MakeRaw(stdinFd)
		if err != nil {
			return
		}
		mu.Lock()
		restore = func() { term.Restore(stdinFd, old) }
		mu.Unlock()
		log.SetRaw(true)
	}
	defer restoreOnce()

	if tty {
		termName := os.Getenv("TERM")
		if termName == "" {
			termName = "vt100"
		}
		w, h := 80, 24
		if cw, ch, err := term.GetSize(stdinFd); err == nil {
			w, h = cw, ch
		}
		log.Debug2("channel 0: request pty-req confirm 1")
		if err := s.RequestPty(termName, h, w, terminalModes(stdinFd)); err != nil {
			log.Error("%s", msgPtyFailed)
			tty = false
		}
	}

	// Signals end ssh with the terminal restored; SIGWINCH follows the
	// window size.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGWINCH)
	defer signal.Stop(sigs)
	go func() {
		for sig := range sigs {
			if sig == syscall.SIGWINCH {
				if tty {
					if w, h, err := term.GetSize(stdinFd); err == nil {
						s.WindowChange(h, w)
					}
				}
				continue
			}
			restoreOnce()
			// OpenSSH says this only at LogLevel VERBOSE.
			log.Verbose(msgKilledBySignal, sig.(syscall.Signal))
			os.Exit(255)
		}
	}()

	stdin, err := s.StdinPipe()
	if err != nil {
		log.Fatal("%v", err)
		return 255
	}
	// Through bulkio, so that a download counts as a bulk copy
	// (internal/gcpace).
	s.Stdout = bulkio.Writer{W: os.Stdout}
	s.Stderr = os.Stderr

	switch {
	case c.Subsystem:
		// Only on a pty (subsystemOnPty), where the session's terminal
		// handling is wanted; runSubsystem takes the rest.
		log.Debug1("Sending subsystem: %s", command)
		log.Debug2("channel 0: request subsystem confirm 1")
		if err := any(s).(subsystemStarter).StartSubsystem(command); err != nil {
			log.Fatal("%s", msgSubsystemFailed)
			return 255
		}
	case command == "":
		log.Debug2("channel 0: request shell confirm 1")
		err = s.Shell()
	default:
		log.Debug1("Sending command: %s", command)
		log.Debug2("channel 0: request exec confirm 1")
		err = s.Start(command)
	}
	if err != nil {
		log.Fatal("channel 0: %v", err)
		return 255
	}
	if tty {
		makeRaw()
	}

	lost := c.watchConnection(conn)
	disconnected := make(chan struct{})
	var once sync.Once
	esc := c.escapeChar()
	var in io.Reader = os.Stdin
	switch {
	case c.StdinNull:
		in = strings.NewReader("")
	case !tty || esc == EscapeNone:
		// Copied as it comes: a pipe is read without blocking, and its
		// flags come back with the terminal's (restoreOnce).
		mu.Lock()
		in, restoreStdin = stdinForCopy()
		mu.Unlock()
	}
	if ms := c.Opts.ObscureKeystrokeTiming; tty && ms > 0 {
		stdin = newKeystrokePacer(stdin, time.Duration(ms)*time.Millisecond, func() error {
			_, _, err := conn.SendRequest("ping", false, nil)
			return err
		})
	}
	go func() {
		if !tty || esc == EscapeNone {
			bulkio.Copy(stdin, in)
			stdin.Close()
			mu.Lock()
			restoreStdin()
			mu.Unlock()
			return
		}
		f := &escapeFilter{c: c, ch: byte(esc), lineHead: true,
			disconnect: func() {
				once.Do(func() { close(disconnected) })
				conn.Close()
			},
			command:    c.commandLine(conn),
			cmdlineOff: !c.Opts.EnableEscapeCommandline,
			sendBreak:  func() { SendBreak(s) },
			suspend: func() {
				suspendSelf(restoreOnce, makeRaw)
				// The window may have changed while ssh was stopped.
				if w, h, err := term.GetSize(stdinFd); err == nil {
					s.WindowChange(h, w)
				}
			},
		}
		buf := make([]byte, 32*1024)
		for {
			n, err := in.Read(buf)
			if n > 0 {
				if out := f.filter(buf[:n]); len(out) > 0 {
					if _, werr := stdin.Write(out); werr != nil {
						return
					}
				}
			}
			if err != nil {
				stdin.Close()
				return
			}
		}
	}()

	err = s.Wait()
	restoreOnce()
	select {
	case <-disconnected:
		log.Quit(loglevel.Info, "\r\n"+msgConnClosed, c.Opts.HostName)
		return 255
	default:
	}
	c.open.wait() // forwarded connections still open hold ssh (idle.go)
	return c.exitStatus(err, tty, lost)
}

// exitStatus maps the session's end onto ssh's exit status as OpenSSH
// does: the command's status, 255 for a signal or a lost connection.
func (c *Client) exitStatus(err error, tty bool, lost <-chan error) int {
	var ee *ssh.ExitError
	var missing *ssh.ExitMissingError
	switch {
	case err == nil:
		if tty {
			c.Log.Quit(loglevel.Info, msgConnClosed, c.Opts.HostName)
		}
		return 0
	case errors.As(err, &ee):
		if ee.Signal() != "" {
			c.Log.Debug1("remote command killed by signal %s", ee.Signal())
			return 255
		}
		if tty {
			c.Log.Quit(loglevel.Info, msgConnClosed, c.Opts.HostName)
		}
		return ee.ExitStatus()
	case errors.As(err, &missing):
		// No exit status: the channel closed, or the whole connection
		// went (OpenSSH: "Connection to HOST closed by remote host.").
		if c.sessionExpired.Load() {
			// ChannelTimeout closed it: OpenSSH's client loop ends as
			// after any session, with no status to give.
			if tty {
				c.Log.Quit(loglevel.Info, msgConnClosed, c.Opts.HostName)
			}
			return 255
		}
		if c.closedHere() {
			return 255
		}
		if msg := c.lostMessage(lost); msg != "" {
			// quit_message, whatever LogLevel says.
			c.Log.Quit(loglevel.Quiet, "%s", msg)
		}
		return 255
	}
	if c.closedHere() {
		return 255
	}
	c.Log.Quit(loglevel.Quiet, msgConnClosedRemote, c.Opts.HostName)
	return 255
}

func (c *Client) escapeChar() int {
	e := c.Opts.EscapeChar
	if e == "" {
		e = "~"
	}
	ch, err := ParseEscapeChar(e)
	if err != nil {
		return '~'
	}
	return ch
}
