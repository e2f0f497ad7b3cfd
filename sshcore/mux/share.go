package mux

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/term"

	"sshbox/configfmt"
	"sshbox/internal/askpass"
	"sshbox/sshcore/client"
	"sshbox/sshcore/loglevel"
)

// How ssh takes part in connection sharing once the command line has
// decided: as a master (Share) or as a client of one (Join).

// Share makes c a master once it is connected: the control socket at path
// serves other ssh processes until c's own session is over and, with
// persist (ControlPersist), until the master has been idle that long. A
// non-nil ready makes it a background master (no session of its own):
// ready(true) runs once the socket listens; ready(false) if another master
// holds path, when sharing is off and the background master ends. A socket
// that cannot be made at all ends ssh, as in OpenSSH.
func Share(c *client.Client, path string, persist time.Duration, ready func(ok bool)) {
	o := c.Opts
	c.Shared = func(conn *ssh.Client) (func(), error) {
		l, err := Listen(path)
		if errors.Is(err, ErrExists) {
			c.Log.Error(msgControlExists, path)
			if ready != nil {
				ready(false)
				conn.Close()
			}
			return func() {}, nil
		}
		if err != nil {
			return nil, err
		}
		m := &Master{Conn: conn, Client: c, Path: path, Host: o.HostName, Persist: persist,
			End: func() { conn.Close() }}
		if o.ControlMaster == "ask" || o.ControlMaster == "autoask" {
			m.Confirm = askpass.Permission
		}
		go m.Serve(l)
		if ready != nil {
			m.OwnSessionDone()
			ready(true)
			return m.Close, nil
		}
		return func() {
			<-m.OwnSessionDone()
			m.Close()
		}, nil
	}
}

// remoteSocks is the connect host of a remote dynamic forwarding in the
// protocol (OpenSSH's, port 0).
const remoteSocks = "socks"

// Forwards lists the -L, -R and -D forwardings in the protocol's form.
func Forwards(o *configfmt.ClientOptions) ([]Forward, error) {
	if o.ClearAllForwardings {
		return nil, nil
	}
	var out []Forward
	for _, k := range []struct {
		kind  uint32
		specs []string
	}{{FwdLocal, o.LocalForward}, {FwdRemote, o.RemoteForward}, {FwdDynamic, o.DynamicForward}} {
		for _, spec := range k.specs {
			// A remote dynamic forwarding travels as OpenSSH sends it:
			// to "socks", port 0.
			rdynamic := k.kind == FwdRemote && configfmt.IsRemoteDynamic(spec)
			bh, bp, h, hp, bpath, hpath, err := client.ForwardParts(spec, k.kind == FwdDynamic || rdynamic)
			if err != nil {
				return nil, err
			}
			f := Forward{Kind: k.kind, ListenHost: bh, ListenPort: uint32(bp), ConnectHost: h, ConnectPort: uint32(hp)}
			if rdynamic {
				f.ConnectHost, f.ConnectPort = remoteSocks, 0
			}
			// Socket paths travel as the protocol has them: the path
			// for the host, port -2.
			if bpath != "" {
				f.ListenHost, f.ListenPort = bpath, unixPort
			}
			if hpath != "" {
				f.ConnectHost, f.ConnectPort = hpath, unixPort
			}
			out = append(out, f)
		}
	}
	return out, nil
}

// Join runs c's invocation through the master on conn (ssh as a client
// of a master): its forwardings, then
// the session (or -W), with this process's descriptors.
func Join(c *client.Client, conn *Conn) int {
	defer conn.Close()
	o := c.Opts
	fwds, err := Forwards(o)
	if err != nil {
		c.Log.Fatal("%v", err)
		return 255
	}
	for _, f := range fwds {
		port, err := conn.OpenForward(f)
		if err != nil {
			c.Log.Error(MsgForwardRefused, err)
			if o.ExitOnForwardFailure {
				return 255
			}
			continue
		}
		if f.Kind == FwdRemote && f.ListenPort == 0 {
			c.Log.Info(msgMuxAllocatedPort, port, f.ConnectHost, f.ConnectPort)
		}
	}
	if c.StdioForward != "" {
		h, err := client.ParseDestination(c.StdioForward)
		if err != nil || h.Port == 0 {
			c.Log.Fatal(msgBadStdioSpec, c.StdioForward)
			return 255
		}
		if err := conn.StdioForward(h.Host, h.Port, os.Stdin, os.Stdout); err != nil {
			c.Log.Fatal("%v", err)
			return 255
		}
		return 0
	}
	if c.NoShell {
		return 0
	}
	command := c.Command
	if command == "" {
		command = o.RemoteCommand
	}
	req := &SessionRequest{
		TTY:        c.WantTTY(command),
		Agent:      o.ForwardAgent,
		X11:        o.ForwardX11,
		Subsystem:  c.Subsystem,
		EscapeChar: NoEscape,
		Term:       os.Getenv("TERM"),
		Command:    command,
		Env:        c.SessionEnv(),
	}
	if e, err := client.ParseEscapeChar(o.EscapeChar); err == nil && e != client.EscapeNone {
		req.EscapeChar = uint32(e)
	}
	stdin := os.Stdin
	if c.StdinNull {
		null, err := os.Open(os.DevNull)
		if err != nil {
			c.Log.Fatal("%v", err)
			return 255
		}
		defer null.Close()
		stdin = null
	}
	s, err := conn.NewSession(req, stdin, os.Stdout, os.Stderr)
	if err != nil {
		var r *Refused
		switch {
		case errors.As(err, &r) && r.Denied:
			c.Log.Fatal(msgSessionDenied, r.Reason)
		case errors.As(err, &r):
			c.Log.Fatal(msgSessionFailed, r.Reason)
		default:
			c.Log.Fatal("%v", err)
		}
		return 255
	}
	// The master writes to our terminal; the raw mode is ours to set, and
	// to undo once (on exit, a signal, or a pty the server refused).
	var raw sync.Once
	restore := func() {}
	if req.TTY && term.IsTerminal(int(stdin.Fd())) {
		if old, err := term.MakeRaw(int(stdin.Fd())); err == nil {
			fd := int(stdin.Fd())
			restore = func() { raw.Do(func() { term.Restore(fd, old) }) }
		}
	}
	s.TTYFailed = restore
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	go func() {
		<-sigs
		restore()
		os.Exit(255)
	}()
	status, seen := s.Wait()
	restore()
	if !seen {
		c.Log.Debug2("Control master terminated unexpectedly")
	}
	if req.TTY && c.Log.Level() >= loglevel.Info {
		fmt.Fprintf(os.Stderr, msgSharedClosed, o.HostName)
	}
	return status
}
