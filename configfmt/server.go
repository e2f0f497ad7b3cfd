package configfmt

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The sshd_config keyword table (OpenSSH 9.2, Debian's additions included),
// in `sshd -T` order.

// The rows are static literals (see clientKW).
type serverKW struct {
	name   string
	status status
	acc    bool       // every line adds (Port, HostKey, AllowUsers...) instead of first-wins
	match  bool       // allowed inside a Match block
	kind   serverKind // how the field below is set and printed; sCustom: by set and t only
	flag   func(*ServerOptions) *bool
	num    func(*ServerOptions) *int
	str    func(*ServerOptions) *string
	dur    func(*ServerOptions) *time.Duration
	list   func(*ServerOptions) *[]string
	algo   string                                               // sAlgo: the kind of OpenSSH default list ("cipher", "key"...)
	words  []string                                             // sChoice: the accepted values
	none   string                                               // sList: printed for an empty list ("": nothing)
	set    func(o *ServerOptions, a []string, first bool) error // replaces the kind's setter
	t      func(o *ServerOptions) []string                      // replaces the kind's -T values, one per line
	x      *extraVal
}

type serverKind uint8

const (
	sCustom     serverKind = iota // set and t only (none: not settable, not printed)
	sFlag                         // flag: yes or no
	sInt                          // num: an integer
	sTime                         // dur: a time, printed in seconds
	sStr                          // str: one word; printed "none" when empty
	sLine                         // str: the whole rest of the line (ForceCommand)
	sCommand                      // str: a command whose program is an absolute path, or none
	sChoice                       // str: one of words
	sForwarding                   // str: yes (or all), no, local, remote
	sAlgo                         // str: an algorithm list, printed resolved against OpenSSH's defaults
	sAcc                          // list: every argument of every line; printed one a line
	sList                         // list: the arguments of the first line (AuthorizedKeysFile a b), printed joined
)

// settable: the keyword sets a typed option (Match and Include do not).
func (k *serverKW) settable() bool { return k.set != nil || k.kind != sCustom }

// apply sets the option from one line's arguments; first is true for the
// keyword's first line: accumulating keywords replace the default (or, in
// a Match block, the global value) then.
func (k *serverKW) apply(o *ServerOptions, a []string, first bool) error {
	if k.set != nil {
		return k.set(o, a, first)
	}
	switch k.kind {
	case sFlag:
		return setFlag(k.flag(o), a)
	case sInt:
		return setInt(k.num(o), a)
	case sTime:
		if err := oneArg(a); err != nil {
			return err
		}
		v, err := parseTime(a[0])
		*k.dur(o) = time.Duration(v) * time.Second
		return err
	case sStr:
		*k.str(o) = a[0]
		return oneArg(a)
	case sLine:
		*k.str(o) = strings.Join(a, " ")
		return nil
	case sCommand:
		*k.str(o) = strings.Join(a, " ")
		if !strings.EqualFold(a[0], "none") && !strings.HasPrefix(a[0], "/") {
			return fmt.Errorf("%s must be an absolute path", k.name)
		}
		return nil
	case sChoice:
		if err := oneArg(a); err != nil {
			return err
		}
		v, err := parseChoice(a[0], k.words...)
		*k.str(o) = v
		return err
	case sForwarding:
		if err := oneArg(a); err != nil {
			return err
		}
		v, err := parseChoice(a[0], "yes", "all", "no", "local", "remote")
		if v == "all" {
			v = "yes"
		}
		*k.str(o) = v
		return err
	case sAlgo:
		return setAlgo(k.str(o), a)
	case sAcc:
		p := k.list(o)
		if first {
			*p = nil
		}
		*p = append(*p, a...)
		return nil
	case sList:
		*k.list(o) = append([]string(nil), a...)
		return nil
	}
	return fmt.Errorf("%s is not allowed here", k.name)
}

// printable: sshd -T prints the keyword's typed option.
func (k *serverKW) printable() bool { return k.t != nil || k.kind != sCustom }

// values are the -T values, one per line.
func (k *serverKW) values(o *ServerOptions) []string {
	if k.t != nil {
		return k.t(o)
	}
	switch k.kind {
	case sFlag:
		return []string{yesno(*k.flag(o))}
	case sInt:
		return []string{strconv.Itoa(*k.num(o))}
	case sTime:
		return []string{strconv.Itoa(int(*k.dur(o) / time.Second))}
	case sStr, sLine, sCommand, sChoice, sForwarding:
		if *k.str(o) == "" {
			return []string{"none"}
		}
		return []string{*k.str(o)}
	case sAlgo:
		return []string{opensshAlgoText(k.algo, *k.str(o))}
	case sAcc:
		return *k.list(o)
	case sList:
		if len(*k.list(o)) == 0 {
			if k.none == "" {
				return nil
			}
			return []string{k.none}
		}
		return []string{strings.Join(*k.list(o), " ")}
	}
	return nil
}

// checkCommandUsers refuses a command without the user it runs as, as
// OpenSSH's sshd does when it starts.
func checkCommandUsers(o *ServerOptions) error {
	set := func(v string) bool { return v != "" && !strings.EqualFold(v, "none") }
	if set(o.AuthorizedKeysCommand) && !set(o.AuthorizedKeysCommandUser) {
		return fmt.Errorf("AuthorizedKeysCommand set without AuthorizedKeysCommandUser")
	}
	if set(o.AuthorizedPrincipalsCommand) && !set(o.AuthorizedPrincipalsCommandUser) {
		return fmt.Errorf("AuthorizedPrincipalsCommand set without AuthorizedPrincipalsCommandUser")
	}
	return nil
}

// authMethodNames are the methods an AuthenticationMethods list may name,
// OpenSSH's; sshbox has the first three and "none" (MethodEnabled), so a
// list with any other can never be completed.
var authMethodNames = []string{"publickey", "password", "keyboard-interactive", "hostbased", "gssapi-with-mic", "none"}

// setAuthMethods is AuthenticationMethods: "any" alone, or lists of
// methods, each with an optional ":submethod" that sshbox reads past,
// checked as OpenSSH's sshd checks them when it reads the line.
func setAuthMethods(o *ServerOptions, a []string, _ bool) error {
	for _, l := range a {
		if strings.EqualFold(l, "any") {
			if len(a) > 1 {
				return fmt.Errorf(`"any" must appear alone`)
			}
			continue
		}
		for _, m := range strings.Split(l, ",") {
			if name, _, _ := strings.Cut(m, ":"); !containsStr(authMethodNames, name) {
				return fmt.Errorf("unknown authentication method %q in list %q", m, l)
			}
		}
	}
	o.AuthenticationMethods = append([]string(nil), a...)
	return nil
}

// MethodEnabled says whether the options switch a method on at all: the
// three sshbox offers, by their OpenSSH keywords, and "none".
func (o *ServerOptions) MethodEnabled(method string) bool {
	switch method {
	case "none":
		// OpenSSH's "none" method, the way in for accounts with an empty
		// password (PermitEmptyPasswords); it counts as enabled when
		// sshd checks its lists, as in OpenSSH, and lets no one else in.
		return true
	case "publickey":
		return o.PubkeyAuthentication
	case "password":
		return o.PasswordAuthentication
	case "keyboard-interactive":
		return o.KbdInteractiveAuthentication
	}
	return false
}

// checkAuthMethods is OpenSSH's check when sshd starts: AuthenticationMethods
// outside Match blocks must have a list whose every method is enabled, or
// no one could log in. Match blocks are not checked (OpenSSH cannot either,
// before it knows the connection).
func checkAuthMethods(o *ServerOptions) error {
	why := ""
	for _, l := range o.AuthenticationMethods {
		if strings.EqualFold(l, "any") {
			return nil
		}
		disabled := ""
		for _, m := range strings.Split(l, ",") {
			if name, _, _ := strings.Cut(m, ":"); !o.MethodEnabled(name) {
				disabled = name
				break
			}
		}
		if disabled == "" {
			return nil
		}
		if why == "" {
			why = fmt.Sprintf(": disabled method %q in list %q", disabled, l)
		}
	}
	if why == "" {
		return nil
	}
	return fmt.Errorf("AuthenticationMethods cannot be satisfied by enabled authentication methods%s", why)
}

var serverTable = []serverKW{
	{name: "Port", acc: true, set: func(o *ServerOptions, a []string, first bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		p, err := parsePort(a[0])
		if first {
			o.Port = nil
		}
		o.Port = append(o.Port, p)
		return err
	}, t: func(o *ServerOptions) []string {
		var out []string
		for _, p := range o.Port {
			out = append(out, strconv.Itoa(p))
		}
		return out
	}},
	{name: "AddressFamily", kind: sChoice, words: []string{"any", "inet", "inet6"}, str: func(o *ServerOptions) *string { return &o.AddressFamily }},
	{name: "ListenAddress", acc: true, set: setListenAddress, t: listenAddrLines},
	{name: "UsePAM", kind: sFlag, flag: func(o *ServerOptions) *bool { return &o.UsePAM }},
	{name: "LoginGraceTime", kind: sTime, dur: func(o *ServerOptions) *time.Duration { return &o.LoginGraceTime }},
	{name: "X11DisplayOffset", match: true, kind: sInt, num: func(o *ServerOptions) *int { return &o.X11DisplayOffset }},
	{name: "MaxAuthTries", match: true, kind: sInt, num: func(o *ServerOptions) *int { return &o.MaxAuthTries }},
	{name: "MaxSessions", match: true, kind: sInt, num: func(o *ServerOptions) *int { return &o.MaxSessions }},
	{name: "ClientAliveInterval", match: true, kind: sTime, dur: func(o *ServerOptions) *time.Duration { return &o.ClientAliveInterval }},
	{name: "ClientAliveCountMax", match: true, kind: sInt, num: func(o *ServerOptions) *int { return &o.ClientAliveCountMax }},
	{name: "RequiredRSASize", match: true, kind: sInt, num: func(o *ServerOptions) *int { return &o.RequiredRSASize }},
	{name: "StreamLocalBindMask", match: true, set: setBindMask, t: func(o *ServerOptions) []string {
		return []string{maskText(o.StreamLocalBindMask)}
	}},
	{name: "UnusedConnectionTimeout", match: true, set: func(o *ServerOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		if strings.EqualFold(a[0], "none") {
			o.UnusedConnectionTimeout = 0
			return nil
		}
		v, err := parseTime(a[0])
		o.UnusedConnectionTimeout = time.Duration(v) * time.Second
		return err
	}, t: func(o *ServerOptions) []string {
		if o.UnusedConnectionTimeout == 0 {
			return []string{"none"}
		}
		return []string{strconv.Itoa(int(o.UnusedConnectionTimeout / time.Second))}
	}},
	{name: "PermitRootLogin", match: true, set: func(o *ServerOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		v, err := parseChoice(a[0], "yes", "no", "prohibit-password", "without-password", "forced-commands-only")
		if v == "without-password" {
			v = "prohibit-password"
		}
		o.PermitRootLogin = v
		return err
	}, t: func(o *ServerOptions) []string {
		if o.PermitRootLogin == "prohibit-password" {
			return []string{"without-password"} // OpenSSH's -T spelling
		}
		return []string{o.PermitRootLogin}
	}},
	{name: "IgnoreRhosts", status: warned, match: true, x: &extraVal{def: "yes", words: []string{"yes", "no", "shosts-only"}}},
	{name: "IgnoreUserKnownHosts", status: warned, match: false, x: &extraVal{def: "no", norm: nFlag}},
	{name: "HostbasedAuthentication", status: warned, match: true, x: &extraVal{def: "no", norm: nFlag}},
	{name: "HostbasedUsesNameFromPacketOnly", status: warned, match: true, x: &extraVal{def: "no", norm: nFlag}},
	{name: "PubkeyAuthentication", match: true, kind: sFlag, flag: func(o *ServerOptions) *bool { return &o.PubkeyAuthentication }},
	{name: "KerberosAuthentication", status: warned, match: true, x: &extraVal{def: "no", norm: nFlag}},
	{name: "KerberosOrLocalPasswd", status: warned, match: false, x: &extraVal{def: "yes", norm: nFlag}},
	{name: "KerberosTicketCleanup", status: warned, match: false, x: &extraVal{def: "yes", norm: nFlag}},
	{name: "GSSAPIAuthentication", status: warned, match: true, x: &extraVal{def: "no", norm: nFlag}},
	{name: "GSSAPICleanupCredentials", status: warned, match: false, x: &extraVal{def: "yes", norm: nFlag}},
	{name: "GSSAPIKeyExchange", status: warned, match: false, x: &extraVal{def: "no", norm: nFlag}},
	{name: "GSSAPIStrictAcceptorCheck", status: warned, match: false, x: &extraVal{def: "yes", norm: nFlag}},
	{name: "GSSAPIStoreCredentialsOnRekey", status: warned, match: false, x: &extraVal{def: "no", norm: nFlag}},
	{name: "GSSAPIKexAlgorithms", status: warned, match: false, x: &extraVal{def: "gss-group14-sha256-,gss-group16-sha512-,gss-nistp256-sha256-,gss-curve25519-sha256-,gss-group14-sha1-,gss-gex-sha1-", norm: nFirst}},
	{name: "PasswordAuthentication", match: true, kind: sFlag, flag: func(o *ServerOptions) *bool { return &o.PasswordAuthentication }},
	{name: "KbdInteractiveAuthentication", match: true, kind: sFlag, flag: func(o *ServerOptions) *bool { return &o.KbdInteractiveAuthentication }},
	{name: "PrintMotd", kind: sFlag, flag: func(o *ServerOptions) *bool { return &o.PrintMotd }},
	{name: "PrintLastLog", kind: sFlag, flag: func(o *ServerOptions) *bool { return &o.PrintLastLog }},
	{name: "X11Forwarding", match: true, kind: sFlag, flag: func(o *ServerOptions) *bool { return &o.X11Forwarding }},
	{name: "X11UseLocalhost", match: true, kind: sFlag, flag: func(o *ServerOptions) *bool { return &o.X11UseLocalhost }},
	{name: "PermitTTY", match: true, kind: sFlag, flag: func(o *ServerOptions) *bool { return &o.PermitTTY }},
	{name: "PermitUserRC", match: true, kind: sFlag, flag: func(o *ServerOptions) *bool { return &o.PermitUserRC }},
	{name: "StrictModes", kind: sFlag, flag: func(o *ServerOptions) *bool { return &o.StrictModes }},
	{name: "TCPKeepAlive", kind: sFlag, flag: func(o *ServerOptions) *bool { return &o.TCPKeepAlive }},
	{name: "PermitEmptyPasswords", match: true, kind: sFlag, flag: func(o *ServerOptions) *bool { return &o.PermitEmptyPasswords }},
	{name: "Compression", kind: sCustom, set: setCompression, t: func(o *ServerOptions) []string { return []string{yesno(o.Compression)} }},
	{name: "GatewayPorts", match: true, kind: sChoice, words: []string{"no", "yes", "clientspecified"}, str: func(o *ServerOptions) *string { return &o.GatewayPorts }},
	{name: "UseDNS", kind: sFlag, flag: func(o *ServerOptions) *bool { return &o.UseDNS }},
	{name: "AllowTcpForwarding", match: true, kind: sForwarding, str: func(o *ServerOptions) *string { return &o.AllowTcpForwarding }},
	{name: "AllowAgentForwarding", match: true, kind: sFlag, flag: func(o *ServerOptions) *bool { return &o.AllowAgentForwarding }},
	{name: "DisableForwarding", match: true, kind: sFlag, flag: func(o *ServerOptions) *bool { return &o.DisableForwarding }},
	{name: "AllowStreamLocalForwarding", match: true, kind: sForwarding, str: func(o *ServerOptions) *string { return &o.AllowStreamLocalForwarding }},
	{name: "StreamLocalBindUnlink", match: true, kind: sFlag, flag: func(o *ServerOptions) *bool { return &o.StreamLocalBindUnlink }},
	{name: "FingerprintHash", status: warned, match: false, x: &extraVal{def: "SHA256", words: []string{"sha256=SHA256", "md5=MD5"}}},
	{name: "ExposeAuthInfo", match: true, kind: sFlag, flag: func(o *ServerOptions) *bool { return &o.ExposeAuthInfo }},
	{name: "PidFile", kind: sStr, str: func(o *ServerOptions) *string { return &o.PidFile }},
	{name: "ModuliFile", status: warned, match: false, x: &extraVal{def: "/etc/ssh/moduli", norm: nFirst}},
	{name: "XAuthLocation", kind: sStr, str: func(o *ServerOptions) *string { return &o.XAuthLocation }},
	{name: "Ciphers", kind: sAlgo, algo: "cipher", str: func(o *ServerOptions) *string { return &o.Ciphers }},
	{name: "MACs", kind: sAlgo, algo: "mac", str: func(o *ServerOptions) *string { return &o.MACs }},
	{name: "Banner", match: true, kind: sStr, str: func(o *ServerOptions) *string { return &o.Banner }},
	{name: "ForceCommand", match: true, kind: sLine, str: func(o *ServerOptions) *string { return &o.ForceCommand }},
	{name: "ChrootDirectory", match: true, kind: sStr, str: func(o *ServerOptions) *string { return &o.ChrootDirectory }},
	{name: "TrustedUserCAKeys", match: true, kind: sStr, str: func(o *ServerOptions) *string { return &o.TrustedUserCAKeys }},
	{name: "RevokedKeys", match: true, kind: sStr, str: func(o *ServerOptions) *string { return &o.RevokedKeys }},
	{name: "SecurityKeyProvider", status: warned, match: false, x: &extraVal{def: "internal", norm: nFirst}},
	{name: "AuthorizedPrincipalsFile", match: true, kind: sStr, str: func(o *ServerOptions) *string { return &o.AuthorizedPrincipalsFile }},
	{name: "VersionAddendum", set: func(o *ServerOptions, a []string, _ bool) error {
		v := strings.Join(a, " ")
		if strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("invalid argument")
		}
		if strings.EqualFold(v, "none") {
			v = ""
		}
		o.VersionAddendum = v
		return nil
	}, t: func(o *ServerOptions) []string {
		if o.VersionAddendum == "" {
			return []string{"none"}
		}
		return []string{o.VersionAddendum}
	}},
	{name: "AuthorizedKeysCommand", match: true, kind: sCommand, str: func(o *ServerOptions) *string { return &o.AuthorizedKeysCommand }},
	{name: "AuthorizedKeysCommandUser", match: true, kind: sStr, str: func(o *ServerOptions) *string { return &o.AuthorizedKeysCommandUser }},
	{name: "AuthorizedPrincipalsCommand", match: true, kind: sCommand, str: func(o *ServerOptions) *string { return &o.AuthorizedPrincipalsCommand }},
	{name: "AuthorizedPrincipalsCommandUser", match: true, kind: sStr, str: func(o *ServerOptions) *string { return &o.AuthorizedPrincipalsCommandUser }},
	{name: "HostKeyAgent", set: func(o *ServerOptions, a []string, _ bool) error { o.HostKeyAgent = a[0]; return oneArg(a) },
		t: func(o *ServerOptions) []string {
			if o.HostKeyAgent == "" {
				return []string{"none"}
			}
			return []string{o.HostKeyAgent}
		}},
	{name: "KexAlgorithms", kind: sAlgo, algo: "kex", str: func(o *ServerOptions) *string { return &o.KexAlgorithms }},
	{name: "CASignatureAlgorithms", set: func(o *ServerOptions, a []string, _ bool) error {
		if err := checkAlgoList(a[0]); err != nil {
			return err
		}
		o.CASignatureAlgorithms = strings.Split(opensshAlgoText("sig", a[0]), ",")
		return nil
	}, t: func(o *ServerOptions) []string { return []string{strings.Join(o.CASignatureAlgorithms, ",")} }},
	{name: "HostbasedAcceptedAlgorithms", status: warned, match: true, x: &extraVal{def: opensshKeyAlgos, norm: func(a []string) (string, error) {
		return opensshAlgoText("key", a[0]), checkAlgoList(a[0])
	}}},
	{name: "HostKeyAlgorithms", kind: sAlgo, algo: "key", str: func(o *ServerOptions) *string { return &o.HostKeyAlgorithms }},
	{name: "PubkeyAcceptedAlgorithms", match: true, kind: sAlgo, algo: "key", str: func(o *ServerOptions) *string { return &o.PubkeyAcceptedAlgorithms }},
	{name: "LogLevel", match: true, set: func(o *ServerOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		v, err := parseLogLevel(a[0])
		o.LogLevel = v
		return err
	}, t: func(o *ServerOptions) []string { return []string{logLevelName(o.LogLevel)} }},
	{name: "SyslogFacility", set: func(o *ServerOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		v, err := parseChoice(a[0], "daemon", "user", "auth", "authpriv", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7")
		o.SyslogFacility = strings.ToUpper(v)
		return err
	}, kind: sStr, str: func(o *ServerOptions) *string { return &o.SyslogFacility }},
	{name: "AuthorizedKeysFile", match: true, kind: sList, none: "none", list: func(o *ServerOptions) *[]string { return &o.AuthorizedKeysFile }},
	{name: "HostKey", acc: true, kind: sAcc, list: func(o *ServerOptions) *[]string { return &o.HostKeys }},
	{name: "HostCertificate", acc: true, kind: sAcc, list: func(o *ServerOptions) *[]string { return &o.HostCertificates }},
	{name: "AllowUsers", acc: true, match: true, kind: sAcc, list: func(o *ServerOptions) *[]string { return &o.AllowUsers }},
	{name: "DenyUsers", acc: true, match: true, kind: sAcc, list: func(o *ServerOptions) *[]string { return &o.DenyUsers }},
	{name: "AllowGroups", acc: true, match: true, kind: sAcc, list: func(o *ServerOptions) *[]string { return &o.AllowGroups }},
	{name: "DenyGroups", acc: true, match: true, kind: sAcc, list: func(o *ServerOptions) *[]string { return &o.DenyGroups }},
	{name: "AcceptEnv", acc: true, match: true, kind: sAcc, list: func(o *ServerOptions) *[]string { return &o.AcceptEnv }},
	{name: "SetEnv", match: true, set: func(o *ServerOptions, a []string, _ bool) error {
		for _, v := range a {
			if !strings.Contains(v, "=") {
				return fmt.Errorf("invalid environment %q (want NAME=VALUE)", v)
			}
		}
		o.SetEnv = firstOfEachName(a)
		return nil
	}, t: func(o *ServerOptions) []string { return o.SetEnv }},
	{name: "AuthenticationMethods", match: true, kind: sList, none: "any", set: setAuthMethods, list: func(o *ServerOptions) *[]string { return &o.AuthenticationMethods }},
	{name: "LogVerbose", status: warned, match: true, x: &extraVal{def: ""}},
	{name: "ChannelTimeout", match: true, set: func(o *ServerOptions, a []string, _ bool) error {
		v, err := nChannelTimeout(a)
		o.ChannelTimeout = v
		return err
	}, t: func(o *ServerOptions) []string { return channelTimeoutLine(o.ChannelTimeout) }},
	{name: "Subsystem", acc: true, set: setSubsystem, t: subsystemLines},
	{name: "MaxStartups", set: func(o *ServerOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		o.MaxStartups = a[0]
		_, err := maxStartupsText(a[0])
		return err
	}, t: func(o *ServerOptions) []string { v, _ := maxStartupsText(o.MaxStartups); return []string{v} }},
	{name: "PerSourceMaxStartups", set: setPerSourceMaxStartups, t: func(o *ServerOptions) []string {
		if o.PerSourceMaxStartups == 0 {
			return []string{"none"}
		}
		return []string{strconv.Itoa(o.PerSourceMaxStartups)}
	}},
	{name: "PerSourceNetBlockSize", set: setNetBlockSize, t: func(o *ServerOptions) []string {
		return []string{fmt.Sprintf("%d:%d", o.PerSourceNetBlockSize[0], o.PerSourceNetBlockSize[1])}
	}},
	{name: "PermitTunnel", match: true, kind: sChoice, words: []string{"yes", "no", "point-to-point", "ethernet"}, str: func(o *ServerOptions) *string { return &o.PermitTunnel }},
	{name: "IPQoS", match: true, set: func(o *ServerOptions, a []string, _ bool) error {
		i, b, err := parseIPQoS(a)
		o.IPQoSInteractive, o.IPQoSBulk = i, b
		return err
	}, t: func(o *ServerOptions) []string {
		return []string{ipqosText(o.IPQoSInteractive) + " " + ipqosText(o.IPQoSBulk)}
	}},
	{name: "RekeyLimit", match: true, set: func(o *ServerOptions, a []string, _ bool) error {
		v, err := nRekeyLimit(a)
		o.RekeyLimit = v
		return err
	}, t: func(o *ServerOptions) []string { return []string{rekeyText(o.RekeyLimit)} }},
	{name: "PermitOpen", match: true, set: func(o *ServerOptions, a []string, _ bool) error { return setPermitList(&o.PermitOpen, a, false) },
		kind: sList, none: "any", list: func(o *ServerOptions) *[]string { return &o.PermitOpen }},
	{name: "PermitListen", match: true, set: func(o *ServerOptions, a []string, _ bool) error { return setPermitList(&o.PermitListen, a, true) },
		t: func(o *ServerOptions) []string {
			if len(o.PermitListen) == 0 {
				return []string{"any"}
			}
			var out []string
			for _, p := range o.PermitListen {
				if !strings.Contains(p, ":") && p != "any" && p != "none" {
					p = "*:" + p // a bare port listens on every address
				}
				out = append(out, p)
			}
			return []string{strings.Join(out, " ")}
		}},
	{name: "PermitUserEnvironment", set: func(o *ServerOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		v, err := parseYesNo(a[0])
		o.PermitUserEnvironment, o.PermitUserEnvironmentNames = v, ""
		if err != nil {
			// A pattern list of the variable names environment= may set.
			o.PermitUserEnvironment, o.PermitUserEnvironmentNames = true, a[0]
		}
		return nil
	}, t: func(o *ServerOptions) []string {
		if o.PermitUserEnvironmentNames != "" {
			return []string{o.PermitUserEnvironmentNames}
		}
		return []string{yesno(o.PermitUserEnvironment)}
	}},
	{name: "PubkeyAuthOptions", status: warned, match: true, x: &extraVal{def: "none"}},

	// Not printed by sshd -T.
	{name: "Match", status: structural, match: true},
	{name: "Include", status: structural, match: true},
	{name: "RDomain", status: warned, match: true, x: &extraVal{norm: nFirst, hidden: true}},
	{name: "DebianBanner", status: warned, match: false, x: &extraVal{norm: nFlag, hidden: true}},
	{name: "KerberosGetAFSToken", status: warned, match: false, x: &extraVal{norm: nFlag, hidden: true}},
	// OpenSSH 10's; its sshd -T prints them, 9.2's (the one tests compare
	// with) does not know them. The paths name OpenSSH's helper programs,
	// which sshbox does not have; the penalties are OpenSSH's abuse
	// throttling (see the class table for what sshbox does).
	{name: "SshdSessionPath", status: warned, match: false, x: &extraVal{norm: nFirst, hidden: true}},
	{name: "SshdAuthPath", status: warned, match: false, x: &extraVal{norm: nFirst, hidden: true}},
	// OpenSSH 9.8's; not printed, as OpenSSH 9.2's sshd -T does not know them.
	{name: "PerSourcePenalties", acc: true, set: func(o *ServerOptions, a []string, _ bool) error { return o.PerSourcePenalties.set(a) }},
	{name: "PerSourcePenaltyExemptList", set: setPenaltyExempt},
	{name: "RefuseConnection", match: true, set: func(o *ServerOptions, a []string, _ bool) error { return setFlag(&o.RefuseConnection, a) }},
	{name: "Protocol", status: deprecated, match: true}, {name: "UsePrivilegeSeparation", status: deprecated, match: true}, {name: "KeyRegenerationInterval", status: deprecated, match: true}, {name: "ServerKeyBits", status: deprecated, match: true},
	{name: "RSAAuthentication", status: deprecated, match: true}, {name: "RhostsRSAAuthentication", status: deprecated, match: true}, {name: "UseLogin", status: deprecated, match: true},
	{name: "VerifyReverseMapping", status: deprecated, match: true}, {name: "ReverseMappingCheck", status: deprecated, match: true}, {name: "AFSTokenPassing", status: deprecated, match: true}, {name: "CheckMail", status: deprecated, match: true},
	{name: "GSSAPIUseSessionCredCache", status: deprecated, match: true}, {name: "GSSUseSessionCCache", status: deprecated, match: true}, {name: "KerberosTGTPassing", status: deprecated, match: true},
	{name: "PAMAuthenticationViaKbdInt", status: deprecated, match: true}, {name: "PermitBlacklistedKeys", status: deprecated, match: true}, {name: "RhostsAuthentication", status: deprecated, match: true},
}

var serverAliases = []keywordAlias{
	{"challengeresponseauthentication", "kbdinteractiveauthentication"},
	{"pubkeyacceptedkeytypes", "pubkeyacceptedalgorithms"},
	{"hostbasedacceptedkeytypes", "hostbasedacceptedalgorithms"},
	{"hostdsakey", "hostkey"},
	{"skeyauthentication", "kbdinteractiveauthentication"},
	{"dsaauthentication", "pubkeyauthentication"},
	{"authorizedkeysfile2", "authorizedkeysfile"},
	{"gssapicleanupcreds", "gssapicleanupcredentials"},
}

// serverIndex finds a row by its lowercase name. It is built on first use,
// not at start-up, as most runs of sshbox read no server configuration.
var serverIndex = sync.OnceValue(func() map[string]*serverKW {
	m := map[string]*serverKW{}
	for i := range serverTable {
		m[strings.ToLower(serverTable[i].name)] = &serverTable[i]
	}
	return m
})

func setListenAddress(o *ServerOptions, a []string, first bool) error {
	if len(a) > 2 || len(a) == 2 && a[1] != "rdomain" && !strings.HasPrefix(a[1], "rdomain") {
		return fmt.Errorf("bad ListenAddress %q", strings.Join(a, " "))
	}
	h, p := splitHostPort(a[0])
	if h == "" {
		return fmt.Errorf("bad ListenAddress %q", a[0])
	}
	if p != "" {
		if _, err := parsePort(p); err != nil {
			return err
		}
	}
	if first {
		o.ListenAddress = nil
	}
	o.ListenAddress = append(o.ListenAddress, a[0])
	return nil
}

// listenAddrLines prints every address x port the server listens on, as
// sshd -T does: an address without port once per Port, and the wildcard
// addresses when there is no ListenAddress.
func listenAddrLines(o *ServerOptions) []string {
	addrs := o.ListenAddress
	if len(addrs) == 0 {
		switch o.AddressFamily {
		case "inet":
			addrs = []string{"0.0.0.0"}
		case "inet6":
			addrs = []string{"[::]"}
		default:
			addrs = []string{"[::]", "0.0.0.0"}
		}
		var out []string
		for _, p := range o.Port {
			for _, a := range addrs {
				out = append(out, a+":"+strconv.Itoa(p))
			}
		}
		return out
	}
	var out []string
	for _, a := range addrs {
		h, p := splitHostPort(a)
		if strings.Contains(h, ":") {
			h = "[" + h + "]"
		}
		if p != "" {
			out = append(out, h+":"+p)
			continue
		}
		for _, port := range o.Port {
			out = append(out, h+":"+strconv.Itoa(port))
		}
	}
	return out
}

// subsystemLines prints the subsystems in the order the file defined them
// (then any added in code, sorted).
func subsystemLines(o *ServerOptions) []string {
	var out []string
	done := map[string]bool{}
	for _, n := range o.subsysOrder {
		if c, ok := o.Subsystems[n]; ok && !done[n] {
			out = append(out, n+" "+c)
			done[n] = true
		}
	}
	var rest []string
	for n := range o.Subsystems {
		if !done[n] {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	for _, n := range rest {
		out = append(out, n+" "+o.Subsystems[n])
	}
	return out
}

func setSubsystem(o *ServerOptions, a []string, first bool) error {
	if len(a) < 2 {
		return fmt.Errorf("missing subsystem command")
	}
	if first {
		o.Subsystems, o.subsysOrder = nil, nil
	}
	if o.Subsystems == nil {
		o.Subsystems = map[string]string{}
	}
	if _, dup := o.Subsystems[a[0]]; dup {
		return fmt.Errorf("Subsystem '%s' already defined", a[0])
	}
	o.Subsystems[a[0]] = strings.Join(a[1:], " ")
	o.subsysOrder = append(o.subsysOrder, a[0])
	return nil
}

// maxStartupsText checks "start[:rate:full]" and prints it as sshd -T.
func maxStartupsText(v string) (string, error) {
	parts := strings.Split(v, ":")
	var n []int
	for _, p := range parts {
		x, err := parseInt(p)
		if err != nil {
			return v, fmt.Errorf("invalid MaxStartups %q", v)
		}
		n = append(n, x)
	}
	if n[0] <= 0 || n[len(n)-1] <= 0 {
		// OpenSSH's sshd refuses a start or a full of 0 when it reads it.
		return v, fmt.Errorf("invalid MaxStartups %q", v)
	}
	switch len(n) {
	case 1:
		return fmt.Sprintf("%d:30:%d", n[0], n[0]), nil
	case 3:
		if n[0] > n[2] || n[1] > 100 || n[1] < 1 {
			return v, fmt.Errorf("invalid MaxStartups %q", v)
		}
		return v, nil
	}
	return v, fmt.Errorf("invalid MaxStartups %q", v)
}

// setCompression: "delayed", OpenSSH's name for what "yes" has meant since
// 7.4 (zlib@openssh.com, after the login), is "yes"; sshd -T prints it so.
func setCompression(o *ServerOptions, a []string, _ bool) error {
	if err := oneArg(a); err != nil {
		return err
	}
	v, err := parseChoice(a[0], "yes", "delayed", "no")
	o.Compression = v != "no"
	return err
}
