package configfmt

import (
	"fmt"
	"strings"
)

// The ssh2 dialect (SSH Communications Security's ssh2_config and
// sshd2_config, as OpenVMS installations keep them in SSH2_CONFIG. and
// SSHD2_CONFIG.): "pattern:" headings select hosts, lines before the first
// heading always apply, "Keyword value-to-end-of-line", the last value
// wins, booleans start with y, t or k when true. Its keywords map onto the
// same typed options as OpenSSH's; OpenSSH keywords are accepted too.

type ssh2Line struct {
	file    string
	num     int
	pattern string // the heading the line sits under; "" before the first
	// head is the heading compiled when the file's patterns are egrep
	// (nil: OpenSSH's glob list, zsh_fileglob's meaning too).
	head   *HostList
	kw     string // lowercased
	word   string
	value  string
	syntax regexSyntax // the file's REGEX-SYNTAX, for AllowHosts and DenyHosts
	// sub is the keyword that read the line from a subconfiguration
	// file ("hostspecificconfig", "userspecificconfig"); "" in the main one.
	sub string
}

func (l *ssh2Line) errorf(format string, a ...any) error {
	return fmt.Errorf("%s:%d: %s", l.file, l.num, fmt.Sprintf(format, a...))
}

type ssh2Config struct {
	lines  []ssh2Line
	syntax regexSyntax // the file's REGEX-SYNTAX
}

// ssh2KW maps one ssh2 keyword onto OpenSSH keyword lines: the value
// becomes keyword kw's, converted by conv, or to makes the lines. The rows
// are static literals (see clientKW), hence kw and conv rather than a
// function made for each row.
type ssh2KW struct {
	name   string
	side   string // "client", "server" or "both"
	note   string // how it maps, for docs/configuration.md
	kw     string // the OpenSSH keyword the value goes to
	conv   ssh2Conv
	to     func(v string) ([][]string, error) // instead of kw: the lines
	accum  bool                               // each line adds to the list instead of replacing it
	warned bool                               // accepted, not acted on
	// harmless: a server keyword that restricts what sshbox cannot
	// enforce is refused unless its value is this one (any case), which
	// restricts nothing and is accepted without a line.
	harmless string
	// srv and cli instead set a typed option that no OpenSSH keyword
	// sets (ssh2srv.go); whole: it is the whole server's, so it may not
	// sit under a heading that picks some connections.
	srv   func(o *ServerOptions, l *ssh2Line, m *MatchConn) error
	cli   func(o *ClientOptions, v string) error
	whole bool
	// subconf: a subconfiguration file for the hosts or users a pattern
	// picks (ssh2sub.go).
	subconf bool
}

// ssh2Conv is how an ssh2 value becomes the OpenSSH keyword's.
type ssh2Conv uint8

const (
	asIs      ssh2Conv = iota
	asBool             // ssh2Bool
	asList             // commas where OpenSSH uses blanks
	asAlgos            // "AnyStd", "AnyCipher", "AnyMac"... mean the defaults
	asForward          // "110:host:110" or "bind:110:host:110" is OpenSSH's "110 host:110"
	asNames            // a list of user or group patterns in the file's REGEX-SYNTAX (ssh2names.go)
)

// lines are the OpenSSH keyword lines for one value.
func (r *ssh2KW) lines(v string, syntax regexSyntax) ([][]string, error) {
	if r.conv == asNames {
		return namesLines(r.kw, v, syntax)
	}
	if r.to != nil {
		return r.to(v)
	}
	switch r.conv {
	case asBool:
		return [][]string{{r.kw, ssh2Bool(v)}}, nil
	case asList:
		return [][]string{append([]string{r.kw}, strings.FieldsFunc(v, func(c rune) bool { return c == ',' || c == ' ' || c == '\t' })...)}, nil
	case asAlgos:
		return algosLines(r.kw, v), nil
	case asForward:
		return forwardLines2(r.kw, v)
	}
	return [][]string{{r.kw, v}}, nil
}

// ssh2Bool: yes/no, and any value starting with y, t or k (kyllä) is true.
func ssh2Bool(v string) string {
	if v != "" && strings.ContainsRune("yYtTkK", rune(v[0])) {
		return "yes"
	}
	return "no"
}

// algosLines: "AnyStd", "AnyCipher", "AnyMac"... mean the defaults.
func algosLines(kw, v string) [][]string {
	var keep []string
	for _, a := range strings.Split(v, ",") {
		a = strings.TrimSpace(a)
		if a == "" || strings.HasPrefix(strings.ToLower(a), "any") || strings.EqualFold(a, "none") {
			continue
		}
		keep = append(keep, strings.ToLower(a))
	}
	if len(keep) == 0 {
		return nil
	}
	return [][]string{{kw, strings.Join(keep, ",")}}
}

// forwardLines2 turns "110:host:110" or "bind:110:host:110" into OpenSSH's
// "110 host:110".
func forwardLines2(kw, v string) ([][]string, error) {
	f := strings.Split(v, ":")
	switch len(f) {
	case 3:
		return [][]string{{kw, f[0], f[1] + ":" + f[2]}}, nil
	case 4:
		return [][]string{{kw, f[0] + ":" + f[1], f[2] + ":" + f[3]}}, nil
	}
	return nil, fmt.Errorf("bad forwarding %q (want port:host:hostport)", v)
}

// ssh2Methods are the ssh2 method names sshbox knows; they are OpenSSH's.
var ssh2Methods = []string{"publickey", "password", "keyboard-interactive", "hostbased", "gssapi-with-mic"}

// allowedAuthServer and allowedAuthClient are AllowedAuthentications.
func allowedAuthServer(v string) ([][]string, error) { return allowedAuth(v, false) }
func allowedAuthClient(v string) ([][]string, error) { return allowedAuth(v, true) }

// authMethods reads an ssh2 list of method names: lowercase, each once,
// in the listed order; a name sshbox does not know is an error.
func authMethods(v string) ([]string, error) {
	var methods []string
	for _, m := range strings.Split(v, ",") {
		m = strings.ToLower(strings.TrimSpace(m))
		if m == "" || containsStr(methods, m) {
			continue
		}
		if !containsStr(ssh2Methods, m) {
			return nil, fmt.Errorf("unknown authentication method %q", m)
		}
		methods = append(methods, m)
	}
	return methods, nil
}

// requiredAuth is the server's RequiredAuthentications: every listed
// method must pass, in any order. OpenSSH's AuthenticationMethods lists
// methods in order, so the line becomes one list for each order (at most
// 5! of the five names).
func requiredAuth(v string) ([][]string, error) {
	methods, err := authMethods(v)
	if err != nil {
		return nil, err
	}
	if len(methods) == 0 {
		return nil, fmt.Errorf("no authentication method")
	}
	row := []string{"AuthenticationMethods"}
	permute(methods, 0, func(p []string) { row = append(row, strings.Join(p, ",")) })
	return [][]string{row}, nil
}

// permute calls f with every order of a[i:] after a[:i], the listed
// order first: each element in turn is swapped to position i, and back.
func permute(a []string, i int, f func([]string)) {
	if i == len(a) {
		f(a)
		return
	}
	for j := i; j < len(a); j++ {
		a[i], a[j] = a[j], a[i]
		permute(a, i+1, f)
		a[i], a[j] = a[j], a[i]
	}
}

func allowedAuth(v string, client bool) ([][]string, error) {
	methods, err := authMethods(v)
	if err != nil {
		return nil, err
	}
	on := map[string]bool{}
	for _, m := range methods {
		on[m] = true
	}
	lines := [][]string{
		{"PubkeyAuthentication", yesno(on["publickey"])},
		{"PasswordAuthentication", yesno(on["password"])},
		{"KbdInteractiveAuthentication", yesno(on["keyboard-interactive"])},
	}
	if client && len(methods) > 0 {
		lines = append(lines, []string{"PreferredAuthentications", strings.Join(methods, ",")})
	}
	return lines, nil
}

var ssh2Table = []ssh2KW{
	{name: "AllowedAuthentications", side: "server", note: "PubkeyAuthentication, PasswordAuthentication, KbdInteractiveAuthentication: only the listed methods are on", to: allowedAuthServer},
	{name: "AllowedAuthentications", side: "client", note: "the same, plus PreferredAuthentications in the listed order", to: allowedAuthClient},
	{name: "HostKeyFile", side: "server", note: "HostKey (each line adds a key)", kw: "HostKey", accum: true},
	{name: "PublicHostKeyFile", side: "server", note: "accepted: sshbox derives the public key from HostKeyFile", to: func(string) ([][]string, error) { return nil, nil }},
	{name: "PasswordGuesses", side: "server", note: "MaxAuthTries", kw: "MaxAuthTries"},
	{name: "RequiredAuthentications", side: "server", to: requiredAuth,
		note: "AuthenticationMethods with every order of the listed methods: a user must pass all of them; a method AllowedAuthentications does not allow (which in ssh2 refuses every login) stops sshd from starting, as OpenSSH's check of AuthenticationMethods does"},
	{name: "AuthPublicKey.MinSize", side: "server", srv: setPubkeyMinSize,
		note: "publickey logins with a smaller key (bits; a certificate's key) are refused (0: no limit); sshd -T prints authpublickey.minsize when set"},
	{name: "AuthPublicKey.MaxSize", side: "server", srv: setPubkeyMaxSize,
		note: "publickey logins with a larger key are refused, as MinSize (0: no limit); sshd -T prints authpublickey.maxsize when set"},
	{name: "AuthKbdInt.Retries", side: "server", srv: setKbdIntRetries,
		note: "keyboard-interactive logins that may fail on one connection; after that the method fails without asking (MaxAuthTries still counts every failure); sshd -T prints authkbdint.retries when set"},
	{name: "AuthKbdInt.Required", side: "server", harmless: "password",
		note: "password, the one submethod sshbox's keyboard-interactive has (it asks for the password), is accepted; any other submethod is refused in SSHD2_CONFIG"},
	{name: "PermitRootLogin", side: "server", note: "PermitRootLogin; nopwd is prohibit-password", to: func(v string) ([][]string, error) {
		switch strings.ToLower(v) {
		case "nopwd":
			v = "prohibit-password"
		case "yes", "no":
		default:
			v = ssh2Bool(v)
		}
		return [][]string{{"PermitRootLogin", v}}, nil
	}},
	{name: "LoginGraceTime", side: "server", note: "LoginGraceTime", kw: "LoginGraceTime"},
	{name: "PrintMotd", side: "server", note: "PrintMotd", kw: "PrintMotd", conv: asBool},
	{name: "Port", side: "both", note: "Port (the last one wins)", kw: "Port"},
	{name: "ListenAddress", side: "server", note: "ListenAddress (the last one wins)", kw: "ListenAddress"},
	{name: "Ciphers", side: "both", note: "Ciphers; AnyStd, AnyCipher, AnyStdCipher mean the defaults", kw: "Ciphers", conv: asAlgos},
	{name: "MACs", side: "both", note: "MACs; AnyMAC, AnyStdMAC mean the defaults", kw: "MACs", conv: asAlgos},
	{name: "KeepAlive", side: "both", note: "TCPKeepAlive", kw: "TCPKeepAlive", conv: asBool},
	{name: "QuietMode", side: "both", note: "LogLevel QUIET when true", to: func(v string) ([][]string, error) {
		if ssh2Bool(v) == "yes" {
			return [][]string{{"LogLevel", "QUIET"}}, nil
		}
		return nil, nil
	}},
	{name: "VerboseMode", side: "both", note: "LogLevel DEBUG when true", to: func(v string) ([][]string, error) {
		if ssh2Bool(v) == "yes" {
			return [][]string{{"LogLevel", "DEBUG"}}, nil
		}
		return nil, nil
	}},
	{name: "PermitEmptyPasswords", side: "server", note: "PermitEmptyPasswords", kw: "PermitEmptyPasswords", conv: asBool},
	{name: "StrictModes", side: "server", note: "StrictModes", kw: "StrictModes", conv: asBool},
	{name: "AllowUsers", side: "server", note: "AllowUsers (comma list; patterns in the file's REGEX-SYNTAX become OpenSSH's, or are refused when none means the same)", kw: "AllowUsers", conv: asNames},
	{name: "DenyUsers", side: "server", note: "DenyUsers (comma list; patterns in the file's REGEX-SYNTAX become OpenSSH's, or are refused when none means the same)", kw: "DenyUsers", conv: asNames},
	{name: "AllowGroups", side: "server", note: "AllowGroups (comma list; patterns in the file's REGEX-SYNTAX become OpenSSH's, or are refused when none means the same)", kw: "AllowGroups", conv: asNames},
	{name: "DenyGroups", side: "server", note: "DenyGroups (comma list; patterns in the file's REGEX-SYNTAX become OpenSSH's, or are refused when none means the same)", kw: "DenyGroups", conv: asNames},
	{name: "ForwardX11", side: "server", note: "X11Forwarding", kw: "X11Forwarding", conv: asBool},
	{name: "X11Forwarding", side: "server", note: "X11Forwarding", kw: "X11Forwarding", conv: asBool},
	{name: "ForwardAgent", side: "server", note: "AllowAgentForwarding", kw: "AllowAgentForwarding", conv: asBool},
	{name: "AllowAgentForwarding", side: "server", note: "AllowAgentForwarding", kw: "AllowAgentForwarding", conv: asBool},
	{name: "AllowTcpForwarding", side: "server", note: "AllowTcpForwarding", kw: "AllowTcpForwarding", conv: asBool},
	{name: "BannerMessageFile", side: "server", note: "Banner", kw: "Banner"},
	{name: "SyslogFacility", side: "server", note: "SyslogFacility", kw: "SyslogFacility"},
	{name: "PidFile", side: "server", note: "PidFile", kw: "PidFile"},
	{name: "ResolveClientHostName", side: "server", note: "UseDNS (sshbox's default stays no when the line is absent)", kw: "UseDNS", conv: asBool},
	{name: "HostSpecificConfig", side: "server", subconf: true,
		note: "PATTERN FILE: FILE's lines apply to the clients PATTERN matches (as AllowHosts'), read at each connection in this line's place; a file sshbox cannot read ends the connection; sshd -T -C addr=A,host=H shows them"},
	{name: "UserSpecificConfig", side: "server", subconf: true,
		note: "user[%group][@host] FILE: FILE's lines apply to the users the pattern matches (name or UID, a group's name or GID, the client as AllowHosts), from the moment sshd knows the user name; a file sshbox cannot read refuses the user; no headings in FILE; sshd -T -C user=U shows them"},
	// Where users' keys are listed (ssh2srv.go, sshcore/ssh2auth).
	{name: "AuthorizationFile", side: "server", srv: setAuthorizationFile,
		note: "the users' ssh2 authorization file (Key lines naming public key files, with Command and Options), in UserConfigDirectory unless absolute (default authorization); at the defaults ~/.ssh/authorized_keys is read too, elsewhere only with AuthorizedKeysFile set; sshd -T prints authorizationfile and userconfigdirectory when either is not the default"},
	{name: "UserConfigDirectory", side: "server", srv: setUserConfigDir,
		note: "where the users' authorization files and key files are (%D home directory, %U user name, %IU uid, %IG gid; default %D/.ssh2); sshd -T prints it as AuthorizationFile says"},
	{name: "UserKnownHosts", side: "server", note: "accepted: host-based authentication is not offered", warned: true},

	{name: "Host", side: "client", note: "HostName", kw: "HostName"},
	{name: "User", side: "client", note: "User", kw: "User"},
	{name: "Compression", side: "client", note: "Compression", kw: "Compression", conv: asBool},
	{name: "ForwardAgent", side: "client", note: "ForwardAgent", kw: "ForwardAgent", conv: asBool},
	{name: "ForwardX11", side: "client", note: "ForwardX11", kw: "ForwardX11", conv: asBool},
	{name: "StrictHostKeyChecking", side: "client", note: "StrictHostKeyChecking yes|no|ask (default ask)", to: func(v string) ([][]string, error) {
		if strings.EqualFold(v, "ask") {
			return [][]string{{"StrictHostKeyChecking", "ask"}}, nil
		}
		return [][]string{{"StrictHostKeyChecking", ssh2Bool(v)}}, nil
	}},
	{name: "BatchMode", side: "client", note: "BatchMode", kw: "BatchMode", conv: asBool},
	// ssh2's IdentityFile names an identification file (ssh2_config(5):
	// "an alternate name for the user's identification file"), OpenSSH's
	// a private key; sshbox's client reads either (identity.go).
	{name: "IdentityFile", side: "client", note: "IdentityFile: a private key file, or an identification file (IdKey lines), ssh2's meaning", kw: "IdentityFile"},
	// UserKnownHosts no: ssh2 does not read the user's hostkeys directory
	// (sshcore/client's hostkey_ssh2.go); a path is sshbox's own reading.
	{name: "UserKnownHosts", side: "client", note: "yes/no: whether the user's ssh2 host key directory (UserConfigDirectory's hostkeys) is read; a path: UserKnownHostsFile", to: func(v string) ([][]string, error) {
		switch strings.ToLower(v) {
		case "yes", "no":
			return nil, nil
		}
		return [][]string{{"UserKnownHostsFile", v}}, nil
	}, cli: func(o *ClientOptions, v string) error {
		switch strings.ToLower(v) {
		case "yes", "no":
			o.SSH2NoUserHostKeys = strings.EqualFold(v, "no")
		}
		return nil
	}},
	{name: "LocalForward", side: "client", note: `LocalForward; "110:host:110" becomes 110 host:110`, kw: "LocalForward", conv: asForward, accum: true},
	{name: "RemoteForward", side: "client", note: `RemoteForward; "110:host:110" becomes 110 host:110`, kw: "RemoteForward", conv: asForward, accum: true},
	{name: "NumberOfPasswordPrompts", side: "client", note: "NumberOfPasswordPrompts", kw: "NumberOfPasswordPrompts"},
	{name: "EscapeChar", side: "client", note: "EscapeChar", kw: "EscapeChar"},
	{name: "GatewayPorts", side: "client", note: "GatewayPorts", kw: "GatewayPorts", conv: asBool},
	{name: "ClearAllForwardings", side: "client", note: "ClearAllForwardings", kw: "ClearAllForwardings", conv: asBool},
	{name: "ExitOnForwardFailure", side: "client", note: "ExitOnForwardFailure", kw: "ExitOnForwardFailure", conv: asBool},
	{name: "DefaultDomain", side: "client", note: "CanonicalizeHostname yes with CanonicalDomains set to it", to: func(v string) ([][]string, error) {
		return [][]string{{"CanonicalizeHostname", "yes"}, {"CanonicalDomains", v}}, nil
	}},
	{name: "GoBackground", side: "client", note: "ForkAfterAuthentication (ssh -f)", kw: "ForkAfterAuthentication", conv: asBool},
	{name: "DontReadStdin", side: "client", note: "StdinNull (ssh -n)", kw: "StdinNull", conv: asBool},
	{name: "ForcePTTYAllocation", side: "client", note: "RequestTTY yes when yes (ssh -t)", to: func(v string) ([][]string, error) {
		if ssh2Bool(v) == "yes" {
			return [][]string{{"RequestTTY", "yes"}}, nil
		}
		return nil, nil
	}},

	{name: "IdleTimeout", side: "server", note: "closes a connection with no traffic for that long, as dropbear -I (seconds, or s, m, h, d, w; 0: never); sshd -T prints idletimeout when set", srv: setIdleTimeout2},
	{name: "MaxConnections", side: "server", note: "connections served at once (0: no limit); one past it is refused before the version exchange; not under a heading other than *; sshd -T prints maxconnections when set", srv: setMaxConnections, whole: true},
	{name: "AllowHosts", side: "server", note: "only clients whose address or verified name matches connect (each line adds patterns; egrep or zsh_fileglob by the file's REGEX-SYNTAX; \\i address only, \\m CIDR); sshd -T prints allowhosts when set", srv: func(o *ServerOptions, l *ssh2Line, _ *MatchConn) error { return addHosts(&o.AllowHosts, l) }},
	{name: "DenyHosts", side: "server", note: "clients whose address or verified name matches are refused (as AllowHosts); sshd -T prints denyhosts when set", srv: func(o *ServerOptions, l *ssh2Line, _ *MatchConn) error { return addHosts(&o.DenyHosts, l) }},
	{name: "RequireReverseMapping", side: "server", note: "refuses a client whose address has no name that maps back to it; sshd -T prints requirereversemapping when yes", srv: setRequireReverseMapping},
	{name: "ChRootUsers", side: "server", note: "ChrootDirectory %h for the users whose names match (patterns as AllowHosts'); OpenSSH's rule applies: a home directory that is not root's, or that others may write to, refuses the session", srv: setChrootUsers},
	{name: "ChRootGroups", side: "server", note: "ChrootDirectory %h for the users one of whose groups matches (as ChRootUsers)", srv: setChrootGroups},

	{name: "IdleTimeout", side: "client", note: "closes the connection after that long with no traffic, as dbclient -I, which wins (seconds, or s, m, h, d, w; 0: never); ssh -G prints idletimeout when set", cli: func(o *ClientOptions, v string) error {
		d, err := ssh2Time(v)
		o.IdleTimeout = d
		return err
	}},

	{name: "UserConfigDirectory", side: "client", note: "where the identification file and its key files are (%D home directory, %U user name, %IU uid, %IG gid; default %D/.ssh2)", cli: func(o *ClientOptions, v string) error {
		if _, err := ExpandSSH2UserDir(v, "/", "u", 0, 0); err != nil {
			return err
		}
		o.SSH2UserDir = v
		return nil
	}},
	{name: "IdentificationFile", side: "client", note: "the identification file (IdKey lines naming private key files, read after IdentityFile's), in UserConfigDirectory unless absolute (default identification)", cli: func(o *ClientOptions, v string) error {
		o.SSH2IdentificationFile = v
		return nil
	}},

	// Accepted with a warning, not acted on.
	{name: "AllowSHosts", side: "server", warned: true},
	{name: "DenySHosts", side: "server", warned: true},
	{name: "IgnoreRhosts", side: "server", warned: true},
	{name: "IgnoreRootRhosts", side: "server", warned: true},
	{name: "RandomSeedFile", side: "both", warned: true},
	{name: "Ssh1Compatibility", side: "both", warned: true},
	{name: "Sshd1Path", side: "server", warned: true},
	{name: "Ssh1Path", side: "client", warned: true},
	{name: "Ssh1AgentCompatibility", side: "client", warned: true},
	{name: "ProtocolVersionString", side: "server", warned: true},
	{name: "CheckMail", side: "server", warned: true},
	{name: "SecurePath", side: "server", warned: true},
	{name: "PasswordPrompt", side: "client", warned: true},
	{name: "AuthenticationSuccessMsg", side: "client", warned: true},
	{name: "TrustX11Applications", side: "client", note: "ForwardX11Trusted (sshbox's default stays yes, Debian's, when the line is absent)", kw: "ForwardX11Trusted", conv: asBool},
	{name: "SocksServer", side: "client", warned: true},
	{name: "SshSignerPath", side: "client", warned: true},
	{name: "RekeyIntervalSeconds", side: "both", note: "RekeyLimit default N (keys renewed every N seconds; 0 never)", to: func(v string) ([][]string, error) {
		return [][]string{{"RekeyLimit", "default", v}}, nil
	}},
	{name: "NoDelay", side: "both", warned: true},
	{name: "HostCA", side: "server", warned: true},
	{name: "HostCANoCRLs", side: "server", warned: true},
	{name: "PKI", side: "server", warned: true},
	{name: "PKIDisableCRLs", side: "server", warned: true},
	{name: "SftpSysLogFacility", side: "server", warned: true},
	{name: "AuthKbdInt.Optional", side: "server", warned: true},
	{name: "FascistLogging", side: "server", warned: true},
	{name: "RequiredAuthentications", side: "client", warned: true},
	{name: "SetRemoteEnv", side: "client", warned: true},
	{name: "TerminalProvisioning", side: "server", warned: true},
	{name: "EventLogFilter", side: "server", warned: true},
	{name: "MaxBroadcastsPerSecond", side: "server", warned: true},

	// HP TCP/IP Services for OpenVMS's own keywords ("Managing
	// Auditing" in its Guide to SSH): SYSUAF failure counts and
	// accounting records are OpenVMS's books, restricting nothing; the
	// intrusion database is OpenVMS's break-in evasion, which blocks a
	// source after failed logins and which sshbox does not have.
	{name: "LogfailAuthentications", side: "server", warned: true},
	{name: "AccountingAuthentications", side: "server", warned: true},
	{name: "IntrusionAuthentications", side: "server", harmless: "none",
		note: "refused in SSHD2_CONFIG unless none: OpenVMS's intrusion detection (break-in evasion), which sshbox does not have; sshbox's own per-source limits are PerSourcePenalties"},
	{name: "IntrusionIdentMethod", side: "server", warned: true},
	{name: "IntrusionIdentSSH", side: "server", warned: true},
	{name: "NumberOfPasswordVerificationPrompts", side: "client", warned: true},
	{name: "PubkeyPassphraseGuesses", side: "client", warned: true},
	{name: "NumberOfHostkeyCopyPrompts", side: "client", warned: true},
}

// ssh2Index finds the row for a keyword on one side.
func ssh2Lookup(kw string, client bool) *ssh2KW {
	for i := range ssh2Table {
		r := &ssh2Table[i]
		if strings.EqualFold(r.name, kw) && (r.side == "both" || (r.side == "client") == client) {
			return r
		}
	}
	return nil
}

// ssh2Heading reads a heading line, as the regular expression
// ^\s*("[^"]*"|[^\s":#]+)\s*:\s*(#.*)?$ would: a host pattern, quoted or
// a run of characters other than white space, '"', ':' and '#', then ':'
// and nothing after it but white space and a comment. It returns the
// pattern as written, quotes included.
func ssh2Heading(t string) (pattern string, ok bool) {
	const space = "\t\n\f\r " // \s
	s := strings.TrimLeft(t, space)
	n := 0
	if strings.HasPrefix(s, `"`) {
		n = strings.IndexByte(s[1:], '"') + 2
		if n == 1 {
			return "", false
		}
	} else {
		for n < len(s) && strings.IndexByte(space+`":#`, s[n]) < 0 {
			n++
		}
		if n == 0 {
			return "", false
		}
	}
	rest := strings.TrimLeft(s[n:], space)
	if !strings.HasPrefix(rest, ":") {
		return "", false
	}
	rest = strings.TrimLeft(rest[1:], space)
	if rest != "" && (rest[0] != '#' || strings.Contains(rest, "\n")) { // .* stops at a newline
		return "", false
	}
	return s[:n], true
}

// isSSH2 recognizes the ssh2 dialect by its metaconfiguration (the
// templates' "## SSH CONFIGURATION FILE FORMAT VERSION 1.1" first line),
// its headings, or, in a file without any, by a keyword only the ssh2
// dialect has.
func isSSH2(recs []string) bool {
	if len(recs) > 0 {
		if _, _, ok := metaVersion(strings.TrimSpace(recs[0])); ok &&
			strings.Contains(strings.ToUpper(recs[0]), "CONFIGURATION FILE FORMAT VERSION") {
			return true
		}
	}
	for _, r := range recs {
		t := strings.TrimSpace(r)
		if t == "" || t[0] == '#' {
			continue
		}
		if _, ok := ssh2Heading(t); ok {
			return true
		}
		word := strings.ToLower(strings.Fields(t)[0])
		if strings.HasPrefix(word, "subsystem-") {
			return true
		}
		switch word {
		case "allowedauthentications", "passwordguesses", "hostkeyfile", "publichostkeyfile", "userknownhosts", "quietmode", "verbosemode", "bannermessagefile",
			"idletimeout", "maxconnections", "allowhosts", "denyhosts", "requirereversemapping",
			"requiredauthentications", "authpublickey.minsize", "authpublickey.maxsize", "authkbdint.retries", "authkbdint.required":
			return true
		}
	}
	return false
}

// parseSSH2 splits an ssh2 file into headed lines; values are checked when
// the lines are applied.
func parseSSH2(path string, recs []string) (*ssh2Config, error) {
	c := &ssh2Config{}
	syntax, err := parseMetaconfig(path, recs)
	if err != nil {
		return nil, err
	}
	c.syntax = syntax
	pattern := ""
	var head *HostList
	for i, r := range recs {
		l := ssh2Line{file: path, num: i + 1, syntax: syntax}
		t := strings.TrimSpace(r)
		if t == "" || t[0] == '#' {
			continue
		}
		if h, ok := ssh2Heading(t); ok {
			pattern = strings.Trim(h, `"`)
			if pattern == "" {
				return nil, l.errorf("empty heading")
			}
			if head, err = headingPattern(pattern, syntax); err != nil {
				return nil, l.errorf("heading %q: %v", pattern, err)
			}
			continue
		}
		word, value, _ := strings.Cut(t, " ")
		if w, v, ok := strings.Cut(t, "\t"); ok && len(w) < len(word) {
			word, value = w, v
		}
		value = strings.TrimSpace(value)
		if strings.Contains(word, ":") {
			return nil, l.errorf("heading %q: a heading is one host pattern followed by ':'", strings.TrimSpace(t))
		}
		if strings.HasPrefix(value, `"`) {
			if len(value) < 2 || !strings.HasSuffix(value, `"`) {
				return nil, l.errorf("invalid quotes")
			}
			value = value[1 : len(value)-1]
		} else if strings.Contains(value, ":") {
			return nil, l.errorf("value %q of %s contains ':' and must be quoted", value, word)
		}
		if value == "" {
			return nil, l.errorf("no argument after keyword %q", word)
		}
		l.pattern, l.head, l.kw, l.word, l.value = pattern, head, strings.ToLower(word), word, value
		c.lines = append(c.lines, l)
	}
	return c, nil
}

// ssh2Lines turns one ssh2 line into OpenSSH keyword lines for a side.
func ssh2Lines(l *ssh2Line, client bool) (rows [][]string, accum bool, warn string, err error) {
	if strings.HasPrefix(l.kw, "subsystem-") && !client {
		f := strings.Fields(l.value)
		return [][]string{append([]string{"Subsystem", l.word[len("subsystem-"):]}, f...)}, true, "", nil
	}
	if r := ssh2Lookup(l.kw, client); r != nil {
		if r.harmless != "" {
			if strings.EqualFold(strings.TrimSpace(l.value), r.harmless) {
				return nil, false, "", nil
			}
			return nil, false, "", l.errorf("%s", errNotSupported(r.name))
		}
		if r.warned && !client && containsStr(ssh2Refused, l.kw) {
			return nil, false, "", l.errorf("%s", errNotSupported(r.name))
		}
		if r.warned {
			return nil, false, l.errorf("%s is accepted but not acted on by sshbox", r.name).Error(), nil
		}
		rows, err = r.lines(l.value, l.syntax)
		if err != nil {
			return nil, false, "", l.errorf("%s: %v", r.name, err)
		}
		return rows, r.accum, "", nil
	}
	// An OpenSSH keyword in an ssh2 file means what it means there.
	args, err := splitArgs(l.value)
	if err != nil || len(args) == 0 {
		return nil, false, "", l.errorf("invalid quotes")
	}
	return [][]string{append([]string{l.word}, args...)}, false, "", nil
}

// headingPattern compiles a heading of a file whose patterns are egrep
// (the OpenVMS templates' ".*:"); a glob heading stays OpenSSH's list
// (nil), which means the same. "*:" means every host in any syntax: it
// is what the writer of one means, and no regular expression.
func headingPattern(pattern string, syntax regexSyntax) (*HostList, error) {
	if syntax == syntaxFileglob || pattern == "*" {
		return nil, nil
	}
	return parseHostList(pattern, syntax)
}

// appliesTo: the line is before the first heading, or its heading matches
// the host name (the destination, on the client) or the address.
func (l *ssh2Line) appliesTo(host, addr string) bool {
	switch {
	case l.pattern == "":
		return true
	case l.head != nil:
		return l.head.Match(addr, host) || addr == "" && l.head.Match(host, "")
	case addr == "":
		return MatchList(host, l.pattern, true) == 1
	}
	return matchHostAndAddr(host, addr, l.pattern)
}

// applyServer applies the lines whose heading matches the connection (host
// name or address; the global options see "" for both, so "*:" applies),
// the last value winning.
func (c *ssh2Config) applyServer(e *serverEval, m MatchConn) error {
	// Users' keys are also where an ssh2 server looks for them, from its
	// defaults unless the file says otherwise.
	e.o.SSH2UserDir, e.o.SSH2AuthorizationFile = defaultSSH2UserDir, defaultSSH2AuthorizationFile
	e.o.ssh2Syntax = c.syntax
	e.lastWins = true
	e.locked = copySet(e.seen)
	if err := applyServerLines(e, m, c.lines, true); err != nil {
		return err
	}
	e.lastWins, e.accum = false, false
	if e.o.SSH2KeysElsewhere() && !e.seen["authorizedkeysfile"] {
		// The users' keys are kept out of their hands: their own
		// authorized_keys must not overrule that (ssh2srv.go).
		e.o.AuthorizedKeysFile = []string{"none"}
	}
	return nil
}

// applyServerLines applies lines in order: those whose heading matches the
// connection take effect when picked (the main file, or a subconfiguration
// whose pattern matched); the rest are checked all the same.
func applyServerLines(e *serverEval, m MatchConn, lines []ssh2Line, picked bool) error {
	for i := range lines {
		l := &lines[i]
		active := picked && l.appliesTo(m.Host, m.Addr)
		if r := ssh2Lookup(l.kw, false); r != nil && r.subconf {
			if err := applySubconfig(e, m, l, active); err != nil {
				return err
			}
			continue
		}
		if r := ssh2Lookup(l.kw, false); r != nil && r.srv != nil {
			if err := e.setTyped(r, l, active, &m); err != nil {
				return err
			}
			continue
		}
		rows, accum, warn, err := ssh2Lines(l, false)
		if err != nil {
			return err
		}
		if warn != "" {
			e.warn("ssh2 "+l.kw, warn)
		}
		for _, row := range rows {
			name := strings.ToLower(row[0])
			name = canonicalName(serverAliases, name)
			kw, ok := serverIndex()[name]
			if !ok {
				return l.errorf("unknown keyword %q", l.word)
			}
			if len(row) < 2 {
				return l.errorf("no argument after keyword %q", l.word)
			}
			e.accum = accum
			err := e.set(kw, name, row[1:], active, func(err error) error { return l.errorf("%s: %v", l.word, err) },
				func(msg string) string { return l.errorf("%s", msg).Error() })
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// applyClient applies the lines whose heading matches the destination as
// given on the command line, the last value winning.
func (c *ssh2Config) applyClient(e *clientEval) error {
	// The user's keys are also where an ssh2 client looks for them
	// (sshcore/client's identity.go).
	if e.o.SSH2UserDir == "" {
		e.o.SSH2UserDir, e.o.SSH2IdentificationFile = defaultSSH2UserDir, defaultSSH2IdentificationFile
	}
	e.lastWins = true
	e.locked = copySet(e.seen)
	defer func() { e.lastWins, e.accum = false, false }()
	for i := range c.lines {
		l := &c.lines[i]
		active := l.appliesTo(e.orig, "")
		if r := ssh2Lookup(l.kw, true); r != nil && r.cli != nil {
			if err := e.setTyped(r, l, active); err != nil {
				return err
			}
			if r.to == nil && r.kw == "" {
				continue
			}
		}
		rows, accum, warn, err := ssh2Lines(l, true)
		if err != nil {
			return err
		}
		if warn != "" {
			e.warn("ssh2 "+l.kw, warn)
		}
		for _, row := range rows {
			if len(row) < 2 {
				return l.errorf("no argument after keyword %q", l.word)
			}
			cl := cline{file: l.file, num: l.num, kw: strings.ToLower(row[0]), word: row[0], args: row[1:]}
			if cl.kw == "host" || cl.kw == "match" || cl.kw == "include" {
				return l.errorf("%s is not allowed in an ssh2 file", row[0])
			}
			e.accum = accum
			if err := e.apply(&cl, active); err != nil {
				return err
			}
		}
	}
	return nil
}

// setTyped applies a line that sets an ssh2-only option: to the options
// when it applies, else to a scratch copy, so that a bad value is an error
// whichever connections the heading picks.
func (e *serverEval) setTyped(r *ssh2KW, l *ssh2Line, active bool, m *MatchConn) error {
	if r.whole && l.sub != "" {
		return l.errorf("%s applies to the whole server and cannot be in a subconfiguration file", r.name)
	}
	if r.whole && l.pattern != "" && l.pattern != "*" && (l.head == nil || l.pattern != ".*") {
		return l.errorf("%s applies to the whole server and cannot be under the heading %q", r.name, l.pattern)
	}
	target := e.o
	if !active {
		target = &ServerOptions{}
	}
	if err := r.srv(target, l, m); err != nil {
		return l.errorf("%s: %v", r.name, err)
	}
	return nil
}

// setTyped is the client's: a file read earlier (the user's before the
// system's) wins, as for every keyword.
func (e *clientEval) setTyped(r *ssh2KW, l *ssh2Line, active bool) error {
	key := "ssh2 " + l.kw
	target := e.o
	if !active || e.locked[key] {
		target = &ClientOptions{}
	}
	if err := r.cli(target, l.value); err != nil {
		return l.errorf("%s: %v", r.name, err)
	}
	if target == e.o {
		e.seen[key] = true
	}
	return nil
}

func copySet(m map[string]bool) map[string]bool {
	n := make(map[string]bool, len(m))
	for k, v := range m {
		n[k] = v
	}
	return n
}
