package client

// Every text the ssh client shows a user lives here, so that it can be
// checked against design.md §4 and OpenSSH's wording in one place.

const (
	// The host key dialogue (design.md §4, the seed's texts).
	msgHostKeyNotFound   = "Host key not found from the list of known hosts.\n"
	msgHostKeyFinger     = "%s key fingerprint is %s.\n"
	msgHostKeyAsk        = "Are you sure you want to continue connecting (yes/no)? "
	msgHostKeyAskAgain   = "Please type 'yes' or 'no': "
	msgHostKeyAdded      = "Warning: Permanently added '%s' (%s) to the list of known hosts."
	msgHostKeyFailed     = "Host key verification failed."
	msgHostKeyStrictNew  = "No %s host key is known for %s and you have requested strict checking."
	msgHostKeyRevoked    = "Host key %s %s revoked by file %s:%d"
	msgHostKeyWriteError = "Failed to add the host to the list of known hosts (%s): %v"

	// The changed host key banner. It starts with the seed's sentence and
	// otherwise follows OpenSSH's so that habits and scripts keep working.
	msgHostKeyChangedBanner = `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@        WARNING: HOST IDENTIFICATION HAS CHANGED!        @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
Someone could be eavesdropping on you right now (man-in-the-middle attack)!
It is also possible that the host key has just been changed legitimately.
The fingerprint for the %s key sent by the remote host is
%s.
Please contact your system administrator.
Add correct host key in %s to get rid of this message.
Offending %s key in %s:%d
  remove with:
  %s
Host key for %s has changed and you have requested strict checking.
`

	// User authentication.
	msgPassphrase       = "Enter passphrase for key '%s': "
	msgPassword         = "%s@%s's password: "
	msgPasswordAgain    = "Permission denied, please try again."
	msgPermissionDenied = "%s@%s: Permission denied (%s)."
	msgKeyTooOpen       = `@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@         WARNING: UNPROTECTED PRIVATE KEY FILE!          @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
Permissions 0%o for '%s' are too open.
It is required that your private key files are NOT accessible by others.
This private key will be ignored.
Load key "%s": bad permissions`

	// Connection and session.
	msgConnectRefused   = "ssh: connect to host %s port %d: %v"
	msgResolve          = "ssh: Could not resolve hostname %s: %v"
	msgConnClosed       = "Connection to %s closed."
	msgConnClosedRemote = "Connection to %s closed by remote host."
	msgServerTimeout    = "Timeout, server %s not responding."
	msgNoPtyStdin       = "Pseudo-terminal will not be allocated because stdin is not a terminal."
	msgNoCompression    = "sshbox's transport offers no compression; -C / Compression yes is ignored"
	msgKexFailed        = "Unable to negotiate with %s port %d: %s"
	msgForwardFailed    = "channel_setup_fwd_listener_tcpip: cannot listen to port: %s"
	msgRemoteFwdFailed  = "Warning: remote port forwarding failed for listen port %s"
	msgStdioFwdFailed   = "stdio forwarding failed"
	msgProxyCmdFailed   = "ssh: ProxyCommand %q: %v"

	// The escape character help (~?), as OpenSSH prints it.
	msgEscapeHelp = `Supported escape sequences:
 %[1]s.   - terminate connection (and any multiplexed sessions)
 %[1]s#   - list forwarded connections
 %[1]s?   - this message
 %[1]s^Z  - suspend ssh
 %[1]s%[1]s  - send the escape character by typing it twice
(Note that escapes are only recognized immediately after newline.)
`
)
