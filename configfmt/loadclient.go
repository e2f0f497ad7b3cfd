package configfmt

import (
	"bufio"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"sshbox/sshcore"
	"sshbox/sshcore/tun"
)

// SystemClientConfig is the system-wide ssh_config. Relative Include paths
// in it are looked up in /etc/ssh; in every other file, in ~/.ssh.
const SystemClientConfig = "/etc/ssh/ssh_config"

const fullLine = "\x00" // a -G printer value that carries its own keyword

// DefaultClientOptions returns OpenSSH's client defaults, before the
// destination is known (no Host, HostName, User; the files not expanded).
func DefaultClientOptions() *ClientOptions {
	return &ClientOptions{
		Port:                         22,
		AddressFamily:                "any",
		IdentityFiles:                []string{"~/.ssh/id_rsa", "~/.ssh/id_ecdsa", "~/.ssh/id_ecdsa_sk", "~/.ssh/id_ed25519", "~/.ssh/id_ed25519_sk", "~/.ssh/id_xmss", "~/.ssh/id_dsa"},
		PubkeyAuthentication:         true,
		PasswordAuthentication:       true,
		KbdInteractiveAuthentication: true,
		NumberOfPasswordPrompts:      3,
		StrictHostKeyChecking:        "ask",
		VerifyHostKeyDNS:             "no",
		Tunnel:                       "false",
		TunnelLocal:                  tun.Any,
		TunnelRemote:                 tun.Any,
		UserKnownHostsFiles:          []string{"~/.ssh/known_hosts", "~/.ssh/known_hosts2"},
		GlobalKnownHostsFiles:        []string{"/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"},
		ConnectionAttempts:           1,
		ServerAliveCountMax:          3,
		RequiredRSASize:              1024,
		StreamLocalBindMask:          0o177,
		ForwardX11Trusted:            true, // Debian's default; upstream OpenSSH's is no
		ForwardX11Timeout:            20 * time.Minute,
		XAuthLocation:                "/usr/bin/xauth",
		FingerprintHash:              "SHA256",
		AddKeysToAgent:               "no",
		IPQoSInteractive:             0x10, // lowdelay, OpenSSH 9.2's defaults
		IPQoSBulk:                    0x08, // throughput
		TCPKeepAlive:                 true,
		RequestTTY:                   "auto",
		SessionType:                  "default",
		ObscureKeystrokeTiming:       20, // OpenSSH 9.5's default
		CanonicalizeHostname:         "false",
		CanonicalizeMaxDots:          1,
		CanonicalizeFallbackLocal:    true,
		EscapeChar:                   "~",
		LogLevel:                     "INFO",
		SyslogFacility:               "USER",
		ControlMaster:                "false",
		ControlPersist:               "no",
		raw:                          map[string][]string{},
		extra:                        map[string]string{},
	}
}

// clientEval applies the files to one set of options for one destination.
type clientEval struct {
	o         *ClientOptions
	seen      map[string]bool // keywords already obtained: first wins
	warned    map[string]bool
	ignore    string // IgnoreUnknown patterns
	host      string // what Host patterns match: the argument, then the final host name
	orig      string
	command   string // the command line's remote command or subsystem name
	local     localIdentity
	final     bool
	wantFinal bool

	// The ssh2 dialect: the last value wins, except over keywords locked
	// by -o and -l; accum makes a line add to a list.
	lastWins, accum bool
	locked          map[string]bool

	// where each value came from ("FILE:LINE"), per list entry, so that
	// errors found while expanding name the line.
	src map[string][]string
}

// LoadClient reads the client configuration files in order (the first
// value obtained wins), after the -o overrides, for the destination host
// and the remote user given on the command line ("" if none). The caller
// passes only the files that exist (-F FILE, or ~/.ssh/config and
// /etc/ssh/ssh_config). Command-line flags that set options (-p 2222, -i
// FILE, -J, -L, -R, -D, -A, -C...) go into overrides in command-line order
// as OpenSSH applies them ("Port=2222", "IdentityFile=FILE"); user (-l)
// counts after the overrides.
//
// In the returned options, IdentityFiles, CertificateFiles,
// UserKnownHostsFiles, IdentityAgent, ProxyCommand, RemoteCommand have their
// ~ and % tokens expanded; HostName is lowercased with %h expanded;
// Warnings lists keywords accepted but not acted on. WriteG prints the
// values the way OpenSSH's ssh -G does (some unexpanded).
func LoadClient(files []string, overrides []string, host, user string) (*ClientOptions, error) {
	return LoadClientCommand(files, overrides, host, user, "")
}

// ClientVersion is what Match version compares: the version string sshbox's
// ssh reports (ssh -V), as OpenSSH compares its own ("OpenSSH_10.0p2").
var ClientVersion = "sshbox_" + sshcore.Version

// LoadClientCommand is LoadClient for a command line that asks for a
// remote command or, with -s, a subsystem ("" for none): Match command
// and Match sessiontype test it, as OpenSSH 10 does. RemoteCommand does
// not count there: OpenSSH learns it only from the files.
func LoadClientCommand(files []string, overrides []string, host, user, command string) (*ClientOptions, error) {
	e := &clientEval{
		o: DefaultClientOptions(), seen: map[string]bool{}, warned: map[string]bool{},
		host: host, orig: host, command: command, local: currentLocal(), src: map[string][]string{},
	}
	e.o.Host = host
	// The -o options read as one file named "command-line", line N being
	// the Nth option.
	ld := &loader{incDir: filepath.Join(e.local.home, ".ssh"), home: e.local.home}
	ov, err := ld.parse("command-line", overrides, 0)
	if err != nil {
		return nil, err
	}
	if err := e.run(ov, true, false); err != nil {
		return nil, err
	}
	// -l comes after the -o options: an -o User given before it wins.
	if user != "" && !e.seen["user"] {
		e.o.User = user
		e.seen["user"] = true
	}
	var parsed []*cfile
	for _, path := range files {
		ld := &loader{incDir: filepath.Join(e.local.home, ".ssh"), home: e.local.home}
		if filepath.Clean(path) == SystemClientConfig {
			ld.incDir = "/etc/ssh"
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
			// The ssh2 dialect has no second pass: its values are
			// applied once, here, in file order.
			if err := s2.applyClient(e); err != nil {
				return nil, err
			}
			continue
		}
		f, err := ld.parse(path, recs, 0)
		if err != nil {
			return nil, err
		}
		parsed = append(parsed, f)
		if err := e.run(f, true, false); err != nil {
			return nil, err
		}
	}
	if e.o.CanonicalizeHostname != "false" {
		// As OpenSSH's ssh.c: canonicalize, then parse the files again
		// with the canonical name, whether or not it changed.
		if err := e.canonicalize(); err != nil {
			return nil, err
		}
		e.wantFinal = true
	}
	if e.wantFinal {
		// OpenSSH parses the files again with the final host name, for
		// Match final and Match canonical; values obtained stay first.
		e.final = true
		e.host = e.hostname()
		for _, f := range parsed {
			if err := e.run(f, true, false); err != nil {
				return nil, err
			}
		}
	}
	if err := e.finish(); err != nil {
		return nil, err
	}
	return e.o, nil
}

// run applies one file's lines; active says whether the enclosing block
// applies, never that an enclosing Include sat in a block that did not.
func (e *clientEval) run(f *cfile, active, never bool) error {
	for i := range f.lines {
		l := &f.lines[i]
		switch l.kw {
		case "host":
			active = !never && e.matchHost(l.args)
			continue
		case "match":
			m, err := e.matchLine(l)
			if err != nil {
				return err
			}
			active = !never && m
			continue
		case "include":
			for _, sub := range l.inc {
				if err := e.run(sub, active, never || !active); err != nil {
					return err
				}
			}
			continue
		case "ignoreunknown":
			if err := oneArg(l.args); err != nil {
				return l.errorf("IgnoreUnknown: %v", err)
			}
			if active && !e.seen["ignoreunknown"] {
				e.ignore = l.args[0]
				e.o.extra["ignoreunknown"] = l.args[0]
				e.seen["ignoreunknown"] = true
			}
			continue
		}
		if err := e.apply(l, active); err != nil {
			return err
		}
	}
	return nil
}

func (e *clientEval) apply(l *cline, active bool) error {
	name := l.kw
	name = canonicalName(clientAliases, name)
	kw, ok := clientIndex()[name]
	if !ok {
		if e.ignore != "" && MatchList(l.kw, e.ignore, true) == 1 {
			return nil
		}
		return l.errorf("unknown keyword %q", l.word)
	}
	switch kw.status {
	case deprecated:
		e.warn(name, l.errorf("Deprecated option %q", l.word).Error())
		return nil
	case warned:
		e.warn(name, l.errorf("%s is accepted but not acted on by sshbox", kw.name).Error())
		v, err := kw.x.parse(l.args)
		if err != nil {
			return l.errorf("%s: %v", kw.name, err)
		}
		if active && (!e.seen[name] || e.lastWins && !e.locked[name]) {
			e.o.extra[name] = v
			e.seen[name] = true
			e.src[name] = []string{fmt.Sprintf("%s:%d", l.file, l.num)}
		}
		return nil
	}
	if name == "forwardagent" && !e.lastWins {
		return e.applyForwardAgent(l, active)
	}
	if !kw.settable() {
		// Host, Match, IgnoreUnknown in an ssh2 file.
		return l.errorf("%s is not allowed here", kw.name)
	}
	args := l.args
	if rawCommand(name) && l.rest != "" {
		args = []string{l.rest}
	}
	if name == "syslogfacility" && !e.lastWins {
		// OpenSSH 9.2's readconf.c takes SyslogFacility without asking
		// whether the Host or Match block applies: the first one counts.
		active = true
	}
	// Values are checked even in blocks that do not apply, as OpenSSH
	// does; they land in a scratch copy then.
	target, first := e.o, !e.seen[name]
	if e.lastWins {
		if e.locked[name] {
			active = false
		}
		first = first || !e.accum
	}
	if !active || !e.lastWins && e.seen[name] && !kw.acc {
		target = &ClientOptions{raw: map[string][]string{}, extra: map[string]string{}}
	}
	if err := kw.apply(target, args, first); err != nil {
		return l.errorf("%s: %v", kw.name, err)
	}
	if target == e.o {
		if first {
			e.src[name] = nil
		}
		e.src[name] = append(e.src[name], fmt.Sprintf("%s:%d", l.file, l.num))
	}
	if active {
		e.seen[name] = true
	}
	return nil
}

// rawCommand: the keyword's value is the rest of the line as written
// (OpenSSH's parse_command), not its words joined again.
func rawCommand(name string) bool {
	switch name {
	case "localcommand", "knownhostscommand", "remotecommand", "proxycommand":
		return true
	}
	return false
}

// applyForwardAgent: OpenSSH keeps ForwardAgent's yes/no and its socket
// path in two first-wins slots, so "ForwardAgent no" (or -a) then
// "ForwardAgent /path" leaves forwarding off with the path set, and -A
// then "ForwardAgent /path" forwards that agent.
func (e *clientEval) applyForwardAgent(l *cline, active bool) error {
	var v ClientOptions
	if err := setForwardAgent(&v, l.args, true); err != nil {
		return l.errorf("ForwardAgent: %v", err)
	}
	if !active {
		return nil
	}
	if !e.seen["forwardagent"] {
		e.o.ForwardAgent = v.ForwardAgent
		e.seen["forwardagent"] = true
	}
	if v.ForwardAgentSock != "" && !e.seen["forwardagent path"] {
		e.o.ForwardAgentSock = v.ForwardAgentSock
		e.seen["forwardagent path"] = true
		e.src["forwardagent"] = []string{fmt.Sprintf("%s:%d", l.file, l.num)}
	}
	return nil
}

// where names the line a value came from, for errors found after parsing.
func (e *clientEval) where(name string, i int) string {
	if l := e.src[name]; i < len(l) {
		return l[i] + ": "
	}
	return ""
}

func (e *clientEval) warn(name, msg string) {
	if !e.warned[name] {
		e.warned[name] = true
		e.o.Warnings = append(e.o.Warnings, msg)
	}
}

// matchHost: a Host line applies when a pattern matches and no negated
// one does (case-sensitive, as OpenSSH's match_pattern).
func (e *clientEval) matchHost(pats []string) bool {
	hit := false
	for _, p := range pats {
		neg := strings.HasPrefix(p, "!")
		if neg {
			p = p[1:]
		}
		if MatchPattern(e.host, p) {
			if neg {
				return false
			}
			hit = true
		}
	}
	return hit
}

// matchLine evaluates a client Match line as OpenSSH 10's match_cfg_line:
// every criterion must hold; "all" stands alone (or right after canonical
// or final); the others but canonical and final take an argument, as the
// next word or, for most, as attribute=value.
func (e *clientEval) matchLine(l *cline) (bool, error) {
	result, attributes := true, 0
	a := l.args
	for i := 0; i < len(a); i++ {
		word := strings.TrimPrefix(a[i], "!")
		neg := len(word) < len(a[i])
		crit := strings.ToLower(word)
		if crit == "all" {
			if attributes > 1 || i+1 < len(a) {
				return false, l.errorf("'%s' cannot be combined with other Match attributes", a[i])
			}
			return result && !neg, nil
		}
		attributes++
		if crit == "canonical" || crit == "final" {
			// Only final asks for the second pass; canonical
			// matches in it when CanonicalizeHostname made one.
			if crit == "final" {
				e.wantFinal = true
			}
			result = result && e.final != neg
			continue
		}
		var arg string
		if name, v, ok := strings.Cut(word, "="); ok && matchEquals[strings.ToLower(name)] {
			crit, arg = strings.ToLower(name), v
		} else if !matchArgCriteria[crit] {
			return false, l.errorf("unsupported Match attribute %q", a[i])
		} else if i+1 < len(a) {
			i++
			arg = a[i]
		} else {
			return false, l.errorf("Match keyword %q requires an argument", crit)
		}
		// Only tagged and command may be matched against "", which
		// stands for no tag, no command.
		if arg == "" && crit != "tagged" && crit != "command" {
			return false, l.errorf("Match keyword %q requires an argument", crit)
		}
		m, err := e.matchCriterion(l, crit, arg, result)
		if err != nil {
			return false, err
		}
		if m == nil {
			continue // exec not run: the line already failed
		}
		result = result && *m != neg
	}
	return result, nil
}

// matchArgCriteria are the Match criteria that take an argument;
// matchEquals, those that may take it as attribute=value (OpenSSH 10
// leaves sessiontype out).
var (
	matchArgCriteria = map[string]bool{
		"host": true, "originalhost": true, "user": true, "localuser": true, "exec": true,
		"localnetwork": true, "tagged": true, "command": true, "sessiontype": true, "version": true,
	}
	matchEquals = map[string]bool{
		"host": true, "originalhost": true, "user": true, "localuser": true, "exec": true,
		"localnetwork": true, "tagged": true, "command": true, "version": true,
	}
)

// matchCriterion tests one criterion against its argument; nil means it
// was not evaluated (exec after a failed criterion).
func (e *clientEval) matchCriterion(l *cline, crit, arg string, sofar bool) (*bool, error) {
	var m bool
	switch crit {
	case "host":
		m = MatchList(e.hostname(), arg, true) == 1
	case "originalhost":
		m = MatchList(e.orig, arg, true) == 1
	case "user":
		u := e.o.User
		if u == "" {
			u = e.local.name
		}
		m = MatchList(u, arg, false) == 1
	case "localuser":
		m = MatchList(e.local.name, arg, false) == 1
	case "tagged":
		// The Tag set so far (-P, or an earlier line).
		m = matchOrEmpty(e.o.Tag, arg)
	case "command":
		// The command or subsystem name of the command line;
		// RemoteCommand is not known yet, as in OpenSSH.
		m = matchOrEmpty(e.command, arg)
	case "sessiontype":
		m = MatchList(e.sessionType(), arg, false) == 1
	case "version":
		m = MatchList(ClientVersion, arg, false) == 1
	case "exec":
		// As OpenSSH: not run when an earlier criterion of the line
		// already failed.
		if !sofar {
			return nil, nil
		}
		var err error
		if m, err = e.matchExec(arg); err != nil {
			return nil, l.errorf("match exec %q: %v", arg, err)
		}
	case "localnetwork":
		var err error
		if m, err = matchLocalNetwork(arg); err != nil {
			return nil, l.errorf("Match localnetwork %q: %v", arg, err)
		}
	}
	return &m, nil
}

// matchOrEmpty is Match tagged and Match command: no value matches only
// the empty argument (Match tagged ""), a value the pattern list.
func matchOrEmpty(v, list string) bool {
	if v == "" {
		return list == ""
	}
	return MatchList(v, list, false) == 1
}

// sessionType is what Match sessiontype sees: SessionType so far (-N, -s,
// -W or an earlier line), else exec when the command line has a command,
// else shell.
func (e *clientEval) sessionType() string {
	switch e.o.SessionType {
	case "none", "subsystem":
		return e.o.SessionType
	}
	if e.command != "" {
		return "exec"
	}
	return "shell"
}

// hostname is the HostName option with %h expanded, or the destination.
func (e *clientEval) hostname() string {
	if e.o.HostName == "" {
		return e.orig
	}
	h, err := expandTokens(e.o.HostName, map[byte]string{'h': e.orig})
	if err != nil {
		return e.o.HostName
	}
	return h
}

// finish fills the defaults that depend on the destination and expands
// tokens, in the order ssh.c does.
func (e *clientEval) finish() error {
	o := e.o
	host, err := expandTokens(o.HostName, map[byte]string{'h': e.orig})
	if err != nil {
		return fmt.Errorf("%sHostName: %v", e.where("hostname", 0), err)
	}
	if o.HostName == "" {
		host = e.orig
	}
	o.HostName = strings.ToLower(host)
	if o.User == "" {
		o.User = e.local.name
	}
	if o.BatchMode && !e.seen["serveraliveinterval"] {
		o.ServerAliveInterval = 300 * time.Second
	}
	if o.ClearAllForwardings {
		o.LocalForward, o.RemoteForward, o.DynamicForward = nil, nil, nil
		o.Tunnel = "false"
	}
	if _, ok := o.extra["updatehostkeys"]; !ok {
		// OpenSSH learns new host keys only into its default file
		// (unset, or set to exactly ~/.ssh/known_hosts), and not when
		// DNS may vouch for keys.
		u := o.UserKnownHostsFiles
		if (!e.seen["userknownhostsfile"] || len(u) == 1 && u[0] == "~/.ssh/known_hosts") &&
			o.VerifyHostKeyDNS == "no" {
			o.extra["updatehostkeys"] = "true"
		} else {
			o.extra["updatehostkeys"] = "false"
		}
	}
	if o.extra["updatehostkeys"] == "ask" {
		// ssh.c: asking is pointless where the user cannot answer.
		cp, persist := o.ControlPath, o.ControlPersist
		if persist != "" && persist != "no" && cp != "" && cp != "none" ||
			o.RemoteCommand != "" || o.RequestTTY == "no" ||
			o.LogLevel == "QUIET" || o.LogLevel == "FATAL" || o.LogLevel == "ERROR" {
			o.extra["updatehostkeys"] = "false"
		}
	}
	port := strconv.Itoa(o.Port)
	shortHost, _, _ := strings.Cut(e.local.host, ".")
	sum := sha1.Sum([]byte(e.local.host + o.HostName + port + o.User))
	alias := strings.ToLower(o.HostKeyAlias)
	if alias == "" {
		alias = e.orig
	}
	o.tokens = map[byte]string{
		'C': hex.EncodeToString(sum[:]), 'd': e.local.home, 'h': o.HostName, 'i': e.local.uid,
		'k': alias, 'L': shortHost, 'l': e.local.host, 'n': e.orig, 'p': port, 'r': o.User,
		'u': e.local.name, 'j': o.ProxyJump,
	}
	// Which keywords take ~, % tokens and ${VAR}, and which ssh -G prints
	// expanded, follow ssh.c; IdentityFile and CertificateFile are
	// expanded only when loaded, so -G shows them as written.
	expandAt := func(what string, i int, s string, tilde, env bool) (string, error) {
		at := e.where(strings.ToLower(what), i)
		if tilde {
			var err error
			if s, err = expandTilde(s, e.local.home); err != nil {
				return "", fmt.Errorf("%s%s: %v", at, what, err)
			}
		}
		v, err := expand(s, o.tokens, env)
		if err != nil {
			return "", fmt.Errorf("%s%s: %v", at, what, err)
		}
		return v, nil
	}
	expandPath := func(what, s string) (string, error) { return expandAt(what, 0, s, true, true) }
	expandAll := func(what string, raw bool, l []string) ([]string, error) {
		if raw {
			o.raw[strings.ToLower(what)] = append([]string(nil), l...)
		}
		out := make([]string, len(l))
		for i, s := range l {
			// UserKnownHostsFile takes all its files on one line.
			at := i
			if !raw {
				at = 0
			}
			if out[i], err = expandAt(what, at, s, true, true); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	if ids, err := expandAll("IdentityFile", true, o.IdentityFiles); err != nil {
		o.IdentityErr = err
	} else {
		o.IdentityFiles = ids
	}
	if certs, err := expandAll("CertificateFile", true, o.CertificateFiles); err != nil {
		o.IdentityErr = err
	} else {
		o.CertificateFiles = certs
	}
	if o.UserKnownHostsFiles, err = expandAll("UserKnownHostsFile", false, o.UserKnownHostsFiles); err != nil {
		return err
	}
	if strings.EqualFold(o.RevokedHostKeys, "none") {
		o.RevokedHostKeys = "" // as OpenSSH's CLEAR_ON_NONE
	}
	if r := o.RevokedHostKeys; r != "" {
		// ssh -G prints it as written, as OpenSSH 9.2 does.
		o.raw["revokedhostkeys"] = []string{r}
		if o.RevokedHostKeys, err = expandPath("RevokedHostKeys", r); err != nil {
			return err
		}
	}
	if a := o.IdentityAgent; a != "" && a != "none" && a != "SSH_AUTH_SOCK" {
		if o.IdentityAgent, err = expandPath("IdentityAgent", a); err != nil {
			return err
		}
	}
	if o.ForwardAgentSock != "" {
		if o.ForwardAgentSock, err = expandPath("ForwardAgent", o.ForwardAgentSock); err != nil {
			return err
		}
	}
	if o.RemoteCommand != "" {
		if o.RemoteCommand, err = expandAt("RemoteCommand", 0, o.RemoteCommand, false, false); err != nil {
			return err
		}
	}
	if cp := o.ControlPath; cp != "" && cp != "none" {
		if o.ControlPath, err = expandPath("ControlPath", cp); err != nil {
			return err
		}
	}
	if o.LocalForward, err = e.expandForwards("LocalForward", o.LocalForward); err != nil {
		return err
	}
	if o.RemoteForward, err = e.expandForwards("RemoteForward", o.RemoteForward); err != nil {
		return err
	}
	if o.ProxyCommand != "" && o.ProxyCommand != "none" {
		o.raw["proxycommand"] = []string{o.ProxyCommand}
		// ProxyCommand knows only %h %p %r %n and %%.
		if o.ProxyCommand, err = expandTokens(o.ProxyCommand, map[byte]string{'h': o.HostName, 'p': port, 'r': o.User, 'n': e.orig}); err != nil {
			return fmt.Errorf("%sProxyCommand: %v", e.where("proxycommand", 0), err)
		}
	}
	return nil
}

// expandForwards expands the Unix-socket paths of LocalForward and
// RemoteForward lines (% tokens and ${VAR}, as OpenSSH); TCP ends are
// left as written.
func (e *clientEval) expandForwards(what string, specs []string) ([]string, error) {
	out := make([]string, len(specs))
	for i, spec := range specs {
		f := strings.Fields(spec)
		for j, end := range f {
			if !strings.Contains(end, "/") || strings.HasPrefix(end, "[") {
				continue
			}
			v, err := expand(end, e.o.tokens, true)
			if err != nil {
				return nil, fmt.Errorf("%s%s: %v", e.where(strings.ToLower(what), i), what, err)
			}
			f[j] = v
		}
		out[i] = strings.Join(f, " ")
	}
	return out, nil
}

// Expand expands s with this connection's % tokens, the ones in extra
// (KnownHostsCommand's %H %I %K %f %t, LocalCommand's %T) and, with env,
// ${VAR}; an unknown token or unset variable is an error.
func (o *ClientOptions) Expand(s string, extra map[byte]string, env bool) (string, error) {
	vals := make(map[byte]string, len(o.tokens)+len(extra))
	for k, v := range o.tokens {
		vals[k] = v
	}
	for k, v := range extra {
		vals[k] = v
	}
	return expand(s, vals, env)
}

// WriteG prints the options as `ssh -G` does: lowercase keyword, space,
// value, one per line, in OpenSSH's order, defaults included. Algorithm
// lists print as OpenSSH would resolve them against its own defaults.
func (o *ClientOptions) WriteG(w io.Writer) error {
	bw := bufio.NewWriter(w)
	for i := range clientTable {
		kw := &clientTable[i]
		name := strings.ToLower(kw.name)
		vals := kw.x.printed(o.extra, name)
		if kw.printable() {
			vals = kw.values(o)
		}
		if name == "canonicalizepermittedcnames" {
			name = "canonicalizePermittedcnames" // OpenSSH's own spelling in -G
		}
		for _, v := range vals {
			if strings.HasPrefix(v, fullLine) {
				fmt.Fprintln(bw, v[1:])
				continue
			}
			fmt.Fprintf(bw, "%s %s\n", name, v)
		}
	}
	if o.IdleTimeout > 0 {
		// The ssh2 dialect's, after OpenSSH's keywords and only when set
		// (as sshd -T prints the server's, ssh2srv.go).
		fmt.Fprintf(bw, "idletimeout %d\n", int(o.IdleTimeout/time.Second))
	}
	return bw.Flush()
}
