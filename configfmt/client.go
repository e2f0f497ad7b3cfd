package configfmt

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"sshbox/sshcore/algo"
	"sshbox/sshcore/tun"
)

// The ssh_config keyword table (OpenSSH 9.2, Debian's GSSAPI additions
// included), in `ssh -G` order.

// The rows of clientTable, serverTable and serverClasses are static
// composite literals: every field is a constant, a top-level function or a
// function literal that captures nothing, so the compiler lays the tables
// out as data in the binary rather than as start-up code that builds them
// (issue 13; constructor calls such as a setter made from a field accessor
// would each become code run at init). So a row holds the field accessor
// and a kind, and the setter and printer for that kind are chosen where the
// row is used (apply, values).

type clientKW struct {
	name   string
	status status
	acc    bool       // every line adds (IdentityFile, LocalForward...) instead of first-wins
	kind   clientKind // how the field below is set and printed; cCustom: by set and g only
	flag   func(*ClientOptions) *bool
	num    func(*ClientOptions) *int
	str    func(*ClientOptions) *string
	dur    func(*ClientOptions) *time.Duration
	list   func(*ClientOptions) *[]string
	algo   string                                               // cAlgo: the kind of OpenSSH default list ("cipher", "key"...)
	set    func(o *ClientOptions, a []string, first bool) error // replaces the kind's setter
	g      func(o *ClientOptions) []string                      // replaces the kind's -G values, one per line
	x      *extraVal                                            // keywords not acted on: kept for printing
}

type clientKind uint8

const (
	cCustom         clientKind = iota // set and g only (none: not settable, not printed)
	cFlag                             // flag: yes or no
	cInt                              // num: an integer
	cStr                              // str: one word, printed unless empty
	cAlgo                             // str: an algorithm list, printed resolved against OpenSSH's defaults
	cCommand                          // str: a command line kept as written; its tokens expand when it runs
	cAgentPath                        // str: an agent socket (IdentityAgent)
	cTime                             // dur: a time, or none; printed in seconds
	cList                             // list: every argument of the first line (UserKnownHostsFile a b), printed joined
	cAcc                              // list: each line's arguments, one entry a line; the first line replaces the default
	cLocalForward                     // list: LocalForward
	cRemoteForward                    // list: RemoteForward (a lone listening end: remote dynamic)
	cDynamicForward                   // list: DynamicForward
)

// settable: the keyword sets a typed option (Host, Match and the like do not).
func (k *clientKW) settable() bool { return k.set != nil || k.kind != cCustom }

// apply sets the option from one line's arguments; first is true for the
// keyword's first line (accumulating keywords replace the default then).
func (k *clientKW) apply(o *ClientOptions, a []string, first bool) error {
	if k.set != nil {
		return k.set(o, a, first)
	}
	switch k.kind {
	case cFlag:
		return setFlag(k.flag(o), a)
	case cInt:
		return setInt(k.num(o), a)
	case cStr:
		*k.str(o) = a[0]
		return oneArg(a)
	case cAlgo:
		if err := setAlgo(k.str(o), a); err != nil {
			return err
		}
		// As OpenSSH's ssh, a name no one has is an error when the line
		// is read (ssh -G too); one only OpenSSH has is left out when ssh
		// connects (sshcore/algo).
		return badAlgoSpec(algo.Kind(k.algo), a[0], algo.Check(algo.Kind(k.algo), a[0]))
	case cCommand:
		*k.str(o) = strings.Join(a, " ")
		return nil
	case cAgentPath:
		return setAgentPath(k.str(o), a)
	case cTime:
		return setTimeOrNone(k.dur(o), a)
	case cList:
		*k.list(o) = append([]string(nil), a...)
		return nil
	case cAcc:
		p := k.list(o)
		if first {
			*p = nil
		}
		*p = append(*p, strings.Join(a, " "))
		return nil
	case cLocalForward, cRemoteForward, cDynamicForward:
		return addForward(k.list(o), a, k.fwdKind())
	}
	return fmt.Errorf("%s is not allowed here", k.name)
}

// fwdKind is parseForward's letter for a forwarding row.
func (k *clientKW) fwdKind() byte {
	switch k.kind {
	case cRemoteForward:
		return 'R'
	case cDynamicForward:
		return 'D'
	}
	return 'L'
}

// printable: ssh -G prints the keyword's typed option.
func (k *clientKW) printable() bool { return k.g != nil || k.kind != cCustom }

// values are the -G values, one per line.
func (k *clientKW) values(o *ClientOptions) []string {
	if k.g != nil {
		return k.g(o)
	}
	switch k.kind {
	case cFlag:
		return []string{yesno(*k.flag(o))}
	case cInt:
		return []string{strconv.Itoa(*k.num(o))}
	case cStr, cCommand, cAgentPath:
		return nonEmpty(*k.str(o))
	case cAlgo:
		return []string{opensshAlgoText(k.algo, *k.str(o))}
	case cTime:
		return []string{strconv.Itoa(int(*k.dur(o) / time.Second))}
	case cList:
		if len(*k.list(o)) == 0 {
			return nil
		}
		return []string{strings.Join(*k.list(o), " ")}
	case cAcc:
		return *k.list(o)
	case cLocalForward, cRemoteForward, cDynamicForward:
		return forwardLines(*k.list(o), k.fwdKind())
	}
	return nil
}

// Typed setters shared by both sides' tables.

func setFlag(p *bool, a []string) error {
	if err := oneArg(a); err != nil {
		return err
	}
	v, err := parseYesNo(a[0])
	*p = v
	return err
}

func setInt(p *int, a []string) error {
	if err := oneArg(a); err != nil {
		return err
	}
	v, err := parseInt(a[0])
	*p = v
	return err
}

func setAlgo(p *string, a []string) error {
	*p = a[0]
	if err := oneArg(a); err != nil {
		return err
	}
	return checkAlgoList(a[0])
}

// setTimeOrNone: a time in seconds; none is 0.
func setTimeOrNone(p *time.Duration, a []string) error {
	if err := oneArg(a); err != nil {
		return err
	}
	if strings.EqualFold(a[0], "none") {
		*p = 0
		return nil
	}
	v, err := parseTime(a[0])
	*p = time.Duration(v) * time.Second
	return err
}

// setNorm stores a single value as norm prints it.
func setNorm(p *string, a []string, norm func([]string) (string, error)) error {
	if err := oneArg(a); err != nil {
		return err
	}
	v, err := norm(a)
	*p = v
	return err
}

// controlMasterWords are ControlMaster's values, as oneOf takes them.
var controlMasterWords = []string{"yes=true", "no=false", "true", "false", "auto", "ask", "autoask"}

var clientTable = []clientKW{
	{name: "Host", status: structural, g: func(o *ClientOptions) []string { return []string{o.Host} }},
	{name: "User", kind: cStr, str: func(o *ClientOptions) *string { return &o.User }},
	{name: "HostName", kind: cStr, str: func(o *ClientOptions) *string { return &o.HostName }},
	{name: "Port", set: func(o *ClientOptions, a []string, _ bool) error {
		p, err := parsePort(a[0])
		o.Port = p
		return err
	}, kind: cInt, num: func(o *ClientOptions) *int { return &o.Port }},

	{name: "AddressFamily", set: func(o *ClientOptions, a []string, _ bool) error {
		v, err := parseChoice(a[0], "any", "inet", "inet6")
		o.AddressFamily = v
		return err
	}, kind: cStr, str: func(o *ClientOptions) *string { return &o.AddressFamily }},
	{name: "BatchMode", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.BatchMode }},
	{name: "CanonicalizeFallbackLocal", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.CanonicalizeFallbackLocal }},
	{name: "CanonicalizeHostname", set: func(o *ClientOptions, a []string, _ bool) error {
		return setNorm(&o.CanonicalizeHostname, a, func(a []string) (string, error) {
			return oneOf([]string{"yes=true", "no=false", "true", "false", "always"}, a)
		})
	}, kind: cStr, str: func(o *ClientOptions) *string { return &o.CanonicalizeHostname }},
	{name: "CheckHostIP", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.CheckHostIP }},
	{name: "Compression", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.Compression }},
	{name: "ControlMaster", set: func(o *ClientOptions, a []string, _ bool) error {
		return setNorm(&o.ControlMaster, a, func(a []string) (string, error) { return oneOf(controlMasterWords, a) })
	}, kind: cStr, str: func(o *ClientOptions) *string { return &o.ControlMaster }},
	{name: "EnableSSHKeysign", status: warned, x: &extraVal{def: "no", norm: nFlag}},
	{name: "ClearAllForwardings", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.ClearAllForwardings }},
	{name: "ExitOnForwardFailure", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.ExitOnForwardFailure }},
	{name: "FingerprintHash", set: func(o *ClientOptions, a []string, _ bool) error {
		return setNorm(&o.FingerprintHash, a, func(a []string) (string, error) { return oneOf([]string{"sha256=SHA256", "md5=MD5"}, a) })
	}, kind: cStr, str: func(o *ClientOptions) *string { return &o.FingerprintHash }},
	{name: "ForwardX11", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.ForwardX11 }},
	{name: "ForwardX11Trusted", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.ForwardX11Trusted }},
	{name: "GatewayPorts", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.GatewayPorts }},
	{name: "GSSAPIAuthentication", status: warned, x: &extraVal{def: "no", norm: nFlag}},
	{name: "GSSAPIKeyExchange", status: warned, x: &extraVal{def: "no", norm: nFlag}},
	{name: "GSSAPIDelegateCredentials", status: warned, x: &extraVal{def: "no", norm: nFlag}},
	{name: "GSSAPITrustDns", status: warned, x: &extraVal{def: "no", norm: nFlag}},
	{name: "GSSAPIRenewalForcesRekey", status: warned, x: &extraVal{def: "no", norm: nFlag}},
	{name: "GSSAPIKexAlgorithms", status: warned, x: &extraVal{def: "gss-group14-sha256-,gss-group16-sha512-,gss-nistp256-sha256-,gss-curve25519-sha256-,gss-group14-sha1-,gss-gex-sha1-", norm: nFirst}},
	{name: "HashKnownHosts", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.HashKnownHosts }},
	{name: "HostbasedAuthentication", status: warned, x: &extraVal{def: "no", norm: nFlag}},
	{name: "IdentitiesOnly", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.IdentitiesOnly }},
	{name: "KbdInteractiveAuthentication", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.KbdInteractiveAuthentication }},
	{name: "NoHostAuthenticationForLocalhost", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.NoHostAuthenticationForLocalhost }},
	{name: "PasswordAuthentication", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.PasswordAuthentication }},
	{name: "PermitLocalCommand", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.PermitLocalCommand }},
	{name: "ProxyUseFdpass", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.ProxyUseFdpass }},
	{name: "PubkeyAuthentication", set: func(o *ClientOptions, a []string, _ bool) error {
		v, err := parseChoice(a[0], "yes", "no", "true", "false", "unbound", "host-bound")
		o.PubkeyAuthentication = v != "no" && v != "false"
		return err
	}, g: func(o *ClientOptions) []string {
		return []string{map[bool]string{true: "true", false: "false"}[o.PubkeyAuthentication]}
	}},
	{name: "RequestTTY", set: func(o *ClientOptions, a []string, _ bool) error {
		v, err := parseChoice(a[0], "yes", "no", "true", "false", "force", "auto")
		o.RequestTTY = map[string]string{"true": "yes", "false": "no"}[v]
		if o.RequestTTY == "" {
			o.RequestTTY = v
		}
		return err
	}, g: func(o *ClientOptions) []string {
		return []string{map[string]string{"yes": "true", "no": "false", "force": "force", "auto": "auto"}[o.RequestTTY]}
	}},
	{name: "SessionType", set: func(o *ClientOptions, a []string, _ bool) error {
		return setNorm(&o.SessionType, a, func(a []string) (string, error) { return oneOf([]string{"none", "subsystem", "default"}, a) })
	}, kind: cStr, str: func(o *ClientOptions) *string { return &o.SessionType }},
	{name: "StdinNull", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.StdinNull }},
	{name: "ForkAfterAuthentication", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.ForkAfterAuthentication }},
	{name: "StreamLocalBindUnlink", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.StreamLocalBindUnlink }},
	{name: "StrictHostKeyChecking", set: func(o *ClientOptions, a []string, _ bool) error {
		v, err := parseChoice(a[0], "yes", "no", "true", "false", "off", "ask", "accept-new")
		o.StrictHostKeyChecking = map[string]string{"true": "yes", "false": "no", "off": "no"}[v]
		if o.StrictHostKeyChecking == "" {
			o.StrictHostKeyChecking = v
		}
		return err
	}, g: func(o *ClientOptions) []string {
		return []string{map[string]string{"yes": "true", "no": "false", "ask": "ask", "accept-new": "accept-new"}[o.StrictHostKeyChecking]}
	}},
	{name: "TCPKeepAlive", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.TCPKeepAlive }},
	{name: "Tunnel", set: func(o *ClientOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		v, err := oneOf([]string{"yes=point-to-point", "no=false", "true=point-to-point", "false", "ethernet", "point-to-point"}, a)
		o.Tunnel = v
		return err
	}, g: func(o *ClientOptions) []string { return []string{o.Tunnel} }},
	{name: "VerifyHostKeyDNS", set: func(o *ClientOptions, a []string, _ bool) error {
		v, err := oneOf([]string{"yes", "no", "true=yes", "false=no", "ask"}, a)
		o.VerifyHostKeyDNS = v
		return err
	}, g: func(o *ClientOptions) []string {
		return []string{map[string]string{"yes": "true", "no": "false", "ask": "ask"}[o.VerifyHostKeyDNS]}
	}},
	{name: "VisualHostKey", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.VisualHostKey }},
	{name: "UpdateHostKeys", set: setUpdateHostKeys, g: getUpdateHostKeys},
	{name: "EnableEscapeCommandline", kind: cFlag, flag: func(o *ClientOptions) *bool { return &o.EnableEscapeCommandline }},

	{name: "CanonicalizeMaxDots", kind: cInt, num: func(o *ClientOptions) *int { return &o.CanonicalizeMaxDots }},
	{name: "ConnectionAttempts", set: func(o *ClientOptions, a []string, _ bool) error {
		if err := setInt(&o.ConnectionAttempts, a); err != nil {
			return err
		}
		if o.ConnectionAttempts < 1 {
			return fmt.Errorf("invalid number %q (at least 1)", a[0])
		}
		return nil
	}, kind: cInt, num: func(o *ClientOptions) *int { return &o.ConnectionAttempts }},
	{name: "ForwardX11Timeout", kind: cTime, dur: func(o *ClientOptions) *time.Duration { return &o.ForwardX11Timeout }},
	{name: "NumberOfPasswordPrompts", kind: cInt, num: func(o *ClientOptions) *int { return &o.NumberOfPasswordPrompts }},
	{name: "ServerAliveCountMax", kind: cInt, num: func(o *ClientOptions) *int { return &o.ServerAliveCountMax }},
	{name: "ServerAliveInterval", kind: cTime, dur: func(o *ClientOptions) *time.Duration { return &o.ServerAliveInterval }},
	{name: "RequiredRSASize", kind: cInt, num: func(o *ClientOptions) *int { return &o.RequiredRSASize }},

	{name: "BindAddress", kind: cStr, str: func(o *ClientOptions) *string { return &o.BindAddress }},
	{name: "BindInterface", kind: cStr, str: func(o *ClientOptions) *string { return &o.BindInterface }},
	{name: "Ciphers", kind: cAlgo, algo: "cipher", str: func(o *ClientOptions) *string { return &o.Ciphers }},
	{name: "ControlPath", kind: cStr, str: func(o *ClientOptions) *string { return &o.ControlPath }},
	{name: "HostKeyAlgorithms", kind: cAlgo, algo: "key", str: func(o *ClientOptions) *string { return &o.HostKeyAlgorithms }},
	{name: "HostKeyAlias", kind: cStr, str: func(o *ClientOptions) *string { return &o.HostKeyAlias }, g: func(o *ClientOptions) []string {
		if o.HostKeyAlias == "" {
			return nil
		}
		return []string{strings.ToLower(o.HostKeyAlias)}
	}},
	{name: "HostbasedAcceptedAlgorithms", status: warned, x: &extraVal{def: opensshKeyAlgos, norm: func(a []string) (string, error) {
		return opensshAlgoText("key", a[0]), checkAlgoList(a[0])
	}}},
	{name: "IdentityAgent", kind: cAgentPath, str: func(o *ClientOptions) *string { return &o.IdentityAgent }},
	{name: "IgnoreUnknown", status: structural, x: &extraVal{}},
	{name: "KbdInteractiveDevices", status: warned, x: &extraVal{def: "", norm: nFirst}},
	{name: "KexAlgorithms", kind: cAlgo, algo: "kex", str: func(o *ClientOptions) *string { return &o.KexAlgorithms }},
	{name: "CASignatureAlgorithms", kind: cAlgo, algo: "sig", str: func(o *ClientOptions) *string { return &o.CASignatureAlgorithms }},
	{name: "LocalCommand", kind: cCommand, str: func(o *ClientOptions) *string { return &o.LocalCommand }},
	{name: "RemoteCommand", set: func(o *ClientOptions, a []string, _ bool) error {
		o.RemoteCommand = strings.Join(a, " ")
		return nil
	}, kind: cStr, str: func(o *ClientOptions) *string { return &o.RemoteCommand }},
	{name: "LogLevel", set: func(o *ClientOptions, a []string, _ bool) error {
		v, err := parseLogLevel(a[0])
		o.LogLevel = v
		return err
	}, g: func(o *ClientOptions) []string { return []string{logLevelName(o.LogLevel)} }},
	{name: "MACs", kind: cAlgo, algo: "mac", str: func(o *ClientOptions) *string { return &o.MACs }},
	{name: "PKCS11Provider", status: warned, x: &extraVal{def: "", norm: nFirst}},
	{name: "SecurityKeyProvider", status: warned, x: &extraVal{def: "internal", norm: nFirst}},
	{name: "PreferredAuthentications", set: func(o *ClientOptions, a []string, _ bool) error {
		o.PreferredAuthentications = strings.Split(a[0], ",")
		return nil
	}, g: func(o *ClientOptions) []string {
		if o.PreferredAuthentications == nil {
			return nil
		}
		return []string{strings.Join(o.PreferredAuthentications, ",")}
	}},
	{name: "PubkeyAcceptedAlgorithms", kind: cAlgo, algo: "key", str: func(o *ClientOptions) *string { return &o.PubkeyAcceptedAlgorithms }},
	{name: "RevokedHostKeys", set: func(o *ClientOptions, a []string, _ bool) error {
		o.RevokedHostKeys = a[0]
		return oneArg(a)
	}, g: func(o *ClientOptions) []string { return o.rawOr("revokedhostkeys", nonEmpty(o.RevokedHostKeys)) }},
	{name: "XAuthLocation", kind: cStr, str: func(o *ClientOptions) *string { return &o.XAuthLocation }},
	{name: "KnownHostsCommand", kind: cCommand, str: func(o *ClientOptions) *string { return &o.KnownHostsCommand }},

	{name: "DynamicForward", acc: true, kind: cDynamicForward, list: func(o *ClientOptions) *[]string { return &o.DynamicForward }},
	{name: "LocalForward", acc: true, kind: cLocalForward, list: func(o *ClientOptions) *[]string { return &o.LocalForward }},
	{name: "RemoteForward", acc: true, kind: cRemoteForward, list: func(o *ClientOptions) *[]string { return &o.RemoteForward }},

	{name: "IdentityFile", acc: true, kind: cAcc, list: func(o *ClientOptions) *[]string { return &o.IdentityFiles },
		g: func(o *ClientOptions) []string { return o.rawOr("identityfile", o.IdentityFiles) }},
	{name: "CanonicalDomains", set: setCanonicalDomains, g: func(o *ClientOptions) []string { return []string{noneIfEmpty(o.CanonicalDomains)} }},
	{name: "CertificateFile", acc: true, kind: cAcc, list: func(o *ClientOptions) *[]string { return &o.CertificateFiles },
		g: func(o *ClientOptions) []string { return o.rawOr("certificatefile", o.CertificateFiles) }},
	{name: "GlobalKnownHostsFile", kind: cList, list: func(o *ClientOptions) *[]string { return &o.GlobalKnownHostsFiles }},
	{name: "UserKnownHostsFile", kind: cList, list: func(o *ClientOptions) *[]string { return &o.UserKnownHostsFiles }},
	{name: "SendEnv", acc: true, set: setSendEnv, g: func(o *ClientOptions) []string { return o.SendEnv }},
	{name: "SetEnv", set: func(o *ClientOptions, a []string, _ bool) error {
		for _, v := range a {
			if !strings.Contains(v, "=") {
				return fmt.Errorf("invalid SetEnv %q (want NAME=VALUE)", v)
			}
		}
		o.SetEnv = firstOfEachName(a)
		return nil
	}, g: func(o *ClientOptions) []string { return o.SetEnv }},
	{name: "LogVerbose", status: warned, x: &extraVal{def: "none", norm: nFirst, several: true}}, // OpenSSH keeps the first argument
	// ChannelTimeout (OpenSSH after 9.2): printed as OpenSSH's -G prints it, the
	// pairs on one line, once set. Unset, it is left out, as the OpenSSH
	// 9.2 that the tests compare -G with prints no channeltimeout line.
	{name: "ChannelTimeout", set: func(o *ClientOptions, a []string, _ bool) error {
		v, err := nChannelTimeout(a)
		o.ChannelTimeout = v
		return err
	}, g: func(o *ClientOptions) []string { return channelTimeoutLine(o.ChannelTimeout) }},

	{name: "PermitRemoteOpen", set: func(o *ClientOptions, a []string, _ bool) error {
		// any and none in any case, as OpenSSH's readconf; kept as written.
		check := make([]string, len(a))
		for i, v := range a {
			check[i] = v
			if strings.EqualFold(v, "any") || strings.EqualFold(v, "none") {
				check[i] = strings.ToLower(v)
			}
		}
		if err := setPermitList(&o.PermitRemoteOpen, check, false); err != nil {
			return err
		}
		o.PermitRemoteOpen = append([]string(nil), a...)
		return nil
	}, g: func(o *ClientOptions) []string {
		if len(o.PermitRemoteOpen) == 0 {
			return []string{"any"}
		}
		return []string{strings.Join(o.PermitRemoteOpen, " ")}
	}},
	{name: "AddKeysToAgent", set: setAddKeysToAgent, g: func(o *ClientOptions) []string {
		v := map[string]string{"yes": "true", "no": "false"}[o.AddKeysToAgent]
		if v == "" {
			v = o.AddKeysToAgent
		}
		switch {
		case o.AddKeysToAgentLifespan > 0 && o.AddKeysToAgent == "yes":
			v = strconv.Itoa(o.AddKeysToAgentLifespan)
		case o.AddKeysToAgentLifespan > 0:
			v += " " + strconv.Itoa(o.AddKeysToAgentLifespan)
		}
		return []string{v}
	}},
	{name: "ForwardAgent", set: setForwardAgent, g: func(o *ClientOptions) []string {
		if o.ForwardAgentSock != "" {
			return []string{o.ForwardAgentSock}
		}
		return []string{yesno(o.ForwardAgent)}
	}},
	{name: "ConnectTimeout", kind: cTime, dur: func(o *ClientOptions) *time.Duration { return &o.ConnectTimeout }, g: func(o *ClientOptions) []string {
		if o.ConnectTimeout == 0 {
			return []string{"none"}
		}
		return []string{strconv.Itoa(int(o.ConnectTimeout / time.Second))}
	}},
	{name: "TunnelDevice", set: func(o *ClientOptions, a []string, _ bool) error {
		l, r, err := tun.ParseDevice(a[0])
		if err != nil {
			return fmt.Errorf("Bad tun device.")
		}
		o.TunnelLocal, o.TunnelRemote = l, r
		return nil
	}, g: func(o *ClientOptions) []string {
		return []string{tun.UnitText(o.TunnelLocal) + ":" + tun.UnitText(o.TunnelRemote)}
	}},
	{name: "CanonicalizePermittedCNAMEs", set: setPermittedCNAMEs, g: func(o *ClientOptions) []string { return []string{noneIfEmpty(o.CanonicalizePermittedCNAMEs)} }},
	{name: "ControlPersist", set: func(o *ClientOptions, a []string, _ bool) error {
		return setNorm(&o.ControlPersist, a, nControlPersist)
	},
		kind: cStr, str: func(o *ClientOptions) *string { return &o.ControlPersist }},
	{name: "EscapeChar", set: func(o *ClientOptions, a []string, _ bool) error {
		v := a[0]
		if !(strings.EqualFold(v, "none") || len(v) == 1 || len(v) == 2 && v[0] == '^' && v[1] >= '@' && v[1] <= '_' || len(v) == 2 && v[0] == '^' && v[1] >= 'a' && v[1] <= 'z') {
			return fmt.Errorf("Bad escape character %q", v)
		}
		o.EscapeChar = v
		return nil
	}, g: func(o *ClientOptions) []string { return []string{visEscape(o.EscapeChar)} }},
	{name: "IPQoS", set: func(o *ClientOptions, a []string, _ bool) error {
		i, b, err := parseIPQoS(a)
		o.IPQoSInteractive, o.IPQoSBulk = i, b
		return err
	}, g: func(o *ClientOptions) []string {
		return []string{ipqosText(o.IPQoSInteractive) + " " + ipqosText(o.IPQoSBulk)}
	}},
	{name: "RekeyLimit", set: func(o *ClientOptions, a []string, _ bool) error {
		v, err := nRekeyLimit(a)
		o.RekeyLimit = v
		return err
	}, g: func(o *ClientOptions) []string { return []string{rekeyText(o.RekeyLimit)} }},
	{name: "StreamLocalBindMask", set: func(o *ClientOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		v, err := parseMask(a[0])
		o.StreamLocalBindMask = v
		return err
	}, g: func(o *ClientOptions) []string { return []string{maskText(o.StreamLocalBindMask)} }},
	{name: "SyslogFacility", set: func(o *ClientOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		v, err := parseFacility(a[0])
		o.SyslogFacility = v
		return err
	}, g: func(o *ClientOptions) []string { return []string{o.SyslogFacility} }},
	{name: "ProxyCommand", set: func(o *ClientOptions, a []string, _ bool) error {
		if o.ProxyJump == "" {
			o.ProxyCommand = strings.Join(a, " ")
		}
		return nil
	}, g: func(o *ClientOptions) []string {
		if o.ProxyJump != "" && o.ProxyJump != "none" {
			return []string{fullLine + "proxyjump " + proxyJumpText(o.ProxyJump)}
		}
		return o.rawOr("proxycommand", nonEmpty(o.ProxyCommand))
	}},

	// Not printed by ssh -G.
	{name: "Match", status: structural},
	{name: "Include", status: structural},
	{name: "ProxyJump", set: func(o *ClientOptions, a []string, _ bool) error {
		if o.ProxyCommand == "" {
			o.ProxyJump = a[0]
		}
		return nil
	}},
	{name: "GSSAPIClientIdentity", status: warned, x: &extraVal{norm: nFirst, hidden: true}},
	{name: "GSSAPIServerIdentity", status: warned, x: &extraVal{norm: nFirst, hidden: true}},
	// Newer than the OpenSSH the tests compare ssh -G with, so not
	// printed: ObscureKeystrokeTiming (9.5), Tag (9.4), RefuseConnection
	// (10.0), WarnWeakCrypto and VersionAddendum (10.1).
	{name: "ObscureKeystrokeTiming", set: setObscureKeystrokeTiming},
	{name: "Tag", set: func(o *ClientOptions, a []string, _ bool) error {
		o.Tag = a[0]
		return oneArg(a)
	}},
	{name: "WarnWeakCrypto", status: warned, x: &extraVal{norm: nFirst, hidden: true}},
	{name: "VersionAddendum", status: warned, x: &extraVal{norm: nFirst, hidden: true}},
	{name: "RefuseConnection", set: func(o *ClientOptions, a []string, _ bool) error { return setFlag(&o.RefuseConnection, a) }},
	{name: "Protocol", status: deprecated}, {name: "Cipher", status: deprecated}, {name: "FallBackToRsh", status: deprecated}, {name: "UseRsh", status: deprecated}, {name: "UsePrivilegedPort", status: deprecated},
	{name: "RhostsRSAAuthentication", status: deprecated}, {name: "RSAAuthentication", status: deprecated}, {name: "CompressionLevel", status: deprecated}, {name: "UseRoaming", status: deprecated},
	{name: "UseBlacklistedKeys", status: deprecated}, {name: "AFSTokenPassing", status: deprecated}, {name: "GlobalKnownHostsFile2", status: deprecated}, {name: "UserKnownHostsFile2", status: deprecated},
	{name: "KerberosAuthentication", status: deprecated}, {name: "KerberosTGTPassing", status: deprecated}, {name: "ProtocolKeepAlives", status: deprecated}, {name: "RhostsAuthentication", status: deprecated},
}

// setAgentPath keeps an agent socket (IdentityAgent): a path, "none",
// SSH_AUTH_SOCK or "$NAME". As OpenSSH's readconf, a ${VAR} that is not
// set is an error as soon as the line is read.
func setAgentPath(p *string, a []string) error {
	if err := oneArg(a); err != nil {
		return err
	}
	if err := checkAgentPath(a[0]); err != nil {
		return err
	}
	*p = a[0]
	return nil
}

func checkAgentPath(v string) error {
	if _, err := expand(v, nil, true); err != nil {
		return fmt.Errorf("Invalid environment expansion %s", v)
	}
	if strings.HasPrefix(v, "$") && !strings.HasPrefix(v, "${") && !validEnvName(v[1:]) {
		return fmt.Errorf("Invalid environment name %s", v)
	}
	return nil
}

// setForwardAgent: yes, no, or the agent to forward (a path or "$NAME"),
// which turns forwarding on.
func setForwardAgent(o *ClientOptions, a []string, _ bool) error {
	if err := oneArg(a); err != nil {
		return err
	}
	if v, err := parseYesNo(a[0]); err == nil {
		o.ForwardAgent = v
		return nil
	}
	if err := checkAgentPath(a[0]); err != nil {
		return err
	}
	o.ForwardAgent, o.ForwardAgentSock = true, a[0]
	return nil
}

// clientAliases are OpenSSH's other spellings of the same keywords.
var clientAliases = []keywordAlias{
	{"challengeresponseauthentication", "kbdinteractiveauthentication"},
	{"pubkeyacceptedkeytypes", "pubkeyacceptedalgorithms"},
	{"hostbasedkeytypes", "hostbasedacceptedalgorithms"},
	{"skeyauthentication", "kbdinteractiveauthentication"},
	{"tisauthentication", "kbdinteractiveauthentication"},
	{"dsaauthentication", "pubkeyauthentication"},
	{"identityfile2", "identityfile"},
	{"setuptimeout", "connecttimeout"}, // Debian
	{"smartcarddevice", "pkcs11provider"},
}

// clientIndex finds a row by its lowercase name. It is built on first use,
// not at start-up, as most runs of sshbox read no client configuration.
var clientIndex = sync.OnceValue(func() map[string]*clientKW {
	m := map[string]*clientKW{}
	for i := range clientTable {
		m[strings.ToLower(clientTable[i].name)] = &clientTable[i]
	}
	return m
})

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// rawOr returns the values as written in the file when sshbox expanded
// them in the typed field but OpenSSH prints them unexpanded.
func (o *ClientOptions) rawOr(key string, v []string) []string {
	if r, ok := o.raw[key]; ok {
		return r
	}
	return v
}

func setSendEnv(o *ClientOptions, a []string, first bool) error {
	if first {
		o.SendEnv = nil
	}
	for _, v := range a {
		if strings.HasPrefix(v, "-") {
			var keep []string
			for _, e := range o.SendEnv {
				if !MatchPattern(e, v[1:]) {
					keep = append(keep, e)
				}
			}
			o.SendEnv = keep
			continue
		}
		o.SendEnv = append(o.SendEnv, v)
	}
	return nil
}

// visEscape prints the escape character as OpenSSH's vis(3) does.
func visEscape(e string) string {
	switch {
	case strings.EqualFold(e, "none"):
		return "none"
	case len(e) == 2 && e[0] == '^':
		return `\^` + strings.ToUpper(e[1:])
	case len(e) == 1 && e[0] < 0x20:
		return `\^` + string(rune(e[0]+'@'))
	}
	return e
}

// proxyJumpText prints a ProxyJump value as ssh -G does: the hops before
// the last as written, the last as [user@]host[:port] with a numeric or
// IPv6 host in brackets.
func proxyJumpText(j string) string {
	extra, last := "", j
	if i := strings.LastIndex(j, ","); i >= 0 {
		extra, last = j[:i+1], j[i+1:]
	}
	user, hostport := "", last
	if i := strings.LastIndex(last, "@"); i >= 0 {
		user, hostport = last[:i+1], last[i+1:]
	}
	host, port := splitHostPort(hostport)
	if strings.Contains(host, ":") || strings.Trim(host, "0123456789.") == "" {
		host = "[" + host + "]"
	}
	if port != "" {
		port = ":" + port
	}
	return extra + user + host + port
}

// splitHostPort splits "host:port", "[v6]:port", "host" or "[v6]".
func splitHostPort(s string) (string, string) {
	if strings.HasPrefix(s, "[") {
		if i := strings.Index(s, "]"); i >= 0 {
			return s[1:i], strings.TrimPrefix(s[i+1:], ":")
		}
	}
	if strings.Count(s, ":") == 1 {
		h, p, _ := strings.Cut(s, ":")
		return h, p
	}
	return s, ""
}

// setAddKeysToAgent reads AddKeysToAgent as OpenSSH's readconf does: yes,
// no, ask, confirm (optionally followed by a lifetime), or a lifetime
// alone, which means yes for that long.
func setAddKeysToAgent(o *ClientOptions, a []string, _ bool) error {
	v, err := oneOf([]string{"yes", "true=yes", "no", "false=no", "ask", "confirm"}, a[:1])
	life := 0
	switch {
	case err == nil && v == "confirm" && len(a) == 2:
		if life, err = parseTime(a[1]); err != nil {
			return fmt.Errorf("invalid time value %q", a[1])
		}
	case err != nil && len(a) == 1:
		if life, err = parseTime(a[0]); err != nil {
			return fmt.Errorf("unsupported option %q", a[0])
		}
		v = "yes"
	case err != nil || len(a) > 1:
		return fmt.Errorf("unsupported option %q", strings.Join(a, " "))
	}
	o.AddKeysToAgent, o.AddKeysToAgentLifespan = v, life
	return nil
}

// setObscureKeystrokeTiming reads ObscureKeystrokeTiming as OpenSSH 9.5's
// readconf: yes (20 ms), no, or interval:MS (1 to 1000).
func setObscureKeystrokeTiming(o *ClientOptions, a []string, _ bool) error {
	if err := oneArg(a); err != nil {
		return err
	}
	switch v := a[0]; {
	case v == "yes" || v == "true":
		o.ObscureKeystrokeTiming = 20
	case v == "no" || v == "false":
		o.ObscureKeystrokeTiming = 0
	case strings.HasPrefix(v, "interval:"):
		n, err := strconv.Atoi(v[len("interval:"):])
		if err != nil || n <= 0 || n > 1000 {
			return fmt.Errorf("value out of range: %q", v)
		}
		o.ObscureKeystrokeTiming = n
	default:
		return fmt.Errorf("unsupported argument %q", v)
	}
	return nil
}

// ClientOptionNames are the keywords ssh acts on that -o can give (not
// Host, Match, Include or IgnoreUnknown), in the table's order: what
// dbclient's "-o help" lists.
func ClientOptionNames() []string {
	var out []string
	for i := range clientTable {
		if k := &clientTable[i]; k.status == acted && k.settable() {
			out = append(out, k.name)
		}
	}
	return out
}

// badAlgoSpec puts an algorithm list's error in OpenSSH's words, as its ssh
// and sshd say them ("Bad SSH2 cipher spec 'LIST'"), with the name at fault.
func badAlgoSpec(k algo.Kind, spec string, err error) error {
	if err == nil {
		return nil
	}
	what := "key types"
	switch k {
	case algo.Cipher:
		what = "SSH2 cipher spec"
	case algo.MAC:
		what = "SSH2 mac spec"
	case algo.KEX:
		what = "SSH2 KexAlgorithms"
	}
	return fmt.Errorf("Bad %s '%s': %v", what, spec, err)
}
