package configfmt

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// TestEveryOpenSSH10ServerKeyword: a configuration that uses every keyword
// of OpenSSH 10's sshd_config(5) loads, each keyword known to the table,
// and RefuseConnection reaches the options of the connections its Match
// block names.
func TestEveryOpenSSH10ServerKeyword(t *testing.T) {
	const file = "testdata/openssh10_sshd_config"
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
			continue
		}
		name := strings.ToLower(fields[0])
		name = canonicalName(serverAliases, name)
		if serverIndex()[name] == nil {
			t.Errorf("%s: keyword not in the table", fields[0])
		}
	}
	c, err := LoadServer(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	o, err := c.For(MatchConn{User: "someone", Addr: "127.0.0.1"})
	if err != nil || o.RefuseConnection {
		t.Errorf("someone: RefuseConnection %v, %v", o.RefuseConnection, err)
	}
	o, err = c.For(MatchConn{User: "nobody-at-all", Addr: "127.0.0.1"})
	if err != nil || !o.RefuseConnection {
		t.Errorf("nobody-at-all: RefuseConnection %v, %v", o.RefuseConnection, err)
	}
}

// openssh10ClientKeywords is ssh_config(5)'s keyword list of OpenSSH 10.
const openssh10ClientKeywords = `AddKeysToAgent AddressFamily BatchMode BindAddress BindInterface
CanonicalDomains CanonicalizeFallbackLocal CanonicalizeHostname CanonicalizeMaxDots
CanonicalizePermittedCNAMEs CASignatureAlgorithms CertificateFile ChannelTimeout CheckHostIP
Ciphers ClearAllForwardings Compression ConnectionAttempts ConnectTimeout ControlMaster
ControlPath ControlPersist DynamicForward EnableEscapeCommandline EnableSSHKeysign EscapeChar
ExitOnForwardFailure FingerprintHash ForkAfterAuthentication ForwardAgent ForwardX11
ForwardX11Timeout ForwardX11Trusted GatewayPorts GlobalKnownHostsFile GSSAPIAuthentication
GSSAPIDelegateCredentials HashKnownHosts Host HostbasedAcceptedAlgorithms
HostbasedAuthentication HostKeyAlgorithms HostKeyAlias Hostname IdentitiesOnly IdentityAgent
IdentityFile IgnoreUnknown Include IPQoS KbdInteractiveAuthentication KbdInteractiveDevices
KexAlgorithms KnownHostsCommand LocalCommand LocalForward LogLevel LogVerbose MACs Match
NoHostAuthenticationForLocalhost NumberOfPasswordPrompts ObscureKeystrokeTiming
PasswordAuthentication PermitLocalCommand PermitRemoteOpen PKCS11Provider Port
PreferredAuthentications ProxyCommand ProxyJump ProxyUseFdpass PubkeyAcceptedAlgorithms
PubkeyAuthentication RefuseConnection RekeyLimit RemoteCommand RemoteForward RequestTTY
RequiredRSASize RevokedHostKeys SecurityKeyProvider SendEnv ServerAliveCountMax
ServerAliveInterval SessionType SetEnv StdinNull StreamLocalBindMask StreamLocalBindUnlink
StrictHostKeyChecking SyslogFacility Tag TCPKeepAlive Tunnel TunnelDevice UpdateHostKeys User
UserKnownHostsFile VerifyHostKeyDNS VisualHostKey XAuthLocation WarnWeakCrypto VersionAddendum`

// TestEveryOpenSSH10ClientKeyword: every ssh_config keyword of OpenSSH 10
// is known to the client table, and RefuseConnection reaches the options.
func TestEveryOpenSSH10ClientKeyword(t *testing.T) {
	for _, k := range strings.Fields(openssh10ClientKeywords) {
		name := strings.ToLower(k)
		name = canonicalName(clientAliases, name)
		if clientIndex()[name] == nil {
			t.Errorf("%s: keyword not in the client table", k)
		}
	}
	o, err := LoadClient(nil, []string{"RefuseConnection yes"}, "h", "")
	if err != nil || !o.RefuseConnection {
		t.Errorf("RefuseConnection: %v %v", o != nil && o.RefuseConnection, err)
	}
}
