package configfmt

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The ssh_config keyword table (OpenSSH 9.2, Debian's GSSAPI additions
// included), in `ssh -G` order.

type clientKW struct {
	name   string
	status status
	acc    bool // every line adds (IdentityFile, LocalForward...) instead of first-wins
	set    func(o *ClientOptions, a []string, first bool) error
	g      func(o *ClientOptions) []string // -G values, one per line; nil: not printed
	x      *extraVal                       // keywords not acted on: kept for printing
}

func cw(name, def string, norm func([]string) (string, error)) clientKW {
	return clientKW{name: name, status: warned, x: &extraVal{def: def, norm: norm, single: norm != nil}}
}

// cwn: like cw, for a keyword taking several arguments.
func cwn(name, def string, norm func([]string) (string, error)) clientKW {
	k := cw(name, def, norm)
	k.x.single = false
	return k
}

// cwHidden: a keyword ssh -G does not print.
func cwHidden(name string) clientKW {
	k := cw(name, "", nFirst)
	k.x.hidden = true
	return k
}

func cdep(name string) clientKW { return clientKW{name: name, status: deprecated} }

// Typed setters and printers.

func cBool(f func(*ClientOptions) *bool) func(*ClientOptions, []string, bool) error {
	return func(o *ClientOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		v, err := parseYesNo(a[0])
		*f(o) = v
		return err
	}
}

func gBool(f func(*ClientOptions) *bool) func(*ClientOptions) []string {
	return func(o *ClientOptions) []string { return []string{yesno(*f(o))} }
}

func cInt(f func(*ClientOptions) *int) func(*ClientOptions, []string, bool) error {
	return func(o *ClientOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		v, err := parseInt(a[0])
		*f(o) = v
		return err
	}
}

func gInt(f func(*ClientOptions) *int) func(*ClientOptions) []string {
	return func(o *ClientOptions) []string { return []string{strconv.Itoa(*f(o))} }
}

func cStr(f func(*ClientOptions) *string) func(*ClientOptions, []string, bool) error {
	return func(o *ClientOptions, a []string, _ bool) error { *f(o) = a[0]; return oneArg(a) }
}

// cNorm stores a single value as the normalizer prints it.
func cNorm(f func(*ClientOptions) *string, norm func([]string) (string, error)) func(*ClientOptions, []string, bool) error {
	return func(o *ClientOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		v, err := norm(a)
		*f(o) = v
		return err
	}
}

func gStr(f func(*ClientOptions) *string) func(*ClientOptions) []string {
	return func(o *ClientOptions) []string {
		if *f(o) == "" {
			return nil
		}
		return []string{*f(o)}
	}
}

func cAlgo(f func(*ClientOptions) *string) func(*ClientOptions, []string, bool) error {
	return func(o *ClientOptions, a []string, _ bool) error {
		*f(o) = a[0]
		if err := oneArg(a); err != nil {
			return err
		}
		return checkAlgoList(a[0])
	}
}

func gAlgo(kind string, f func(*ClientOptions) *string) func(*ClientOptions) []string {
	return func(o *ClientOptions) []string { return []string{opensshAlgoText(kind, *f(o))} }
}

func cTime(f func(*ClientOptions) *time.Duration) func(*ClientOptions, []string, bool) error {
	return func(o *ClientOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		if strings.EqualFold(a[0], "none") {
			*f(o) = 0
			return nil
		}
		v, err := parseTime(a[0])
		*f(o) = time.Duration(v) * time.Second
		return err
	}
}

// cList collects every argument of the first line (UserKnownHostsFile a b).
func cList(f func(*ClientOptions) *[]string) func(*ClientOptions, []string, bool) error {
	return func(o *ClientOptions, a []string, _ bool) error { *f(o) = append([]string(nil), a...); return nil }
}

// cAcc appends each line's argument; the first line replaces the default.
func cAcc(f func(*ClientOptions) *[]string) func(*ClientOptions, []string, bool) error {
	return func(o *ClientOptions, a []string, first bool) error {
		if first {
			*f(o) = nil
		}
		*f(o) = append(*f(o), strings.Join(a, " "))
		return nil
	}
}

func gLines(f func(*ClientOptions) []string) func(*ClientOptions) []string { return f }

func gJoined(f func(*ClientOptions) []string) func(*ClientOptions) []string {
	return func(o *ClientOptions) []string {
		if len(f(o)) == 0 {
			return nil
		}
		return []string{strings.Join(f(o), " ")}
	}
}

var clientTable = []clientKW{
	{name: "Host", status: structural, g: func(o *ClientOptions) []string { return []string{o.Host} }},
	{name: "User", set: cStr(func(o *ClientOptions) *string { return &o.User }), g: gStr(func(o *ClientOptions) *string { return &o.User })},
	{name: "HostName", set: cStr(func(o *ClientOptions) *string { return &o.HostName }), g: gStr(func(o *ClientOptions) *string { return &o.HostName })},
	{name: "Port", set: func(o *ClientOptions, a []string, _ bool) error {
		p, err := parsePort(a[0])
		o.Port = p
		return err
	}, g: gInt(func(o *ClientOptions) *int { return &o.Port })},

	{name: "AddressFamily", set: func(o *ClientOptions, a []string, _ bool) error {
		v, err := parseChoice(a[0], "any", "inet", "inet6")
		o.AddressFamily = v
		return err
	}, g: gStr(func(o *ClientOptions) *string { return &o.AddressFamily })},
	{name: "BatchMode", set: cBool(func(o *ClientOptions) *bool { return &o.BatchMode }), g: gBool(func(o *ClientOptions) *bool { return &o.BatchMode })},
	cw("CanonicalizeFallbackLocal", "yes", nFlag),
	cw("CanonicalizeHostname", "false", nMulti("yes=true", "no=false", "true", "false", "always")),
	{name: "CheckHostIP", set: cBool(func(o *ClientOptions) *bool { return &o.CheckHostIP }), g: gBool(func(o *ClientOptions) *bool { return &o.CheckHostIP })},
	{name: "Compression", set: cBool(func(o *ClientOptions) *bool { return &o.Compression }), g: gBool(func(o *ClientOptions) *bool { return &o.Compression })},
	{name: "ControlMaster", set: cNorm(func(o *ClientOptions) *string { return &o.ControlMaster }, nMulti("yes=true", "no=false", "true", "false", "auto", "ask", "autoask")), g: gStr(func(o *ClientOptions) *string { return &o.ControlMaster })},
	cw("EnableSSHKeysign", "no", nFlag),
	{name: "ClearAllForwardings", set: cBool(func(o *ClientOptions) *bool { return &o.ClearAllForwardings }), g: gBool(func(o *ClientOptions) *bool { return &o.ClearAllForwardings })},
	{name: "ExitOnForwardFailure", set: cBool(func(o *ClientOptions) *bool { return &o.ExitOnForwardFailure }), g: gBool(func(o *ClientOptions) *bool { return &o.ExitOnForwardFailure })},
	cw("FingerprintHash", "SHA256", nMulti("sha256=SHA256", "md5=MD5")),
	cw("ForwardX11", "no", nFlag),
	cw("ForwardX11Trusted", "yes", nFlag),
	{name: "GatewayPorts", set: cBool(func(o *ClientOptions) *bool { return &o.GatewayPorts }), g: gBool(func(o *ClientOptions) *bool { return &o.GatewayPorts })},
	cw("GSSAPIAuthentication", "no", nFlag),
	cw("GSSAPIKeyExchange", "no", nFlag),
	cw("GSSAPIDelegateCredentials", "no", nFlag),
	cw("GSSAPITrustDns", "no", nFlag),
	cw("GSSAPIRenewalForcesRekey", "no", nFlag),
	cw("GSSAPIKexAlgorithms", "gss-group14-sha256-,gss-group16-sha512-,gss-nistp256-sha256-,gss-curve25519-sha256-,gss-group14-sha1-,gss-gex-sha1-", nFirst),
	{name: "HashKnownHosts", set: cBool(func(o *ClientOptions) *bool { return &o.HashKnownHosts }), g: gBool(func(o *ClientOptions) *bool { return &o.HashKnownHosts })},
	cw("HostbasedAuthentication", "no", nFlag),
	{name: "IdentitiesOnly", set: cBool(func(o *ClientOptions) *bool { return &o.IdentitiesOnly }), g: gBool(func(o *ClientOptions) *bool { return &o.IdentitiesOnly })},
	{name: "KbdInteractiveAuthentication", set: cBool(func(o *ClientOptions) *bool { return &o.KbdInteractiveAuthentication }), g: gBool(func(o *ClientOptions) *bool { return &o.KbdInteractiveAuthentication })},
	cw("NoHostAuthenticationForLocalhost", "no", nFlag),
	{name: "PasswordAuthentication", set: cBool(func(o *ClientOptions) *bool { return &o.PasswordAuthentication }), g: gBool(func(o *ClientOptions) *bool { return &o.PasswordAuthentication })},
	{name: "PermitLocalCommand", set: cBool(func(o *ClientOptions) *bool { return &o.PermitLocalCommand }), g: gBool(func(o *ClientOptions) *bool { return &o.PermitLocalCommand })},
	cw("ProxyUseFdpass", "no", nFlag),
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
	cw("SessionType", "default", nMulti("none", "subsystem", "default")),
	cw("StdinNull", "no", nFlag),
	cw("ForkAfterAuthentication", "no", nFlag),
	cw("StreamLocalBindUnlink", "no", nFlag),
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
	{name: "TCPKeepAlive", set: cBool(func(o *ClientOptions) *bool { return &o.TCPKeepAlive }), g: gBool(func(o *ClientOptions) *bool { return &o.TCPKeepAlive })},
	cw("Tunnel", "false", nMulti("yes=point-to-point", "no=false", "true=point-to-point", "false", "ethernet", "point-to-point")),
	cw("VerifyHostKeyDNS", "false", nMulti("yes=true", "no=false", "true", "false", "ask")),
	cw("VisualHostKey", "no", nFlag),
	{name: "UpdateHostKeys", set: setUpdateHostKeys, g: getUpdateHostKeys},
	cw("EnableEscapeCommandline", "no", nFlag),

	cw("CanonicalizeMaxDots", "1", nInt),
	{name: "ConnectionAttempts", set: cInt(func(o *ClientOptions) *int { return &o.ConnectionAttempts }), g: gInt(func(o *ClientOptions) *int { return &o.ConnectionAttempts })},
	cw("ForwardX11Timeout", "1200", nTime),
	{name: "NumberOfPasswordPrompts", set: cInt(func(o *ClientOptions) *int { return &o.NumberOfPasswordPrompts }), g: gInt(func(o *ClientOptions) *int { return &o.NumberOfPasswordPrompts })},
	{name: "ServerAliveCountMax", set: cInt(func(o *ClientOptions) *int { return &o.ServerAliveCountMax }), g: gInt(func(o *ClientOptions) *int { return &o.ServerAliveCountMax })},
	{name: "ServerAliveInterval", set: cTime(func(o *ClientOptions) *time.Duration { return &o.ServerAliveInterval }), g: func(o *ClientOptions) []string {
		return []string{strconv.Itoa(int(o.ServerAliveInterval / time.Second))}
	}},
	cw("RequiredRSASize", "1024", nInt),

	{name: "BindAddress", set: cStr(func(o *ClientOptions) *string { return &o.BindAddress }), g: gStr(func(o *ClientOptions) *string { return &o.BindAddress })},
	cw("BindInterface", "", nFirst),
	{name: "Ciphers", set: cAlgo(func(o *ClientOptions) *string { return &o.Ciphers }), g: gAlgo("cipher", func(o *ClientOptions) *string { return &o.Ciphers })},
	{name: "ControlPath", set: cStr(func(o *ClientOptions) *string { return &o.ControlPath }), g: gStr(func(o *ClientOptions) *string { return &o.ControlPath })},
	{name: "HostKeyAlgorithms", set: cAlgo(func(o *ClientOptions) *string { return &o.HostKeyAlgorithms }), g: gAlgo("key", func(o *ClientOptions) *string { return &o.HostKeyAlgorithms })},
	{name: "HostKeyAlias", set: cStr(func(o *ClientOptions) *string { return &o.HostKeyAlias }), g: func(o *ClientOptions) []string {
		if o.HostKeyAlias == "" {
			return nil
		}
		return []string{strings.ToLower(o.HostKeyAlias)}
	}},
	cw("HostbasedAcceptedAlgorithms", defaultOpenSSHAlgos["key"], func(a []string) (string, error) { return opensshAlgoText("key", a[0]), checkAlgoList(a[0]) }),
	{name: "IdentityAgent", set: cAgentPath(func(o *ClientOptions) *string { return &o.IdentityAgent }), g: gStr(func(o *ClientOptions) *string { return &o.IdentityAgent })},
	{name: "IgnoreUnknown", status: structural, x: &extraVal{}},
	cw("KbdInteractiveDevices", "", nFirst),
	{name: "KexAlgorithms", set: cAlgo(func(o *ClientOptions) *string { return &o.KexAlgorithms }), g: gAlgo("kex", func(o *ClientOptions) *string { return &o.KexAlgorithms })},
	cw("CASignatureAlgorithms", defaultOpenSSHAlgos["sig"], func(a []string) (string, error) { return opensshAlgoText("sig", a[0]), checkAlgoList(a[0]) }),
	{name: "LocalCommand", set: cCommand(func(o *ClientOptions) *string { return &o.LocalCommand }), g: gStr(func(o *ClientOptions) *string { return &o.LocalCommand })},
	{name: "RemoteCommand", set: func(o *ClientOptions, a []string, _ bool) error {
		o.RemoteCommand = strings.Join(a, " ")
		return nil
	}, g: gStr(func(o *ClientOptions) *string { return &o.RemoteCommand })},
	{name: "LogLevel", set: func(o *ClientOptions, a []string, _ bool) error {
		v, err := parseLogLevel(a[0])
		o.LogLevel = v
		return err
	}, g: func(o *ClientOptions) []string { return []string{logLevelName(o.LogLevel)} }},
	{name: "MACs", set: cAlgo(func(o *ClientOptions) *string { return &o.MACs }), g: gAlgo("mac", func(o *ClientOptions) *string { return &o.MACs })},
	cw("PKCS11Provider", "", nFirst),
	cw("SecurityKeyProvider", "internal", nFirst),
	{name: "PreferredAuthentications", set: func(o *ClientOptions, a []string, _ bool) error {
		o.PreferredAuthentications = strings.Split(a[0], ",")
		return nil
	}, g: func(o *ClientOptions) []string {
		if o.PreferredAuthentications == nil {
			return nil
		}
		return []string{strings.Join(o.PreferredAuthentications, ",")}
	}},
	{name: "PubkeyAcceptedAlgorithms", set: cAlgo(func(o *ClientOptions) *string { return &o.PubkeyAcceptedAlgorithms }), g: gAlgo("key", func(o *ClientOptions) *string { return &o.PubkeyAcceptedAlgorithms })},
	cw("RevokedHostKeys", "", nFirst),
	cw("XAuthLocation", "/usr/bin/xauth", nFirst),
	{name: "KnownHostsCommand", set: cCommand(func(o *ClientOptions) *string { return &o.KnownHostsCommand }), g: gStr(func(o *ClientOptions) *string { return &o.KnownHostsCommand })},

	{name: "DynamicForward", acc: true, set: setForward(func(o *ClientOptions) *[]string { return &o.DynamicForward }, true),
		g: gForwards(func(o *ClientOptions) []string { return o.DynamicForward }, true)},
	{name: "LocalForward", acc: true, set: setForward(func(o *ClientOptions) *[]string { return &o.LocalForward }, false),
		g: gForwards(func(o *ClientOptions) []string { return o.LocalForward }, false)},
	{name: "RemoteForward", acc: true, set: setForward(func(o *ClientOptions) *[]string { return &o.RemoteForward }, false),
		g: gForwards(func(o *ClientOptions) []string { return o.RemoteForward }, false)},

	{name: "IdentityFile", acc: true, set: cAcc(func(o *ClientOptions) *[]string { return &o.IdentityFiles }),
		g: gLines(func(o *ClientOptions) []string { return o.rawOr("identityfile", o.IdentityFiles) })},
	cw("CanonicalDomains", "none", nil),
	{name: "CertificateFile", acc: true, set: cAcc(func(o *ClientOptions) *[]string { return &o.CertificateFiles }),
		g: gLines(func(o *ClientOptions) []string { return o.rawOr("certificatefile", o.CertificateFiles) })},
	{name: "GlobalKnownHostsFile", set: cList(func(o *ClientOptions) *[]string { return &o.GlobalKnownHostsFiles }),
		g: gJoined(func(o *ClientOptions) []string { return o.GlobalKnownHostsFiles })},
	{name: "UserKnownHostsFile", set: cList(func(o *ClientOptions) *[]string { return &o.UserKnownHostsFiles }),
		g: gJoined(func(o *ClientOptions) []string { return o.UserKnownHostsFiles })},
	{name: "SendEnv", acc: true, set: setSendEnv, g: gLines(func(o *ClientOptions) []string { return o.SendEnv })},
	{name: "SetEnv", set: func(o *ClientOptions, a []string, _ bool) error {
		for _, v := range a {
			if !strings.Contains(v, "=") {
				return fmt.Errorf("invalid SetEnv %q (want NAME=VALUE)", v)
			}
		}
		o.SetEnv = firstOfEachName(a)
		return nil
	}, g: gLines(func(o *ClientOptions) []string { return o.SetEnv })},
	cwn("LogVerbose", "none", nFirst), // OpenSSH keeps the first argument

	cw("PermitRemoteOpen", "any", nil),
	cw("AddKeysToAgent", "false", nMulti("yes=true", "no=false", "true", "false", "ask", "confirm")),
	{name: "ForwardAgent", set: setForwardAgent, g: func(o *ClientOptions) []string {
		if o.ForwardAgentSock != "" {
			return []string{o.ForwardAgentSock}
		}
		return []string{yesno(o.ForwardAgent)}
	}},
	{name: "ConnectTimeout", set: cTime(func(o *ClientOptions) *time.Duration { return &o.ConnectTimeout }), g: func(o *ClientOptions) []string {
		if o.ConnectTimeout == 0 {
			return []string{"none"}
		}
		return []string{strconv.Itoa(int(o.ConnectTimeout / time.Second))}
	}},
	cw("TunnelDevice", "any:any", nil),
	cw("CanonicalizePermittedCNAMEs", "none", nil),
	{name: "ControlPersist", set: cNorm(func(o *ClientOptions) *string { return &o.ControlPersist }, nControlPersist), g: gStr(func(o *ClientOptions) *string { return &o.ControlPersist })},
	{name: "EscapeChar", set: func(o *ClientOptions, a []string, _ bool) error {
		v := a[0]
		if !(strings.EqualFold(v, "none") || len(v) == 1 || len(v) == 2 && v[0] == '^' && v[1] >= '@' && v[1] <= '_' || len(v) == 2 && v[0] == '^' && v[1] >= 'a' && v[1] <= 'z') {
			return fmt.Errorf("Bad escape character %q", v)
		}
		o.EscapeChar = v
		return nil
	}, g: func(o *ClientOptions) []string { return []string{visEscape(o.EscapeChar)} }},
	cwn("IPQoS", "lowdelay throughput", nIPQoS),
	{name: "RekeyLimit", set: func(o *ClientOptions, a []string, _ bool) error {
		v, err := nRekeyLimit(a)
		o.RekeyLimit = v
		return err
	}, g: func(o *ClientOptions) []string { return []string{rekeyText(o.RekeyLimit)} }},
	cw("StreamLocalBindMask", "0177", nOctalMask),
	cw("SyslogFacility", "USER", nUpper),
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
	cwHidden("GSSAPIClientIdentity"),
	cwHidden("GSSAPIServerIdentity"),
	// Newer than the OpenSSH the tests compare ssh -G with, so not
	// printed: ChannelTimeout and ObscureKeystrokeTiming (9.x), Tag (9.4),
	// RefuseConnection (10.0), WarnWeakCrypto and VersionAddendum (10.1).
	cwHidden("ChannelTimeout"),
	cwHidden("ObscureKeystrokeTiming"),
	cwHidden("Tag"),
	cwHidden("WarnWeakCrypto"),
	cwHidden("VersionAddendum"),
	{name: "RefuseConnection", set: cBool(func(o *ClientOptions) *bool { return &o.RefuseConnection })},
	cdep("Protocol"), cdep("Cipher"), cdep("FallBackToRsh"), cdep("UseRsh"), cdep("UsePrivilegedPort"),
	cdep("RhostsRSAAuthentication"), cdep("RSAAuthentication"), cdep("CompressionLevel"), cdep("UseRoaming"),
	cdep("UseBlacklistedKeys"), cdep("AFSTokenPassing"), cdep("GlobalKnownHostsFile2"), cdep("UserKnownHostsFile2"),
	cdep("KerberosAuthentication"), cdep("KerberosTGTPassing"), cdep("ProtocolKeepAlives"), cdep("RhostsAuthentication"),
}

// cCommand keeps a command line (LocalCommand, KnownHostsCommand) as
// written; its tokens are expanded when it runs.
func cCommand(f func(*ClientOptions) *string) func(*ClientOptions, []string, bool) error {
	return func(o *ClientOptions, a []string, _ bool) error {
		*f(o) = strings.Join(a, " ")
		return nil
	}
}

// cAgentPath keeps an agent socket (IdentityAgent): a path, "none",
// SSH_AUTH_SOCK or "$NAME". As OpenSSH's readconf, a ${VAR} that is not
// set is an error as soon as the line is read.
func cAgentPath(f func(*ClientOptions) *string) func(*ClientOptions, []string, bool) error {
	return func(o *ClientOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		if err := checkAgentPath(a[0]); err != nil {
			return err
		}
		*f(o) = a[0]
		return nil
	}
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
var clientAliases = map[string]string{
	"challengeresponseauthentication": "kbdinteractiveauthentication",
	"pubkeyacceptedkeytypes":          "pubkeyacceptedalgorithms",
	"hostbasedkeytypes":               "hostbasedacceptedalgorithms",
	"skeyauthentication":              "kbdinteractiveauthentication",
	"tisauthentication":               "kbdinteractiveauthentication",
	"dsaauthentication":               "pubkeyauthentication",
	"identityfile2":                   "identityfile",
	"setuptimeout":                    "connecttimeout", // Debian
	"smartcarddevice":                 "pkcs11provider",
}

var clientIndex = func() map[string]*clientKW {
	m := map[string]*clientKW{}
	for i := range clientTable {
		m[strings.ToLower(clientTable[i].name)] = &clientTable[i]
	}
	return m
}()

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
