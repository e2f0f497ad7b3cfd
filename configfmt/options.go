package configfmt

import "time"

// ClientOptions is the one typed option set of the ssh client, whatever
// record format and dialect the files came in. Field names are OpenSSH's
// keywords; defaults are OpenSSH's (see DefaultClientOptions). Algorithm
// lists are kept as written ("+aes128-cbc", "^x,y") and resolved by
// sshcore/algo, which owns the table.
type ClientOptions struct {
	Host          string // the destination as given on the command line (%n)
	HostName      string
	Port          int
	User          string
	AddressFamily string // any, inet, inet6
	BindAddress   string
	BindInterface string // the source address is this interface's (BindAddress wins)
	// Tag is what Match tagged matches (-P).
	Tag string
	// Host name canonicalization (canonical.go): CanonicalizeHostname
	// "false", "true" or "always", as ssh -G prints it; CanonicalDomains
	// lowercased, without a final dot ("none" alone: none); the CNAME
	// rules as "sources:targets", lowercased.
	CanonicalizeHostname        string
	CanonicalDomains            []string
	CanonicalizeMaxDots         int
	CanonicalizeFallbackLocal   bool
	CanonicalizePermittedCNAMEs []string
	// Canonicalized is the name canonicalization started from, when it
	// changed HostName (for ssh -v).
	Canonicalized string

	IdentityFiles                []string // ~ and % tokens expanded
	IdentitiesOnly               bool
	CertificateFiles             []string
	IdentityAgent                string // "" = SSH_AUTH_SOCK, "none" disables
	PreferredAuthentications     []string
	PubkeyAuthentication         bool
	PasswordAuthentication       bool
	KbdInteractiveAuthentication bool
	NumberOfPasswordPrompts      int
	BatchMode                    bool

	StrictHostKeyChecking string // "yes", "no", "ask", "accept-new"
	// VerifyHostKeyDNS: "yes" (a secure SSHFP match proves the key), "ask"
	// (it is only shown) or "no".
	VerifyHostKeyDNS      string
	UserKnownHostsFiles   []string
	GlobalKnownHostsFiles []string
	HashKnownHosts        bool
	HostKeyAlias          string
	CheckHostIP           bool
	// RevokedHostKeys: a KRL or a list of public keys (~, % tokens and
	// ${VAR} expanded); "" or "none" for no file.
	RevokedHostKeys string
	// CASignatureAlgorithms as written; CASignatureList resolves it.
	CASignatureAlgorithms string
	// IPQoS: the TOS byte for interactive sessions (a terminal, or no
	// session) and for the others; IPQoSNone leaves it alone.
	IPQoSInteractive, IPQoSBulk int
	// RequiredRSASize: the smallest RSA host or user key taken, in bits.
	RequiredRSASize int
	// FingerprintHash: "SHA256" or "MD5", for every fingerprint shown;
	// VisualHostKey adds the key's randomart; NoHostAuthenticationForLocalhost
	// takes any key from a loopback address (no HostKeyAlias).
	FingerprintHash                  string
	VisualHostKey                    bool
	NoHostAuthenticationForLocalhost bool

	ConnectTimeout     time.Duration // 0 = none
	ConnectionAttempts int
	ProxyCommand       string // "" or "none" = direct
	// ProxyUseFdpass: the ProxyCommand hands back a connected socket
	// (sendmsg SCM_RIGHTS on its standard output) instead of relaying.
	ProxyUseFdpass      bool
	ProxyJump           string
	ServerAliveInterval time.Duration
	ServerAliveCountMax int
	TCPKeepAlive        bool

	RequestTTY string // "auto", "no", "yes", "force"
	// SessionType: "default" (a shell or the command), "none" (-N) or
	// "subsystem" (-s). StdinNull is -n; ForkAfterAuthentication is -f,
	// which implies StdinNull when ssh runs.
	SessionType             string
	StdinNull               bool
	ForkAfterAuthentication bool
	RemoteCommand           string
	SendEnv                 []string
	SetEnv                  []string
	EscapeChar              string // a single character, "^X" form, or "none"
	// ObscureKeystrokeTiming: the beat, in milliseconds, on which a
	// terminal session's keystrokes leave, with chaff between them
	// (OpenSSH 9.5; 0 = off).
	ObscureKeystrokeTiming int
	// ChannelTimeout's "type=interval" pairs as written (none: empty),
	// the same as sshd's; see ChannelIdleTimeout.
	ChannelTimeout []string
	// EnableEscapeCommandline: ~C opens the command line (off by
	// default since OpenSSH 9.2).
	EnableEscapeCommandline bool
	LogLevel                string // QUIET, FATAL, ERROR, INFO, VERBOSE, DEBUG, DEBUG1..3
	SyslogFacility          string // where ssh -y logs: USER unless set
	Compression             bool

	Ciphers                  string
	MACs                     string
	KexAlgorithms            string
	HostKeyAlgorithms        string
	PubkeyAcceptedAlgorithms string

	LocalForward   []string // "[bind:]port host:hostport" as written
	RemoteForward  []string
	DynamicForward []string
	ForwardAgent   bool
	// ForwardAgentSock is the agent ForwardAgent names instead of yes: a
	// path (~, % and ${VAR} expanded) or "$NAME" (see EnvSocket); "" for
	// the one IdentityAgent or SSH_AUTH_SOCK names.
	ForwardAgentSock string
	// AddKeysToAgent: "no", "yes", "ask" or "confirm"; a key read from a
	// file is added to the agent once it has signed, for
	// AddKeysToAgentLifespan seconds (0: no limit).
	AddKeysToAgent         string
	AddKeysToAgentLifespan int
	ExitOnForwardFailure   bool
	// X11 forwarding (-X, -Y): ForwardX11Trusted passes the display's
	// own cookie on, else xauth makes an untrusted one that the X server
	// stops accepting ForwardX11Timeout after it was made (0: never).
	ForwardX11        bool
	ForwardX11Trusted bool
	ForwardX11Timeout time.Duration
	XAuthLocation     string
	// PermitRemoteOpen limits where a remote dynamic forwarding may
	// connect (OpenPermitted); empty for any.
	PermitRemoteOpen    []string
	ClearAllForwardings bool
	GatewayPorts        bool
	// Tunnel device forwarding (-w, tun@openssh.com): Tunnel is "false",
	// "point-to-point" or "ethernet"; TunnelDevice the local and remote
	// units, tun.Any for the next free one.
	Tunnel                    string
	TunnelLocal, TunnelRemote uint32
	// Local forwardings' Unix sockets: the umask they are made with, and
	// whether an existing file at the path is removed first.
	StreamLocalBindMask   uint32
	StreamLocalBindUnlink bool

	// Connection sharing, as ssh -G prints them: ControlMaster "true",
	// "false", "auto", "ask" or "autoask"; ControlPath expanded ("" or
	// "none": no sharing); ControlPersist "yes", "no" or seconds.
	ControlMaster  string
	ControlPath    string
	ControlPersist string
	// LocalCommand runs after connecting when PermitLocalCommand is set;
	// KnownHostsCommand adds known_hosts lines. Both as written: their
	// tokens are expanded when they run (Expand).
	LocalCommand       string
	PermitLocalCommand bool
	KnownHostsCommand  string

	// RekeyLimit as "SIZE SECS" (bytes, seconds); "" when unset.
	RekeyLimit string

	// RefuseConnection (OpenSSH 10): ssh refuses to connect, usually set
	// in a Host or Match block.
	RefuseConnection bool

	// IdleTimeout is the ssh2 dialect's (no OpenSSH keyword sets it):
	// the connection is closed once no traffic has moved on it for this
	// long (0: never), as dbclient -I does, which wins over it.
	IdleTimeout time.Duration

	// SSH2UserDir and SSH2IdentificationFile are an ssh2 file's
	// UserConfigDirectory and IdentificationFile: the user's list of
	// private key files (IdKey lines), read after the IdentityFiles;
	// empty when no ssh2 file was read.
	SSH2UserDir, SSH2IdentificationFile string
	// SSH2NoUserHostKeys is an ssh2 file's UserKnownHosts no: the user's
	// ssh2 host key directory (UserConfigDirectory's hostkeys) is not
	// read; the system's (/etc/ssh2/hostkeys) still is.
	SSH2NoUserHostKeys bool

	// Warnings lists one line per keyword that OpenSSH knows but sshbox
	// does not act on ("FILE:LINE: ..."), for ssh -v to show.
	Warnings []string

	// IdentityErr: an IdentityFile or CertificateFile did not expand (an
	// unknown token, an unset ${VAR}). ssh -G prints them as written, as
	// OpenSSH does; connecting fails with this error.
	IdentityErr error

	tokens map[byte]string     // the % tokens of this connection (Expand)
	raw    map[string][]string // values as written, where ssh -G prints them unexpanded
	extra  map[string]string   // keywords not acted on, as ssh -G prints them
}

// ServerOptions is the one typed option set of sshd for one connection,
// after Match blocks were applied. Field names are OpenSSH's keywords;
// defaults are OpenSSH's (see DefaultServerOptions).
type ServerOptions struct {
	Port             []int
	ListenAddress    []string // "host" or "host:port" / "[v6]:port" as written
	AddressFamily    string
	HostKeys         []string
	HostCertificates []string
	PidFile          string
	LogLevel         string
	// IPQoS: the TOS byte once a session starts, with a terminal or
	// without; IPQoSNone leaves it alone.
	IPQoSInteractive, IPQoSBulk int
	SyslogFacility              string

	LoginGraceTime time.Duration
	MaxAuthTries   int
	MaxSessions    int
	MaxStartups    string // "start:rate:full" or "n"
	// PerSourceMaxStartups limits the unauthenticated connections of one
	// source (0: none); a source is an address masked to
	// PerSourceNetBlockSize's IPv4 and IPv6 prefix lengths, which
	// PerSourcePenalties also uses. PerSourcePenaltyExemptList is an
	// address list ("" none) never penalised.
	PerSourceMaxStartups       int
	PerSourceNetBlockSize      [2]int
	PerSourcePenalties         Penalties
	PerSourcePenaltyExemptList string
	PermitRootLogin            string // yes, no, prohibit-password, forced-commands-only
	// VersionAddendum is sent after sshd's version in the version
	// exchange, after a space ("" none).
	VersionAddendum string
	// UseDNS: host patterns see the client's name, looked up and
	// checked to map back to its address.
	UseDNS bool
	// RequiredRSASize: the smallest RSA user key (or certificate key)
	// accepted, and, globally, RSA host key loaded, in bits.
	RequiredRSASize int
	StrictModes     bool

	PubkeyAuthentication         bool
	AuthorizedKeysFile           []string // tokens unexpanded (%h %u %%)
	AuthorizedPrincipalsFile     string   // "none" or a path
	TrustedUserCAKeys            string   // "none" or a path
	RevokedKeys                  string   // "none" or a path
	PasswordAuthentication       bool
	PermitEmptyPasswords         bool
	KbdInteractiveAuthentication bool
	AuthenticationMethods        []string // "any" or lists like "publickey,password"
	UsePAM                       bool

	AllowUsers  []string
	DenyUsers   []string
	AllowGroups []string
	DenyGroups  []string

	AcceptEnv             []string
	PermitUserEnvironment bool
	SetEnv                []string
	PermitTTY             bool
	PermitUserRC          bool // ~/.ssh/rc runs before the session's program
	ExposeAuthInfo        bool // SSH_USER_AUTH names a file of the methods that passed
	// ChannelTimeout's "type=interval" pairs as written (none: empty);
	// see ChannelIdleTimeout.
	ChannelTimeout []string
	// UnusedConnectionTimeout closes a connection with no open channel
	// for this long (0: none).
	UnusedConnectionTimeout time.Duration
	// HostKeyAgent is the agent socket holding host private keys
	// ("SSH_AUTH_SOCK": the variable's value; "" or none: no agent).
	HostKeyAgent    string
	PrintMotd       bool
	PrintLastLog    bool
	Banner          string // "none" or a path
	ForceCommand    string // "" = none
	ChrootDirectory string
	Subsystems      map[string]string // name -> command ("internal-sftp" allowed)

	// PermitUserEnvironmentNames is the pattern list of PermitUserEnvironment
	// LANG,LC_*: environment= may set only the names it matches. "" when
	// the keyword was yes or no.
	PermitUserEnvironmentNames string

	ClientAliveInterval time.Duration
	ClientAliveCountMax int
	TCPKeepAlive        bool
	Compression         bool // offer zlib@openssh.com (yes, delayed)

	AllowTcpForwarding         string // yes, no, local, remote, all
	AllowAgentForwarding       bool
	AllowStreamLocalForwarding string
	GatewayPorts               string // no, yes, clientspecified
	PermitTunnel               string // no, yes, point-to-point, ethernet (tun@openssh.com)
	PermitOpen                 []string
	PermitListen               []string
	X11Forwarding              bool
	X11DisplayOffset           int    // the first display number tried (6000+N)
	X11UseLocalhost            bool   // listen on the loopback address only
	XAuthLocation              string // xauth(1), run to add the cookie
	DisableForwarding          bool   // overrides every forwarding keyword above
	StreamLocalBindMask        uint32 // umask for remote-forwarded Unix sockets
	StreamLocalBindUnlink      bool

	Ciphers                  string
	MACs                     string
	KexAlgorithms            string
	HostKeyAlgorithms        string
	PubkeyAcceptedAlgorithms string

	// AuthorizedKeysCommand and AuthorizedPrincipalsCommand with the users
	// they run as; "" or "none" when unset.
	AuthorizedKeysCommand           string
	AuthorizedKeysCommandUser       string
	AuthorizedPrincipalsCommand     string
	AuthorizedPrincipalsCommandUser string

	// RekeyLimit as "SIZE SECS" (bytes, seconds); "" when unset.
	RekeyLimit string

	// CASignatureAlgorithms: the signature algorithms a CA may have
	// signed a user certificate with, resolved against OpenSSH's default
	// (which leaves out ssh-rsa, SHA-1).
	CASignatureAlgorithms []string

	// RefuseConnection (OpenSSH 10) ends the connection, in a Match block
	// the connections it matches.
	RefuseConnection bool

	// The ssh2 dialect's restrictions that no OpenSSH keyword sets
	// (ssh2srv.go); zero when the file is OpenSSH's. IdleTimeout closes
	// a connection on which no traffic has moved for this long (0:
	// never), as Server.IdleTimeout does; MaxConnections is the number of
	// connections sshd serves at once (0: no limit); AllowHosts and
	// DenyHosts (nil: none) admit and refuse clients by address or
	// verified name; RequireReverseMapping refuses a client whose
	// address has no name that maps back to it.
	IdleTimeout           time.Duration
	MaxConnections        int
	AllowHosts, DenyHosts *HostList
	RequireReverseMapping bool
	// PubkeyMinSize and PubkeyMaxSize are AuthPublicKey.MinSize and
	// MaxSize: the sizes in bits (a certificate's key's) that publickey
	// logins may have (0: no limit). KbdIntRetries is AuthKbdInt.Retries:
	// the keyboard-interactive logins that may fail on one connection
	// before that method stops asking (0: only MaxAuthTries counts).
	PubkeyMinSize, PubkeyMaxSize int
	KbdIntRetries                int

	// SSH2UserDir and SSH2AuthorizationFile are UserConfigDirectory and
	// AuthorizationFile, where the users' ssh2 authorization files are
	// (ssh2srv.go); empty when the file is OpenSSH's. ssh2Syntax is the
	// file's REGEX-SYNTAX, for their allow-from and deny-from.
	SSH2UserDir, SSH2AuthorizationFile string
	ssh2Syntax                         regexSyntax
	// ssh2SubNeedsName: a HostSpecificConfig or UserSpecificConfig
	// pattern could match the client's name (NeedsClientName).
	ssh2SubNeedsName bool

	subsysOrder []string          // Subsystem names in definition order, for sshd -T
	extra       map[string]string // keywords not acted on, as sshd -T prints them
	extraShared bool              // extra belongs to the options cloned from (clone)
}

// MatchConn describes the connection that sshd Match blocks are evaluated
// against (sshd -T -C user=U,host=H,addr=A,laddr=L,lport=P).
type MatchConn struct {
	User      string
	Host      string
	Addr      string
	LocalAddr string
	LocalPort int
	// InvalidUser: User names no account (Match invalid-user).
	InvalidUser bool
	// Name is the client's name when its address has one that maps back
	// to it ("" if none), for the ssh2 dialect's host patterns, which
	// look it up even with UseDNS no (NeedsClientName).
	Name string
}

// CASignatureList is CASignatureAlgorithms resolved against OpenSSH's
// default: the signature algorithms (patterns allowed) a CA may have used
// to sign a host certificate.
func (o *ClientOptions) CASignatureList() string {
	return opensshAlgoText("sig", o.CASignatureAlgorithms)
}
