package client

// Every text the ssh client shows a user lives here, so that it can be
// checked against design.md §4 and OpenSSH's wording in one place.

const (
	// The host key dialogue (design.md §4, the seed's texts).
	msgHostKeyNotFound   = "Host key not found from the list of known hosts.\n"
	msgHostKeyFinger     = "%s key fingerprint is %s.\n"
	msgVisualHostKey     = "Host key fingerprint is %s\n%s"
	msgHostKeyAsk        = "Are you sure you want to continue connecting (yes/no)? "
	msgHostKeyAskAgain   = "Please type 'yes' or 'no': "
	msgHostKeyAdded      = "Warning: Permanently added '%s' (%s) to the list of known hosts."
	msgHostKeyFailed     = "Host key verification failed."
	msgHostKeyStrictNew  = "No %s host key is known for %s and you have requested strict checking."
	msgHostKeyRevoked    = "Host key %s %s revoked by file %s:%d"
	msgHostKeyWriteError = "Failed to add the host to the list of known hosts (%s): %v"
	// RevokedHostKeys, RequiredRSASize and CASignatureAlgorithms, as
	// OpenSSH's verify_host_key and sshkey_cert_check_host word them.
	msgHostKeyRevokedBy   = "Host key %s %s revoked by file %s"
	msgRevokedHostKeysErr = "Error checking host key %s %s in revoked keys file %s: %s"
	msgBadHostKeyLength   = "Bad server host key: Invalid key length"
	msgCertSigAlgo        = "Certificate signed with disallowed algorithm"

	// The changed host key banner. Its first line is the seed's sentence
	// (design.md §4: the banner starts with it); the rest follows OpenSSH's
	// so that habits and scripts keep working.
	msgHostKeyChangedBanner = msgHostKeyChangedHead + `Add correct host key in %s to get rid of this message.
Offending %s key in %s:%d
  remove with:
  %s
Host key for %s has changed and you have requested strict checking.
`

	// The banner's first part, which OpenSSH's warn_changed_key also
	// shows when the host's SSHFP records in DNS name another key.
	msgHostKeyChangedHead = `WARNING: HOST IDENTIFICATION HAS CHANGED!
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
Someone could be eavesdropping on you right now (man-in-the-middle attack)!
It is also possible that the host key has just been changed legitimately.
The fingerprint for the %s key sent by the remote host is
%s.
Please contact your system administrator.
`

	// CheckHostIP's warning before the changed-key banner when the
	// address's lines do not hold the host's old key, in OpenSSH's words
	// (sshconnect.c); the offending line's removal command is shown as in
	// the banner above.
	msgDNSSpoofing = `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@       WARNING: POSSIBLE DNS SPOOFING DETECTED!          @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
The %s host key for %s has changed,
and the key for the corresponding IP address %s
%s. This could either mean that
DNS SPOOFING is happening or the IP address for the host
and its host key have changed at the same time.`
	msgDNSOffendingIP = `
Offending key for IP in %s:%d
  remove with:
  %s`
	msgDNSIPUnknown   = "is unknown"
	msgDNSIPUnchanged = "is unchanged"
	msgDNSIPDifferent = "has a different value"
	// VerifyHostKeyDNS (hostkeydns.go), as OpenSSH's dns.c and
	// sshconnect.c word them.
	msgDNSUpdateSSHFP = "Update the SSHFP RR in DNS with the new host key to get rid of this message."
	msgDNSMatching    = "Matching host key fingerprint found in DNS.\n"
	msgDNSNoMatching  = "No matching host key fingerprint found in DNS.\n"
	msgDNSLookupError = "DNS lookup error: %s"
	msgDNSBadRecord   = "Error parsing fingerprint from DNS."
	msgDNSBadKey      = "Error calculating key fingerprint."

	// User authentication.
	msgPassphrase       = "Enter passphrase for key '%s': "
	msgAddKeyAsk        = "Add key %s (%s) to agent?"
	msgPassword         = "%s@%s's password: "
	msgKbdPrompt        = "(%s@%s) %s"
	msgPasswordAgain    = "Permission denied, please try again."
	msgPermissionDenied = "%s@%s: Permission denied (%s)."
	msgKeyTooOpen       = "%v\nLoad key \"%s\": bad permissions" // banner from keys.PermissionError

	// Connection and session.
	msgConnectRefused   = "ssh: connect to host %s port %d: %v"
	msgResolve          = "ssh: Could not resolve hostname %s: %s"
	msgConnClosed       = "Connection to %s closed."
	msgConnClosedRemote = "Connection to %s closed by remote host."
	msgServerTimeout    = "Timeout, server %s not responding."
	msgIdleTimeout      = "Connection to %s@%s:%d exited: Idle timeout"        // dbclient's, for its -I
	msgChannelInactive  = "channel %d: closing after %d seconds of inactivity" // ChannelTimeout, at VERBOSE
	msgNoPtyStdin       = "Pseudo-terminal will not be allocated because stdin is not a terminal."
	// X11 forwarding, as OpenSSH's clientloop.c and channels.c word it.
	msgX11ReqFailed        = "X11 forwarding request failed on channel 0"
	msgX11Untrusted        = "Warning: untrusted X11 forwarding setup failed: xauth key data not generated"
	msgX11FakeCookie       = "Warning: No xauth data; using fake authentication data for X11 forwarding."
	msgX11Expired          = "Rejected X11 connection after ForwardX11Timeout expired"
	msgX11WrongAuth        = "X11 connection rejected because of wrong authentication."
	msgNoCompression       = "this build of sshbox has no compression (built without scripts/xcrypto); -C / Compression yes is ignored"
	msgKexFailed           = "Unable to negotiate with %s port %d: %s"
	msgForwardFailed       = "channel_setup_fwd_listener_tcpip: cannot listen to port: %s"
	msgRemoteFwdFailed     = "Warning: remote port forwarding failed for listen port %s"
	msgRemoteFwdPathFailed = "Warning: remote port forwarding failed for listen path %s"
	msgStdioFwdFailed      = "stdio forwarding failed"
	msgProxyCmdFailed      = "ssh: ProxyCommand %q: %v"
	msgProxyNoFD           = "proxy dialer did not pass back a connection"

	// Errors and notices beyond the dialogue, worded as OpenSSH words them.
	msgBadStdioSpec      = "Bad stdio forwarding specification '%s'"
	msgBadBind           = "ssh: bind address %q is not an IP address"
	msgNoIfaceAddr       = "getifaddrs: %s: no suitable addresses"
	msgBannerTimeout     = "Connection timed out during banner exchange"
	msgClosedBy          = "Connection closed by %s"
	msgRecvDisconnect    = "Received disconnect from %s:%d: %s"
	msgTransferred       = "Transferred: sent %d, received %d bytes, in %.1f seconds"
	msgIdentityFile      = "identity file %s type %d"
	msgBytesPerSecond    = "Bytes per second: sent %.1f, received %.1f"
	msgDisconnected      = "Disconnected from %s"
	msgConnReset         = "Connection reset by %s"
	msgConnTimedOut      = "Connection to %s timed out"
	msgBannerClosed      = "kex_exchange_identification: Connection closed by remote host"
	msgBannerReadReset   = "kex_exchange_identification: read: Connection reset by peer"
	msgBannerPrefix      = "kex_exchange_identification: "
	msgBannerInvalid     = "banner exchange: Connection to %s: invalid format"
	msgReadFromRemote    = "Read from remote host %s: %v"
	msgCorruptedMAC      = "Corrupted MAC on input."
	msgMACFatal          = "ssh_dispatch_run_fatal: Connection to %s: message authentication code incorrect"
	msgBadCiphers        = "Bad SSH2 cipher spec '%s': %v"
	msgBadMACs           = "Bad SSH2 MAC spec '%s': %v"
	msgBadKex            = "Bad SSH2 KexAlgorithms '%s': %v"
	msgBadHostKeyAlgs    = "Bad protocol 2 host key algorithms '%s': %v"
	msgBadEscape         = "Bad escape character '%s'"
	msgBadForward        = "Bad forwarding specification '%s'"
	msgAllocatedPort     = "Allocated port %d for remote forward to %s"
	msgRemoteOpenDenied  = "Received request from %s port %d to connect to host %s port %d, but the request was denied."
	msgChannelOpenFailed = "channel open failed: %s: %v"
	msgAgentFwdFailed    = "Agent forwarding failed: %v"
	msgBindFailed        = "bind [%s]:%s: %s\n" + msgForwardFailed
	msgUnixBindFailed    = "unix_listener: cannot bind to path %s: %s"
	msgLocalFwdFailed    = "Could not request local forwarding."
	msgCertInvalid       = "Certificate invalid: %v"
	msgIPKeyDiffers      = "Warning: the %s host key for '%s' differs from the key for the IP address '%s'"
	msgStrictExiting     = "Exiting, you have requested strict checking."
	msgIPKeyAdded        = "Warning: Permanently added the %s host key for IP address '%s' to the list of known hosts."
	msgIPKeyAddFailed    = "Failed to add the %s host key for IP address '%s' to the list of known hosts (%s)."
	msgIPKeyNotListed    = "%s host key for IP address '%s' not in list of known hosts."
	msgUpdateUntrusted   = "UpdateHostkeys is disabled because the host key is not trusted."
	msgPasswordDisabled  = "Password authentication is disabled to avoid man-in-the-middle attacks."
	msgKbdDisabled       = "Keyboard-interactive authentication is disabled to avoid man-in-the-middle attacks."
	msgAgentFwdDisabled  = "Agent forwarding is disabled to avoid man-in-the-middle attacks."
	msgPortFwdDisabled   = "Port forwarding is disabled to avoid man-in-the-middle attacks."
	msgFwdDisabledFatal  = "Error: forwarding disabled due to host key check failure"
	msgLoadKey           = "Load key \"%s\": %v"
	msgLoadKeyNoPub      = "Load key \"%s\": the key is encrypted and %s.pub is missing"
	msgLoadKeyFormat     = "Load key \"%s\": invalid format"
	msgLoadShortKey      = "load pubkey \"%s\": Invalid key length"
	msgBadPassphrase     = "Bad passphrase, try again for %s: "
	msgBadDestination    = "invalid destination '%s': %v"
	msgJumpOpenFailed    = "channel 0: open failed: %v"
	msgJumpTargetFailed  = "channel 0: open failed: connect to %s port %d: %v"
	msgSessionOpenFailed = "channel 0: open failed: %v"
	msgPtyFailed         = "PTY allocation request failed on channel 0"
	msgKilledBySignal    = "Killed by signal %d."
	msgSubsystemFailed   = "subsystem request failed on channel 0"
	// sshbox's own: a plain go build's x/crypto cannot start a subsystem
	// on a session (_xcrypto/README.md).
	msgSubsystemNoPty = "Pseudo-terminal will not be allocated for a subsystem: this build's SSH library cannot run one on a session (build with scripts/xcrypto)"

	// The ~C command line.
	msgCmdHelp = `Commands:
      -L[bind_address:]port:host:hostport    Request local forward
      -R[bind_address:]port:host:hostport    Request remote forward
      -D[bind_address:]port                  Request dynamic forward
      -KL[bind_address:]port                 Cancel local forward
      -KR[bind_address:]port                 Cancel remote forward
      -KD[bind_address:]port                 Cancel dynamic forward`
	msgCmdHelpLocal  = "      !args                                  Execute local command"
	msgCmdForwarding = "Forwarding port."
	msgCmdFwdFailed  = "Port forwarding failed."
	msgCmdInvalid    = "Invalid command."
	msgCmdBadLocal   = "Bad local forwarding specification."
	msgCmdBadRemote  = "Bad remote forwarding specification."
	msgCmdBadClose   = "Bad forwarding close specification."
	msgCmdUnknownFwd = "Unknown port forwarding."
	msgCmdCanceled   = "Canceled forwarding."

	// The escape character help (~?), as OpenSSH prints it.
	msgEscapeVerbosity  = "%s%s [LogLevel %s]\r\n"
	msgEscapeSyslog     = "%s%s [Logging to syslog]\r\n"
	msgEscapeNotShared  = " escape not available to multiplexed sessions\r\n"
	msgEscapeCmdlineOff = "commandline disabled\r\n"
)

// RefuseConnection (client.go).
const msgRefuseConnection = "Connection to %s refused by configuration (RefuseConnection)"

// Local commands and agent sockets named in ssh_config.
const (
	msgAgentSockMissing = "Cannot forward agent socket path \"%s\": %s"

	// Tunnel forwarding (tunfwd.go), OpenSSH's ssh.c and clientloop.c.
	msgTunRequesting    = "Requesting tun unit %d in mode %d"
	msgTunOpenFailed    = "Tunnel device open failed."
	msgTunRequestFailed = "Could not request tunnel forwarding."
	msgTunUsing         = "Tunnel forwarding using interface %s"
	msgTunChannelFailed = "channel %d: open failed: %s: %s"
	msgTunFailed        = "Tunnel forwarding failed"
	msgTunEstablished   = "ssh_tun_confirm: tunnel forward established, id=%d"
	msgTunFwdDisabled   = "Tunnel forwarding is disabled to avoid man-in-the-middle attacks."
	msgLocalCmdExpand   = "LocalCommand: %v"
	msgKnownHostsCmd    = "KnownHostsCommand %q: %s"
)

// UpdateHostKeys (updatehostkeys.go), in clientloop.c's words.
const (
	msgHostKeysAgain       = "client_input_hostkeys: server already sent hostkeys; ignored"
	msgHostKeyDuplicate    = "client_input_hostkeys: received duplicated %s host key"
	msgHostKeysProveFailed = "Server failed to confirm ownership of private host keys"
	msgHostKeyBadSig       = "client_global_hostkeys_prove_confirm: server gave bad signature for %s key %d"
	msgHostKeysPreamble1   = "The server has updated its host keys."
	msgHostKeysPreamble2   = "These changes were verified by the server's existing trusted key."
	msgHostKeyLearned      = "Learned new hostkey: %s %s"
	msgHostKeyDeprecated   = "Deprecating obsolete hostkey: %s %s"
	msgHostKeysAccept      = "Accept updated hostkeys? (yes/no): "
	msgHostKeysYesNo       = "Please enter \"yes\" or \"no\""
)
