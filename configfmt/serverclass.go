package configfmt

import (
	"fmt"
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
// (allowed or words) and why those are harmless; accepted ones why they are
// safe. The rows are static literals (see clientKW).
type serverClass struct {
	name    string // lowercase
	class   kwClass
	tests   []string               // classEnforced
	allowed func(a []string) bool  // classRefused: nil (and no words, no check) = every value is refused
	words   []string               // classRefused: instead of allowed, the harmless values (case-insensitive)
	check   func(a []string) error // classRefused: instead of allowed, says why a value is refused
	reason  string                 // classAccepted, and classRefused's accepted values
}

// harmless: the value of a refused keyword restricts nothing.
func (c *serverClass) harmless(a []string) bool {
	if c.words != nil {
		return isWord(c.words, a)
	}
	return c.allowed != nil && c.allowed(a)
}

// classOf finds a keyword's class; a linear search, as there is one per
// configuration line.
func classOf(name string) (*serverClass, bool) {
	for i := range serverClasses {
		if strings.EqualFold(serverClasses[i].name, name) {
			return &serverClasses[i], true
		}
	}
	return nil, false
}

// isWord: the value is one of words (case-insensitive), the harmless
// settings of a restricting keyword.
func isWord(words []string, a []string) bool {
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
	deprecatedR = "deprecated: OpenSSH itself ignores it"
)

// serverClasses: every row of serverTable (lowercase names), nothing else.
var serverClasses = []serverClass{
	{name: "port", class: classEnforced, tests: []string{"TestSshdListensOnSeveralAddresses"}},
	{name: "addressfamily", class: classEnforced, tests: []string{"TestListenAddrs"}},
	{name: "listenaddress", class: classEnforced, tests: []string{"TestSshdListensOnSeveralAddresses"}},
	{name: "usepam", class: classRefused, check: checkUsePAM, reason: "no, and yes while the sshd PAM stack holds only modules sshbox reproduces (pam_unix, pam_nologin) or that restrict nothing (pam_env, pam_motd, pam_systemd...; pam_limits with no limits set; pam_deny where a success jump skips it, as in Debian's stock stack); any other module refuses it with the PAM file and line"},
	{name: "logingracetime", class: classEnforced, tests: []string{"TestSshdAuthLoginGraceTime"}},
	{name: "x11displayoffset", class: classEnforced, tests: []string{"TestSshdX11Forwarding"}},
	{name: "maxauthtries", class: classEnforced, tests: []string{"TestSshdAuthMaxAuthTries"}},
	{name: "maxsessions", class: classEnforced, tests: []string{"TestSshdAuthMaxSessions"}},
	{name: "clientaliveinterval", class: classEnforced, tests: []string{"TestSshdAuthClientAlive"}},
	{name: "clientalivecountmax", class: classEnforced, tests: []string{"TestSshdAuthClientAlive"}},
	{name: "requiredrsasize", class: classEnforced, tests: []string{"TestSshdRequiredRSASize"}},
	{name: "streamlocalbindmask", class: classEnforced, tests: []string{"TestSshdForwardUnixRemote"}},
	{name: "unusedconnectiontimeout", class: classEnforced, tests: []string{"TestSshdUnusedConnectionTimeout"}},
	{name: "permitrootlogin", class: classEnforced, tests: []string{"TestSshdAuthPermitRootLogin"}},
	{name: "ignorerhosts", class: classAccepted, reason: noHostbased},
	{name: "ignoreuserknownhosts", class: classAccepted, reason: noHostbased},
	{name: "hostbasedauthentication", class: classAccepted, reason: noHostbased},
	{name: "hostbasedusesnamefrompacketonly", class: classAccepted, reason: noHostbased},
	{name: "pubkeyauthentication", class: classEnforced, tests: []string{"TestNextMethods", "TestSshdAuthMaxAuthTries"}},
	{name: "kerberosauthentication", class: classAccepted, reason: noKerberos},
	{name: "kerberosorlocalpasswd", class: classRefused, allowed: func([]string) bool { return true }, reason: "yes, and no while no line sets KerberosAuthentication yes: with Kerberos on, no makes OpenSSH take only passwords Kerberos confirms, and sshbox, which has no Kerberos, would check the local one instead"},
	{name: "kerberosticketcleanup", class: classAccepted, reason: noKerberos},
	{name: "gssapiauthentication", class: classAccepted, reason: noKerberos},
	{name: "gssapicleanupcredentials", class: classAccepted, reason: noKerberos},
	{name: "gssapikeyexchange", class: classAccepted, reason: noKerberos},
	{name: "gssapistrictacceptorcheck", class: classAccepted, reason: noKerberos},
	{name: "gssapistorecredentialsonrekey", class: classAccepted, reason: noKerberos},
	{name: "gssapikexalgorithms", class: classAccepted, reason: noKerberos},
	{name: "passwordauthentication", class: classEnforced, tests: []string{"TestSshdAuthPasswordRefusals"}},
	{name: "kbdinteractiveauthentication", class: classEnforced, tests: []string{"TestSshdAuthKbdInteractiveOpenSSH"}},
	{name: "printmotd", class: classEnforced, tests: []string{"TestSshdAuthPrintMotd"}},
	{name: "printlastlog", class: classEnforced, tests: []string{"TestSshdLoginRecords"}},
	{name: "x11forwarding", class: classEnforced, tests: []string{"TestSshdX11Forwarding", "TestSshdX11RC"}},
	{name: "x11uselocalhost", class: classEnforced, tests: []string{"TestSshdX11DisplayClosed", "TestSshdX11UseLocalhostNo"}},
	{name: "permittty", class: classEnforced, tests: []string{"TestSshdFailClosedPermitTTY"}},
	{name: "permituserrc", class: classEnforced, tests: []string{"TestSshdUserRC"}},
	{name: "strictmodes", class: classEnforced, tests: []string{"TestSshdStrictModesAndSecondFile", "TestStrictModes"}},
	{name: "tcpkeepalive", class: classAccepted, reason: "TCP keepalive probes only detect dead peers; Go's listener enables them either way"},
	{name: "permitemptypasswords", class: classEnforced, tests: []string{"TestSshdAuthPasswordRefusals"}},
	{name: "compression", class: classEnforced, tests: []string{"TestCompressionOpenSSHToSshd", "TestCompressionSshboxBothEnds"}},
	{name: "gatewayports", class: classEnforced, tests: []string{"TestSshdLocalForwarding", "TestSshdRemoteForwarding"}},
	{name: "usedns", class: classEnforced, tests: []string{"TestSshdUseDNS", "TestMatchListAndHostIP"}},
	{name: "allowtcpforwarding", class: classEnforced, tests: []string{"TestSshdForwardPermitOpen", "TestSshdForwardPermitListen", "TestForwardingSwitches"}},
	{name: "allowagentforwarding", class: classEnforced, tests: []string{"TestSshdAgentForwarding", "TestSshdForwardAgentRestrictions"}},
	{name: "disableforwarding", class: classEnforced, tests: []string{"TestSshdForwardPermitOpen", "TestSshdForwardPermitListen", "TestSshdForwardAgentRestrictions"}},
	{name: "allowstreamlocalforwarding", class: classEnforced, tests: []string{"TestSshdForwardUnixLocal", "TestSshdForwardUnixRemote"}},
	{name: "streamlocalbindunlink", class: classEnforced, tests: []string{"TestSshdForwardUnixRemote"}},
	{name: "fingerprinthash", class: classAccepted, reason: "changes how fingerprints are written in the log only"},
	{name: "exposeauthinfo", class: classEnforced, tests: []string{"TestSshdExposeAuthInfo"}},
	{name: "pidfile", class: classEnforced, tests: []string{"TestSshdSignalsAndPidFile"}},
	{name: "modulifile", class: classAccepted, reason: "sshbox offers no Diffie-Hellman group exchange, so no moduli are read"},
	{name: "xauthlocation", class: classEnforced, tests: []string{"TestSshdX11Forwarding"}},
	{name: "ciphers", class: classEnforced, tests: []string{"TestSSHGMatchesOpenSSH", "TestSshdUnprivilegedDefaultAudit"}},
	{name: "macs", class: classEnforced, tests: []string{"TestSshdUnprivilegedDefaultAudit"}},
	{name: "banner", class: classEnforced, tests: []string{"TestSshdAuthBanner"}},
	{name: "forcecommand", class: classEnforced, tests: []string{"TestSshdForceCommand"}},
	{name: "chrootdirectory", class: classEnforced, tests: []string{"TestSshdFailClosedChrootSftpJail", "TestSshdFailClosedChrootShell"}},
	{name: "trustedusercakeys", class: classEnforced, tests: []string{"TestSshdAuthCertificates"}},
	{name: "revokedkeys", class: classEnforced, tests: []string{"TestSshdAuthCertPrincipalsAndRevocation", "TestSshdFailClosedPrincipalsOptions"}},
	{name: "securitykeyprovider", class: classAccepted, reason: "sshd loads no security-key middleware; host keys are read from files"},
	{name: "authorizedprincipalsfile", class: classEnforced, tests: []string{"TestSshdAuthCertPrincipalsAndRevocation"}},
	{name: "versionaddendum", class: classEnforced, tests: []string{"TestSshdVersionAddendum"}},
	{name: "authorizedkeyscommand", class: classEnforced, tests: []string{"TestSshdAuthorizedKeysCommand"}},
	{name: "authorizedkeyscommanduser", class: classEnforced, tests: []string{"TestSshdAuthorizedKeysCommand"}},
	{name: "authorizedprincipalscommand", class: classEnforced, tests: []string{"TestSshdAuthorizedPrincipalsCommand"}},
	{name: "authorizedprincipalscommanduser", class: classEnforced, tests: []string{"TestSshdAuthorizedPrincipalsCommand"}},
	{name: "hostkeyagent", class: classEnforced, tests: []string{"TestSshdHostKeyAgent"}},
	{name: "kexalgorithms", class: classEnforced, tests: []string{"TestSshdUnprivilegedDefaultAudit"}},
	{name: "casignaturealgorithms", class: classEnforced, tests: []string{"TestSshdFailClosedCASignatureSHA1", "TestCASignatureAlgorithms"}},
	{name: "hostbasedacceptedalgorithms", class: classAccepted, reason: noHostbased},
	{name: "hostkeyalgorithms", class: classEnforced, tests: []string{"TestSshdUnprivilegedDefaultAudit"}},
	{name: "pubkeyacceptedalgorithms", class: classEnforced, tests: []string{"TestSshdAuthCertAuthorityLine", "TestResolve"}},
	{name: "loglevel", class: classEnforced, tests: []string{"TestSyslogLogger"}},
	{name: "syslogfacility", class: classEnforced, tests: []string{"TestSyslogLogger"}},
	{name: "authorizedkeysfile", class: classEnforced, tests: []string{"TestSshdStrictModesAndSecondFile"}},
	{name: "hostkey", class: classEnforced, tests: []string{"TestSshdHostKeyFlag"}},
	{name: "hostcertificate", class: classEnforced, tests: []string{"TestSshdAuthHostCertificate"}},
	{name: "allowusers", class: classEnforced, tests: []string{"TestSshdAuthAllowDenyUsers"}},
	{name: "denyusers", class: classEnforced, tests: []string{"TestSshdAuthAllowDenyUsers"}},
	{name: "allowgroups", class: classEnforced, tests: []string{"TestSshdAuthAllowDenyGroups"}},
	{name: "denygroups", class: classEnforced, tests: []string{"TestSshdAuthAllowDenyGroups"}},
	{name: "acceptenv", class: classEnforced, tests: []string{"TestSshdOpenSSHSendEnv"}},
	{name: "setenv", class: classEnforced, tests: []string{"TestSshdFailClosedEnvironment"}},
	{name: "authenticationmethods", class: classEnforced, tests: []string{"TestSshdAuthMethodsTwoSteps", "TestSshdFailClosedRepeatedPublickey", "TestNextMethods", "TestAuthenticationMethodsChecked"}},
	{name: "logverbose", class: classAccepted, reason: "selects extra debug logging only"},
	{name: "channeltimeout", class: classEnforced, tests: []string{"TestSshdChannelTimeout", "TestChannelIdleTimeout"}},
	{name: "subsystem", class: classEnforced, tests: []string{"TestSshdOpenSSHSftp"}},
	{name: "maxstartups", class: classEnforced, tests: []string{"TestSshdAuthMaxStartupsFlood", "TestSshdAuthMaxStartupsRandomDrop"}},
	{name: "persourcemaxstartups", class: classEnforced, tests: []string{"TestSshdPerSourceMaxStartups", "TestPerSourceStartups"}},
	{name: "persourcenetblocksize", class: classEnforced, tests: []string{"TestSshdPerSourceMaxStartups", "TestNetBlocks"}},
	{name: "permittunnel", class: classEnforced, tests: []string{"TestSshdTunnelOpenSSHClient", "TestSshdTunnelRefused", "TestSshdTunnelMatch", "TestSshdTunnelNotPortForwarding", "TestTunnelPermitted", "TestTunnelKeyOption"}},
	{name: "ipqos", class: classEnforced, tests: []string{"TestSshdIPQoS"}},
	{name: "sshdsessionpath", class: classAccepted, reason: "the path of OpenSSH 10's per-session helper program; sshbox has none"},
	{name: "sshdauthpath", class: classAccepted, reason: "the path of OpenSSH 10's authentication helper program; sshbox has none"},
	{name: "persourcepenalties", class: classEnforced, tests: []string{"TestSshdPerSourcePenalties", "TestPenaltiesAccumulate", "TestPenaltyOverflow", "TestPanicDuringLoginIsPenalised"}},
	{name: "persourcepenaltyexemptlist", class: classEnforced, tests: []string{"TestSshdPerSourcePenalties", "TestPenaltyExempt"}},
	{name: "refuseconnection", class: classEnforced, tests: []string{"TestSshdRefuseConnection"}},
	{name: "rekeylimit", class: classEnforced, tests: []string{"TestSshdRekeyLimit", "TestSshdRekeyLimitTime"}},
	{name: "permitopen", class: classEnforced, tests: []string{"TestSshdForwardPermitOpen", "TestPermitOpenAndListen"}},
	{name: "permitlisten", class: classEnforced, tests: []string{"TestSshdForwardPermitListen", "TestPermitOpenAndListen"}},
	{name: "permituserenvironment", class: classEnforced, tests: []string{"TestSshdAuthorizedKeysOptions", "TestSshdFailClosedEnvironment"}},
	{name: "pubkeyauthoptions", class: classRefused, words: []string{"none"}, reason: "none (the default): no touch or verification requirement for security keys"},
	{name: "match", class: classEnforced, tests: []string{"TestSshdAuthMatchUser", "TestParseMatchConn", "TestSshdMatchInvalidUser", "TestMatchInvalidUserAndEquals"}},
	{name: "include", class: classEnforced, tests: []string{"TestDebianStockServerConfig"}},
	{name: "rdomain", class: classRefused, reason: "sshbox has no routing domains"},
	{name: "debianbanner", class: classAccepted, reason: "text of the version banner only"},
	{name: "kerberosgetafstoken", class: classAccepted, reason: noKerberos},
	{name: "protocol", class: classAccepted, reason: deprecatedR},
	{name: "useprivilegeseparation", class: classAccepted, reason: deprecatedR},
	{name: "keyregenerationinterval", class: classAccepted, reason: deprecatedR},
	{name: "serverkeybits", class: classAccepted, reason: deprecatedR},
	{name: "rsaauthentication", class: classAccepted, reason: deprecatedR},
	{name: "rhostsrsaauthentication", class: classAccepted, reason: deprecatedR},
	{name: "uselogin", class: classAccepted, reason: deprecatedR},
	{name: "verifyreversemapping", class: classAccepted, reason: deprecatedR},
	{name: "reversemappingcheck", class: classAccepted, reason: deprecatedR},
	{name: "afstokenpassing", class: classAccepted, reason: deprecatedR},
	{name: "checkmail", class: classAccepted, reason: deprecatedR},
	{name: "gssapiusesessioncredcache", class: classAccepted, reason: deprecatedR},
	{name: "gssusesessionccache", class: classAccepted, reason: deprecatedR},
	{name: "kerberostgtpassing", class: classAccepted, reason: deprecatedR},
	{name: "pamauthenticationviakbdint", class: classAccepted, reason: deprecatedR},
	{name: "permitblacklistedkeys", class: classAccepted, reason: deprecatedR},
	{name: "rhostsauthentication", class: classAccepted, reason: deprecatedR},
}

// checkUsePAM: UsePAM no, or a PAM stack sshbox can stand in for.
func checkUsePAM(a []string) error {
	if isNo(a) {
		return nil
	}
	return checkPAMStack()
}

// ssh2Refused: server keywords of the ssh2 dialect that restrict access and
// that sshbox does not enforce.
var ssh2Refused = []string{"securepath"}

// errNotSupported is the one refusal text, as the issue words it.
func errNotSupported(name string) error { return fmt.Errorf("%s is not supported by sshbox", name) }

// checkServerClass refuses a restricting keyword sshbox cannot enforce; it
// is called for every line, also inside Match blocks that do not apply, so
// that sshd -t fails whatever connection would come.
func checkServerClass(name string, args []string) error {
	c, ok := classOf(name)
	if !ok {
		// A keyword added to the table without a class: refused, so that
		// forgetting to classify fails closed (TestServerKeywordClasses
		// catches it first).
		return errNotSupported(name)
	}
	if c.class == classRefused && c.check != nil {
		return c.check(args)
	}
	if c.class == classRefused && !c.harmless(args) {
		return errNotSupported(name)
	}
	return nil
}

// classText is the docs column for one server keyword.
func classText(name string) string {
	c, ok := classOf(name)
	if !ok {
		return "unclassified"
	}
	switch c.class {
	case classEnforced:
		return "enforced (" + strings.Join(c.tests, ", ") + ")"
	case classRefused:
		if c.allowed == nil && c.words == nil && c.check == nil {
			return "refused: " + c.reason
		}
		return "refused, except " + c.reason
	case classAccepted:
		return "accepted: " + c.reason
	}
	return "unclassified"
}
