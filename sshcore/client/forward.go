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
	"syscall"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"

	"sshbox/configfmt"
	"sshbox/internal/errtext"
)

func itoa(n int) string { return strconv.Itoa(n) }

// fwdSpec is one -L/-R/-D forwarding. Either end may be a Unix socket
// (bindPath, hostPath) instead of an address and port, as in OpenSSH.
type fwdSpec struct {
	bindHost string
	bindPort int
	bindPath string
	host     string
	hostPort int
	hostPath string
}

// isSocketPath is OpenSSH's test for a forwarding field that names a Unix
// socket: it has a slash and is not a bracketed address.
func isSocketPath(s string) bool { return strings.Contains(s, "/") && !strings.HasPrefix(s, "[") }

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
		if len(parts) == 1 && isSocketPath(parts[0]) {
			f.bindPath = parts[0] // -R /path: a remote dynamic forwarding
			return f, nil
		}
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
	// The listening end: "[bind:]port" or a socket path; then the target:
	// "host:hostport" or a socket path.
	var listen, target []string
	switch {
	case len(parts) == 2 && isSocketPath(parts[1]):
		listen, target = parts[:1], parts[1:]
	case len(parts) == 3 && isSocketPath(parts[2]):
		listen, target = parts[:2], parts[2:]
	case len(parts) == 3:
		listen, target = parts[:1], parts[1:]
	case len(parts) == 4:
		listen, target = parts[:2], parts[2:]
	default:
		return f, bad
	}
	switch {
	case len(listen) == 1 && isSocketPath(listen[0]):
		f.bindPath = listen[0]
	default:
		if len(listen) == 2 {
			f.bindHost, listen = unbracket(listen[0]), listen[1:]
		}
		var ok bool
		if f.bindPort, ok = parsePort(listen[0]); !ok {
			return f, bad
		}
	}
	if len(target) == 1 {
		f.hostPath = target[0]
		return f, nil
	}
	var ok bool
	f.host = unbracket(target[0])
	f.hostPort, ok = parsePort(target[1])
	if !ok || f.host == "" || isSocketPath(f.host) {
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

// fwdFailure reports a forwarding that could not be set up; it is fatal
// only with ExitOnForwardFailure, as in OpenSSH.
func (c *Client) fwdFailure(err error) error {
	if c.Opts.ExitOnForwardFailure {
		return err
	}
	c.Log.errorLines(err)
	return nil
}

// errListen is a local or dynamic forwarding whose listener could not be
// made: why, in OpenSSH's lines, then what was not done (on the command
// line; ~C says "Port forwarding failed." instead).
type errListen struct{ why, what string }

func (e errListen) Error() string { return e.why + "\n" + e.what }

// logLines are the separate messages OpenSSH logs for it, one error()
// each.
func (e errListen) logLines() []string { return strings.Split(e.Error(), "\n") }

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

// commandLine runs one ~C line as OpenSSH's process_cmdline reads it: an
// optional "-", then h, H or ? (help), !args (a local command, with
// PermitLocalCommand), L, R or D with a specification (add a forwarding),
// or KL, KR or KD with a listening end (cancel one).
func (c *Client) commandLine(conn *ssh.Client) func(string) string {
	return func(line string) string {
		s := strings.TrimLeft(line, cmdSpace)
		s = strings.TrimPrefix(s, "-")
		if s == "" {
			return ""
		}
		help := msgCmdHelp
		if c.Opts.PermitLocalCommand {
			help += "\n" + msgCmdHelpLocal
		}
		switch {
		case s[0] == 'h' || s[0] == 'H' || s[0] == '?':
			return help
		case s[0] == '!' && c.Opts.PermitLocalCommand:
			// As OpenSSH's ~C !args: a local command through the
			// shell. The terminal stays raw, so its output is
			// collected and shown as the command's answer.
			return c.escapeLocalCommand(s[1:])
		}
		cancel := s[0] == 'K'
		if cancel {
			s = s[1:]
		}
		if s == "" || strings.IndexByte("LRD", s[0]) < 0 {
			return msgCmdInvalid
		}
		kind, arg := s[0], strings.TrimLeft(s[1:], cmdSpace)
		if cancel {
			return c.cancelCommand(kind, arg)
		}
		err := c.addForward(conn, kind, arg)
		if _, bad := err.(errBadSpec); bad {
			if kind == 'R' {
				return msgCmdBadRemote
			}
			return msgCmdBadLocal // -D's too, as OpenSSH 9.2 words it
		}
		var le errListen
		if errors.As(err, &le) {
			return le.why + "\n" + msgCmdFwdFailed
		}
		if err != nil {
			return err.Error()
		}
		return msgCmdForwarding
	}
}

// cmdSpace is what C's isspace skips on the ~C command line.
const cmdSpace = " \t\n\v\f\r"

// cancelCommand is ~C's -KL, -KR and -KD: arg is "[bind_address:]port" or
// a socket path.
func (c *Client) cancelCommand(kind byte, arg string) string {
	at, err := ParseForward(arg, true)
	if err != nil {
		return msgCmdBadClose
	}
	if !c.cancelListen(kind, at) {
		return msgCmdUnknownFwd
	}
	return msgCmdCanceled
}

// addForward sets up one forwarding: 'L' local, 'D' dynamic (SOCKS), 'R'
// remote.
func (c *Client) addForward(conn *ssh.Client, flag byte, spec string) error {
	f, err := ParseForward(spec, flag == 'D' || flag == 'R' && RemoteDynamic(spec))
	if err != nil {
		return errBadSpec{err}
	}
	if flag == 'R' {
		return c.addRemote(conn, f)
	}
	network, addr := "tcp", net.JoinHostPort(localBind(f.bindHost), itoa(f.bindPort))
	if f.bindPath != "" {
		network, addr = "unix", f.bindPath
	}
	var l net.Listener
	if network == "unix" {
		l, err = c.listenUnix(addr)
	} else {
		l, err = net.Listen(network, addr)
	}
	if err != nil {
		why := fmt.Sprintf(msgUnixBindFailed, addr, dialErrorText(err))
		if network == "tcp" {
			host := localBind(f.bindHost)
			if host == "" {
				host = "0.0.0.0"
			}
			why = fmt.Sprintf(msgBindFailed, host, itoa(f.bindPort), dialErrorText(err), itoa(f.bindPort))
		}
		// -D's too: OpenSSH keeps dynamic forwardings with the local
		// ones and has no other words for them.
		return errListen{why, msgLocalFwdFailed}
	}
	if flag == 'D' {
		c.Log.Debug1("Local connections to %s forwarded to remote address socks:0", addr)
		c.HoldForward(f.forwarding(flag), l)
		go c.serveLocal(l, socksHandshake, conn, "tcp", true)
		return nil
	}
	tnet, target := "tcp", net.JoinHostPort(f.host, itoa(f.hostPort))
	if f.hostPath != "" {
		tnet, target = "unix", f.hostPath
	}
	c.Log.Debug1("Local connections to %s forwarded to remote address %s", addr, target)
	c.HoldForward(f.forwarding(flag), l)
	go c.serveLocal(l, func(net.Conn) (string, error) { return target, nil }, conn, tnet, false)
	return nil
}

// RemoteDynamic says whether a -R specification, in the command line's
// form or the configuration's, has a listening end only.
func RemoteDynamic(spec string) bool {
	parts := splitFwd(spec)
	return len(parts) == 1 || len(parts) == 2 && !isSocketPath(parts[1])
}

// umaskMu keeps two socket binds from interleaving their umask changes.
var umaskMu sync.Mutex

// listenUnix makes a local forwarding's socket as OpenSSH does: an
// existing file at the path removed first with StreamLocalBindUnlink, and
// the socket created under the umask StreamLocalBindMask (0177 by
// default: only the user may connect), so that it is never reachable
// with wider permissions, not even for a moment.
func (c *Client) listenUnix(path string) (net.Listener, error) {
	o := c.Opts
	if o.StreamLocalBindUnlink {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			c.Log.Error("unlink(%s): %s", path, errtext.Reason(err))
		}
	}
	umaskMu.Lock()
	defer umaskMu.Unlock()
	old := syscall.Umask(int(o.StreamLocalBindMask))
	defer syscall.Umask(old)
	return net.Listen("unix", path)
}

// addRemote asks the server to listen (on a port or, with a path, a Unix
// socket) and carries its connections back to the target here.
func (c *Client) addRemote(conn *ssh.Client, f fwdSpec) error {
	tnet, target := "tcp", net.JoinHostPort(f.host, itoa(f.hostPort))
	connectName := f.host + ":" + itoa(f.hostPort) // as OpenSSH's debug line
	switch {
	case f.hostPath != "":
		tnet, target, connectName = "unix", f.hostPath, f.hostPath+":-2"
	case f.host == "":
		// Remote dynamic: each connection names its destination in SOCKS.
		tnet, target, connectName = "", "socks:0", "socks:0"
	}
	var l net.Listener
	var err error
	listenName := itoa(f.bindPort)
	if f.bindHost != "" {
		listenName = f.bindHost + ":" + listenName
	}
	if f.bindPath != "" {
		listenName = f.bindPath + ":-2"
		l, err = conn.ListenUnix(f.bindPath)
	} else {
		bind := RemoteBind(f.bindHost)
		l, err = conn.Listen("tcp", net.JoinHostPort(bind, itoa(f.bindPort)))
	}
	if err != nil {
		c.Log.Debug1("remote forward failure for: listen %s, connect %s", listenName, connectName)
		if f.bindPath != "" {
			return fmt.Errorf(msgRemoteFwdPathFailed, f.bindPath)
		}
		return fmt.Errorf(msgRemoteFwdFailed, itoa(f.bindPort))
	}
	// x/crypto takes the server's connections only from here on: one
	// the server accepts between its reply and this point is refused.
	c.Log.Debug1("remote forward success for: listen %s, connect %s", listenName, connectName)
	if f.bindPath == "" && f.bindPort == 0 {
		c.Log.Info(msgAllocatedPort, l.Addr().(*net.TCPAddr).Port, target)
	}
	c.HoldForward(f.forwarding('R'), l)
	if tnet == "" {
		go c.serveRemote(l, "tcp", c.remoteSocks)
		return nil
	}
	go c.serveRemote(l, tnet, fixedTarget(target))
	return nil
}

// fixedTarget is the target function of a forwarding with one destination.
func fixedTarget(target string) func(net.Conn) (string, error) {
	return func(net.Conn) (string, error) { return target, nil }
}

// remoteSocks is a remote dynamic forwarding's target for one connection
// the server accepted: the SOCKS request it carries, answered from here as
// OpenSSH's -R [bind:]port does, within PermitRemoteOpen.
func (c *Client) remoteSocks(in net.Conn) (string, error) {
	dest, err := socksHandshake(in)
	if err != nil {
		return "", err
	}
	host, portText, _ := net.SplitHostPort(dest)
	port, _ := strconv.Atoi(portText)
	if !configfmt.OpenPermitted(c.Opts.PermitRemoteOpen, host, port) {
		from, fromPort := "", 0
		if a, ok := in.RemoteAddr().(*net.TCPAddr); ok {
			from, fromPort = a.IP.String(), a.Port
		}
		c.Log.Info(msgRemoteOpenDenied, from, fromPort, host, port)
		return "", errRemoteOpenDenied
	}
	return dest, nil
}

var errRemoteOpenDenied = errors.New("PermitRemoteOpen: destination not permitted")

// serveRemote carries the connections the server accepts on l to the
// target the function names (tnet "tcp", or "unix" for a socket path),
// answering SOCKS clients once the connection is made or has failed.
func (c *Client) serveRemote(l net.Listener, tnet string, target func(net.Conn) (string, error)) {
	for {
		in, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			dest, err := target(in)
			if err != nil {
				c.Log.Debug1("%v", err)
				socksReply(in, false)
				in.Close()
				return
			}
			out, err := net.Dial(tnet, dest)
			if err != nil {
				c.Log.Debug1("connect_to %s: %v", dest, err)
				socksReply(in, false)
				in.Close()
				return
			}
			socksReply(in, true)
			pipe(in, out)
		}()
	}
}

// serveLocal accepts local connections and carries each through a
// direct-tcpip channel to the target the handshake names (dynamic: -D's
// SOCKS handshake).
func (c *Client) serveLocal(l net.Listener, target func(net.Conn) (string, error), conn *ssh.Client, network string, dynamic bool) {
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
			out, err := dialForward(conn, network, dest, in, dynamic)
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

// pipe copies both ways, passing each side's EOF on (net.Conn and
// ssh.Channel alike).
func pipe(a, b io.ReadWriteCloser) {
	var wg sync.WaitGroup
	wg.Add(2)
	half := func(dst, src io.ReadWriteCloser) {
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

// forwardAgent lets the remote side use the local agent (-A) through
// session s.
func (c *Client) forwardAgent(conn *ssh.Client, s ChannelRequester) {
	sock := c.AgentSocket()
	if sock == "" {
		c.Log.Debug1("Agent forwarding requested but no agent is running")
		return
	}
	if err := agent.ForwardToRemote(conn, sock); err != nil {
		c.Log.Error(msgAgentFwdFailed, err)
		return
	}
	c.Log.Debug1("Requesting authentication agent forwarding.")
	// agent.RequestAgentForwarding's request, on any session channel.
	ok, err := s.SendRequest("auth-agent-req@openssh.com", true, nil)
	if err == nil && !ok {
		err = errors.New("forwarding request denied")
	}
	if err != nil {
		c.Log.Debug1("Agent forwarding request refused: %v", err)
	}
}

// AgentSocket is the agent ForwardAgent passes on: IdentityAgent, else
// SSH_AUTH_SOCK; "" for none.
func (c *Client) AgentSocket() string {
	if s := c.Opts.ForwardAgentSock; s != "" {
		return configfmt.EnvSocket(s)
	}
	return c.identityAgent()
}

// identityAgent is the agent IdentityAgent names ("$NAME" read from the
// environment), else SSH_AUTH_SOCK; "" for none.
func (c *Client) identityAgent() string {
	sock := c.Opts.IdentityAgent
	if sock == "" || sock == "SSH_AUTH_SOCK" {
		sock = os.Getenv("SSH_AUTH_SOCK")
	}
	if sock == "none" {
		return ""
	}
	return configfmt.EnvSocket(sock)
}

// checkForwardAgentSock: as OpenSSH, a ForwardAgent socket that does not
// exist is reported before connecting, and is fatal only with
// ExitOnForwardFailure.
func (c *Client) checkForwardAgentSock() bool {
	s := c.Opts.ForwardAgentSock
	if s == "" {
		return true
	}
	path := configfmt.EnvSocket(s)
	if _, err := os.Stat(path); err != nil {
		if path == "" {
			path = s
		}
		c.Log.Error(msgAgentSockMissing, path, dialErrorText(err))
		return !c.Opts.ExitOnForwardFailure
	}
	return true
}

var errSocks = errors.New("SOCKS: unsupported request")
