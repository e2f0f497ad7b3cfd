package ssh

// Every text the ssh applet shows a user lives here; the client's own
// (host key dialogue, authentication, session) are in sshcore/client.

const usage = `usage: ssh [-46ACfGMNnqsTtVvXxYy] [-B bind_interface] [-b bind_address]
           [-c cipher_spec] [-D [bind_address:]port] [-E log_file]
           [-e escape_char] [-F configfile] [-i identity_file]
           [-J destination] [-L address] [-l login_name] [-m mac_spec]
           [-O ctl_cmd] [-o option] [-P tag] [-p port] [-R address]
           [-S ctl_path] [-W host:port] [-w local_tun[:remote_tun]]
           destination [command [argument ...]]
       ssh [-Q query_option]`

// Flags OpenSSH has that sshbox does not implement: refused with a reason
// rather than ignored.
var unsupported = map[string]string{
	"-I": "PKCS#11 tokens (-I) are not supported by sshbox",
}

const (
	msgBadPort       = "Bad port '%s'"
	msgBadQuery      = "Unsupported query \"%s\""
	msgWriteG        = "ssh: -G: %v"
	msgStdioConflict = "Cannot specify stdio forward with -N, -t or a command"
	msgForkNoCommand = "Cannot fork into background without a command to execute."
	msgNoSubsystem   = "You must specify a subsystem to invoke."
	msgProtocol1     = "SSH protocol v.1 is no longer supported"
	msgNoNWithS      = "Cannot specify -N with -s/SessionType"
	msgNoSWithN      = "Cannot specify -s with -N/SessionType"
	msgLogFile       = "couldn't open logfile %s: %v"
	msgSyslogAndFile = "Can't specify both -y and -E"
	msgNoConfigFile  = "Can't open user config file %s: No such file or directory"
	msgHopConfig     = "ProxyJump host %s: %v"
	msgBadForward    = "Bad forwarding specification '%s'"
	msgBadFwdKind    = "Bad %s forwarding specification '%s'"
	msgBadStdioFwd   = "Bad stdio forwarding specification '%s'"
	msgUnknownCipher = "Unknown cipher type '%s'"
	msgUnknownMAC    = "Unknown mac type '%s'"
	msgBadEscape     = "Bad escape character '%s'."
	msgOneJump       = "Only a single -J option is permitted (use commas to separate multiple jump hops)"
	msgBadJump       = "Invalid -J argument"
	msgBadTunDevice  = "Bad tun device '%s'"

	// Connection sharing (OpenSSH's mux.c wording; the -O answers end in
	// \r\n as OpenSSH's do, so scripts comparing them see the same bytes).
	msgBadMuxCommand    = "Invalid multiplex command.\r\n"
	msgMuxProxy         = "ssh: -O proxy is not supported by sshbox"
	msgNoControlPath    = "No ControlPath specified for \"-O\" command\r\n"
	msgMasterRunning    = "Master running (pid=%d)\r\n"
	msgExitSent         = "Exit request sent.\r\n"
	msgStopSent         = "Stop listening request sent.\r\n"
	msgTerminateRefused = "Master refused termination request: %v"
	msgStopRefused      = "Master refused stop listening request: %v"
	msgCancelRefused    = "Master refused cancel forwarding request: %v"

	msgIdentityNotAccessible = "Warning: Identity file %s not accessible: %s.\n"
)
