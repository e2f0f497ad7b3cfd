package client

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
)

func itoa(n int) string { return strconv.Itoa(n) }

// fwdSpec is one -L/-R/-D forwarding.
type fwdSpec struct {
	bindHost string
	bindPort int
	host     string
	hostPort int
}

// splitFwd splits on colons outside brackets; the config form "port
// host:hostport" is accepted by turning its space into a colon.
func splitFwd(spec string) []string {
	spec = strings.Join(strings.Fields(spec), ":")
	var parts []string
	var cur strings.Builder
	depth := 0
	for _, r := range spec {
		switch {
		case r == '[':
			depth++
		case r == ']':
			depth--
		case r == ':' && depth == 0:
			parts = append(parts, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
	}
	return append(parts, cur.String())
}

func unbracket(s string) string { return strings.TrimSuffix(strings.TrimPrefix(s, "["), "]") }

func parsePort(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0 && n <= 65535
}

// ParseForward reads "[bind:]port:host:hostport" (dynamic: "[bind:]port").
func ParseForward(spec string, dynamic bool) (fwdSpec, error) {
	var f fwdSpec
	parts := splitFwd(spec)
	bad := fmt.Errorf(msgBadForward, spec)
	if dynamic {
		switch len(parts) {
		case 1:
		case 2:
			f.bindHost, parts = unbracket(parts[0]), parts[1:]
		default:
			return f, bad
		}
		p, ok := parsePort(parts[0])
		if !ok {
			return f, bad
		}
		f.bindPort = p
		return f, nil
	}
	switch len(parts) {
	case 3:
	case 4:
		f.bindHost, parts = unbracket(parts[0]), parts[1:]
	default:
		return f, bad
	}
	var ok1, ok2 bool
	f.bindPort, ok1 = parsePort(parts[0])
	f.host = unbracket(parts[1])
	f.hostPort, ok2 = parsePort(parts[2])
	if !ok1 || !ok2 || f.host == "" {
		return f, bad
	}
	return f, nil
}

func localBind(host string) string {
	switch host {
	case "", "localhost":
		return "127.0.0.1"
	case "*":
		return ""
	}
	return host
}

func (c *Client) noteForward(s string) {
	c.fwdMu.Lock()
	c.fwds = append(c.fwds, s)
	c.fwdMu.Unlock()
}

// forwardList is what ~# prints.
func (c *Client) forwardList() string {
	c.fwdMu.Lock()
	defer c.fwdMu.Unlock()
	var b strings.Builder
	b.WriteString("The following connections are open:\n")
	for i, f := range c.fwds {
		fmt.Fprintf(&b, "  #%d %s\n", i, f)
	}
	return b.String()
}

// fwdFailure reports a forwarding that could not be set up; it is fatal
// only with ExitOnForwardFailure, as in OpenSSH.
func (c *Client) fwdFailure(err error) error {
	if c.Opts.ExitOnForwardFailure {
		return err
	}
	c.Log.Error("%v", err)
	return nil
}

// errBadSpec marks a forwarding specification that does not parse: always
// fatal on the command line, unlike a port that cannot be had.
type errBadSpec struct{ error }

// startForwards sets up -L, -R and -D.
func (c *Client) startForwards(conn *ssh.Client) error {
	o := c.Opts
	if o.ClearAllForwardings {
		return nil
	}
	for _, kind := range []struct {
		flag  byte
		specs []string
	}{{'L', o.LocalForward}, {'D', o.DynamicForward}, {'R', o.RemoteForward}} {
		for _, spec := range kind.specs {
			err := c.addForward(conn, kind.flag, spec)
			if _, bad := err.(errBadSpec); bad {
				return err
			}
			if err != nil {
				if err := c.fwdFailure(err); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// commandLine runs one ~C line: -L, -R or -D with a specification, as
// OpenSSH's command line accepts them.
func (c *Client) commandLine(conn *ssh.Client) func(string) string {
	return func(line string) string {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
			return ""
		case line == "?" || line == "-h" || line == "help":
			return msgCmdHelp
		case len(line) > 2 && line[0] == '-' && strings.IndexByte("LRD", line[1]) >= 0:
			if err := c.addForward(conn, line[1], strings.TrimSpace(line[2:])); err != nil {
				return err.Error()
			}
			return msgCmdForwarding
		}
		return msgCmdInvalid + "\n" + msgCmdHelp
	}
}

// addForward sets up one forwarding: 'L' local, 'D' dynamic (SOCKS), 'R'
// remote.
func (c *Client) addForward(conn *ssh.Client, flag byte, spec string) error {
	f, err := ParseForward(spec, flag == 'D')
	if err != nil {
		return errBadSpec{err}
	}
	if flag == 'R' {
		return c.addRemote(conn, f)
	}
	addr := net.JoinHostPort(localBind(f.bindHost), itoa(f.bindPort))
	l, err := net.Listen("tcp", addr)
	if err != nil {
		msg := msgLocalFwdFailed
		if flag == 'D' {
			msg = msgDynamicFwdFailed
		}
		return fmt.Errorf(msg, addr, dialErrorText(err), itoa(f.bindPort))
	}
	if flag == 'D' {
		c.Log.Debug1("Local connections to %s forwarded to remote address socks:0", addr)
		c.noteForward("dynamic " + addr)
		go c.serveLocal(l, socksHandshake, conn)
		return nil
	}
	target := net.JoinHostPort(f.host, itoa(f.hostPort))
	c.Log.Debug1("Local connections to %s forwarded to remote address %s", addr, target)
	c.noteForward("local " + addr + " -> " + target)
	go c.serveLocal(l, func(net.Conn) (string, error) { return target, nil }, conn)
	return nil
}

// addRemote asks the server to listen and carries its connections back.
func (c *Client) addRemote(conn *ssh.Client, f fwdSpec) error {
	bind := f.bindHost
	if bind == "" || bind == "localhost" {
		bind = "127.0.0.1"
	} else if bind == "*" {
		bind = "0.0.0.0"
	}
	l, err := conn.Listen("tcp", net.JoinHostPort(bind, itoa(f.bindPort)))
	if err != nil {
		return fmt.Errorf(msgRemoteFwdFailed, itoa(f.bindPort))
	}
	target := net.JoinHostPort(f.host, itoa(f.hostPort))
	if f.bindPort == 0 {
		c.Log.Info(msgAllocatedPort, l.Addr().(*net.TCPAddr).Port, target)
	}
	c.noteForward("remote " + l.Addr().String() + " -> " + target)
	go c.serveRemote(l, target)
	return nil
}

// serveRemote carries the connections the server accepts on l to target.
func (c *Client) serveRemote(l net.Listener, target string) {
	for {
		in, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			out, err := net.Dial("tcp", target)
			if err != nil {
				c.Log.Debug1("connect_to %s: %v", target, err)
				in.Close()
				return
			}
			pipe(in, out)
		}()
	}
}

// serveLocal accepts local connections and carries each through a
// direct-tcpip channel to the target the handshake names.
func (c *Client) serveLocal(l net.Listener, target func(net.Conn) (string, error), conn *ssh.Client) {
	for {
		in, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			dest, err := target(in)
			if err != nil {
				c.Log.Debug1("%v", err)
				in.Close()
				return
			}
			out, err := conn.Dial("tcp", dest)
			if err != nil {
				c.Log.Error(msgChannelOpenFailed, dest, err)
				socksReply(in, false)
				in.Close()
				return
			}
			socksReply(in, true)
			pipe(in, out)
		}()
	}
}

// pipe copies both ways, passing each side's EOF on.
func pipe(a, b net.Conn) {
	var wg sync.WaitGroup
	wg.Add(2)
	half := func(dst, src net.Conn) {
		defer wg.Done()
		io.Copy(dst, src)
		if cw, ok := dst.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		} else {
			dst.Close()
		}
	}
	go half(a, b)
	go half(b, a)
	wg.Wait()
	a.Close()
	b.Close()
}

// forwardAgent lets the remote side use the local agent (-A).
func (c *Client) forwardAgent(conn *ssh.Client, s *ssh.Session) {
	sock := c.AgentSocket()
	if sock == "" {
		c.Log.Debug1("Agent forwarding requested but no agent is running")
		return
	}
	if err := agent.ForwardToRemote(conn, sock); err != nil {
		c.Log.Error(msgAgentFwdFailed, err)
		return
	}
	if err := agent.RequestAgentForwarding(s); err != nil {
		c.Log.Debug1("Agent forwarding request refused: %v", err)
	}
}

// AgentSocket is the agent ForwardAgent passes on: IdentityAgent, else
// SSH_AUTH_SOCK; "" for none.
func (c *Client) AgentSocket() string {
	sock := c.Opts.IdentityAgent
	if sock == "" || sock == "SSH_AUTH_SOCK" {
		sock = os.Getenv("SSH_AUTH_SOCK")
	}
	if sock == "none" {
		return ""
	}
	return sock
}

var errSocks = errors.New("SOCKS: unsupported request")
