package client

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"

	"golang.org/x/crypto/ssh"

	"sshbox/internal/coalesce"
	"sshbox/internal/procs"
	"sshbox/internal/vis"
	"sshbox/sshcore"
	"sshbox/sshcore/algo"
	"sshbox/sshcore/compress"
	"sshbox/sshcore/loglevel"
	"sshbox/sshcore/rekey"

	"sshbox/sshcore/connend"
)

// HomeDir is the directory ~ stands for: the user's passwd entry, as
// OpenSSH takes it, or $HOME when there is none.
func HomeDir() string {
	if u, err := user.Current(); err == nil && u.HomeDir != "" {
		return u.HomeDir
	}
	h, _ := os.UserHomeDir()
	return h
}

// fatalError is an error that has already been shown to the user (or needs
// only its text shown); ssh exits 255 on it. Logger.Fail logs it at the
// level OpenSSH logs the same failure: FATAL for fatal(), ERROR for an
// error() before exit(255), INFO for packet.c's logdie() (the transport
// failures); first comes an error() line OpenSSH logs before it, if any.
// The level counts for -q and LogLevel, and for the severity under -y.
type fatalError struct {
	msg    string
	level  loglevel.Level
	before string
}

func (e *fatalError) Error() string {
	if e.before != "" {
		return e.before + "\n" + e.msg
	}
	return e.msg
}

func fatalf(format string, args ...any) error {
	return &fatalError{msg: fmt.Sprintf(format, args...), level: loglevel.Fatal}
}

// errorExitf is OpenSSH's error() followed by exit(255).
func errorExitf(format string, args ...any) error {
	return &fatalError{msg: fmt.Sprintf(format, args...), level: loglevel.Error}
}

// logdief is packet.c's logdie() (sshpkt_fatal), after the error() line
// before when that is not "".
func logdief(before, format string, args ...any) error {
	return &fatalError{msg: fmt.Sprintf(format, args...), level: loglevel.Info, before: before}
}

// capitalize turns Go's "connection refused" into strerror's "Connection
// refused", which is what users and scripts grep for.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// dialErrorText reduces a dial error to the system's message.
func dialErrorText(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return capitalize(errno.Error())
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "Connection timed out"
	}
	return err.Error()
}

// dialTCP connects to host:port directly, honouring AddressFamily,
// BindAddress, ConnectTimeout and ConnectionAttempts.
func (c *Client) dialTCP(host string, port int) (net.Conn, error) {
	o, log := c.Opts, c.Log
	network := "ip"
	switch o.AddressFamily {
	case "inet":
		network = "ip4"
	case "inet6":
		network = "ip6"
	}
	ctx := context.Background()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, network, host)
	if err != nil || len(addrs) == 0 {
		msg := "Name or service not known"
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && !dnsErr.IsNotFound {
			msg = dnsErr.Err
		}
		return nil, errorExitf(msgResolve, host, msg)
	}
	d := net.Dialer{Timeout: o.ConnectTimeout}
	if o.BindAddress != "" {
		ip := net.ParseIP(o.BindAddress)
		if ip == nil {
			return nil, fatalf(msgBadBind, o.BindAddress)
		}
		d.LocalAddr = &net.TCPAddr{IP: ip}
	}
	var ifAddrs []net.Addr
	if o.BindInterface != "" && o.BindAddress == "" {
		// A missing interface has no addresses, as in OpenSSH.
		ifAddrs, _ = interfaceAddrs(o.BindInterface)
	}
	attempts := o.ConnectionAttempts
	if attempts < 1 {
		attempts = 1
	}
	var lastErr error
	for try := 0; try < attempts; try++ {
		if try > 0 {
			log.Debug1("Trying again...")
			time.Sleep(time.Second)
		}
		for _, a := range addrs {
			log.Debug1("Connecting to %s [%s] port %d.", host, a.Unmap(), port)
			if o.BindInterface != "" && o.BindAddress == "" {
				src := sourceFor(ifAddrs, a.Unmap().Is4())
				if src == nil {
					// OpenSSH skips the address, saying why.
					log.Info(msgNoIfaceAddr, o.BindInterface)
					lastErr = errNoIfaceAddr
					continue
				}
				d.LocalAddr = &net.TCPAddr{IP: src}
			}
			conn, err := d.Dial("tcp", net.JoinHostPort(a.Unmap().String(), strconv.Itoa(port)))
			if err == nil {
				log.Debug1("Connection established.")
				c.tcp, _ = conn.(*net.TCPConn)
				return conn, nil
			}
			log.Debug1("connect to address %s port %d: %s", a.Unmap(), port, dialErrorText(err))
			lastErr = err
		}
	}
	return nil, errorExitf(msgConnectRefused, host, port, dialErrorText(lastErr))
}

// errNoIfaceAddr: BindInterface has no address of the family to connect
// from.
var errNoIfaceAddr = errors.New("failure") // OpenSSH's word for it

// interfaceAddrs lists the addresses of the interface BindInterface names,
// if it is up.
func interfaceAddrs(name string) ([]net.Addr, error) {
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return nil, err
	}
	if ifi.Flags&net.FlagUp == 0 {
		return nil, nil
	}
	return ifi.Addrs()
}

// sourceFor picks BindInterface's source address for one destination, as
// OpenSSH's check_ifaddrs: the first of the family that is not loopback
// (nor, for IPv6, link-local), else the first loopback or link-local one.
func sourceFor(addrs []net.Addr, v4 bool) net.IP {
	for _, allowLocal := range []bool{false, true} {
		for _, a := range addrs {
			n, ok := a.(*net.IPNet)
			if !ok || (n.IP.To4() != nil) != v4 {
				continue
			}
			if !allowLocal && (n.IP.IsLoopback() || !v4 && n.IP.IsLinkLocalUnicast()) {
				continue
			}
			return n.IP
		}
	}
	return nil
}

// dialProxyCommand runs the ProxyCommand through the shell and speaks SSH
// over its standard input and output; its stderr stays ours.
func (c *Client) dialProxyCommand() (net.Conn, error) {
	// configfmt has expanded the tokens (%h %p %r %n %%).
	line := c.Opts.ProxyCommand
	cmd := c.proxyCommand(line)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fatalf(msgProxyCmdFailed, line, err)
	}
	return &cmdConn{cmd: cmd, r: stdout, w: stdin}, nil
}

// proxyCommand is the ProxyCommand line run through the user's shell,
// its standard error ours.
func (c *Client) proxyCommand(line string) *exec.Cmd {
	c.Log.Debug1("Executing proxy command: exec %s", line)
	shell := os.Getenv("SHELL")
	if shell == "" {
		shell = "/bin/sh"
	}
	cmd := exec.Command(shell, "-c", "exec "+line)
	cmd.Stderr = os.Stderr
	return cmd
}

// dialTarget returns the byte stream to the server: through the ProxyJump
// hops, the ProxyCommand, or a direct TCP connection.
func (c *Client) dialTarget() (net.Conn, error) {
	o := c.Opts
	if o.ProxyJump != "" && o.ProxyJump != "none" {
		return c.dialJump()
	}
	if o.ProxyCommand != "" && o.ProxyCommand != "none" {
		if o.ProxyUseFdpass {
			return c.dialProxyFdpass()
		}
		return c.dialProxyCommand()
	}
	return c.dialTCP(o.HostName, o.Port)
}

// clientConfig builds x/crypto's configuration from the options.
func (c *Client) clientConfig(hk *hostKeyCheck, auth *authState) (*ssh.ClientConfig, error) {
	o := c.Opts
	cfg := &ssh.ClientConfig{
		User:            o.User,
		ClientVersion:   sshcore.ProtocolVersion,
		HostKeyCallback: hk.callback,
		BannerCallback: func(msg string) error {
			if c.Log.Level() >= loglevel.Info {
				// As OpenSSH's fmprintf: no control sequences from the
				// server reach the terminal.
				fmt.Fprint(os.Stderr, vis.Terminal(msg, vis.UTF8Locale()))
			}
			return nil
		},
		AuthCallback: auth.next,
	}
	algs, err := c.algorithms()
	if err != nil {
		return nil, err
	}
	cfg.Ciphers, cfg.MACs, cfg.KeyExchanges, cfg.HostKeyAlgorithms = algs[0], algs[1], algs[2], algs[3]
	cfg.RekeyThreshold = o.RekeyBytes()
	compress.Offer(&cfg.Config, compress.ClientMethods(o.Compression))
	sshcore.SetChannelWindow(&cfg.Config, c.ChannelWindow)
	// What x/crypto takes in by itself, at -v as OpenSSH logs it: the
	// server's SSH_MSG_DEBUG lines ("Remote: ..."), its extensions and
	// the service accept (builds made with scripts/xcrypto).
	if d, ok := any(&cfg.Config).(interface{ SetDebugLog(func(string)) }); ok {
		log := c.Log
		d.SetDebugLog(func(line string) { log.Debug1("%s", line) })
	}
	if o.HostKeyAlgorithms == "" {
		known, err := hk.knownEntries()
		if err != nil {
			return nil, err
		}
		cfg.HostKeyAlgorithms = preferKnown(cfg.HostKeyAlgorithms, known)
	}
	return cfg, nil
}

// algorithms resolves Ciphers, MACs, KexAlgorithms and HostKeyAlgorithms
// against sshbox's table, with OpenSSH's messages for a bad list.
func (c *Client) algorithms() ([4][]string, error) {
	o := c.Opts
	var out [4][]string
	specs := []struct {
		kind algo.Kind
		spec string
		msg  string
	}{
		{algo.Cipher, o.Ciphers, msgBadCiphers},
		{algo.MAC, o.MACs, msgBadMACs},
		{algo.KEX, o.KexAlgorithms, msgBadKex},
		{algo.HostKey, o.HostKeyAlgorithms, msgBadHostKeyAlgs},
	}
	for i, s := range specs {
		l, err := algo.Resolve(s.kind, s.spec)
		if err != nil {
			return out, fatalf(s.msg, s.spec, err)
		}
		if len(l) == 0 {
			return out, fatalf(s.msg, s.spec, "nothing left")
		}
		out[i] = l
	}
	return out, nil
}

// handshake runs the SSH handshake and user authentication over conn.
func (c *Client) handshake(conn net.Conn) (*ssh.Client, error) {
	o := c.Opts
	name, port := o.HostName, o.Port
	if o.HostKeyAlias != "" {
		// The alias is taken as written, except that "[host]:port" names
		// a non-standard port as in known_hosts itself.
		name, port = o.HostKeyAlias, 22
		if h, p, err := net.SplitHostPort(o.HostKeyAlias); err == nil && strings.HasPrefix(o.HostKeyAlias, "[") {
			if n, err := strconv.Atoi(p); err == nil {
				name, port = h, n
			}
		}
	}
	hk := &hostKeyCheck{c: c, name: name, port: port}
	if ta, ok := conn.RemoteAddr().(*net.TCPAddr); ok {
		hk.ip = ta.IP.String()
	}
	auth := newAuthState(c, hk)
	cfg, err := c.clientConfig(hk, auth)
	if err != nil {
		conn.Close()
		return nil, err
	}
	c.Log.Debug1("Local version string %s", sshcore.ProtocolVersion)
	if o.ConnectTimeout > 0 {
		// ConnectTimeout covers the version exchange too, as in OpenSSH;
		// not the user's time at a prompt, so the deadline is lifted once
		// the server has spoken.
		conn.SetDeadline(time.Now().Add(o.ConnectTimeout))
		hk.onFirst = func() { conn.SetDeadline(time.Time{}) }
	}
	addr := net.JoinHostPort(o.HostName, strconv.Itoa(o.Port))
	// coalesce: one write(2) per large packet instead of two.
	bc := &bannerConn{Conn: coalesce.New(conn)}
	c.wire = bc
	hk.kex = newKexLog(bc, c.Log)
	// As OpenSSH, once the server's version line is in.
	hk.kex.afterVersion = func() { c.Log.Debug1("Authenticating to %s:%d as '%s'", o.HostName, o.Port, o.User) }
	hk.rekey = rekey.New(o.RekeyInterval())
	stream := procs.Begin()
	sc, chans, reqs, err := ssh.NewClientConn(hk.kex, addr, cfg)
	if err != nil {
		stream()
		conn.Close()
		return nil, c.handshakeError(err, auth, bc)
	}
	if err := hk.rekey.Start(sc); err != nil {
		stream()
		sc.Close()
		return nil, fatalf("RekeyLimit %s: %v", o.RekeyLimit, err)
	}
	c.transport = sc
	c.peer = remoteID(bc, o.HostName, o.Port)
	go func() {
		sc.Wait()
		hk.rekey.Stop()
		stream()
	}()
	conn.SetDeadline(time.Time{})
	if hk.kex.compressed {
		// OpenSSH's line, as zlib@openssh.com starts with the login.
		c.Log.Debug1("Enabling compression at level %d.", compress.Level)
	}
	// VERBOSE, as OpenSSH's: LogLevel VERBOSE shows which method let ssh in.
	c.Log.Verbose("Authenticated to %s ([%s]:%d) using \"%s\".", o.HostName, hostOf(conn.RemoteAddr()), o.Port, auth.last)
	watched, opens, global := c.watchChannels(sc, chans, c.watchHostKeys(sc, hk, reqs))
	return ssh.NewClient(watched, opens, global), nil
}

func hostOf(a net.Addr) string {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.String()
	}
	if h, _, err := net.SplitHostPort(a.String()); err == nil {
		return h
	}
	return a.String()
}

// handshakeError turns x/crypto's error into OpenSSH's message.
func (c *Client) handshakeError(err error, auth *authState, conn *bannerConn) error {
	o := c.Opts
	var fe *fatalError
	var negErr *ssh.AlgorithmNegotiationError
	switch {
	case errors.Is(err, errHostKey):
		return fatalf("%s", msgHostKeyFailed)
	case errors.As(err, &fe):
		return fe
	case auth.denied != nil:
		return auth.denied
	case errors.As(err, &negErr):
		what, _ := connend.Negotiation(negErr)
		return logdief("", msgKexFailed, o.HostName, o.Port, what)
	}
	if m, ok := asMACFailure(err, auth.hk.kex.serverCipher(), conn, o.HostName, o.Port).(*macFailure); ok {
		return fatalf("%s", m.message())
	}
	if before, msg, ok := disconnectEnd(err, remoteID(conn, o.HostName, o.Port)); ok {
		return logdief(before, "%s", msg)
	}
	if before, msg := transportEnd(err, conn, o.HostName, o.Port); msg != "" {
		return logdief(before, "%s", msg)
	}
	return fatalf("ssh: %s", strings.TrimPrefix(strings.TrimPrefix(err.Error(), "ssh: handshake failed: "), "ssh: "))
}

// Connect dials, proves the server's identity and authenticates the user.
func (c *Client) Connect() (*ssh.Client, error) {
	// A bad algorithm list is the user's mistake: say so before dialing.
	if _, err := c.algorithms(); err != nil {
		return nil, err
	}
	if c.Opts.UpdateHostKeys() == "ask" && c.Command != "" {
		// Said where OpenSSH's ssh.c turns it off, before connecting.
		c.Log.Debug1("UpdateHostKeys=ask is incompatible with remote command execution; disabling")
	}
	conn, err := c.dialTarget()
	if err != nil {
		return nil, err
	}
	return c.handshake(conn)
}
