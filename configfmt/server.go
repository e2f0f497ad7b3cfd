package configfmt

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The sshd_config keyword table (OpenSSH 9.2, Debian's additions included),
// in `sshd -T` order.

type serverKW struct {
	name   string
	status status
	acc    bool // every line adds (Port, HostKey, AllowUsers...) instead of first-wins
	match  bool // allowed inside a Match block
	set    func(o *ServerOptions, a []string, first bool) error
	t      func(o *ServerOptions) []string // -T values, one per line; nil: not printed
	x      *extraVal
}

// sw: a keyword sshbox does not act on; inMatch as OpenSSH's SSHCFG_ALL.
func sw(name, def string, inMatch bool, norm func([]string) (string, error)) serverKW {
	return serverKW{name: name, status: warned, match: inMatch, x: &extraVal{def: def, norm: norm, single: norm != nil}}
}

// swn: like sw, for a keyword taking several arguments.
func swn(name, def string, inMatch bool, norm func([]string) (string, error)) serverKW {
	k := sw(name, def, inMatch, norm)
	k.x.single = false
	return k
}

// swHidden: a keyword sshd -T does not print.
func swHidden(name string, inMatch bool, norm func([]string) (string, error)) serverKW {
	k := sw(name, "", inMatch, norm)
	k.x.hidden = true
	return k
}

// swnHidden: a keyword of several arguments sshd -T does not print.
func swnHidden(name string, inMatch bool, norm func([]string) (string, error)) serverKW {
	k := swHidden(name, inMatch, norm)
	k.x.single = false
	return k
}

func sdep(name string) serverKW { return serverKW{name: name, status: deprecated, match: true} }

func sBool(f func(*ServerOptions) *bool) func(*ServerOptions, []string, bool) error {
	return func(o *ServerOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		v, err := parseYesNo(a[0])
		*f(o) = v
		return err
	}
}

func tBool(f func(*ServerOptions) *bool) func(*ServerOptions) []string {
	return func(o *ServerOptions) []string { return []string{yesno(*f(o))} }
}

func sInt(f func(*ServerOptions) *int) func(*ServerOptions, []string, bool) error {
	return func(o *ServerOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		v, err := parseInt(a[0])
		*f(o) = v
		return err
	}
}

func tInt(f func(*ServerOptions) *int) func(*ServerOptions) []string {
	return func(o *ServerOptions) []string { return []string{strconv.Itoa(*f(o))} }
}

func sTime(f func(*ServerOptions) *time.Duration) func(*ServerOptions, []string, bool) error {
	return func(o *ServerOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		v, err := parseTime(a[0])
		*f(o) = time.Duration(v) * time.Second
		return err
	}
}

func tTime(f func(*ServerOptions) *time.Duration) func(*ServerOptions) []string {
	return func(o *ServerOptions) []string { return []string{strconv.Itoa(int(*f(o) / time.Second))} }
}

func sStr(f func(*ServerOptions) *string) func(*ServerOptions, []string, bool) error {
	return func(o *ServerOptions, a []string, _ bool) error { *f(o) = a[0]; return oneArg(a) }
}

// sLine keeps the whole rest of the line (ForceCommand).
func sLine(f func(*ServerOptions) *string) func(*ServerOptions, []string, bool) error {
	return func(o *ServerOptions, a []string, _ bool) error { *f(o) = strings.Join(a, " "); return nil }
}

// sCommand keeps a command line whose program must be an absolute path
// (AuthorizedKeysCommand), or "none".
func sCommand(name string, f func(*ServerOptions) *string) func(*ServerOptions, []string, bool) error {
	return func(o *ServerOptions, a []string, _ bool) error {
		*f(o) = strings.Join(a, " ")
		if !strings.EqualFold(a[0], "none") && !strings.HasPrefix(a[0], "/") {
			return fmt.Errorf("%s must be an absolute path", name)
		}
		return nil
	}
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

// tStr prints the value, or "none" when empty.
func tStr(f func(*ServerOptions) *string) func(*ServerOptions) []string {
	return func(o *ServerOptions) []string {
		if *f(o) == "" {
			return []string{"none"}
		}
		return []string{*f(o)}
	}
}

func sChoice(f func(*ServerOptions) *string, choices ...string) func(*ServerOptions, []string, bool) error {
	return func(o *ServerOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		v, err := parseChoice(a[0], choices...)
		*f(o) = v
		return err
	}
}

func sAlgo(f func(*ServerOptions) *string) func(*ServerOptions, []string, bool) error {
	return func(o *ServerOptions, a []string, _ bool) error {
		*f(o) = a[0]
		if err := oneArg(a); err != nil {
			return err
		}
		return checkAlgoList(a[0])
	}
}

func tAlgo(kind string, f func(*ServerOptions) *string) func(*ServerOptions) []string {
	return func(o *ServerOptions) []string { return []string{opensshAlgoText(kind, *f(o))} }
}

// sAcc appends every argument of every line; the first line replaces the
// default (or, in a Match block, the global value).
func sAcc(f func(*ServerOptions) *[]string) func(*ServerOptions, []string, bool) error {
	return func(o *ServerOptions, a []string, first bool) error {
		if first {
			*f(o) = nil
		}
		*f(o) = append(*f(o), a...)
		return nil
	}
}

// sList keeps the arguments of the first line (AuthorizedKeysFile a b).
func sList(f func(*ServerOptions) *[]string) func(*ServerOptions, []string, bool) error {
	return func(o *ServerOptions, a []string, _ bool) error { *f(o) = append([]string(nil), a...); return nil }
}

func tLines(f func(*ServerOptions) []string) func(*ServerOptions) []string { return f }

func tJoined(f func(*ServerOptions) []string, empty string) func(*ServerOptions) []string {
	return func(o *ServerOptions) []string {
		if len(f(o)) == 0 {
			if empty == "" {
				return nil
			}
			return []string{empty}
		}
		return []string{strings.Join(f(o), " ")}
	}
}

func forwardingChoice(f func(*ServerOptions) *string) func(*ServerOptions, []string, bool) error {
	return func(o *ServerOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		v, err := parseChoice(a[0], "yes", "all", "no", "local", "remote")
		if v == "all" {
			v = "yes"
		}
		*f(o) = v
		return err
	}
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
	{name: "AddressFamily", set: sChoice(func(o *ServerOptions) *string { return &o.AddressFamily }, "any", "inet", "inet6"),
		t: tStr(func(o *ServerOptions) *string { return &o.AddressFamily })},
	{name: "ListenAddress", acc: true, set: setListenAddress, t: listenAddrLines},
	{name: "UsePAM", set: sBool(func(o *ServerOptions) *bool { return &o.UsePAM }), t: tBool(func(o *ServerOptions) *bool { return &o.UsePAM })},
	{name: "LoginGraceTime", set: sTime(func(o *ServerOptions) *time.Duration { return &o.LoginGraceTime }),
		t: tTime(func(o *ServerOptions) *time.Duration { return &o.LoginGraceTime })},
	sw("X11DisplayOffset", "10", true, nInt),
	{name: "MaxAuthTries", match: true, set: sInt(func(o *ServerOptions) *int { return &o.MaxAuthTries }), t: tInt(func(o *ServerOptions) *int { return &o.MaxAuthTries })},
	{name: "MaxSessions", match: true, set: sInt(func(o *ServerOptions) *int { return &o.MaxSessions }), t: tInt(func(o *ServerOptions) *int { return &o.MaxSessions })},
	{name: "ClientAliveInterval", match: true, set: sTime(func(o *ServerOptions) *time.Duration { return &o.ClientAliveInterval }),
		t: tTime(func(o *ServerOptions) *time.Duration { return &o.ClientAliveInterval })},
	{name: "ClientAliveCountMax", match: true, set: sInt(func(o *ServerOptions) *int { return &o.ClientAliveCountMax }),
		t: tInt(func(o *ServerOptions) *int { return &o.ClientAliveCountMax })},
	sw("RequiredRSASize", "1024", true, nInt),
	{name: "StreamLocalBindMask", match: true, set: setBindMask, t: func(o *ServerOptions) []string {
		return []string{"0" + strconv.FormatUint(uint64(o.StreamLocalBindMask), 8)}
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
	sw("IgnoreRhosts", "yes", true, nMulti("yes", "no", "shosts-only")),
	sw("IgnoreUserKnownHosts", "no", false, nFlag),
	sw("HostbasedAuthentication", "no", true, nFlag),
	sw("HostbasedUsesNameFromPacketOnly", "no", true, nFlag),
	{name: "PubkeyAuthentication", match: true, set: sBool(func(o *ServerOptions) *bool { return &o.PubkeyAuthentication }),
		t: tBool(func(o *ServerOptions) *bool { return &o.PubkeyAuthentication })},
	sw("KerberosAuthentication", "no", true, nFlag),
	sw("KerberosOrLocalPasswd", "yes", false, nFlag),
	sw("KerberosTicketCleanup", "yes", false, nFlag),
	sw("GSSAPIAuthentication", "no", true, nFlag),
	sw("GSSAPICleanupCredentials", "yes", false, nFlag),
	sw("GSSAPIKeyExchange", "no", false, nFlag),
	sw("GSSAPIStrictAcceptorCheck", "yes", false, nFlag),
	sw("GSSAPIStoreCredentialsOnRekey", "no", false, nFlag),
	sw("GSSAPIKexAlgorithms", "gss-group14-sha256-,gss-group16-sha512-,gss-nistp256-sha256-,gss-curve25519-sha256-,gss-group14-sha1-,gss-gex-sha1-", false, nFirst),
	{name: "PasswordAuthentication", match: true, set: sBool(func(o *ServerOptions) *bool { return &o.PasswordAuthentication }),
		t: tBool(func(o *ServerOptions) *bool { return &o.PasswordAuthentication })},
	{name: "KbdInteractiveAuthentication", match: true, set: sBool(func(o *ServerOptions) *bool { return &o.KbdInteractiveAuthentication }),
		t: tBool(func(o *ServerOptions) *bool { return &o.KbdInteractiveAuthentication })},
	{name: "PrintMotd", set: sBool(func(o *ServerOptions) *bool { return &o.PrintMotd }), t: tBool(func(o *ServerOptions) *bool { return &o.PrintMotd })},
	{name: "PrintLastLog", set: sBool(func(o *ServerOptions) *bool { return &o.PrintLastLog }), t: tBool(func(o *ServerOptions) *bool { return &o.PrintLastLog })},
	{name: "X11Forwarding", match: true, set: sBool(func(o *ServerOptions) *bool { return &o.X11Forwarding }), t: tBool(func(o *ServerOptions) *bool { return &o.X11Forwarding })},
	sw("X11UseLocalhost", "yes", true, nFlag),
	{name: "PermitTTY", match: true, set: sBool(func(o *ServerOptions) *bool { return &o.PermitTTY }), t: tBool(func(o *ServerOptions) *bool { return &o.PermitTTY })},
	sw("PermitUserRC", "yes", true, nFlag),
	{name: "StrictModes", set: sBool(func(o *ServerOptions) *bool { return &o.StrictModes }), t: tBool(func(o *ServerOptions) *bool { return &o.StrictModes })},
	{name: "TCPKeepAlive", set: sBool(func(o *ServerOptions) *bool { return &o.TCPKeepAlive }), t: tBool(func(o *ServerOptions) *bool { return &o.TCPKeepAlive })},
	{name: "PermitEmptyPasswords", match: true, set: sBool(func(o *ServerOptions) *bool { return &o.PermitEmptyPasswords }),
		t: tBool(func(o *ServerOptions) *bool { return &o.PermitEmptyPasswords })},
	sw("Compression", "yes", false, nMulti("yes", "delayed=yes", "no")),
	{name: "GatewayPorts", match: true, set: sChoice(func(o *ServerOptions) *string { return &o.GatewayPorts }, "no", "yes", "clientspecified"),
		t: tStr(func(o *ServerOptions) *string { return &o.GatewayPorts })},
	sw("UseDNS", "no", false, nFlag),
	{name: "AllowTcpForwarding", match: true, set: forwardingChoice(func(o *ServerOptions) *string { return &o.AllowTcpForwarding }),
		t: tStr(func(o *ServerOptions) *string { return &o.AllowTcpForwarding })},
	{name: "AllowAgentForwarding", match: true, set: sBool(func(o *ServerOptions) *bool { return &o.AllowAgentForwarding }),
		t: tBool(func(o *ServerOptions) *bool { return &o.AllowAgentForwarding })},
	{name: "DisableForwarding", match: true, set: sBool(func(o *ServerOptions) *bool { return &o.DisableForwarding }),
		t: tBool(func(o *ServerOptions) *bool { return &o.DisableForwarding })},
	{name: "AllowStreamLocalForwarding", match: true, set: forwardingChoice(func(o *ServerOptions) *string { return &o.AllowStreamLocalForwarding }),
		t: tStr(func(o *ServerOptions) *string { return &o.AllowStreamLocalForwarding })},
	{name: "StreamLocalBindUnlink", match: true, set: sBool(func(o *ServerOptions) *bool { return &o.StreamLocalBindUnlink }),
		t: tBool(func(o *ServerOptions) *bool { return &o.StreamLocalBindUnlink })},
	sw("FingerprintHash", "SHA256", false, nMulti("sha256=SHA256", "md5=MD5")),
	{name: "ExposeAuthInfo", match: true, set: sBool(func(o *ServerOptions) *bool { return &o.ExposeAuthInfo }),
		t: tBool(func(o *ServerOptions) *bool { return &o.ExposeAuthInfo })},
	{name: "PidFile", set: sStr(func(o *ServerOptions) *string { return &o.PidFile }), t: tStr(func(o *ServerOptions) *string { return &o.PidFile })},
	sw("ModuliFile", "/etc/ssh/moduli", false, nFirst),
	sw("XAuthLocation", "/usr/bin/xauth", false, nFirst),
	{name: "Ciphers", set: sAlgo(func(o *ServerOptions) *string { return &o.Ciphers }), t: tAlgo("cipher", func(o *ServerOptions) *string { return &o.Ciphers })},
	{name: "MACs", set: sAlgo(func(o *ServerOptions) *string { return &o.MACs }), t: tAlgo("mac", func(o *ServerOptions) *string { return &o.MACs })},
	{name: "Banner", match: true, set: sStr(func(o *ServerOptions) *string { return &o.Banner }), t: tStr(func(o *ServerOptions) *string { return &o.Banner })},
	{name: "ForceCommand", match: true, set: sLine(func(o *ServerOptions) *string { return &o.ForceCommand }), t: tStr(func(o *ServerOptions) *string { return &o.ForceCommand })},
	{name: "ChrootDirectory", match: true, set: sStr(func(o *ServerOptions) *string { return &o.ChrootDirectory }), t: tStr(func(o *ServerOptions) *string { return &o.ChrootDirectory })},
	{name: "TrustedUserCAKeys", match: true, set: sStr(func(o *ServerOptions) *string { return &o.TrustedUserCAKeys }), t: tStr(func(o *ServerOptions) *string { return &o.TrustedUserCAKeys })},
	{name: "RevokedKeys", match: true, set: sStr(func(o *ServerOptions) *string { return &o.RevokedKeys }), t: tStr(func(o *ServerOptions) *string { return &o.RevokedKeys })},
	sw("SecurityKeyProvider", "internal", false, nFirst),
	{name: "AuthorizedPrincipalsFile", match: true, set: sStr(func(o *ServerOptions) *string { return &o.AuthorizedPrincipalsFile }),
		t: tStr(func(o *ServerOptions) *string { return &o.AuthorizedPrincipalsFile })},
	sw("VersionAddendum", "none", false, nil),
	{name: "AuthorizedKeysCommand", match: true, set: sCommand("AuthorizedKeysCommand", func(o *ServerOptions) *string { return &o.AuthorizedKeysCommand }),
		t: tStr(func(o *ServerOptions) *string { return &o.AuthorizedKeysCommand })},
	{name: "AuthorizedKeysCommandUser", match: true, set: sStr(func(o *ServerOptions) *string { return &o.AuthorizedKeysCommandUser }),
		t: tStr(func(o *ServerOptions) *string { return &o.AuthorizedKeysCommandUser })},
	{name: "AuthorizedPrincipalsCommand", match: true, set: sCommand("AuthorizedPrincipalsCommand", func(o *ServerOptions) *string { return &o.AuthorizedPrincipalsCommand }),
		t: tStr(func(o *ServerOptions) *string { return &o.AuthorizedPrincipalsCommand })},
	{name: "AuthorizedPrincipalsCommandUser", match: true, set: sStr(func(o *ServerOptions) *string { return &o.AuthorizedPrincipalsCommandUser }),
		t: tStr(func(o *ServerOptions) *string { return &o.AuthorizedPrincipalsCommandUser })},
	{name: "HostKeyAgent", set: func(o *ServerOptions, a []string, _ bool) error { o.HostKeyAgent = a[0]; return oneArg(a) },
		t: func(o *ServerOptions) []string {
			if o.HostKeyAgent == "" {
				return []string{"none"}
			}
			return []string{o.HostKeyAgent}
		}},
	{name: "KexAlgorithms", set: sAlgo(func(o *ServerOptions) *string { return &o.KexAlgorithms }), t: tAlgo("kex", func(o *ServerOptions) *string { return &o.KexAlgorithms })},
	{name: "CASignatureAlgorithms", set: func(o *ServerOptions, a []string, _ bool) error {
		if err := checkAlgoList(a[0]); err != nil {
			return err
		}
		o.CASignatureAlgorithms = strings.Split(opensshAlgoText("sig", a[0]), ",")
		return nil
	}, t: func(o *ServerOptions) []string { return []string{strings.Join(o.CASignatureAlgorithms, ",")} }},
	sw("HostbasedAcceptedAlgorithms", defaultOpenSSHAlgos["key"], true, func(a []string) (string, error) { return opensshAlgoText("key", a[0]), checkAlgoList(a[0]) }),
	{name: "HostKeyAlgorithms", set: sAlgo(func(o *ServerOptions) *string { return &o.HostKeyAlgorithms }), t: tAlgo("key", func(o *ServerOptions) *string { return &o.HostKeyAlgorithms })},
	{name: "PubkeyAcceptedAlgorithms", match: true, set: sAlgo(func(o *ServerOptions) *string { return &o.PubkeyAcceptedAlgorithms }),
		t: tAlgo("key", func(o *ServerOptions) *string { return &o.PubkeyAcceptedAlgorithms })},
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
	}, t: tStr(func(o *ServerOptions) *string { return &o.SyslogFacility })},
	{name: "AuthorizedKeysFile", match: true, set: sList(func(o *ServerOptions) *[]string { return &o.AuthorizedKeysFile }),
		t: tJoined(func(o *ServerOptions) []string { return o.AuthorizedKeysFile }, "none")},
	{name: "HostKey", acc: true, set: sAcc(func(o *ServerOptions) *[]string { return &o.HostKeys }), t: tLines(func(o *ServerOptions) []string { return o.HostKeys })},
	{name: "HostCertificate", acc: true, set: sAcc(func(o *ServerOptions) *[]string { return &o.HostCertificates }),
		t: tLines(func(o *ServerOptions) []string { return o.HostCertificates })},
	{name: "AllowUsers", acc: true, match: true, set: sAcc(func(o *ServerOptions) *[]string { return &o.AllowUsers }), t: tLines(func(o *ServerOptions) []string { return o.AllowUsers })},
	{name: "DenyUsers", acc: true, match: true, set: sAcc(func(o *ServerOptions) *[]string { return &o.DenyUsers }), t: tLines(func(o *ServerOptions) []string { return o.DenyUsers })},
	{name: "AllowGroups", acc: true, match: true, set: sAcc(func(o *ServerOptions) *[]string { return &o.AllowGroups }), t: tLines(func(o *ServerOptions) []string { return o.AllowGroups })},
	{name: "DenyGroups", acc: true, match: true, set: sAcc(func(o *ServerOptions) *[]string { return &o.DenyGroups }), t: tLines(func(o *ServerOptions) []string { return o.DenyGroups })},
	{name: "AcceptEnv", acc: true, match: true, set: sAcc(func(o *ServerOptions) *[]string { return &o.AcceptEnv }), t: tLines(func(o *ServerOptions) []string { return o.AcceptEnv })},
	{name: "SetEnv", match: true, set: func(o *ServerOptions, a []string, _ bool) error {
		for _, v := range a {
			if !strings.Contains(v, "=") {
				return fmt.Errorf("invalid environment %q (want NAME=VALUE)", v)
			}
		}
		o.SetEnv = firstOfEachName(a)
		return nil
	}, t: tLines(func(o *ServerOptions) []string { return o.SetEnv })},
	{name: "AuthenticationMethods", match: true, set: sList(func(o *ServerOptions) *[]string { return &o.AuthenticationMethods }),
		t: tJoined(func(o *ServerOptions) []string { return o.AuthenticationMethods }, "any")},
	sw("LogVerbose", "", true, nil),
	{name: "ChannelTimeout", match: true, set: func(o *ServerOptions, a []string, _ bool) error {
		v, err := nChannelTimeout(a)
		o.ChannelTimeout = v
		return err
	}, t: func(o *ServerOptions) []string {
		if len(o.ChannelTimeout) == 0 {
			return nil
		}
		return []string{strings.Join(o.ChannelTimeout, " ")}
	}},
	{name: "Subsystem", acc: true, set: setSubsystem, t: subsystemLines},
	{name: "MaxStartups", set: func(o *ServerOptions, a []string, _ bool) error {
		if err := oneArg(a); err != nil {
			return err
		}
		o.MaxStartups = a[0]
		_, err := maxStartupsText(a[0])
		return err
	}, t: func(o *ServerOptions) []string { v, _ := maxStartupsText(o.MaxStartups); return []string{v} }},
	sw("PerSourceMaxStartups", "none", false, nFirst),
	sw("PerSourceNetBlockSize", "32:128", false, nFirst),
	sw("PermitTunnel", "no", true, nMulti("yes", "no", "point-to-point", "ethernet")),
	swn("IPQoS", "lowdelay throughput", true, nIPQoS),
	{name: "RekeyLimit", match: true, set: func(o *ServerOptions, a []string, _ bool) error {
		v, err := nRekeyLimit(a)
		o.RekeyLimit = v
		return err
	}, t: func(o *ServerOptions) []string { return []string{rekeyText(o.RekeyLimit)} }},
	{name: "PermitOpen", match: true, set: setPermitList(func(o *ServerOptions) *[]string { return &o.PermitOpen }, false),
		t: tJoined(func(o *ServerOptions) []string { return o.PermitOpen }, "any")},
	{name: "PermitListen", match: true, set: setPermitList(func(o *ServerOptions) *[]string { return &o.PermitListen }, true),
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
	sw("PubkeyAuthOptions", "none", true, nil),

	// Not printed by sshd -T.
	{name: "Match", status: structural, match: true},
	{name: "Include", status: structural, match: true},
	swHidden("RDomain", true, nFirst),
	swHidden("DebianBanner", false, nFlag),
	swHidden("KerberosGetAFSToken", false, nFlag),
	// OpenSSH 10's; its sshd -T prints them, 9.2's (the one tests compare
	// with) does not know them. The paths name OpenSSH's helper programs,
	// which sshbox does not have; the penalties are OpenSSH's abuse
	// throttling (see the class table for what sshbox does).
	swHidden("SshdSessionPath", false, nFirst),
	swHidden("SshdAuthPath", false, nFirst),
	swnHidden("PerSourcePenalties", false, nPenalties),
	swHidden("PerSourcePenaltyExemptList", false, nFirst),
	{name: "RefuseConnection", match: true, set: sBool(func(o *ServerOptions) *bool { return &o.RefuseConnection })},
	sdep("Protocol"), sdep("UsePrivilegeSeparation"), sdep("KeyRegenerationInterval"), sdep("ServerKeyBits"),
	sdep("RSAAuthentication"), sdep("RhostsRSAAuthentication"), sdep("UseLogin"),
	sdep("VerifyReverseMapping"), sdep("ReverseMappingCheck"), sdep("AFSTokenPassing"), sdep("CheckMail"),
	sdep("GSSAPIUseSessionCredCache"), sdep("GSSUseSessionCCache"), sdep("KerberosTGTPassing"),
	sdep("PAMAuthenticationViaKbdInt"), sdep("PermitBlacklistedKeys"), sdep("RhostsAuthentication"),
}

var serverAliases = map[string]string{
	"challengeresponseauthentication": "kbdinteractiveauthentication",
	"pubkeyacceptedkeytypes":          "pubkeyacceptedalgorithms",
	"hostbasedacceptedkeytypes":       "hostbasedacceptedalgorithms",
	"hostdsakey":                      "hostkey",
	"skeyauthentication":              "kbdinteractiveauthentication",
	"dsaauthentication":               "pubkeyauthentication",
	"authorizedkeysfile2":             "authorizedkeysfile",
	"gssapicleanupcreds":              "gssapicleanupcredentials",
}

var serverIndex = func() map[string]*serverKW {
	m := map[string]*serverKW{}
	for i := range serverTable {
		m[strings.ToLower(serverTable[i].name)] = &serverTable[i]
	}
	return m
}()

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
