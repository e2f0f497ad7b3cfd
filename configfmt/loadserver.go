package configfmt

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os/user"
	"strings"
	"time"

	"sshbox/sshcore/algo"
)

// SystemServerDir is where relative Include paths of sshd_config point.
const SystemServerDir = "/etc/ssh"

// DefaultServerOptions returns OpenSSH's server defaults (Debian's pid
// file).
func DefaultServerOptions() *ServerOptions {
	return &ServerOptions{
		Port:                         []int{22},
		IPQoSInteractive:             0x10, // lowdelay, OpenSSH 9.2's defaults
		IPQoSBulk:                    0x08, // throughput
		AddressFamily:                "any",
		HostKeys:                     []string{"/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_ed25519_key"},
		PidFile:                      "/run/sshd.pid",
		LogLevel:                     "INFO",
		SyslogFacility:               "AUTH",
		LoginGraceTime:               120 * time.Second,
		MaxAuthTries:                 6,
		MaxSessions:                  10,
		MaxStartups:                  "10:30:100",
		PerSourceNetBlockSize:        [2]int{32, 128},
		RequiredRSASize:              1024,
		PerSourcePenalties:           DefaultPenalties(),
		PermitRootLogin:              "prohibit-password",
		StrictModes:                  true,
		PubkeyAuthentication:         true,
		AuthorizedKeysFile:           []string{".ssh/authorized_keys", ".ssh/authorized_keys2"},
		AuthorizedPrincipalsFile:     "none",
		TrustedUserCAKeys:            "none",
		RevokedKeys:                  "none",
		PasswordAuthentication:       true,
		KbdInteractiveAuthentication: true,
		AuthenticationMethods:        []string{"any"},
		PermitTTY:                    true,
		PermitUserRC:                 true,
		PrintMotd:                    true,
		PrintLastLog:                 true,
		Banner:                       "none",
		ClientAliveCountMax:          3,
		TCPKeepAlive:                 true,
		Compression:                  true,
		AllowTcpForwarding:           "yes",
		AllowAgentForwarding:         true,
		AllowStreamLocalForwarding:   "yes",
		GatewayPorts:                 "no",
		PermitTunnel:                 "no",
		StreamLocalBindMask:          0o177,
		X11DisplayOffset:             10,
		X11UseLocalhost:              true,
		XAuthLocation:                "/usr/bin/xauth",
		CASignatureAlgorithms:        strings.Split(opensshSigAlgos, ","),
		extra:                        map[string]string{},
	}
}

// ServerConfig is a parsed sshd configuration, Match blocks kept, ready to
// be evaluated per connection.
type ServerConfig struct {
	Path string
	// Warnings lists one line per keyword that OpenSSH knows but sshbox
	// does not act on ("FILE:LINE: ..."), for sshd to log at start.
	Warnings []string

	files  []*cfile // the -o overrides, then the file
	global *ServerOptions
	ssh2   *ssh2Config // set when the file is in the ssh2 dialect
}

// LoadServer parses the sshd configuration at path (OpenSSH or ssh2
// dialect, any record format) with the -o overrides applied first. sshd's
// -h KEY is the override "HostKey KEY": as in OpenSSH, keys given that way
// replace the default host keys and come before the file's.
func LoadServer(path string, overrides []string) (*ServerConfig, error) {
	ld := &loader{incDir: SystemServerDir, home: currentLocal().home}
	c := &ServerConfig{Path: path}
	ov, err := ld.parse("command-line", overrides, 0)
	if err != nil {
		return nil, err
	}
	recs, err := ReadFile(path)
	if err != nil {
		return nil, err
	}
	if isSSH2(recs) {
		s2, err := parseSSH2(path, recs)
		if err != nil {
			return nil, err
		}
		c.ssh2 = s2
		c.files = []*cfile{ov}
	} else {
		f, err := ld.parse(path, recs, 0)
		if err != nil {
			return nil, err
		}
		c.files = []*cfile{ov, f}
	}
	e := newServerEval(DefaultServerOptions(), nil)
	for _, f := range c.files {
		if err := e.run(f, true, false, false); err != nil {
			return nil, err
		}
	}
	if c.ssh2 != nil {
		if err := c.ssh2.applyServer(e, MatchConn{}); err != nil {
			return nil, err
		}
	}
	if err := checkCommandUsers(e.o); err != nil {
		return nil, err
	}
	if err := checkAuthMethods(e.o); err != nil {
		return nil, err
	}
	if e.krbAuth && e.krbNoLocal != "" {
		return nil, errors.New(e.krbNoLocal)
	}
	c.Warnings = e.warnings
	c.global = e.o
	return c, nil
}

// forSSH2 evaluates an ssh2-dialect file for one connection from the
// defaults: the overrides first (they win), then the file's lines whose
// headings match, the last value winning.
func (c *ServerConfig) forSSH2(m MatchConn) (*ServerOptions, error) {
	e := newServerEval(DefaultServerOptions(), &m)
	for _, f := range c.files {
		if err := e.run(f, true, false, false); err != nil {
			return nil, err
		}
	}
	if err := c.ssh2.applyServer(e, m); err != nil {
		return nil, err
	}
	return e.o, nil
}

// For returns the effective options for one connection, Match blocks
// applied. A zero MatchConn gives a copy of the global options. As sshd -T
// -C does, a Match criterion whose attribute is not given does not match.
//
// A connection that no Match block applies to (with an OpenSSH file) gets
// the global options themselves, shared with every such connection: they
// must not be changed (Clone gives a copy of one's own). sshd keeps a
// connection's options, and the user's after the login, for as long as
// the connection lasts; two private copies were 2.2 KiB of each idle
// connection's live heap (docs/performance.md, "Options shared between
// connections").
func (c *ServerConfig) For(m MatchConn) (*ServerOptions, error) {
	if m == (MatchConn{}) {
		return c.global.clone(), nil
	}
	if c.ssh2 != nil {
		return c.forSSH2(m)
	}
	e := newServerEval(c.global, &m)
	e.matchOnly, e.shared = true, true
	for _, f := range c.files {
		if err := e.run(f, false, false, false); err != nil {
			return nil, err
		}
	}
	return e.o, nil
}

// Clone returns a deep copy of o, which the caller may change.
func (o *ServerOptions) Clone() *ServerOptions { return o.clone() }

// clone copies the options deeply. The map of kept-for-printing keywords
// is shared until a Match block sets one (setExtra), so that a connection
// whose Match blocks set other keywords does not hold a private copy of a
// hundred strings.
func (o *ServerOptions) clone() *ServerOptions {
	n := *o
	n.extraShared = true
	n.Port = append([]int(nil), o.Port...)
	for _, l := range []*[]string{&n.ListenAddress, &n.HostKeys, &n.HostCertificates, &n.AuthorizedKeysFile,
		&n.AuthenticationMethods, &n.AllowUsers, &n.DenyUsers, &n.AllowGroups, &n.DenyGroups, &n.AcceptEnv,
		&n.SetEnv, &n.PermitOpen, &n.PermitListen, &n.subsysOrder, &n.ChannelTimeout} {
		if *l != nil {
			*l = append([]string(nil), (*l)...)
		}
	}
	if o.Subsystems != nil {
		n.Subsystems = make(map[string]string, len(o.Subsystems))
		for k, v := range o.Subsystems {
			n.Subsystems[k] = v
		}
	}
	return &n
}

// setExtra records a kept-for-printing keyword, copying a shared map
// first (see clone).
func (o *ServerOptions) setExtra(name, v string) {
	if o.extraShared || o.extra == nil {
		m := make(map[string]string, len(o.extra)+1)
		for k, v := range o.extra {
			m[k] = v
		}
		o.extra, o.extraShared = m, false
	}
	o.extra[name] = v
}

type serverEval struct {
	o         *ServerOptions
	seen      map[string]bool
	warned    map[string]bool
	warnings  []string
	ci        *MatchConn // nil: the global pass
	matchOnly bool       // the per-connection pass: only Match blocks apply
	shared    bool       // o is the global options, cloned before a change

	// The ssh2 dialect: the last value wins, except over keywords locked
	// by the -o overrides; accum makes a line add to a list.
	lastWins, accum bool
	locked          map[string]bool

	// KerberosOrLocalPasswd no makes OpenSSH take a password only when
	// Kerberos confirms it, once KerberosAuthentication is on; sshbox has
	// no Kerberos and would check the local password instead. krbNoLocal
	// is the refusal for the line that set it, krbAuth whether any line
	// (in any Match block) turns Kerberos on; checkKerberos joins them.
	krbNoLocal string
	krbAuth    bool
}

func newServerEval(o *ServerOptions, ci *MatchConn) *serverEval {
	if o.extra == nil {
		o.extra = map[string]string{}
	}
	return &serverEval{o: o, seen: map[string]bool{}, warned: map[string]bool{}, ci: ci}
}

// run applies one file. In the global pass lines outside Match apply, and
// Match all; in the per-connection pass only the Match blocks that match,
// their first values replacing the global ones (sshd's
// copy_set_server_options).
func (e *serverEval) run(f *cfile, active, never, inMatch bool) error {
	if e.matchOnly && !inMatch {
		active = false
	}
	for i := range f.lines {
		l := &f.lines[i]
		switch l.kw {
		case "match":
			m, err := e.matchLine(l)
			if err != nil {
				return err
			}
			active, inMatch = !never && m, true
			continue
		case "include":
			// Only an Include inside a Match block that does not apply
			// silences the included file's own Match blocks.
			for _, sub := range l.inc {
				if err := e.run(sub, active, never || inMatch && !active, inMatch); err != nil {
					return err
				}
			}
			continue
		}
		if e.matchOnly && !active {
			// The global pass checked every line, Match blocks included,
			// when the file was loaded, and a line that does not apply
			// changes nothing; checking it again for each connection
			// cost a throwaway ServerOptions per line and login.
			continue
		}
		if e.shared {
			// The first line of a Match block that applies to this
			// connection: from here on it has options of its own.
			e.o, e.shared = e.o.clone(), false
		}
		if err := e.apply(l, active, inMatch); err != nil {
			return err
		}
	}
	return nil
}

func (e *serverEval) apply(l *cline, active, inMatch bool) error {
	name := l.kw
	name = canonicalName(serverAliases, name)
	kw, ok := serverIndex()[name]
	if !ok {
		return l.errorf("unknown keyword %q", l.word)
	}
	if inMatch && !kw.match {
		return l.errorf("Directive %q is not allowed within a Match block", l.word)
	}
	return e.set(kw, name, l.args, active, func(err error) error { return l.errorf("%s: %v", kw.name, err) },
		func(msg string) string { return l.errorf("%s", msg).Error() })
}

// set applies one keyword's arguments; the dialects share it.
func (e *serverEval) set(kw *serverKW, name string, args []string, active bool, wrap func(error) error, where func(string) string) error {
	if err := checkServerClass(kw.name, args); err != nil {
		return errors.New(where(err.Error()))
	}
	switch {
	case kw.name == "KerberosAuthentication" && !isNo(args):
		e.krbAuth = true
	case kw.name == "KerberosOrLocalPasswd" && active && !e.seen[name]:
		e.krbNoLocal = ""
		if isNo(args) {
			e.krbNoLocal = where(errNotSupported(kw.name).Error() + " with KerberosAuthentication yes")
		}
	}
	switch kw.status {
	case deprecated:
		e.warn(name, where(fmt.Sprintf("Deprecated option %q", kw.name)))
		return nil
	case warned:
		e.warn(name, where(kw.name+" is accepted but not acted on by sshbox"))
		v, err := kw.x.parse(args)
		if err != nil {
			return wrap(err)
		}
		if active && (!e.seen[name] || e.lastWins && !e.locked[name]) {
			e.o.setExtra(name, v)
			e.seen[name] = true
		}
		return nil
	}
	if !kw.settable() {
		// Match and Include in an ssh2 file, where headings do their work.
		return wrap(fmt.Errorf("%s is not allowed here", kw.name))
	}
	target, first := e.o, !e.seen[name]
	if e.lastWins {
		if e.locked[name] {
			active = false
		}
		first = first || !e.accum
	}
	if !active || !e.lastWins && e.seen[name] && !kw.acc {
		target = &ServerOptions{extra: map[string]string{}}
	}
	if err := kw.apply(target, args, first); err != nil {
		return wrap(err)
	}
	if err := e.checkAlgos(kw, name, args, active, where); err != nil {
		return wrap(err)
	}
	if active {
		e.seen[name] = true
	}
	return nil
}

// checkAlgos checks an algorithm list as OpenSSH's sshd does when it reads
// the line: a name no one knows is an error. One that OpenSSH has and
// sshbox does not (umac-128-etm@openssh.com) is left out of what sshd
// offers, which offers nothing the list does not allow, with a warning;
// a list of nothing else is an error.
func (e *serverEval) checkAlgos(kw *serverKW, name string, args []string, active bool, where func(string) string) error {
	if e.ci != nil {
		// A connection's pass: the global pass checked every line when
		// the file was loaded, and a login need not pay for it again.
		return nil
	}
	kind := algo.Kind(kw.algo)
	switch {
	case kw.name == "CASignatureAlgorithms":
		kind = algo.Sig
	case kw.kind != sAlgo:
		return nil
	}
	if _, err := algo.Resolve(kind, args[0]); err != nil {
		return badAlgoSpec(kind, args[0], err)
	}
	if d := algo.Dropped(kind, args[0]); len(d) > 0 && active {
		e.warn(name+" "+args[0], where(fmt.Sprintf("%s: sshbox does not have %s; not offered", kw.name, strings.Join(d, ", "))))
	}
	return nil
}

func (e *serverEval) warn(name, msg string) {
	if !e.warned[name] {
		e.warned[name] = true
		e.warnings = append(e.warnings, msg)
	}
}

// matchLine evaluates an sshd Match line. In the global pass only
// "Match all" applies; the syntax is checked either way.
func (e *serverEval) matchLine(l *cline) (bool, error) {
	a := l.args
	if strings.EqualFold(a[0], "all") {
		if len(a) > 1 {
			return false, l.errorf("'all' cannot be combined with other Match attributes")
		}
		return true, nil
	}
	result := true
	for i := 0; i < len(a); i++ {
		ci := e.ci
		if ci == nil {
			ci = &MatchConn{}
		}
		// invalid-user (OpenSSH 10) takes no argument; the others take
		// the next word, or their own after "=" (user=alice, OpenSSH 10).
		word := a[i]
		name, arg, eq := strings.Cut(word, "=")
		crit := strings.ToLower(name)
		if crit == "invalid-user" && !eq {
			result = result && ci.InvalidUser
			continue
		}
		if !eq {
			if i+1 >= len(a) {
				return false, l.errorf("Match %s: missing argument", word)
			}
			i++
			arg = a[i]
		} else if arg == "" {
			return false, l.errorf("Match %s: missing argument", word)
		}
		var m bool
		switch crit {
		case "user":
			m = ci.User != "" && MatchList(ci.User, arg, false) == 1
		case "group":
			m = ci.User != "" && userInGroups(ci.User, arg)
		case "host":
			m = ci.Host != "" && MatchList(ci.Host, arg, true) == 1
		case "address", "localaddress":
			addr := ci.Addr
			if crit == "localaddress" {
				addr = ci.LocalAddr
			}
			r := matchAddrList(addr, arg)
			if r == -2 {
				return false, l.errorf("Match %s: invalid address list %q", name, arg)
			}
			m = addr != "" && r == 1
		case "localport":
			p, err := parsePort(arg)
			if err != nil {
				return false, l.errorf("Match LocalPort: %v", err)
			}
			m = ci.LocalPort == p
		case "rdomain":
			// sshbox has no routing domains: a block that could never
			// apply would silently drop the restrictions in it.
			return false, l.errorf("Match RDomain is not supported by sshbox")
		case "version":
			// It matches OpenSSH's release name, which sshbox is not:
			// its blocks would never apply here, their restrictions
			// silently dropped.
			return false, l.errorf("Match version is not supported by sshbox")
		default:
			return false, l.errorf("Unsupported Match attribute %s", word)
		}
		result = result && m
	}
	if e.ci == nil {
		return false, nil
	}
	return result, nil
}

// userInGroups: one of the user's groups matches the pattern list, and no
// negated pattern does.
func userInGroups(name, list string) bool {
	u, err := user.Lookup(name)
	if err != nil {
		return false
	}
	ids, err := u.GroupIds()
	if err != nil {
		return false
	}
	hit := false
	for _, id := range ids {
		g, err := user.LookupGroupId(id)
		if err != nil {
			continue
		}
		switch MatchList(g.Name, list, false) {
		case -1:
			return false
		case 1:
			hit = true
		}
	}
	return hit
}

// WriteT prints the options as `sshd -T` does: lowercase keyword, space,
// value, one per line, in OpenSSH's order. Algorithm lists print as OpenSSH
// would resolve them against its own defaults.
func (o *ServerOptions) WriteT(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for i := range serverTable {
		kw := &serverTable[i]
		name := strings.ToLower(kw.name)
		vals := kw.x.printed(o.extra, name)
		if kw.printable() {
			vals = kw.values(o)
		}
		for _, v := range vals {
			fmt.Fprintf(bw, "%s %s\n", name, v)
		}
	}
	o.writeSSH2T(bw)
	return bw.Flush()
}

// ParseMatchConn parses sshd -C's connection specification:
// "user=U,host=H,addr=A,laddr=L,lport=P" (any subset, rdomain accepted).
func ParseMatchConn(spec string) (MatchConn, error) {
	var m MatchConn
	for _, kv := range strings.Split(spec, ",") {
		if kv == "" {
			// OpenSSH's loop (strsep) ends at the first empty item, so
			// "user=u," is user=u and nothing after ",," counts.
			break
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok || v == "" {
			return m, fmt.Errorf("invalid test mode specification %q", kv)
		}
		switch strings.ToLower(k) {
		case "user":
			// Match invalid-user applies to a name with no account.
			_, err := user.Lookup(v)
			m.User, m.InvalidUser = v, err != nil
		case "host":
			m.Host = v
		case "addr":
			m.Addr = v
		case "laddr":
			m.LocalAddr = v
		case "lport":
			p, err := parsePort(v)
			if err != nil {
				return m, fmt.Errorf("invalid test mode specification %q: %v", kv, err)
			}
			m.LocalPort = p
		case "rdomain":
		default:
			return m, fmt.Errorf("invalid test mode specification %q", kv)
		}
	}
	if m.Host != "" && m.Host != m.Addr {
		// host= is the client's name, verified: the ssh2 dialect's host
		// patterns see it too.
		m.Name = m.Host
	}
	return m, nil
}
