package server

// The log texts of sshd, in OpenSSH's words so that log watchers (fail2ban,
// logcheck) that know OpenSSH understand sshbox too. Every line sshd logs
// is built from one of these formats.
const (
	msgListening        = "Server listening on %s port %d."
	msgBindFailed       = "Bind to port %d on %s failed: %v."
	msgCannotBind       = "Cannot bind any address."
	msgConnectionFrom   = "Connection from %s port %d on %s port %d%s" // then rdomainSuffix
	msgAccepted         = "Accepted %s for %s from %s port %d ssh2%s"
	msgFailed           = "Failed %s for %s from %s port %d ssh2%s"
	msgInvalidUser      = "Invalid user %s from %s port %d"
	msgNotAllowed       = "User %s not allowed because %s"
	msgNotAllowedFrom   = "User %s from %s not allowed because %s" // the refusals of DenyUsers and the like
	msgAccountExpired   = "Account %s has expired"
	msgNegotiateFailed  = "Unable to negotiate with %s port %d: %s [preauth]"
	msgTimeoutPreauth   = "Timeout before authentication for %s port %d"
	msgChannelInactive  = "channel %d: closing after %d seconds of inactivity"
	msgUnusedConnection = "terminating inactive connection from user %s %s port %d"
	msgIdleTimeout      = "Idle timeout: no traffic for %d seconds from user %s %s port %d" // Dropbear's -I, Dropbear's reason first
	msgPanic            = "fatal: panic serving %s port %d: %v\n%s"
	msgStatus           = "Status: %d goroutines, %d connections"
	msgAuthKeysBad      = "Authentication refused: %v"
	msgAuthKeysLine     = "%s:%d: %v"
	msgKeyFromRefused   = "Authentication tried for %s with correct key but not from a permitted host (host=%s, ip=%s)."
	msgKeyExpired       = "%s:%d: key expired at %s"
	msgChildStartFailed = "session: cannot start %s for %s: %v"
	msgHostKeyLoad      = "Unable to load host key: %s: %v"
	msgAgentConnect     = "Could not connect to agent \"%s\": %v"
	msgHostCertLoad     = "Could not load host certificate %s: %v"
	msgHostKeyGen       = "Generating %s host key %s"
	msgHostKeyGenFailed = "Unable to generate host key %s: %v"
	msgNoHostKeys       = "sshd: no hostkeys available -- exiting."
	msgRootRefused      = "ROOT LOGIN REFUSED FROM %s port %d"
	msgRefusedLocalFwd  = "refused local port forward: originator %s port %d, target %s port %d"
	msgConnectFailed    = "connect_to %s port %d: failed." // OpenSSH's channels.c, at ERROR
	msgRemoteFwdFailed  = "remote forward %s port %d failed: %v"
	msgOpenDenied       = "Received request from %s port %d to connect to host %s port %d, but the request was denied."
	msgListenDenied     = "Received request from %s port %d to remote forward to host %s port %d, but the request was denied."
	msgRefusedStreamFwd = "refused streamlocal port forward: originator %s port %d, target %s"
	msgRefusedStreamRev = "refused remote streamlocal forward of %s"
	msgStreamFwdFailed  = "remote streamlocal forward of %s failed: %v"
	// Tunnel forwarding (tun@openssh.com). OpenSSH tells the client
	// only, in an SSH_MSG_DEBUG; sshbox logs the refusal as it does the
	// other forwardings'.
	msgTunRefused   = "refused tunnel forwarding (%s) for %s from %s port %d: PermitTunnel"
	msgTunBadMode   = "Unsupported tunnel device mode %d."
	msgTunKeyDevice = "refused tunnel forwarding of unit %s: the key allows only tunnel=%s"
	// What OpenSSH's server_request_tun tells the client (SSH_MSG_DEBUG).
	msgTunBadModeRemote  = "Unsupported tunnel device mode."
	msgTunRejectedRemote = "Server has rejected tunnel device forwarding"
	msgTunFailedRemote   = "Failed to open the tunnel device."
	msgTunOpenFailed     = "Failed to open the tunnel device (unit %s, %s): %v"
	msgTunUsing          = "Tunnel forwarding using interface %s"
	msgConnectPathFail   = "connect to %s failed: %v"
	msgAcceptFailed      = "accept: %v"
	msgKeyReused         = "refusing previously-used %s key %s"
	msgPtyFailed         = "session: pty: %v"
	msgEnvIgnored        = "Ignoring env request %s: disallowed name"
	msgAgentFailed       = "agent forwarding: %v"
	// X11 forwarding: OpenSSH's session.c and channels.c.
	msgX11Active        = "session_x11_req: x11 forwarding already active"
	msgX11BadData       = "Invalid X11 forwarding data"
	msgX11KeyDenied     = "X11 forwarding disabled by key options."
	msgX11ConfigDenied  = "X11 forwarding disabled in server configuration file."
	msgX11NoXauth       = "No xauth program; cannot forward X11."
	msgX11NoDisplay     = "Failed to allocate internet-domain X11 display socket."
	msgX11Connection    = "X11 connection requested."
	msgAuthFailedDebug  = "%s authentication for %s failed: %v"
	msgAuthResultDebug  = "%s authentication for %s %s"
	msgUserauthRequest  = "userauth-request for user %s service ssh-connection method %s [preauth]"
	msgUserauthTry      = "input_userauth_request: try method %s [preauth]"
	msgUserauthFinish   = "userauth_finish: failure partial=%d next methods=\"%s\" [preauth]"
	msgChannelOpen      = "server_input_channel_open: ctype %s"
	msgChannelRequest   = "session_input_channel_req: req %s"
	msgChannelReply     = "channel request %s: %s"
	msgGlobalRequest    = "server_input_global_request: rtype %s want_reply %d"
	msgPartial          = "Partial %s for %s from %s port %d ssh2%s"
	msgPasswordWhy      = "%s for %s refused: %v"
	msgTooManyAuth      = "Disconnecting authenticating user %s %s port %d: Too many authentication failures [preauth]"
	msgMaxAuthExceeded  = "maximum authentication attempts exceeded for %s from %s port %d ssh2 [preauth]"
	msgTooManyAuthInval = "Disconnecting invalid user %s %s port %d: Too many authentication failures [preauth]"
	msgDisconnecting    = "Disconnecting %s: %.100s [preauth]" // peerID, why
	msgDropConnection   = "drop connection #%d from [%s]:%d on [%s]:%d %s"
	whyMaxStartups      = "past MaxStartups"    // msgDropConnection's reason past MaxStartups or PerSourceMaxStartups
	whyMaxConnections   = "past MaxConnections" // the ssh2 dialect's limit (maxconn.go)
	msgAliveTimeout     = "Timeout, client not responding from user %s %s port %d"
	msgBannerRead       = "Banner %s: %v"
	msgRevokedRead      = "RevokedKeys %s: %v"
	msgTrustedCARead    = "TrustedUserCAKeys %s: %v"
	msgKeyRevoked       = "Authentication key %s %s revoked by file %s"
	msgCertRefused      = "Certificate %s for %s refused: %s"
	msgSessionLimit     = "session: MaxSessions %d reached for user %s %s port %d"
	msgChannelLimit     = "refused channel: %d channels open, %s from %s port %d"
	msgEnvLimit         = "Ignoring env request %s: too many env vars"
	msgLoginRecord      = "login records: %v"
	msgFwdLimit         = "refused remote forward: %d forwardings open for %s port %d"

	// After authentication (packet.c's ssh_packet_disconnect): peerID, why.
	msgDisconnectingUser = "Disconnecting %s: %.100s"
	msgPossibleAttack    = "Possible attack: attempt to open a session after additional sessions disabled"
)

// How a connection ends (conn.go), in the words of OpenSSH's packet.c and
// serverloop.c. The %s after "by" or "from" is peerID's, "[preauth]" is
// added before a login as OpenSSH's unprivileged child adds it.
const (
	msgRecvDisconnect = "Received disconnect from %s port %d:%d: %s%s"
	msgDisconnectedBy = "Disconnected from %s%s"
	msgClosedBy       = "Connection closed by %s%s"
	msgResetBy        = "Connection reset by %s%s"
	msgIdentClosed    = "kex_exchange_identification: Connection closed by remote host"
	msgIdentReadError = "kex_exchange_identification: read: %s"
	msgReadError      = "Read error from remote host %s port %d: %s"
	msgTransferred    = "Transferred: sent %d, received %d bytes"
	msgClosingConn    = "Closing connection to %s port %d"
	preauth           = " [preauth]"
	// The VERBOSE lines of a session's start and end (session.c).
	msgStartingSession   = "Starting session: %s%s for %s from %s port %d id %d"
	msgCloseSession      = "Close session: user %s from %s port %d id %d"
	msgSubsystemNotFound = "subsystem request for %s by user %s failed, subsystem not found"
	// The VERBOSE lines of a key found (auth2-pubkey.c) and of a key
	// the client only asked about (auth.c's "Postponed").
	msgAcceptedKeyAt   = "Accepted key %s %s found at %s:%d"
	msgCertAcceptedVia = "Accepted certificate ID \"%s\" (serial %d) signed by %s CA %s via %s"
	msgCertAcceptedAt  = "Accepted certificate ID \"%s\" (serial %d) signed by CA %s %s found at %s:%d"
	msgPostponed       = "Postponed publickey for %s from %s port %d ssh2 [preauth]"
)

// The prompt of keyboard-interactive logins, as OpenSSH's PAM dialog shows it.
const kbdPasswordPrompt = "Password: "

// Reasons completing msgNotAllowed ("User U not allowed because ...") and
// msgNotAllowedFrom.
const (
	whyLocked     = "account is locked"
	whyExpired    = "account has expired"
	whyNoShell    = "shell %s does not exist"
	whyShellNoX   = "shell %s is not executable"
	whyNoHome     = "home directory %s does not exist"
	whyNologin    = "%s exists"
	whyNotOwnUser = "sshd runs as %s and only that user can log in"
	whyDenyUsers  = "listed in DenyUsers"
	whyAllowUsers = "not listed in AllowUsers"
	whyDenyGroups = "a group is listed in DenyGroups"
	whyAllowGrps  = "none of user's groups are listed in AllowGroups"
)

// Log lines of the algorithm and key size checks (authpubkey.go,
// hostkeys.go).
const (
	msgKeyTypeNotAccepted = "key type %s not in PubkeyAcceptedAlgorithms"
	msgRSATooShort        = "refusing %s key: Invalid key length"
	msgKeySizeOutside     = "refusing %s key of %d bits: AuthPublicKey.MinSize %d, MaxSize %d"
	msgKbdIntRetries      = "keyboard-interactive for %s refused: AuthKbdInt.Retries %d failed already"
	msgHostKeyTooShort    = "main: Host key %s: Invalid key length"
)

// Why a user certificate is refused, in the words of OpenSSH's sshkey.c
// and auth2-pubkey.c (authcert.go).
const (
	whyCertNotUser               = "Certificate invalid: not a user certificate"
	whyCertNotYetValid           = "Certificate invalid: not yet valid"
	whyCertExpired               = "Certificate invalid: expired"
	whyCertNoPrincipals          = "Certificate lacks principal list"
	whyCertNotListed             = "Certificate invalid: name is not a listed principal"
	whyCertNoAuthorizedPrincipal = "Certificate does not contain an authorized principal"
)

// RefuseConnection (conn.go, auth.go), in OpenSSH 10's words.
const (
	msgRefuseConnection = "administratively prohibited connection from %s port %d on %s port %d"
	msgRefuseUser       = "administratively prohibited connection for %s from %s port %d"
)

// The ssh2 dialect's AllowHosts, DenyHosts, RequireReverseMapping
// (hostaccess.go); msgHostRefused's reason is the keyword that refused.
const (
	msgHostRefused      = "Refused connection from %s [%s] port %d by %s"
	whyNoReverseMapping = "RequireReverseMapping (no name maps back to the address)"
)

// PerSourcePenalties (sources.go), in OpenSSH 9.8's words.
const (
	msgPenaltyNew      = "srclimit_penalise: %s: new %s %s penalty of %.3f seconds for %s"
	msgPenaltyActivate = "srclimit_penalise: %s: activating %s penalty of %.3f seconds for %s"
	msgPenaltyExists   = "srclimit_penalise: %s penalty for %s %s already exists, %d seconds remaining"
	msgPenaltyFull     = "srclimit_penalise: %s penalty table full, cannot penalise %s for %s"
)

// UseDNS (usedns.go), in OpenSSH's words.
const (
	msgNoPTR         = "no name for %s: %v"
	msgReverseFailed = "reverse mapping checking getaddrinfo for %s [%s] failed."
	msgNoMapBack     = "Address %s maps to %s, but this does not map back to the address."
)

// The client's identification line (ident.go), in OpenSSH's words.
const (
	msgIdentInvalid      = "kex_exchange_identification: client sent invalid protocol identifier \"%s\""
	msgIdentInvalidReply = "Invalid SSH identification string.\r\n"
	msgIdentVersion      = "Protocol major versions differ: 2 vs. %d"
	msgIdentVersionReply = "Protocol major versions differ.\r\n"
	msgBannerExchange    = "banner exchange: Connection from %s port %d: %s"
)

// UpdateHostKeys (hostkeys_notify.go).
const (
	msgNotifyHostKey      = "notify_hostkeys: key %d: %s %s"
	msgNotifyHostKeysSent = "notify_hostkeys: sent %d hostkeys"
	msgProveFailed        = "server_input_hostkeys_prove: %v"
)
