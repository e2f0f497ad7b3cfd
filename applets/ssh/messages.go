package ssh

// Every text the ssh applet shows a user lives here; the client's own
// (host key dialogue, authentication, session) are in sshcore/client.

const usage = `usage: ssh [-46ACfGNnqTtVv] [-b bind_address] [-c cipher_spec]
           [-D [bind_address:]port] [-E log_file] [-e escape_char]
           [-F configfile] [-i identity_file] [-J destination] [-L address]
           [-l login_name] [-m mac_spec] [-o option] [-p port] [-R address]
           [-W host:port] destination [command [argument ...]]
       ssh [-Q query_option]`

// Flags OpenSSH has that sshbox does not implement: refused with a reason
// rather than ignored.
var unsupported = map[string]string{
	"-X": "X11 forwarding is not supported by sshbox",
	"-Y": "X11 forwarding is not supported by sshbox",
	"-M": "connection multiplexing (-M/-S/-O) is not supported by sshbox",
	"-S": "connection multiplexing (-M/-S/-O) is not supported by sshbox",
	"-O": "connection multiplexing (-M/-S/-O) is not supported by sshbox",
	"-I": "PKCS#11 tokens (-I) are not supported by sshbox",
	"-w": "tunnel devices (-w) are not supported by sshbox",
	"-B": "binding to an interface (-B) is not supported by sshbox; use -b address",
	"-P": "tags (-P) are not supported by sshbox",
}

const (
	msgBadPort       = "Bad port '%s'"
	msgBadQuery      = "Unsupported query \"%s\""
	msgWriteG        = "ssh: -G: %v"
	msgStdioConflict = "Cannot specify stdio forward with -N, -t or a command"
	msgForkNoCommand = "Cannot fork into background without a command to execute."
	msgLogFile       = "couldn't open logfile %s: %v"
	msgNoConfigFile  = "Can't open user config file %s: No such file or directory"
	msgHopConfig     = "ProxyJump host %s: %v"
	msgBadForward    = "Bad forwarding specification '%s'"
)
