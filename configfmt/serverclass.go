package configfmt

import (
	"fmt"
	"strconv"
	"strings"
)

// Fail-closed classification of every sshd_config keyword (design.md §5):
// a keyword is enforced (acted on, and a named test shows it), refused when
// its value would restrict something sshbox does not enforce, or accepted
// because it restricts nothing. An administrator's OpenSSH configuration
// must never silently give less protection on sshbox: it works the same,
// or sshd -t fails and sshd does not start.
//
// The classification lives here, apart from the keyword table in
// server.go, so that one keyword's class is one line.

type kwClass int

const (
	classEnforced kwClass = iota + 1 // acted on exactly as OpenSSH does
	classRefused                     // refused unless set to a value that restricts nothing
	classAccepted                    // accepted: restricts nothing (why in reason)
)

func (c kwClass) String() string {
	switch c {
	case classEnforced:
		return "enforced"
	case classRefused:
		return "refused"
	case classAccepted:
		return "accepted"
	}
	return "unclassified"
}

// serverClass is one keyword's class. Enforced keywords name the tests
// (test functions in e2e/ or in the package that acts on them) that show
// the enforcement; refused keywords say which values are still accepted
// (allowed) and why those are harmless; accepted ones why they are safe.
type serverClass struct {
	class   kwClass
	tests   []string               // classEnforced
	allowed func(a []string) bool  // classRefused: nil = every value is refused
	check   func(a []string) error // classRefused: instead of allowed, says why a value is refused
	reason  string                 // classAccepted, and classRefused's accepted values
}

func enforced(tests ...string) serverClass { return serverClass{class: classEnforced, tests: tests} }

func accepted(reason string) serverClass { return serverClass{class: classAccepted, reason: reason} }

// refusedUnless refuses every value but the harmless ones allowed accepts.
func refusedUnless(allowed func([]string) bool, reason string) serverClass {
	return serverClass{class: classRefused, allowed: allowed, reason: reason}
}

// refusedWhen refuses the values check explains an error for.
func refusedWhen(check func([]string) error, reason string) serverClass {
	return serverClass{class: classRefused, check: check, reason: reason}
}

// isWord: the value is one of words (case-insensitive), the harmless
// settings of a restricting keyword.
func isWord(words ...string) func([]string) bool {
	return func(a []string) bool {
		if len(a) != 1 {
			return false
		}
		for _, w := range words {
			if strings.EqualFold(a[0], w) {
				return true
			}
		}
		return false
	}
}

func isNo(a []string) bool {
	if len(a) != 1 {
		return false
	}
	b, err := parseYesNo(a[0])
	return err == nil && !b
}

const (
	noHostbased = "host-based and rhosts authentication are never offered, so it can only add a method sshbox does not have"
	noKerberos  = "Kerberos and GSSAPI authentication are never offered"
	noX11       = "X11 forwarding is never offered (x11-req is refused)"
	deprecatedR = "deprecated: OpenSSH itself ignores it"
)

// serverClasses: every row of serverTable (lowercase names), nothing else.
var serverClasses = map[string]serverClass{
	"port":                            enforced("TestSshdListensOnSeveralAddresses"),
	"addressfamily":                   enforced("TestListenAddrs"),
	"listenaddress":                   enforced("TestSshdListensOnSeveralAddresses"),
	"usepam":                          refusedWhen(checkUsePAM, "no, and yes while the sshd PAM stack holds only modules sshbox reproduces (pam_unix, pam_nologin) or that restrict nothing (pam_env, pam_motd, pam_systemd...; pam_limits with no limits set; pam_deny where a success jump skips it, as in Debian's stock stack); any other module refuses it with the PAM file and line"),
	"logingracetime":                  enforced("TestSshdAuthLoginGraceTime"),
	"x11displayoffset":                accepted(noX11),
	"maxauthtries":                    enforced("TestSshdAuthMaxAuthTries"),
	"maxsessions":                     enforced("TestSshdAuthMaxSessions"),
	"clientaliveinterval":             enforced("TestSshdAuthClientAlive"),
	"clientalivecountmax":             enforced("TestSshdAuthClientAlive"),
	"requiredrsasize":                 refusedUnless(atMost1024, "values up to 1024 are accepted: Go's crypto/rsa refuses RSA keys under 1024 bits"),
	"streamlocalbindmask":             enforced("TestSshdForwardUnixRemote"),
	"unusedconnectiontimeout":         enforced("TestSshdUnusedConnectionTimeout"),
	"permitrootlogin":                 enforced("TestSshdAuthPermitRootLogin"),
	"ignorerhosts":                    accepted(noHostbased),
	"ignoreuserknownhosts":            accepted(noHostbased),
	"hostbasedauthentication":         accepted(noHostbased),
	"hostbasedusesnamefrompacketonly": accepted(noHostbased),
	"pubkeyauthentication":            enforced("TestNextMethods", "TestSshdAuthMaxAuthTries"),
	"kerberosauthentication":          accepted(noKerberos),
	"kerberosorlocalpasswd":           accepted(noKerberos),
	"kerberosticketcleanup":           accepted(noKerberos),
	"gssapiauthentication":            accepted(noKerberos),
	"gssapicleanupcredentials":        accepted(noKerberos),
	"gssapikeyexchange":               accepted(noKerberos),
	"gssapistrictacceptorcheck":       accepted(noKerberos),
	"gssapistorecredentialsonrekey":   accepted(noKerberos),
	"gssapikexalgorithms":             accepted(noKerberos),
	"passwordauthentication":          enforced("TestSshdAuthPasswordRefusals"),
	"kbdinteractiveauthentication":    enforced("TestSshdAuthKbdInteractiveOpenSSH"),
	"printmotd":                       enforced("TestSshdAuthPrintMotd"),
	"printlastlog":                    accepted("informational output at login; it grants and denies nothing"),
	"x11forwarding":                   accepted(noX11),
	"x11uselocalhost":                 accepted(noX11),
	"permittty":                       enforced("TestSshdFailClosedPermitTTY"),
	"permituserrc":                    accepted("sshbox never runs ~/.ssh/rc or /etc/ssh/sshrc, which is what PermitUserRC no asks"),
	"strictmodes":                     enforced("TestSshdStrictModesAndSecondFile", "TestStrictModes"),
	"tcpkeepalive":                    accepted("TCP keepalive probes only detect dead peers; Go's listener enables them either way"),
	"permitemptypasswords":            enforced("TestSshdAuthPasswordRefusals"),
	"compression":                     accepted("transport tuning; the session is encrypted either way"),
	"gatewayports":                    enforced("TestSshdLocalForwarding", "TestSshdRemoteForwarding"),
	"usedns":                          refusedUnless(isNo, "no (the default): host patterns match the address, as OpenSSH's UseDNS no"),
	"allowtcpforwarding":              enforced("TestSshdForwardPermitOpen", "TestSshdForwardPermitListen", "TestForwardingSwitches"),
	"allowagentforwarding":            enforced("TestSshdAgentForwarding", "TestSshdForwardAgentRestrictions"),
	"disableforwarding":               enforced("TestSshdForwardPermitOpen", "TestSshdForwardPermitListen", "TestSshdForwardAgentRestrictions"),
	"allowstreamlocalforwarding":      enforced("TestSshdForwardUnixLocal", "TestSshdForwardUnixRemote"),
	"streamlocalbindunlink":           enforced("TestSshdForwardUnixRemote"),
	"fingerprinthash":                 accepted("changes how fingerprints are written in the log only"),
	"exposeauthinfo":                  enforced("TestSshdExposeAuthInfo"),
	"pidfile":                         enforced("TestSshdSignalsAndPidFile"),
	"modulifile":                      accepted("sshbox offers no Diffie-Hellman group exchange, so no moduli are read"),
	"xauthlocation":                   accepted(noX11),
	"ciphers":                         enforced("TestSSHGMatchesOpenSSH", "TestSshdUnprivilegedDefaultAudit"),
	"macs":                            enforced("TestSshdUnprivilegedDefaultAudit"),
	"banner":                          enforced("TestSshdAuthBanner"),
	"forcecommand":                    enforced("TestSshdForceCommand"),
	"chrootdirectory":                 enforced("TestSshdFailClosedChrootSftpJail", "TestSshdFailClosedChrootShell"),
	"trustedusercakeys":               enforced("TestSshdAuthCertificates"),
	"revokedkeys":                     enforced("TestSshdAuthCertPrincipalsAndRevocation", "TestSshdFailClosedPrincipalsOptions"),
	"securitykeyprovider":             accepted("sshd loads no security-key middleware; host keys are read from files"),
	"authorizedprincipalsfile":        enforced("TestSshdAuthCertPrincipalsAndRevocation"),
	"versionaddendum":                 accepted("text added to the version banner only"),
	"authorizedkeyscommand":           enforced("TestSshdAuthorizedKeysCommand"),
	"authorizedkeyscommanduser":       enforced("TestSshdAuthorizedKeysCommand"),
	"authorizedprincipalscommand":     enforced("TestSshdAuthorizedPrincipalsCommand"),
	"authorizedprincipalscommanduser": enforced("TestSshdAuthorizedPrincipalsCommand"),
	"hostkeyagent":                    enforced("TestSshdHostKeyAgent"),
	"kexalgorithms":                   enforced("TestSshdUnprivilegedDefaultAudit"),
	"casignaturealgorithms":           enforced("TestSshdFailClosedCASignatureSHA1", "TestCASignatureAlgorithms"),
	"hostbasedacceptedalgorithms":     accepted(noHostbased),
	"hostkeyalgorithms":               enforced("TestSshdUnprivilegedDefaultAudit"),
	"pubkeyacceptedalgorithms":        enforced("TestSshdAuthCertAuthorityLine", "TestResolve"),
	"loglevel":                        enforced("TestSyslogLogger"),
	"syslogfacility":                  enforced("TestSyslogLogger"),
	"authorizedkeysfile":              enforced("TestSshdStrictModesAndSecondFile"),
	"hostkey":                         enforced("TestSshdHostKeyFlag"),
	"hostcertificate":                 enforced("TestSshdAuthHostCertificate"),
	"allowusers":                      enforced("TestSshdAuthAllowDenyUsers"),
	"denyusers":                       enforced("TestSshdAuthAllowDenyUsers"),
	"allowgroups":                     enforced("TestSshdAuthAllowDenyGroups"),
	"denygroups":                      enforced("TestSshdAuthAllowDenyGroups"),
	"acceptenv":                       enforced("TestSshdOpenSSHSendEnv"),
	"setenv":                          enforced("TestSshdFailClosedEnvironment"),
	"authenticationmethods":           enforced("TestSshdAuthMethodsTwoSteps", "TestSshdFailClosedRepeatedPublickey", "TestNextMethods"),
	"logverbose":                      accepted("selects extra debug logging only"),
	"channeltimeout":                  enforced("TestSshdChannelTimeout", "TestChannelIdleTimeout"),
	"subsystem":                       enforced("TestSshdOpenSSHSftp"),
	"maxstartups":                     enforced("TestSshdAuthMaxStartupsFlood", "TestSshdAuthMaxStartupsRandomDrop"),
	"persourcemaxstartups":            refusedUnless(isWord("none"), "none (the default) sets no per-source limit"),
	"persourcenetblocksize":           accepted("only used by PerSourceMaxStartups, which is refused unless none"),
	"permittunnel":                    accepted("tun/tap forwarding is never offered (tun@openssh.com is refused)"),
	"ipqos":                           accepted("packet priority tuning only"),
	"sshdsessionpath":                 accepted("the path of OpenSSH 10's per-session helper program; sshbox has none"),
	"sshdauthpath":                    accepted("the path of OpenSSH 10's authentication helper program; sshbox has none"),
	"persourcepenalties":              refusedUnless(isNo, "no: sshbox does not throttle sources that misbehave, so only switching the penalties off is accepted"),
	"persourcepenaltyexemptlist":      accepted("exempts addresses from PerSourcePenalties, which is refused unless no: it can only lift a restriction"),
	"refuseconnection":                enforced("TestSshdRefuseConnection"),
	"rekeylimit":                      enforced("TestSshdRekeyLimit"),
	"permitopen":                      enforced("TestSshdForwardPermitOpen", "TestPermitOpenAndListen"),
	"permitlisten":                    enforced("TestSshdForwardPermitListen", "TestPermitOpenAndListen"),
	"permituserenvironment":           enforced("TestSshdAuthorizedKeysOptions", "TestSshdFailClosedEnvironment"),
	"pubkeyauthoptions":               refusedUnless(isWord("none"), "none (the default): no touch or verification requirement for security keys"),
	"match":                           enforced("TestSshdAuthMatchUser", "TestParseMatchConn"),
	"include":                         enforced("TestDebianStockServerConfig"),
	"rdomain":                         refusedUnless(nil, "sshbox has no routing domains"),
	"debianbanner":                    accepted("text of the version banner only"),
	"kerberosgetafstoken":             accepted(noKerberos),
	"protocol":                        accepted(deprecatedR),
	"useprivilegeseparation":          accepted(deprecatedR),
	"keyregenerationinterval":         accepted(deprecatedR),
	"serverkeybits":                   accepted(deprecatedR),
	"rsaauthentication":               accepted(deprecatedR),
	"rhostsrsaauthentication":         accepted(deprecatedR),
	"uselogin":                        accepted(deprecatedR),
	"verifyreversemapping":            accepted(deprecatedR),
	"reversemappingcheck":             accepted(deprecatedR),
	"afstokenpassing":                 accepted(deprecatedR),
	"checkmail":                       accepted(deprecatedR),
	"gssapiusesessioncredcache":       accepted(deprecatedR),
	"gssusesessionccache":             accepted(deprecatedR),
	"kerberostgtpassing":              accepted(deprecatedR),
	"pamauthenticationviakbdint":      accepted(deprecatedR),
	"permitblacklistedkeys":           accepted(deprecatedR),
	"rhostsauthentication":            accepted(deprecatedR),
}

// checkUsePAM: UsePAM no, or a PAM stack sshbox can stand in for.
func checkUsePAM(a []string) error {
	if isNo(a) {
		return nil
	}
	return checkPAMStack()
}

// atMost1024: RequiredRSASize values Go's own 1024-bit minimum already
// enforces.
func atMost1024(a []string) bool {
	if len(a) != 1 {
		return false
	}
	n, err := strconv.Atoi(a[0])
	return err == nil && n <= 1024
}

// ssh2Refused: server keywords of the ssh2 dialect that restrict access and
// that sshbox does not enforce.
var ssh2Refused = map[string]bool{
	"allowhosts": true, "denyhosts": true, "chrootusers": true, "chrootgroups": true,
	"requiredauthentications": true, "authpublickey.maxsize": true, "authpublickey.minsize": true,
	"maxconnections": true, "idletimeout": true, "requirereversemapping": true,
	"authkbdint.required": true, "securepath": true,
	// RekeyIntervalSeconds is refused unless 0 (ssh2.go), as RekeyLimit's
	// time part: the SSH library cannot renew keys on a timer.
}

// errNotSupported is the one refusal text, as the issue words it.
func errNotSupported(name string) error { return fmt.Errorf("%s is not supported by sshbox", name) }

// checkServerClass refuses a restricting keyword sshbox cannot enforce; it
// is called for every line, also inside Match blocks that do not apply, so
// that sshd -t fails whatever connection would come.
func checkServerClass(name string, args []string) error {
	c, ok := serverClasses[strings.ToLower(name)]
	if !ok {
		// A keyword added to the table without a class: refused, so that
		// forgetting to classify fails closed (TestServerKeywordClasses
		// catches it first).
		return errNotSupported(name)
	}
	if c.class == classRefused && c.check != nil {
		return c.check(args)
	}
	if c.class == classRefused && (c.allowed == nil || !c.allowed(args)) {
		return errNotSupported(name)
	}
	return nil
}

// classText is the docs column for one server keyword.
func classText(name string) string {
	c := serverClasses[strings.ToLower(name)]
	switch c.class {
	case classEnforced:
		return "enforced (" + strings.Join(c.tests, ", ") + ")"
	case classRefused:
		if c.allowed == nil && c.check == nil {
			return "refused: " + c.reason
		}
		return "refused, except " + c.reason
	case classAccepted:
		return "accepted: " + c.reason
	}
	return "unclassified"
}
