package server

import (
	"errors"
	"fmt"
	"io"
	"net"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/crypto/ssh"

	"sshbox/configfmt"
	"sshbox/internal/coalesce"
	"sshbox/internal/errtext"
	"sshbox/internal/procs"
	"sshbox/sshcore"
	"sshbox/sshcore/algo"
	"sshbox/sshcore/compress"
	"sshbox/sshcore/connend"
	"sshbox/sshcore/idle"
	"sshbox/sshcore/rekey"
	"sshbox/sshcore/srclimit"
)

// conn is the state of one client connection, from the version exchange
// until the client leaves.
type conn struct {
	srv    *Server
	nc     net.Conn
	config ConfigFunc
	opts   *configfmt.ServerOptions // before the user is known

	remoteIP, localIP     string
	remotePort, localPort int
	// remoteHost is the client's name when UseDNS yes found one that maps
	// back to its address (usedns.go), else remoteIP. clientName is that
	// name looked up with UseDNS no, for the ssh2 dialect's host patterns
	// only (serve); "" when there is none or it was not needed.
	remoteHost string
	clientName string

	mu         sync.Mutex
	admissions map[string]*admission // by user name, see auth.go
	authUser   string                // last user name a client tried
	keyOpts    map[string]*keyOptions
	keysFound  []*keyOptions // each time a key was found on a line, for sendAuthDebug
	// methodsDone are the methods passed so far (AuthenticationMethods);
	// partialKeyOpts the authorized_keys options of a key passed in an
	// earlier step, which still apply to the session.
	methodsDone     []string
	partialKeyOpts  *keyOptions
	user            *admission  // set once authenticated
	auth            *keyOptions // the authorized_keys options that let it in
	sshConn         *ssh.ServerConn
	sessions        sync.WaitGroup
	gone            chan struct{}      // closed when the client has left
	globalSync      chan chan struct{} // syncGlobal's requests to the global request loop
	noMoreSessions  atomic.Bool        // the client sent no-more-sessions@openssh.com
	endedHere       atomic.Bool        // sshd ended it over a protocol violation: no "Close session" (OpenSSH's cleanup_exit)
	agent           agentForward
	counted         bool            // counts against MaxStartups
	authDone        func()          // ends the MaxStartups count of this connection
	sessionsOpen    int             // session channels open (MaxSessions)
	sessionIDs      int             // session numbers given out so far (openSession)
	freeSessionIDs  []int           // those of closed sessions, the last freed at the end
	tunNames        []string        // tunnel devices forwarded, for SSH_TUNNEL (tunfwd.go)
	extraStreams    []func()        // procs.Begin of each session past the first
	certAlgos       map[string]bool // certificate algorithms PubkeyAcceptedAlgorithms allows
	keysUsed        map[string]bool // keys that passed a publickey step (AuthenticationMethods)
	kbdIntFailed    int             // keyboard-interactive logins that failed (AuthKbdInt.Retries)
	authFailures    int             // passwords and answers refused (logKeyFailed)
	authRequests    int             // authentication requests answered through authLog
	requestFailures int             // of those, the refusals but a first "none" (keyQueried)
	keysQueried     map[string]bool // "user fingerprint" of keys the client asked about (keyQueried)
	authInfo        []string        // the methods passed, for ExposeAuthInfo (authinfo.go)
	timeouts        chanTimeouts    // ChannelTimeout, UnusedConnectionTimeout (chantimeout.go)
	idle            *idle.Timer     // Server.IdleTimeout, nil when none (chantimeout.go)
	rekey           *rekey.Timer    // RekeyLimit's time part, nil when none; set under mu
	channelsOpen    int             // channels the client has open (limits.go)
	refusals        refusalLog      // log lines past the budget (log_budget.go)
	keyAlgos        map[string]bool // plain key algorithms PubkeyAcceptedAlgorithms allows
	ident           *identConn      // nc, the client's identification line checked
	failed          error           // why the connection ended before a login, for sshd -i
	// How authentication went, for PerSourcePenalties (sources.go): a
	// method failed (triedAuth), for a user that does not exist
	// (triedInvalid); RefuseConnection refused the user (refusedByConfig).
	triedAuth, triedInvalid, refusedByConfig bool
}

// ServeConn runs the SSH protocol on one connection until the client
// leaves; it is what the listener runs per connection and what sshd -i runs
// on stdin/stdout. It closes nc.
func (s *Server) ServeConn(nc net.Conn) error { return s.serveConn(nc, false) }

// errNoLogin is ServeConn's answer for a connection that ended before a
// user logged in (sshd -i then exits 255, as OpenSSH's does).
var errNoLogin = errors.New("connection closed before login")

// serveConn serves nc; counted says whether it counts against MaxStartups
// (connections from a listener do).
func (s *Server) serveConn(nc net.Conn, counted bool) error {
	// coalesce: one write(2) per large packet instead of two.
	ic := &identConn{Conn: coalesce.New(nc)}
	c := &conn{srv: s, nc: nc, ident: ic, failed: errNoLogin, config: s.currentConfig(), gone: make(chan struct{}), globalSync: make(chan chan struct{}), counted: counted, authDone: func() {}}
	c.remoteIP, c.remotePort = splitAddr(nc.RemoteAddr())
	c.remoteHost = c.remoteIP
	c.localIP, c.localPort = splitAddr(nc.LocalAddr())
	s.track(c, true)
	defer s.track(c, false)
	defer procs.Begin()()
	// Through the coalescing layer, which sends a write it still holds.
	defer ic.Close()
	defer c.recoverPanic()
	c.serve()
	return c.failed
}

// recoverPanic is deferred in every goroutine of a connection: a panic
// becomes a log line and the end of this connection only, never of sshd.
func (c *conn) recoverPanic() {
	if r := recover(); r != nil {
		c.srv.log().Errorf(msgPanic, c.remoteIP, c.remotePort, r, debug.Stack())
		c.nc.Close()
	}
}

// splitAddr gives the address and port sshd logs; what is not a TCP
// connection (a pipe under a ProxyCommand) is "UNKNOWN" port 65535, as in
// OpenSSH.
func splitAddr(a net.Addr) (string, int) {
	if a == nil {
		return "UNKNOWN", 65535
	}
	if t, ok := a.(*net.TCPAddr); ok {
		ip := t.IP
		if v4 := ip.To4(); v4 != nil {
			ip = v4
		}
		return ip.String(), t.Port
	}
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "UNKNOWN", 65535
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return "UNKNOWN", 65535
	}
	return host, p
}

func (c *conn) matchConn(user string) configfmt.MatchConn {
	name := c.clientName
	if c.remoteHost != c.remoteIP {
		name = c.remoteHost
	}
	return configfmt.MatchConn{User: user, Host: c.remoteHost, Addr: c.remoteIP, LocalAddr: c.localIP, LocalPort: c.localPort, Name: name}
}

func (c *conn) serve() {
	log := c.srv.log()
	opts, err := c.config(c.matchConn(""))
	if err != nil {
		log.Errorf("%v", err)
		return
	}
	c.opts = opts
	if c.counted {
		release, ok := c.srv.admitConnection(c.nc, opts.MaxConnections)
		if !ok {
			return
		}
		defer release()
		if !c.admitSource(opts) {
			return
		}
		defer func() { c.authDone() }() // as it is at the end, with MaxStartups's count
	}
	refused := func(opts *configfmt.ServerOptions) bool {
		if opts.RefuseConnection {
			log.Infof(msgRefuseConnection, c.remoteIP, c.remotePort, c.localIP, c.localPort)
			c.penalise(opts, srclimit.RefuseConnection)
		}
		return opts.RefuseConnection
	}
	if refused(opts) {
		return
	}
	if c.counted {
		done, ok := c.srv.admitStartup(c.nc, opts.MaxStartups)
		if !ok {
			return
		}
		prev := c.authDone
		c.authDone = func() { done(); prev() }
	}
	if opts.UseDNS && c.lookUpRemoteHost(opts.LoginGraceTime) {
		// Match Host blocks now see the name.
		if opts, err = c.config(c.matchConn("")); err != nil {
			log.Errorf("%v", err)
			return
		}
		c.opts = opts
		if refused(opts) {
			return
		}
	}
	if !opts.UseDNS && opts.NeedsClientName() {
		// The ssh2 dialect's host patterns see the client's name even
		// with UseDNS no (hostaccess.go); a HostSpecificConfig that picks
		// clients by name applies once it is known.
		if c.clientName, _ = c.verifiedName(opts.LoginGraceTime); c.clientName != "" {
			if opts, err = c.config(c.matchConn("")); err != nil {
				log.Errorf("%v", err)
				return
			}
			c.opts = opts
			if refused(opts) {
				return
			}
		}
	}
	if opts.ChecksHosts() && !c.admitHost(opts) {
		return
	}
	log.Verbosef(msgConnectionFrom, c.remoteIP, c.remotePort, c.localIP, c.localPort, rdomainSuffix)
	cfg, err := c.sshConfig(opts)
	if err != nil {
		log.Errorf("%v", err)
		return
	}
	if opts.LoginGraceTime > 0 {
		c.nc.SetDeadline(time.Now().Add(opts.LoginGraceTime))
	}
	sconn, chans, reqs, err := c.handshake(cfg)
	c.authDone()
	c.srv.trim.Poke()
	if err != nil {
		c.failed = err
		c.penalise(opts, c.preauthEnd(err))
		if c.ident.reply != "" {
			log.Errorf("%s", c.ident.logLine)
			log.Errorf(msgBannerExchange, c.remoteIP, c.remotePort, c.ident.reason)
			return
		}
		c.logPreauthEnd(err)
		return
	}
	c.failed = nil
	c.nc.SetDeadline(time.Time{})
	c.mu.Lock()
	c.sshConn = sconn
	u := c.user
	found := c.keysFound
	c.forgetAuthentication()
	if u != nil {
		// The user's RekeyLimit (Match blocks apply), timed from the
		// exchange that preceded authentication, as OpenSSH sets it
		// once the user is known.
		c.rekey = rekey.New(u.opts.RekeyInterval())
	}
	c.mu.Unlock()
	if u == nil {
		// x/crypto only lets a client in through our callbacks, which
		// always set c.user; anything else is a bug, not a login.
		sconn.Close()
		panic("authenticated connection without a user")
	}
	if err := c.rekey.Start(sconn); err != nil {
		// Keys the administrator wants renewed would live on.
		log.Errorf("RekeyLimit %s: %v", u.opts.RekeyLimit, err)
		sconn.Close()
		return
	}
	defer c.rekey.Stop()
	c.notifyHostKeys()
	c.sendAuthDebug(u.opts, found)
	go c.clientAlive()
	c.watchUnused()
	c.watchIdle()
	defer c.stopTimeouts()
	c.dispatch(chans, reqs)
	closed := c.logEnd(u.acct.Name, sconn.Wait())
	close(c.gone)
	// The client has gone: every session now sees its channel closed,
	// hangs up its processes and reaps them.
	c.sessions.Wait()
	c.flushRefusals()
	closed()
	if st, ok := compress.StatsOf(sconn); ok {
		// The lines OpenSSH's ssh logs as the connection closes (its
		// sshd does not), which say whether compression paid.
		for _, l := range st.Lines() {
			log.Debugf("%s", l)
		}
	}
}

// forgetAuthentication drops what only authentication needed, once the
// user is in: the options before the user was known, the decisions about
// other user names, the keys and algorithms tried. x/crypto calls none of
// the authentication callbacks again, and an idle connection should keep
// only what its sessions use (c.user, c.auth). c.mu is held.
func (c *conn) forgetAuthentication() {
	c.opts = nil
	c.admissions = nil
	c.keyOpts, c.keysUsed, c.keysFound = nil, nil, nil
	c.keyAlgos, c.certAlgos = nil, nil
	c.keysQueried = nil
	c.methodsDone, c.partialKeyOpts = nil, nil
}

// handshake runs x/crypto's key exchange and user authentication on a
// goroutine of its own that ends with them. Authentication is the deepest
// code a connection runs (signature checks, authorized_keys, the account
// lookup), and a goroutine's stack keeps the size it grew to until
// collections shrink it, halving at most once per cycle, which an idle
// daemon seldom runs. Run on the goroutine that then waits on the
// connection for its lifetime, that grown stack would be charged to every
// idle connection; this way it returns to the runtime's pool when the
// login is over, for the next handshake to reuse.
func (c *conn) handshake(cfg *ssh.ServerConfig) (*ssh.ServerConn, <-chan ssh.NewChannel, <-chan *ssh.Request, error) {
	type result struct {
		sconn *ssh.ServerConn
		chans <-chan ssh.NewChannel
		reqs  <-chan *ssh.Request
		err   error
	}
	done := make(chan result, 1)
	go func() {
		// A panic in a callback ends this connection only: recoverPanic
		// logs it and closes the connection, and serve sees a failed login.
		r := result{err: errLoginPanic}
		defer func() { done <- r }()
		defer c.recoverPanic()
		r.sconn, r.chans, r.reqs, r.err = ssh.NewServerConn(c.ident, cfg)
	}()
	r := <-done
	return r.sconn, r.chans, r.reqs, r.err
}

var errLoginPanic = errors.New("panic during login")

// logPreauthEnd logs why a connection ended before authentication, in
// OpenSSH's words.
func (c *conn) logPreauthEnd(err error) {
	log := c.srv.log()
	c.mu.Lock()
	user := c.authUser
	adm := c.admissions[user]
	c.mu.Unlock()
	invalid := adm != nil && adm.invalid
	who := ""
	switch {
	case user != "" && invalid:
		who = "invalid user " + user
	case user != "":
		who = "authenticating user " + user
	}
	var ne net.Error
	reason, desc, disconnected := connend.Disconnect(err)
	switch {
	case errors.As(err, &ne) && ne.Timeout():
		log.Infof(msgTimeoutPreauth, c.remoteIP, c.remotePort)
	case tooManyFailures(err) && invalid:
		log.Errorf(msgMaxAuthExceeded, "invalid user "+user, c.remoteIP, c.remotePort)
		log.Infof(msgTooManyAuthInval, user, c.remoteIP, c.remotePort)
	case tooManyFailures(err):
		log.Errorf(msgMaxAuthExceeded, user, c.remoteIP, c.remotePort)
		log.Infof(msgTooManyAuth, user, c.remoteIP, c.remotePort)
	case strings.HasPrefix(err.Error(), "ssh: Change of username or service not allowed: "):
		// x/crypto with _xcrypto/'s OpenSSH rules ended it, as
		// OpenSSH's ssh_packet_disconnect logs it.
		log.Infof(msgDisconnecting, c.peerID(who), strings.TrimPrefix(err.Error(), "ssh: "))
	case !c.ident.checked && isReset(err):
		// Before the client's version line, OpenSSH's listener child
		// has not started its unprivileged one: no [preauth].
		log.Errorf(msgIdentReadError, errtext.Reason(syscall.ECONNRESET))
		log.Infof(msgResetBy, c.peerID(""), "")
	case !c.ident.checked:
		log.Errorf("%s", msgIdentClosed)
		log.Infof(msgClosedBy, c.peerID(""), "")
	case disconnected:
		c.logDisconnect(reason, desc, preauth)
		log.Infof(msgDisconnectedBy, c.peerID(who), preauth)
	default:
		if what, ok := connend.Negotiation(err); ok {
			log.Infof(msgNegotiateFailed, c.remoteIP, c.remotePort, what)
		} else if isReset(err) {
			log.Infof(msgResetBy, c.peerID(who), preauth)
		} else {
			log.Infof(msgClosedBy, c.peerID(who), preauth)
		}
	}
	log.Debugf("%v", err)
}

// logEnd logs how an authenticated connection ended, in OpenSSH's words:
// now, what the client did; the returned func, once the sessions are
// closed, the last lines. An end sshd chose itself (ClientAliveInterval, a
// timeout, shutting down) was logged where it was decided.
func (c *conn) logEnd(user string, err error) (closed func()) {
	log := c.srv.log()
	reason, desc, disconnected := connend.Disconnect(err)
	switch {
	case disconnected:
		c.logDisconnect(reason, desc, "")
		return func() { log.Infof(msgDisconnectedBy, c.peerID("user "+user), "") }
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		// serverloop.c's process_input, then sshd's last lines.
		log.Verbosef(msgClosedBy, c.peerID(""), "")
		return func() {
			log.Verbosef(msgTransferred, c.ident.sent.Load(), c.ident.received.Load())
			log.Verbosef(msgClosingConn, c.remoteIP, c.remotePort)
		}
	case isReset(err):
		log.Verbosef(msgReadError, c.remoteIP, c.remotePort, errtext.Reason(syscall.ECONNRESET))
	case errors.Is(err, net.ErrClosed):
	default:
		log.Debugf("%v", err)
		return func() { log.Infof(msgDisconnectedBy, c.peerID("user "+user), "") }
	}
	return func() {}
}

// logDisconnect logs the SSH_MSG_DISCONNECT the client sent, at INFO when
// it left normally and at ERROR otherwise, as OpenSSH's packet.c does.
func (c *conn) logDisconnect(reason uint64, desc, suffix string) {
	log := c.srv.log()
	line := fmt.Sprintf(msgRecvDisconnect, c.remoteIP, c.remotePort, reason, desc, suffix)
	if reason == connend.ByApplication {
		log.Infof("%s", line)
	} else {
		log.Errorf("%s", line)
	}
}

// peerID is how OpenSSH names the client in the lines that end a
// connection (packet.c's sshpkt_fmt_connection_id): its address and port,
// after who it is once a user name is known ("user U", "authenticating
// user U", "invalid user U").
func (c *conn) peerID(who string) string {
	if who == "" {
		return fmt.Sprintf("%s port %d", c.remoteIP, c.remotePort)
	}
	return fmt.Sprintf("%s %s port %d", who, c.remoteIP, c.remotePort)
}

func isReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }

// tooManyFailures: x/crypto ended the login after MaxAuthTries, in its
// words or OpenSSH's (SetOpenSSHAuthentication).
func tooManyFailures(err error) bool {
	return strings.Contains(strings.ToLower(err.Error()), "too many authentication failures")
}

// rdomainSuffix ends the VERBOSE "Connection from" line as OpenSSH's does
// on Linux, where it always names the routing domain (a VRF device) the
// connection came in on: none, as sshd binds to none.
const rdomainSuffix = ` rdomain ""`

// serverVersion is sshd's identification line, VersionAddendum after a
// space as OpenSSH sends it.
func serverVersion(addendum string) string {
	if addendum == "" {
		return sshcore.ProtocolVersion
	}
	return sshcore.ProtocolVersion + " " + addendum
}

// sshConfig builds the x/crypto configuration for this connection from
// the algorithm table, the host keys and the authentication methods.
func (c *conn) sshConfig(opts *configfmt.ServerOptions) (*ssh.ServerConfig, error) {
	cfg := &ssh.ServerConfig{
		ServerVersion: serverVersion(opts.VersionAddendum),
		MaxAuthTries:  opts.MaxAuthTries,
	}
	cfg.RekeyThreshold = opts.RekeyBytes()
	compress.Offer(&cfg.Config, compress.ServerMethods(opts.Compression))
	sshcore.SetChannelWindow(&cfg.Config, c.srv.ChannelWindow)
	var err error
	if cfg.Ciphers, err = algo.Resolve(algo.Cipher, opts.Ciphers); err != nil {
		return nil, fmt.Errorf("Ciphers: %v", err)
	}
	if cfg.MACs, err = algo.Resolve(algo.MAC, opts.MACs); err != nil {
		return nil, fmt.Errorf("MACs: %v", err)
	}
	if cfg.KeyExchanges, err = algo.Resolve(algo.KEX, opts.KexAlgorithms); err != nil {
		return nil, fmt.Errorf("KexAlgorithms: %v", err)
	}
	spec := opts.HostKeyAlgorithms
	if spec == "" {
		// OpenSSH's default host keys include an ECDSA (NIST P-256) one,
		// which ssh-audit fails; sshd keeps it loaded but offers it only
		// when HostKeyAlgorithms names it (design.md §8). The client side
		// of the table still accepts such keys from other servers.
		spec = serverHostKeyDefault
	}
	hostAlgos, err := algo.Resolve(algo.HostKey, spec)
	if err != nil {
		return nil, fmt.Errorf("HostKeyAlgorithms: %v", err)
	}
	n := 0
	kexes := &kexCounter{c: c}
	for _, k := range c.srv.HostKeys {
		if s := restrictHostKey(k, hostAlgos); s != nil {
			cfg.AddHostKey(kexes.wrap(s))
			n++
		}
	}
	if n == 0 {
		return nil, errors.New("no host key matches HostKeyAlgorithms")
	}
	pkAlgos, err := algo.Resolve(algo.HostKey, opts.PubkeyAcceptedAlgorithms)
	if err != nil {
		return nil, fmt.Errorf("PubkeyAcceptedAlgorithms: %v", err)
	}
	// x/crypto checks the signature algorithm, a certificate's being its
	// key's, against PublicKeyAuthAlgorithms, and an empty list there
	// means its defaults. So the list holds the plain algorithms and those
	// under the allowed certificate types, never nothing, while keyAlgos
	// and certAlgos keep what the configuration named, for publicKey to
	// refuse a plain key that only a certificate algorithm let through
	// (PubkeyAcceptedAlgorithms *-cert-v01@openssh.com admits no plain key).
	c.keyAlgos, c.certAlgos = map[string]bool{}, map[string]bool{}
	for _, a := range pkAlgos {
		if algo.IsCert(a) {
			c.certAlgos[a] = true
		} else {
			c.keyAlgos[a] = true
		}
		cfg.PublicKeyAuthAlgorithms = appendNew(cfg.PublicKeyAuthAlgorithms, algo.Underlying(a))
	}
	cfg.AuthLogCallback = c.authLog
	if q, ok := any(cfg).(interface {
		SetPublicKeyQueryCallback(func(ssh.ConnMetadata, ssh.PublicKey))
		SetOpenSSHAuthentication(bool)
	}); ok {
		// x/crypto with _xcrypto/ only: OpenSSH's "Postponed publickey",
		// MaxAuthTries counting refused key queries as OpenSSH's does,
		// and a repeated service request answered (a plain build lets a
		// client ask about MaxAuthTries keys more, and disconnects
		// paramiko's second attempt: docs/differences.md).
		q.SetPublicKeyQueryCallback(c.keyQueried)
		q.SetOpenSSHAuthentication(true)
	}
	for _, m := range authMethods {
		m(c, cfg, opts)
	}
	return cfg, nil
}

// serverHostKeyDefault is what an unset HostKeyAlgorithms means for sshd.
const serverHostKeyDefault = "-*ecdsa-sha2-nistp*"

// restrictHostKey limits a host key to the signature algorithms the
// configuration allows; nil when it allows none.
func restrictHostKey(k ssh.Signer, allowed []string) ssh.Signer {
	as, ok := k.(ssh.AlgorithmSigner)
	if !ok {
		return k
	}
	if cert, isCert := k.PublicKey().(*ssh.Certificate); isCert {
		// A HostCertificate: offered whole when one of its certificate
		// algorithms is allowed (x/crypto picks the signature algorithm
		// from the negotiated name).
		names := []string{cert.Type()}
		if cert.Key.Type() == ssh.KeyAlgoRSA {
			names = []string{ssh.CertAlgoRSASHA512v01, ssh.CertAlgoRSASHA256v01}
		}
		for _, n := range names {
			for _, b := range allowed {
				if n == b {
					return k
				}
			}
		}
		return nil
	}
	var algos []string
	switch k.PublicKey().Type() {
	case ssh.KeyAlgoRSA:
		algos = []string{ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA}
	default:
		algos = []string{k.PublicKey().Type()}
	}
	var keep []string
	for _, a := range algos {
		for _, b := range allowed {
			if a == b {
				keep = append(keep, a)
			}
		}
	}
	if len(keep) == 0 {
		return nil
	}
	s, err := ssh.NewSignerWithAlgorithms(as, keep)
	if err != nil {
		return nil
	}
	return s
}

func appendNew(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
